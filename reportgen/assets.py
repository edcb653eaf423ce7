"""The files a report's pages use, and where each edition finds them.

Two kinds: template assets (``assets/fonts/…`` in a template folder, the report's own folder
first) and the files the configuration names (its font, logo and pictures, relative to the
configuration). Templates ask for both through ``asset(…)``: for print the answer is a URL that
:class:`reportgen.pdf.AssetFetcher` will serve, for the web edition a name inside the edition's
folder, and the file is remembered so it can be copied there.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .config import Config
from .exceptions import BuildError


def find_asset(roots: list[Path], relative: Path | str) -> Path | None:
    """``relative`` in the first of the (resolved) template folders that has it, never outside them."""
    for root in roots:
        candidate = (root / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


class Assets:
    def __init__(self, config: Config, roots: list[Path], *, web: bool = False):
        self.config, self.roots, self.web = config, [Path(r).resolve() for r in roots], web
        self.used: dict[str, Path] = {}  # name in the web edition -> the file

    def url(self, ref: str | Path) -> str:
        """``ref``: a template asset (str, e.g. ``"assets/fonts/X.ttf"``) or a configured file (Path)."""
        if isinstance(ref, Path):
            source = (self.config.base_dir / ref).resolve()
            digest = hashlib.sha256(ref.as_posix().encode()).hexdigest()[:8]
            safe = re.sub(r"[^A-Za-z0-9._-]", "_", source.name)
            name, print_url = f"assets/own/{digest}-{safe}", source.as_uri()
        else:
            source, name, print_url = self.find(ref), ref, ref
        if not self.web:
            return print_url
        self.used[name] = source
        return name

    def find(self, ref: str) -> Path:
        found = find_asset(self.roots, ref)
        if found is None:
            raise BuildError(f"asset not found in the template folders: {ref}")
        return found

    def configured_files(self) -> list[Path]:
        """The files the configuration names, which the print fetcher may read besides the roots."""
        return [path.resolve() for _, path in self.config.files()]
