"""HTML to PDF with WeasyPrint, allowed to read nothing but the report's own assets."""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import logging
import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .assets import find_asset
from .exceptions import BuildError

log = logging.getLogger(__name__)


class AssetFetcher(URLFetcher):
    """Serves ``file:`` URLs under the template folders and the files the configuration names
    (its font, logo, pictures), and refuses everything else.

    No network, no redirects, no ``data:`` or other schemes, no other file. A path under the
    folders is looked up in each folder in turn (the report's own first), relative to the first,
    which is the base URL of the document.
    """

    def __init__(self, roots: list[Path], files: list[Path] = ()):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, timeout=5)
        self.roots = [Path(r).resolve() for r in roots]
        self.files = {Path(f).resolve() for f in files}

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"reportgen loads only its own assets, not {url[:80]}")
        path = Path(unquote(parts.path)).resolve()
        if path in self.files:
            return self._response(url, path)
        found = find_asset(self.roots, self._relative(path))
        if found is not None:
            return self._response(url, found)
        raise ValueError(f"not a file of the report's assets: {url[:120]}")

    @staticmethod
    def _response(url: str, path: Path) -> URLFetcherResponse:
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    def _relative(self, path: Path) -> Path:
        for root in self.roots:
            if path.is_relative_to(root):
                return path.relative_to(root)
        raise ValueError(f"outside the report's assets: {path}")


def base_url(roots: list[Path]) -> str:
    return Path(roots[-1]).resolve().as_uri() + "/"


def lay_out(html: str, roots: list[Path], files: list[Path] = ()):
    """Lay out the report's pages with WeasyPrint; ``roots``: the template folders, own first;
    ``files``: other files the pages may use (those the configuration names)."""
    fetcher = AssetFetcher(roots, files)
    return HTML(string=html, base_url=base_url(roots), url_fetcher=fetcher).render(
        presentational_hints=False, pdf_tags=True)


PDF_VARIANT = "pdf/a-3a"  # archival, with tagged structure (the "accessible" level)


def write_pdf(document, *, attachments=(), finisher=None, created: dt.date | None = None,
              variant: str | None = PDF_VARIANT) -> bytes:
    """Write a laid-out WeasyPrint document as PDF, in memory.

    ``created``: the edition's date, used wherever a date would otherwise be the clock's, so the
    same inputs give the same bytes.
    """
    if created is not None:
        # fontTools stamps the clock into subset fonts unless this is set (HarfBuzz's subsetter,
        # which WeasyPrint prefers when libharfbuzz-subset is installed, stamps nothing).
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(calendar.timegm(created.timetuple()))))
    return document.write_pdf(pdf_variant=variant, pdf_tags=True, attachments=list(attachments),
                              finisher=finisher)


@contextlib.contextmanager
def weasyprint_errors():
    """WeasyPrint failures reach the user as one message (exit code 3), not a traceback."""
    try:
        yield
    except BuildError:
        raise
    except Exception as exc:  # noqa: BLE001
        log.debug("WeasyPrint failed", exc_info=True)
        raise BuildError(f"PDF rendering failed: {type(exc).__name__}: {exc}") from exc
