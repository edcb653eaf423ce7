"""Where reportgen's own files are: the default templates and the message catalogues."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def default_templates_dir() -> Path:
    """The built-in templates folder (``templates/`` in a checkout, package data when installed)."""
    return Path(str(resources.files("reportgen.templates")))


def locales_dir() -> Path:
    return Path(str(resources.files("reportgen.locales")))


def template_files(root: Path) -> list[Path]:
    """Every file of a template folder (templates and their assets), without Python's own files."""
    return sorted(p for p in Path(root).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.name != "__init__.py")


class NotRegularFile(OSError):
    """A device, a pipe or a socket where a file was expected: reading it may never end."""


class FileTooLarge(OSError):
    """A file larger than what reportgen reads of its kind."""


def read_regular_file(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; never blocks on a pipe or reads a device."""
    path = Path(path)
    if path.exists() and not path.is_file() and not path.is_dir():
        raise NotRegularFile(str(path))
    with path.open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(str(path))
    return data
