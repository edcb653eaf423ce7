"""HTML to PDF with WeasyPrint, allowed to read nothing but the report's own assets."""

from __future__ import annotations

import calendar
import contextlib
import ctypes
import datetime as dt
import gc
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..locales import Messages
from ..problems import BuildError, ReportgenError, Severity

if TYPE_CHECKING:  # WeasyPrint is imported when a page is laid out, not with the package
    from weasyprint import Attachment
    from weasyprint.document import Document

    from .fetcher import AssetFetcher

__all__ = ["BASE_URL", "AssetFetcher", "Document", "fewer_collections", "lay_out", "weasyprint_errors", "write_pdf"]

log = logging.getLogger(__name__)


# Where the print pages find their assets, wherever the report and reportgen lie on disk: WeasyPrint
# names each picture after its URL, so a real path would make the same inputs give other bytes
# in another folder.
BASE_URL = "file:///reportgen/"


def __getattr__(name: str) -> Any:
    """``AssetFetcher`` and ``Document`` on first use: ``check`` and the other commands that make no
    PDF never import WeasyPrint (it takes most of a second)."""
    if name == "AssetFetcher":
        from .fetcher import AssetFetcher
        return AssetFetcher
    if name == "Document":
        from weasyprint.document import Document
        return Document
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def lay_out(html: str, roots: list[Path], files: dict[str, Path] | None = None, *, tags: bool = True) -> Document:
    """Lay out the report's pages with WeasyPrint; ``roots``: the template folders, own first;
    ``files``: the other files the pages may use (those the configuration names), by name; ``tags``:
    with the structure a tagged PDF needs (the print edition has none)."""
    from weasyprint import HTML

    from . import fixes, hyphenation
    from .fetcher import AssetFetcher
    fetcher = AssetFetcher(roots, files)
    fixes.apply()  # the same pages with less work (REPORTGEN_STOCK_WEASYPRINT=1: without)
    hyphenation.install()  # words the language's dictionary does not know are never hyphenated
    document: Document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        presentational_hints=False, pdf_tags=tags)
    release_memory()  # what the layout let go, before the pages are painted
    return document


def release_memory() -> None:
    """Collect the cyclic garbage a stage left (the cycle collector runs seldom in
    :func:`fewer_collections`) and hand the C heap's free pages back to the system (glibc's
    ``malloc_trim``): the next stage's objects are mostly of other sizes and would not reuse them,
    so the resident set would hold both. A 500-action report: some 100 MB lower peak by itself, 280 MB
    with the fix ``layout-state-released`` (bench/RESULTS.md)."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError, TypeError):  # not glibc
        pass


PDF_VARIANT = "pdf/a-3a"  # archival, with tagged structure (the "accessible" level)


def write_pdf(document: Document, *, attachments: Sequence[Attachment] = (),
              finisher: Callable[[Document, Any], None] | None = None, created: dt.date | None = None,
              variant: str | None = PDF_VARIANT, tags: bool = True) -> bytes:
    """Write a laid-out WeasyPrint document as PDF, in memory.

    ``created``: the edition's date, used wherever a date would otherwise be the clock's, so the
    same inputs give the same bytes. ``tags``: a tagged PDF (the print edition is not).
    """
    epoch = str(int(calendar.timegm(created.timetuple()))) if created is not None else None
    # fontTools stamps the clock into subset fonts unless SOURCE_DATE_EPOCH is set (HarfBuzz's
    # subsetter, which WeasyPrint prefers when libharfbuzz-subset is installed, stamps nothing).
    with _environment("SOURCE_DATE_EPOCH", epoch):
        pdf: bytes = document.write_pdf(pdf_variant=variant, pdf_tags=tags, attachments=list(attachments),
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
def fewer_collections() -> Iterator[None]:
    """Python's cycle collector runs less often in the block: laying out and writing pages makes
    millions of objects and few cycles, and each collection walks them all (about a tenth of a
    build). What exists before the block is frozen (never walked again); all is restored after."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


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
