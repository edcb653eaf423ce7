"""HTML to PDF with WeasyPrint, allowed to read nothing but the report's own assets."""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import logging
import mimetypes
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint import HTML, Attachment
from weasyprint.document import Document

__all__ = ["BASE_URL", "AssetFetcher", "Document", "lay_out", "weasyprint_errors", "write_pdf"]
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..locales import Messages
from ..problems import BuildError, ReportgenError, Severity
from ..render.assets import find_asset

log = logging.getLogger(__name__)


# Where the print pages find their assets, wherever the report and reportgen lie on disk: WeasyPrint
# names each picture after its URL, so a real path would make the same inputs give other bytes
# in another folder.
BASE_URL = "file:///reportgen/"
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


def lay_out(html: str, roots: list[Path], files: dict[str, Path] | None = None) -> Document:
    """Lay out the report's pages with WeasyPrint; ``roots``: the template folders, own first;
    ``files``: the other files the pages may use (those the configuration names), by name."""
    fetcher = AssetFetcher(roots, files)
    document: Document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        presentational_hints=False, pdf_tags=True)
    return document


PDF_VARIANT = "pdf/a-3a"  # archival, with tagged structure (the "accessible" level)


def write_pdf(document: Document, *, attachments: Sequence[Attachment] = (),
              finisher: Callable[[Document, Any], None] | None = None, created: dt.date | None = None,
              variant: str | None = PDF_VARIANT) -> bytes:
    """Write a laid-out WeasyPrint document as PDF, in memory.

    ``created``: the edition's date, used wherever a date would otherwise be the clock's, so the
    same inputs give the same bytes.
    """
    epoch = str(int(calendar.timegm(created.timetuple()))) if created is not None else None
    # fontTools stamps the clock into subset fonts unless SOURCE_DATE_EPOCH is set (HarfBuzz's
    # subsetter, which WeasyPrint prefers when libharfbuzz-subset is installed, stamps nothing).
    with _environment("SOURCE_DATE_EPOCH", epoch):
        pdf: bytes = document.write_pdf(pdf_variant=variant, pdf_tags=True, attachments=list(attachments),
                                        finisher=finisher)
    return pdf


@contextlib.contextmanager
def _environment(name: str, value: str | None) -> Iterator[None]:
    """``name`` set to ``value`` for the block only (a value set before is kept and restored)."""
    if value is None or name in os.environ:
        yield
        return
    os.environ[name] = value
    try:
        yield
    finally:
        os.environ.pop(name, None)


@contextlib.contextmanager
def weasyprint_errors(t: Messages) -> Iterator[None]:
    """WeasyPrint failures reach the user as one finding (exit code 3), not a traceback."""
    try:
        yield
    except ReportgenError:  # reportgen's own stop (a strict proof), already worded
        raise
    except Exception as exc:
        log.debug("WeasyPrint failed", exc_info=True)
        raise BuildError([t.finding("build-pdf", Severity.ERROR, detail=f"{type(exc).__name__}: {exc}")]) from exc
