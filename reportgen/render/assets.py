"""The files a report's pages use, and where each edition finds them.

Two kinds: template assets (``assets/fonts/…`` in a template folder, the report's own folder
first) and the files the configuration names (its font, logo and pictures, relative to the
configuration). Templates ask for both through ``asset(…)``: for print the answer is a URL that
:class:`reportgen.pdf.AssetFetcher` will serve, for the web edition a name inside the edition's
folder, and the file is remembered so it can be copied there. A font's name in the web edition ends
in ``.woff2``: the pipeline cuts it to the page's characters (:mod:`.webfonts`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..configuration import Config
from ..configuration.glyphs import SYMBOL_FONTS
from ..problems import BuildError, Severity
from .webfonts import FONT_SUFFIXES


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
        self.fonts: dict[str, Path] = {}  # the fonts among them, by their name in the web edition (WOFF2)

    def url(self, ref: str | Path) -> str:
        """``ref``: a template asset (str, e.g. ``"assets/fonts/X.ttf"``) or a configured file (Path).
        The answer is a name relative to the page: for print, under the fetcher's base URL."""
        if isinstance(ref, Path):
            name, source = self.own_name(ref), (self.config.base_dir / ref).resolve()
        else:
            name, source = ref, self.find(ref)
        if self.web and name.lower().endswith(FONT_SUFFIXES):
            name = f"{name.rsplit('.', 1)[0]}.woff2"
            self.fonts[name] = source
        elif self.web:
            self.used[name] = source
        return name

    @staticmethod
    def own_name(ref: Path) -> str:
        """A configured file's name among the assets: from the path the configuration gives, so
        two pictures of the same name in different folders stay apart."""
        digest = hashlib.sha256(ref.as_posix().encode()).hexdigest()[:8]
        return f"assets/own/{digest}-{re.sub(r'[^A-Za-z0-9._-]', '_', ref.name)}"

    def find(self, ref: str) -> Path:
        found = find_asset(self.roots, ref)
        if found is None:
            raise BuildError([self.config.messages.finding("build-asset-missing", Severity.ERROR, file=ref)])
        return found

    def font_files(self) -> list[Path]:
        """The report's own fonts: the configured text font's faces (or the shipped ones) and the
        symbol font, as the stylesheet declares them."""
        if self.config.style.font:
            text = [(self.config.base_dir / face).resolve() for face, _, _ in self.config.style.font.faces()]
            symbols = [self.find(f"assets/fonts/{name}") for name in SYMBOL_FONTS]
            return sorted(set(text)) + symbols
        shipped = {p.name for root in self.roots for p in (root / "assets" / "fonts").glob("*.ttf")}
        return [self.find(f"assets/fonts/{name}") for name in sorted(shipped)]

    def configured_files(self) -> dict[str, Path]:
        """The files the configuration names, by name: the print fetcher may read these besides the roots."""
        return {self.own_name(Path(ref)): (self.config.base_dir / ref).resolve() for _, ref in self.config.file_refs()}
