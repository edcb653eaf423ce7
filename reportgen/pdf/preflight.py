"""The print checks of the proof, on the print edition's laid-out pages: what a print shop's
preflight would mark.

- ``proof-bleed``: an element drawn to the trim (a background, a picture) that does not run on
  into the bleed as far as the page's bleed, so a cut a hair off shows a white edge; the page's own
  background covers the bleed for an element of its colour.
- ``proof-page-count``: a page count that is not a multiple of four (a folded sheet has four).
- ``proof-image-resolution``: a raster picture printed at less than 300 pixels an inch.
"""

from __future__ import annotations

from typing import Any

from ..configuration import Config
from ..problems import Finding, Severity
from .lines import classes, descendants
from .printshop import BLEED_MM, MULTIPLE

MIN_DPI = 300
CSS_PX_PER_INCH = 96
TOLERANCE = 0.5  # CSS px: what layout rounding leaves between an edge and the trim
BLEED_PX = BLEED_MM / 25.4 * CSS_PX_PER_INCH


def print_proof(document: Any, config: Config, file: str) -> list[Finding]:
    """Every print check's findings for the print edition's laid-out pages (its ``file``), in page order."""
    findings = []
    if len(document.pages) % MULTIPLE:
        findings.append(_finding(config, file, "proof-page-count", len(document.pages), pages=len(document.pages),
                                 multiple=MULTIPLE))
    for number, page in enumerate(document.pages, start=1):
        findings += _bleeds(page, number, config, file)
        findings += _resolutions(page, number, config, file)
    return sorted(findings, key=lambda f: int((f.cell or "page 0").split()[-1]))


def _finding(config: Config, file: str, code: str, page: int, **params: Any) -> Finding:
    return config.messages.finding(code, Severity.WARNING, file=file, cell=f"page {page}", page=page, **params)


def _drawn(page_box: Any) -> list[Any]:
    """The boxes of a page that put colour on paper at their edges: a background, a picture (not
    the page itself, its margin boxes, or the root, whose background is the page's)."""
    from weasyprint.formatting_structure import boxes

    found = []
    for box in descendants(page_box):
        if isinstance(box, (boxes.PageBox, boxes.MarginBox)) or getattr(box, "element_tag", None) in ("html", "body"):
            continue
        if getattr(box, "background", None) is not None or isinstance(box, boxes.ReplacedBox):
            found.append(box)
    return found


def _bleeds(page: Any, number: int, config: Config, file: str) -> list[Finding]:
    """An element that reaches the trim but not the bleed's edge, once per element and page."""
    page_box = page._page_box
    page_colour = page_box.style["background_color"] if page_box.background is not None else None
    findings, seen = [], set()
    for box in _drawn(page_box):
        if box.style["background_color"] == page_colour and not _is_picture(box):
            continue  # the page's own background runs on under it into the bleed
        side = _short_side(box, page)
        if side and id(box.element) not in seen:
            seen.add(id(box.element))
            findings.append(_finding(config, file, "proof-bleed", number, element=_name(box),
                                     side=config.messages(f"words.side_{side}"), bleed=BLEED_MM))
    return findings


def _is_picture(box: Any) -> bool:
    from weasyprint.formatting_structure import boxes
    return isinstance(box, boxes.ReplacedBox)


def _short_side(box: Any, page: Any) -> str | None:
    """The first side on which ``box`` reaches the trim but stops short of the bleed's edge."""
    left, top = box.border_box_x(), box.border_box_y()
    right, bottom = left + box.border_width(), top + box.border_height()
    if right <= 0 or bottom <= 0 or left >= page.width or top >= page.height:
        return None  # not on this page's paper
    beyond = {"top": -top, "left": -left, "right": right - page.width, "bottom": bottom - page.height}
    for side, past in beyond.items():
        if -TOLERANCE <= past < BLEED_PX - TOLERANCE:
            return side
    return None


def _name(box: Any) -> str:
    element = box.element
    tag = getattr(box, "element_tag", None) or "?"
    return ".".join([tag, *sorted(classes(element))])


def _resolutions(page: Any, number: int, config: Config, file: str) -> list[Finding]:
    """Each raster picture printed at fewer than :data:`MIN_DPI` pixels an inch."""
    from weasyprint.images import RasterImage

    findings = []
    for box in descendants(page._page_box):
        image = getattr(box, "replacement", None)
        if not isinstance(image, RasterImage) or not box.width or not box.height:
            continue
        dpi = min(image.width / (box.width / CSS_PX_PER_INCH), image.height / (box.height / CSS_PX_PER_INCH))
        if dpi < MIN_DPI - 0.5:
            findings.append(_finding(config, file, "proof-image-resolution", number, element=_name(box),
                                     dpi=f"{dpi:.0f}", minimum=MIN_DPI))
    return findings
