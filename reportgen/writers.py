"""Writing files so that a reader never sees half of one, and never outside their folder."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from .locales import Messages
from .problems import BuildError, Severity


def inside(folder: Path | str, name: str, t: Messages) -> Path:
    """``folder / name``, refused (a :class:`BuildError`) unless it lies inside ``folder``: a name
    made from text (a version, an edition, a title) must never lead anywhere else."""
    base = Path(folder).resolve()
    target = base if not name or "\x00" in name else (base / name).resolve()
    if target == base or not target.is_relative_to(base):
        raise BuildError([t.finding("path-outside", Severity.ERROR, file=name, folder=str(folder))])
    return Path(folder) / name


def remove_stale_parts(target: Path) -> None:
    """Temporary files or folders a killed earlier write of ``target`` may have left behind."""
    for stale in Path(target).parent.glob(f".{Path(target).name}.*.part"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; it replaces ``target`` only if the block succeeds.

    A failed or interrupted write leaves ``target`` as it was (the last good file) and no
    half-written file behind.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target


def write_text(target: Path, text: str) -> Path:
    return write_bytes(target, text.encode("utf-8"))


def _stage_folder(target: Path, files: Mapping[str, bytes | Path]) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    for name, content in sorted(files.items()):
        path = staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else Path(content).read_bytes())
    os.chmod(staging, 0o755)
    return staging


def _swap_in(staging: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old.part")
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def write_together(files: Mapping[Path, bytes], folders: Mapping[Path, Mapping[str, bytes | Path]]) -> None:
    """Write several files and folders as one output: everything is written under temporary
    names first, and only when all of it is there are they renamed into place, one after the
    other. A failure while writing leaves every earlier output as it was."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_parts(target)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(name, 0o644)
            staged.append((Path(name), target))
        staged += [(_stage_folder(target, content), target) for target, content in folders.items()]
        for tmp, target in staged:
            if tmp.is_dir():
                _swap_in(tmp, target)
            else:
                os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            if tmp.is_dir():
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                tmp.unlink(missing_ok=True)


def write_folder(target: Path, files: Mapping[str, bytes | Path]) -> Path:
    """Write a folder of files (name -> bytes, or a file to copy) so that it replaces ``target``
    whole: a reader sees the old folder or the new one, never a mix."""
    write_together({}, {Path(target): files})
    return Path(target)
