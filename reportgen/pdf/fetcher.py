"""WeasyPrint's URL fetcher for the report: its own assets, nothing else."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..render.assets import find_asset
from . import BASE_URL

_BASE_PATH = urlsplit(BASE_URL).path


class AssetFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no type information
    """Serves the report's assets under :data:`BASE_URL` and refuses everything else.

    ``assets/…`` is looked up in each template folder in turn (the report's own first), never
    outside them; ``files`` maps the names of the files the configuration names (its font, logo,
    pictures: ``assets/own/…``, see :class:`reportgen.assets.Assets`) to where they are. No
    network, no redirects, no ``data:`` or other schemes, no other file.
    """

    def __init__(self, roots: list[Path], files: dict[str, Path] | None = None):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, timeout=5)
        self.roots = [Path(r).resolve() for r in roots]
        self.files = dict(files or {})

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if not url.startswith(BASE_URL) or parts.query:
            raise ValueError(f"reportgen loads only its own assets, not {url[:80]}")
        name = unquote(parts.path).removeprefix(_BASE_PATH)
        found = self.files.get(name) or find_asset(self.roots, name)
        if found is None:
            raise ValueError(f"not a file of the report's assets: {url[:120]}")
        mime = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": mime})
