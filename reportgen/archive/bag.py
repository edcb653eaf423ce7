"""A published version as a BagIt bag (RFC 8493), made and validated by the Library of Congress'
``bagit`` library:

    archive/2017/v2.6.2017/bagit.txt               BagIt-Version 1.0
                           bag-info.txt            who, what, when: Source-Organization, External-Identifier,
                                                   Bagging-Date, the title, edition and version
                           manifest-sha256.txt     every file of the payload
                           tagmanifest-sha256.txt  the four files above
                           data/                   the payload: the version exactly as reportgen files it (the
                                                   PDF, data/, manifest.json, SHA256SUMS)

reportgen's own manifest and SHA256SUMS are payload, not tag files: an archive that takes the bag in
keeps its payload as the record (tag files are the transfer's envelope, rewritten when it is bagged
again), so the manifest's check summary and the hashes of the inputs stay with the PDF; and a
version published before versions were bags becomes one by moving its files, unchanged and under
the same names, into ``data/``.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path, PurePosixPath
from typing import Any

import bagit

from .. import __version__
from ..locales import Messages
from ..paths import BAG_DECLARATION, BAG_PAYLOAD, shown
from ..problems import Finding, Severity

BAGIT_VERSION = "1.0"  # RFC 8493; bagit 1.9.0 writes the draft's 0.97 (LibraryOfCongress/bagit-python#141)
ALGORITHMS = ["sha256"]
MAX_TAG_FILE_BYTES = 16 * 1024 * 1024  # bagit.txt, bag-info.txt, the manifests: a version's are a few KB
TAG_FILES = frozenset({BAG_DECLARATION, "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"})

# The library logs every file it finds wrong, in English: reportgen says it as findings instead.
logging.getLogger("bagit").addHandler(logging.NullHandler())
logging.getLogger("bagit").propagate = False


def bag_info(manifest: dict[str, Any], t: Messages) -> dict[str, str]:
    """``bag-info.txt`` of a version, from its manifest (the same for a new version and an old one
    made a bag). Bagging-Date and Payload-Oxum are the library's."""
    title, edition, version = (str(manifest.get(key, "")) for key in ("title", "edition", "version"))
    info = {
        "Source-Organization": str(manifest.get("organisation", "")),
        "External-Identifier": PurePosixPath(str(manifest["pdf"]["file"])).stem,
        "External-Description": t("archive.bag_description", title=title, edition=edition, version=version),
        "Title": title, "Edition": edition, "Version": version, "Edition-Date": str(manifest.get("date", "")),
        "Bag-Software-Agent": f"reportgen {__version__} (bagit.py {bagit.VERSION})",
    }
    return {label: value for label, value in info.items() if value}


def make_bag(folder: Path, manifest: dict[str, Any], t: Messages) -> None:
    """Make a folder holding a version's files a bag: the library moves them into ``data/`` (never
    rewriting one) and writes the manifests; then ``bagit.txt`` declares BagIt 1.0 and the tag
    manifest is made again over it. (The library changes the working folder while it works: not
    for a process that runs other threads.)"""
    try:
        bagit.make_bag(str(folder), bag_info(manifest, t), checksums=ALGORITHMS)
        (folder / BAG_DECLARATION).write_text(f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n",
                                              encoding="utf-8")
        bagit.Bag(str(folder)).save()
    except (bagit.BagError, RuntimeError) as exc:  # the library's refusals (a folder it cannot write): a write failed
        raise OSError(str(exc)) from None


def validate_bag(folder: Path, t: Messages) -> list[Finding]:
    """What the bagit library finds wrong with a bag, each file named: first the fast check (the
    bag's structure, Payload-Oxum: the payload's file count and bytes), then the full one (every
    file of the manifests there, no other in ``data/``, every hash)."""
    def problem(code: str, name: str, **params: Any) -> Finding:
        return t.finding(code, Severity.ERROR, file=shown(str(folder / name)), **params)

    odd = _not_regular(folder)
    if odd:  # hashing a pipe or a device would never end: named, not read
        return [problem("archive-file-unreadable", name, detail=t("read_problems.not_regular")) for name in odd]
    large = sorted(p.name for p in folder.iterdir() if p.is_file() and p.stat().st_size > MAX_TAG_FILE_BYTES)
    if large:  # the library reads its tag files whole
        return [problem("archive-file-unreadable", name, detail=t("read_problems.too_large")) for name in large]
    try:
        bag = bagit.Bag(str(folder))
    except bagit.BagError:
        return [problem("archive-bag-invalid", BAG_DECLARATION)]
    found = []
    try:
        bag.validate(fast=True)
    except bagit.BagValidationError:
        found.append(problem("archive-bag-oxum", "bag-info.txt"))
    except bagit.BagError:
        return [problem("archive-bag-invalid", BAG_DECLARATION)]
    bag.info.pop("Payload-Oxum", None)  # checked: the full check goes on to name each file
    try:
        bag.validate()
    except bagit.BagValidationError as exc:
        found += [problem(_CODES[type(detail)], str(detail.path)) for detail in exc.details
                  if type(detail) in _CODES] or [problem("archive-bag-invalid", BAG_DECLARATION)]
    except bagit.BagError:
        found.append(problem("archive-bag-invalid", BAG_DECLARATION))
    known = TAG_FILES | {BAG_PAYLOAD} | set(bag.tagfile_entries())
    found += [problem("archive-bag-unlisted", name) for name in sorted(os.listdir(folder)) if name not in known]
    return found


_CODES = {bagit.ChecksumMismatch: "archive-file-changed", bagit.FileMissing: "archive-file-missing",
          bagit.UnexpectedFile: "archive-bag-unlisted"}


def _not_regular(folder: Path) -> list[str]:
    """Everything in a bag that is neither a regular file nor a folder (a link, a pipe, a device)."""
    names = []
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root, name)
            mode = path.lstat().st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                names.append(path.relative_to(folder).as_posix())
    return sorted(names)
