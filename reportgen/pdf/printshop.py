"""The print shop's edition: PDF/X-4 with a CMYK output intent, bleed, crop marks, and a page count
that is a multiple of four.

The pages come from the print stylesheet layer (``templates/print.css.j2``: a CSS bleed area of
:data:`SHEET_MM` with ``marks: crop``, the edge elements drawn :data:`BLEED_MM` on into the bleed,
the FOGRA39 profile as ``@color-profile device-cmyk``), laid out by WeasyPrint. Here they get their
blank pages (before the back cover, where a printer expects them), and WeasyPrint's ``pdf/x-4``
variant writes them; the finisher adds what a preflight reads beyond that: ``GTS_PDFXVersion`` in the
document information too, the output intent named as the ICC registry's characterized printing condition ``FOGRA39``,
DeviceRGB mapped to sRGB (``DefaultRGB``: WeasyPrint paints CSS colours as DeviceRGB, which PDF/X-4
allows only with a colour space that says what it means), the BleedBox :data:`BLEED_MM` outside the
TrimBox (WeasyPrint puts it at most 10 pt out, here 8 mm), no link annotations (a printed page has
no links), and an XMP document ID made from the edition, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from . import write_pdf

if TYPE_CHECKING:
    from weasyprint.document import Document

PRINT_VARIANT = "pdf/x-4"
PDFX_VERSION = "PDF/X-4"
MULTIPLE = 4  # pages in a printed sheet's fold: a booklet's page count
OUTPUT_CONDITION = "FOGRA39"  # ISO 12647-2:2004/Amd 1, offset on coated paper, registered with the ICC
OUTPUT_CONDITION_TEXT = "Offset printing, ISO 12647-2:2004/Amd 1, coated paper (FOGRA39)"
REGISTRY = "http://www.color.org"
BACK_COVER = "closing"  # the named page (style.css.j2) that ends the report
BLEED_MM = 3  # what runs to the trim runs this far on (the PDF's BleedBox)
SHEET_MM = 8  # the CSS bleed area (the PDF's MediaBox): WeasyPrint draws the crop marks in its outer half
PT_PER_MM = 72 / 25.4
# What the print stylesheet layer (templates/print.css.j2) is given as ``print_edition``.
GEOMETRY = {"bleed": f"{BLEED_MM}mm", "sheet": f"{SHEET_MM}mm"}


def blanks_needed(pages: int) -> int:
    """How many blank pages make ``pages`` a multiple of four."""
    return -pages % MULTIPLE


def padded(document: Document) -> Document:
    """The document with blank pages (crop marks, nothing else) to a multiple of four pages: before
    the back cover when the report ends with one, else at its end."""
    count = blanks_needed(len(document.pages))
    if not count:
        return document
    pages = list(document.pages)
    at = len(pages) - 1 if _page_name(pages[-1]) == BACK_COVER else len(pages)
    blank = _blank_pages(pages[-1], count)
    return document.copy(pages[:at] + blank + pages[at:])


def _page_name(page: Any) -> str:
    return str(page._page_box.page_type.name or "")


def _blank_pages(like: Any, count: int) -> list[Any]:
    """``count`` empty pages of the size, bleed and marks of ``like``."""
    from weasyprint import CSS, HTML

    bleed = like.bleed["top"]
    css = (f"@page {{ size: {like.width}px {like.height}px; margin: 0; bleed: {bleed}px; marks: crop; }}"
           "body { margin: 0; }")
    html = "".join('<div style="break-before: page"></div>' for _ in range(count))
    blank: list[Any] = HTML(string=f"<html><body>{html}</body></html>").render(stylesheets=[CSS(string=css)]).pages
    return blank[-count:]


def write_print_pdf(document: Document, *, created: dt.date, identifier: str) -> bytes:
    """The padded document as PDF/X-4, in memory; ``identifier``: the edition's name, from which its
    XMP document ID is made (the same edition, the same bytes)."""
    return write_pdf(padded(document), created=created, variant=PRINT_VARIANT, tags=False,
                     finisher=lambda _document, pdf: finish(pdf, identifier))


def finish(pdf: Any, identifier: str) -> None:
    """What a preflight reads beyond WeasyPrint's ``pdf/x-4``, on the PDF before it is written."""
    import pydyf

    pdf.info["GTS_PDFXVersion"] = pydyf.String(PDFX_VERSION)
    bleed = BLEED_MM * PT_PER_MM
    for intent in pdf.catalog.get("OutputIntents", []):
        intent["OutputConditionIdentifier"] = pydyf.String(OUTPUT_CONDITION)
        intent["OutputCondition"] = pydyf.String(OUTPUT_CONDITION_TEXT)
        intent["Info"] = pydyf.String(OUTPUT_CONDITION_TEXT)
        intent["RegistryName"] = pydyf.String(REGISTRY)
    srgb = pydyf.Stream([_srgb_profile()], pydyf.Dictionary({"N": 3}), compress=True)
    pdf.add_object(srgb)
    for item in pdf.objects:
        if isinstance(item, pydyf.Dictionary):
            if "lab-d50" in item:  # WeasyPrint's one dictionary of colour spaces, shared by every page and group
                item["DefaultRGB"] = pydyf.Array(("/ICCBased", srgb.reference))
            if item.get("Type") == "/Page":
                item.pop("Annots", None)
                left, bottom, right, top = item["TrimBox"]
                item["BleedBox"] = pydyf.Array([left - bleed, bottom - bleed, right + bleed, top + bleed])
        elif isinstance(item, pydyf.Stream) and item.extra.get("Type") == "/Metadata":
            document_id = uuid.uuid5(uuid.NAMESPACE_URL, f"reportgen:print:{identifier}")
            item.stream = [_steady_id(part, document_id) for part in item.stream]


def _srgb_profile() -> bytes:
    """WeasyPrint's own sRGB profile (the one it embeds for PDF/A)."""
    return (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()


def _steady_id(part: bytes | str, document_id: uuid.UUID) -> bytes | str:
    """An XMP packet with its random ``xmp.did:`` replaced by ``document_id``."""
    import re

    if isinstance(part, bytes):
        return re.sub(rb"xmp\.did:[0-9a-f-]{36}", f"xmp.did:{document_id}".encode(), part)
    return part
