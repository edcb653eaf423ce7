"""The proof report: what a proof-reader would mark in the laid-out pages, as findings per page.

It reads WeasyPrint's laid-out document (the boxes of every page), so it sees the pages exactly
as they will print: a page left mostly empty that does not end a section, a heading, a contents
entry, a table head, the cover or a running line broken with a hyphen, a word broken where the
configured hyphenation list does not allow it, a character none of the report's fonts can draw,
text that runs out of its box, and a status bar whose length does not measure its count.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont

from ..configuration import Config
from ..model import Catalogue
from ..problems import Finding, Severity
from ..render.text import SOFT_HYPHEN

NO_HYPHENS = ("h1", "h2", "h3", "h4", "th")                       # elements that never break a word
NO_HYPHEN_CLASSES = {"toc", "cover", "theme-list", "running-text"}   # … nor anything inside these
WHITESPACE = set(" \n\t\u00a0\u2002\u2003\u2009\u200b" + SOFT_HYPHEN)
OVERFLOW_TOLERANCE = 1.0  # px: WeasyPrint's own rounding


@dataclasses.dataclass(frozen=True)
class Line:
    page: int
    text: str
    element: Any             # the block the line belongs to (lxml element)
    ancestors: tuple[Any, ...]
    right: float             # the right edge of the line's content
    limit: float             # the right edge of the box it must stay in


def proof(document: Any, catalogue: Catalogue, fonts: list[Path], min_fill: float) -> list[Finding]:
    """Every finding of the proof report for a laid-out document, in page order."""
    config = catalogue.config
    lines = list(_lines(document))
    findings = _underfilled(document, config, min_fill)
    findings += _breaks(lines, config)
    findings += _overflowing(lines, config)
    findings += _undrawable(lines, config, fonts)
    findings += _bars(document, catalogue)
    return sorted(findings, key=lambda f: int((f.cell or "page 0").split()[-1]))


def _finding(config: Config, code: str, page: int, **params: Any) -> Finding:
    return config.messages.finding(code, Severity.WARNING, file=config.report.pdf_name, cell=f"page {page}",
                                   page=page, **params)


def _descendants(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def _lines(document: Any) -> Iterator[Line]:
    for number, page in enumerate(document.pages, start=1):
        yield from _walk_lines(page._page_box, number, (), (page._page_box,))


def _padding_right(box: Any) -> float:
    """The right edge of a box's padding area: where its text may reach (a hanging page number
    in the contents reaches into the padding)."""
    return float(box.position_x + box.margin_left + box.border_left_width + box.padding_left + box.width
                 + box.padding_right)


def _limit(blocks: tuple[Any, ...]) -> float:
    """Where a line's text must end: its block's padding edge, or that of a near ancestor that
    reserves room with a right padding (the contents hang their page numbers into it)."""
    padded = next((b for b in reversed(blocks[-4:]) if b.padding_right > 0), blocks[-1])
    return _padding_right(padded)


def _walk_lines(box: Any, page: int, ancestors: tuple[Any, ...], blocks: tuple[Any, ...]) -> Iterator[Line]:
    element = getattr(box, "element", None)
    if element is not None and (not ancestors or ancestors[-1] is not element):
        ancestors = ancestors + (element,)
    if type(box).__name__ == "LineBox":
        texts = [b for b in _descendants(box) if type(b).__name__ == "TextBox"]
        right = max((b.position_x + b.width for b in texts), default=box.position_x)
        yield Line(page, "".join(b.text for b in texts), element, ancestors, right, _limit(blocks))
        return
    if "Block" in type(box).__name__ or "Cell" in type(box).__name__:
        blocks = blocks + (box,)
    for child in getattr(box, "children", ()):
        yield from _walk_lines(child, page, ancestors, blocks)


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split()) if element is not None else set()


def _no_hyphens_here(line: Line) -> bool:
    return any(getattr(e, "tag", None) in NO_HYPHENS or _classes(e) & NO_HYPHEN_CLASSES for e in line.ancestors)


def _breaks(lines: list[Line], config: Config) -> list[Finding]:
    """How each line ends, found by laying the lines of a block over its text: at a space (fine),
    at a hyphen WeasyPrint added (not in a heading, the contents, a table head or the cover, and
    for a word on the configured list only where the list allows), or inside a word with no
    hyphen at all (a word too wide for its column, broken as the last resort)."""
    findings: list[Finding] = []
    by_element: dict[int, list[Line]] = {}
    for line in lines:
        if line.element is not None:
            by_element.setdefault(id(line.element), []).append(line)
    for block in by_element.values():
        source = " ".join("".join(block[0].element.itertext()).replace(SOFT_HYPHEN, "").split()).casefold()
        position = 0
        for line, after in zip(block, block[1:], strict=False):
            text = " ".join(line.text.replace(SOFT_HYPHEN, "").split()).casefold()
            added = text.endswith("-") and len(text) > 1
            found = source.find(text[:-1] if added else text, position)
            if found < 0 or not text:
                break  # generated text (leaders, page numbers): nothing more to compare in this block
            position = found + len(text) - (1 if added else 0)
            following = source[position:position + 1]
            if added and following == "-":
                position += 1
                continue  # a break after the text's own hyphen ("Fjerritslev-Svinkløv")
            if not following.isalnum():
                continue  # at a space, or after punctuation
            findings += _break_finding(line, after, added, config)
    return findings


def _break_finding(line: Line, after: Line, added: bool, config: Config) -> list[Finding]:
    head = re.search(r"(\w+)-?$", line.text.replace(SOFT_HYPHEN, ""))
    tail = re.match(r"\W*(\w+)", after.text)
    if head is None or tail is None:
        return []
    word, shown = head[1] + tail[1], f"{head[1]}-{tail[1]}"
    if not added:
        return [_finding(config, "proof-forced-break", line.page, word=word[:40])]
    listed = next((breaks for w, breaks in config.hyphenation.items() if word.casefold().startswith(w.casefold())),
                  None)
    if listed is not None:
        fine = len(head[1]) in _break_points(listed)
        return [] if fine else [_finding(config, "proof-wrong-break", line.page, word=shown)]
    if _no_hyphens_here(line):
        return [_finding(config, "proof-hyphenated", line.page, word=shown)]
    return []


def _break_points(breaks: str) -> set[int]:
    points, letters = set(), 0
    for ch in breaks:
        if ch == "-":
            points.add(letters)
        else:
            letters += 1
    return points


def _overflowing(lines: list[Line], config: Config) -> list[Finding]:
    return [_finding(config, "proof-overflow", line.page, text=line.text.strip()[:40])
            for line in lines if line.right > line.limit + OVERFLOW_TOLERANCE]


def _undrawable(lines: list[Line], config: Config, fonts: list[Path]) -> list[Finding]:
    drawable = _drawable(tuple(fonts))
    seen: set[str] = set()
    findings = []
    for line in lines:
        for ch in line.text:
            if ch in WHITESPACE or ch in seen or ord(ch) in drawable:
                continue
            seen.add(ch)
            findings.append(_finding(config, "proof-glyph", line.page, char=ch, point=f"U+{ord(ch):04X}",
                                     fonts=", ".join(f.name for f in fonts)))
    return findings


_COVERAGE: dict[tuple[Path, ...], set[int]] = {}


def _drawable(fonts: tuple[Path, ...]) -> set[int]:
    """The code points the report's own fonts can draw."""
    if fonts not in _COVERAGE:
        points: set[int] = set()
        for path in fonts:
            with TTFont(str(path), lazy=True) as font:
                points |= set(font.getBestCmap() or {})
        _COVERAGE[fonts] = points
    return _COVERAGE[fonts]


def _underfilled(document: Any, config: Config, min_fill: float) -> list[Finding]:
    """Pages filled less than ``min_fill`` of their height that do not end a part of the report."""
    top_level = _top_level(document)
    pages = [_page_content(page._page_box, top_level) for page in document.pages]
    findings = []
    for number, (fill, parts, named) in enumerate(pages, start=1):
        following = pages[number][1] if number < len(pages) else set()
        if named in ("cover", "closing") or not parts or not parts <= following:
            continue  # the report's first and last pages, and the last page of a part, may be short
        if fill < min_fill:
            findings.append(_finding(config, "proof-underfilled", number, share=f"{fill:.0%}",
                                     limit=f"{min_fill:.0%}"))
    return findings


def _top_level(document: Any) -> set[Any]:
    """The elements that are the report's parts: the children of <body> and <main>."""
    html = next((box.element for box in _descendants(document.pages[0]._page_box)
                 if getattr(box, "element_tag", None) == "html"), None) if document.pages else None
    if html is None:
        return set()
    return {child for parent in html.iter() if parent.tag in ("body", "main") for child in parent
            if child.tag != "main"}


def _page_content(page_box: Any, top_level: set[Any]) -> tuple[float, set[str], str]:
    """How much of the page's height is used, which top-level parts of the report are on it, and
    the page's name (cover, matrix …)."""
    top = page_box.position_y + page_box.margin_top
    bottom = top
    parts: set[str] = set()
    content = [child for child in page_box.children if "MarginBox" not in type(child).__name__]
    for box in (b for child in content for b in _descendants(child)):
        kind = type(box).__name__
        if kind in ("LineBox", "TableRowBox") or "Replaced" in kind:
            bottom = max(bottom, box.position_y + box.margin_height())
        element: Any = getattr(box, "element", None)
        if element is not None and element in top_level:
            parts.add(element.get("id") or f"{element.tag}.{element.get('class') or ''}")
    page_type = getattr(page_box, "page_type", None)
    return (bottom - top) / page_box.height, parts, str(getattr(page_type, "name", "") or "")


def _bars(document: Any, catalogue: Catalogue) -> list[Finding]:
    """Each status bar's drawn length must measure its count: the same length per action in every
    row, and at least a point for each status it shows."""
    config = catalogue.config
    counts = {len(group.actions) for group in catalogue.groups()}
    measured: list[tuple[int, float, int, float]] = []
    for number, page in enumerate(document.pages, start=1):
        for box in _descendants(page._page_box):
            element = getattr(box, "element", None)
            if element is None or "status-bar" not in _classes(element) or "Replaced" not in type(box).__name__:
                continue
            count = int(element.get("data-count") or 0)
            drawn, shortest = _drawn(element, float(box.width))
            if count:
                measured.append((number, drawn / count if count in counts else -1.0, count, shortest))
    if not measured:
        return []
    unit = max(per for _, per, _, _ in measured)
    return [_finding(config, "proof-figure", page, count=count) for page, per, count, shortest in measured
            if per < 0 or abs(per - unit) > 0.01 * unit or shortest < 1.0]


def _drawn(svg: Any, width: float) -> tuple[float, float]:
    """How long an SVG bar is drawn on the page (its rectangles' widths, scaled by the viewBox to the
    box's width), and its shortest segment."""
    view = [float(v) for v in (svg.get("viewBox") or "0 0 0 0").replace(",", " ").split()]
    scale = width / view[2] if len(view) == 4 and view[2] else 0.0
    rects = [float(r.get("width") or 0) * scale for r in svg.iter() if str(r.tag).endswith("rect")]
    return sum(rects), min(rects, default=0.0)
