"""``reportgen archive bag``: a version published before versions were BagIt bags made one, its
files moved, never rewritten.

The version is verified first (a damaged one is refused: a bag would vouch for the damage). Its
files are hard-linked (the same bytes, not copies) into a staging folder beside it, the bagit
library moves them into ``data/`` and writes the tag files, every file's SHA-256 is compared with
the one before, the bag is validated, and then the staging folder and the version's folder are
exchanged in one step: anyone looking sees the old version or the bag, never half of either. A
kill before the exchange leaves the old version and a staging folder (``verify`` reports it, the
next ``archive bag`` or ``publish`` removes it); after it, the bag.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..locales import Messages
from ..paths import BAG_PAYLOAD, file_sha256, is_bag, read_regular_file, shown
from ..problems import BuildError, ConfigError, Severity
from ..writers import remove_stale_parts, remove_tree, swap_in, writing
from .bag import make_bag
from .store import MANIFEST, MAX_MANIFEST_BYTES, MAX_VERSION_FILE_BYTES, verify_version


@dataclasses.dataclass(frozen=True)
class Bagged:
    """One version: made a bag now (``done``) or one already; ``files``: every file of its
    payload with its SHA-256, the same before and after."""

    folder: Path
    done: bool
    files: dict[str, str]


def versions(archive: Path, given: Iterable[Path], t: Messages) -> list[Path]:
    """The version folders to make bags: those given, else every version of the archive."""
    archive = Path(archive)
    chosen = [Path(folder) for folder in given]
    if chosen:
        return chosen
    if not archive.is_dir():
        raise ConfigError([t.finding("archive-missing", Severity.ERROR, file=str(archive))])
    return sorted(p for p in archive.glob("*/v*") if p.is_dir())


def bag_version(folder: Path, t: Messages) -> Bagged:
    """Make one version a bag (refused, with its findings, when it is damaged); a bag already is
    left as it is."""
    folder = Path(folder)
    if is_bag(folder):
        with writing(folder, t):
            remove_stale_parts(folder)  # what a run killed after the exchange left: the old names of its files
        return Bagged(folder, False, {})
    damaged = verify_version(folder, t)
    if damaged:
        raise ConfigError([t.finding("archive-bag-refused", Severity.ERROR, file=shown(str(folder))), *damaged])
    with writing(folder, t):
        manifest = json.loads(read_regular_file(folder / MANIFEST, MAX_MANIFEST_BYTES))
        before = hashes(folder)
        remove_stale_parts(folder)  # what a killed earlier run left
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".part", dir=folder.parent))
    try:
        with writing(folder, t):
            staging.chmod(0o755)
            _link_files(folder, staging)
            make_bag(staging, manifest, t)
        if hashes(staging / BAG_PAYLOAD) != before or verify_version(staging, t):
            raise BuildError([t.finding("archive-bag-changed", Severity.ERROR, file=shown(str(folder)))])
        with writing(folder, t):
            _seal(staging)
            swap_in(staging, folder)
    finally:
        if staging.exists():
            remove_tree(staging)
    return Bagged(folder, True, before)


def hashes(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (its path there) with its SHA-256."""
    found = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = Path(root, name)
            found[path.relative_to(folder).as_posix()] = file_sha256(path, MAX_VERSION_FILE_BYTES)
    return dict(sorted(found.items()))


def _link_files(folder: Path, staging: Path) -> None:
    """The version's files, hard-linked (the same bytes under a second name) into ``staging``."""
    for root, dirs, files in os.walk(folder):
        here = staging / Path(root).relative_to(folder)
        for name in dirs:
            (here / name).mkdir()
        for name in files:
            os.link(Path(root, name), here / name, follow_symlinks=False)


def _seal(bag: Path) -> None:
    """Read-only, as a published version is: the new folders and tag files (the payload's files,
    linked, are read-only already and are not touched)."""
    for path in sorted(bag.rglob("*"), reverse=True):
        if path.is_dir():
            path.chmod(0o555)
        elif path.parent == bag:
            path.chmod(0o444)
