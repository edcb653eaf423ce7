"""Where reportgen's own files are (the default templates, the message catalogues), and reading a
file that may be anything: only a regular file, bounded in size, never blocking on a pipe."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import BinaryIO


def default_templates_dir() -> Path:
    """The built-in templates folder (``templates/`` in a checkout, package data when installed)."""
    return Path(str(resources.files("reportgen.templates")))


def locales_dir() -> Path:
    return Path(str(resources.files("reportgen.locales")))


def template_files(root: Path) -> list[Path]:
    """Every file of a template folder (templates and their assets), without Python's own files."""
    return sorted(p for p in Path(root).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.name != "__init__.py")


BAG_DECLARATION = "bagit.txt"  # an archived version published as a BagIt bag (RFC 8493) has it
BAG_PAYLOAD = "data"  # … and its files (the version as reportgen writes it) in this folder
VERSION_SUMS = "SHA256SUMS"


def is_bag(folder: Path | str) -> bool:
    """Whether an archived version is a BagIt bag (its files under ``data/``), rather than a version
    published before versions were bags (its files in the folder itself). A bag whose ``bagit.txt``
    went missing is still known by its payload's ``SHA256SUMS``."""
    folder = Path(folder)
    return (folder / BAG_DECLARATION).is_file() or (folder / BAG_PAYLOAD / VERSION_SUMS).is_file()


def version_files(folder: Path | str) -> Path:
    """Where an archived version's own files (its PDF, data, manifest and SHA256SUMS) are: a bag's
    payload folder, or the version's folder for one published before versions were bags."""
    folder = Path(folder)
    return folder / BAG_PAYLOAD if is_bag(folder) else folder


class NotRegularFile(OSError):
    """A device, a pipe or a socket where a file was expected: reading it may never end."""


class FileTooLarge(OSError):
    """A file larger than what reportgen reads of its kind."""


CHUNK = 1024 * 1024


@contextlib.contextmanager
def open_regular_file(path: Path | str) -> Iterator[BinaryIO]:
    """A regular file, open for reading. Opening never blocks (a named pipe with no writer would
    wait for ever), and whatever the name leads to after symlinks is checked on the open file
    itself: a device, a pipe, a socket or a folder is refused with :class:`NotRegularFile`."""
    path = Path(path)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
        os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle


def read_regular_file(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; never blocks on a pipe or reads a device."""
    with open_regular_file(path) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(errno.EFBIG, "file too large", str(path))
    return data


def read_head(path: Path | str, size: int) -> bytes:
    """The first ``size`` bytes of a regular file (fewer if it is shorter): a sniff, never the whole file."""
    with open_regular_file(path) as fh:
        return fh.read(size)


def file_sha256(path: Path | str, limit: int) -> str:
    """The SHA-256 of a regular file of at most ``limit`` bytes, read in chunks (never whole)."""
    digest, seen = hashlib.sha256(), 0
    with open_regular_file(path) as fh:
        while chunk := fh.read(CHUNK):
            seen += len(chunk)
            if seen > limit:
                raise FileTooLarge(errno.EFBIG, "file too large", str(path))
            digest.update(chunk)
    return digest.hexdigest()


def shown(name: str) -> str:
    """A file name as it can be printed: bytes that are not UTF-8 (the stand-ins Python reads them
    as) written ``\\xff``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
