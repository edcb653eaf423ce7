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
