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


# Where the print pages find their assets, wherever the report and reportgen lie on disk: WeasyPrint
# names each picture after its URL, so a real path would make the same inputs give other bytes
# in another folder.
BASE_URL = "file:///reportgen/"
_BASE_PATH = urlsplit(BASE_URL).path


class AssetFetcher(URLFetcher):
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

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if not url.startswith(BASE_URL) or parts.query:
            raise ValueError(f"reportgen loads only its own assets, not {url[:80]}")
        name = unquote(parts.path).removeprefix(_BASE_PATH)
        found = self.files.get(name) or find_asset(self.roots, name)
        if found is None:
            raise ValueError(f"not a file of the report's assets: {url[:120]}")
        mime = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": mime})


def lay_out(html: str, roots: list[Path], files: dict[str, Path] | None = None):
    """Lay out the report's pages with WeasyPrint; ``roots``: the template folders, own first;
    ``files``: the other files the pages may use (those the configuration names), by name."""
    fetcher = AssetFetcher(roots, files)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
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
