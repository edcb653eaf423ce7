"""The proof report: what a proof-reader would mark in the laid-out pages, as findings per page.

It reads WeasyPrint's laid-out document (the boxes of every page), so it sees the pages exactly
as they will print, and each finding names the thing a reader looks for (the action, the table and
its column, the contents entry), never a fragment of a word. Lines (:mod:`.lines`): a heading, a
contents entry, a table head, the cover or a running line broken with a hyphen; a word broken where
the configured hyphenation list does not allow it; a word too wide for its column (in a table: the
column narrower than its longest word); a line broken with room to spare; a hyphen that leaves one
syllable alone on a line; a contents entry's page number alone on a line; a single line of a
paragraph alone at a column's foot or head; text that runs out of its box; a character none of the
report's fonts can draw. Pages: a page left mostly empty that does not end a part; a legend parted
from its table; a running head over a page that has
none of its matrix; a status bar whose length does not measure its count.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont

from ..configuration import Config
from ..model import Catalogue
from ..problems import Finding, Severity
from ..render.words import SOFT_HYPHEN, available
from .lines import (
    OVERFLOW_TOLERANCE,
    WHITESPACE,
    Break,
    Line,
    break_points,
    breaks,
    by_block,
    classes,
    descendants,
    lines,
    no_hyphens_here,
    room_to_spare,
    subject,
)

TAIL_ROWS = 2  # a table's last page with this many of its rows or fewer: they belong with the rest


def proof(document: Any, catalogue: Catalogue, fonts: list[Path], min_fill: float) -> list[Finding]:
    """Every finding of the proof report for a laid-out document, in page order."""
    config = catalogue.config
    all_lines = list(lines(document))
    blocks, fields = by_block(all_lines), by_block(all_lines, unit="field")  # grouped once, for every check
    findings = _no_dictionary(config)
    findings += _underfilled(document, config, min_fill)
    findings += _line_breaks(blocks, config)
    findings += _lone_lines(blocks, fields, config)
    findings += _contents_numbers(blocks, config)
    findings += _overflowing(all_lines, config)
    findings += _undrawable(all_lines, config, fonts)
    findings += _parted_legends(document, config)
    findings += _running_heads(document, config)
    findings += _table_tails(document, config)
    findings += _bars(document, catalogue)
    return sorted(findings, key=lambda f: int((f.cell or "page 0").split()[-1]))


def excerpt(text: str, limit: int = 100, *, end: bool = False) -> str:
    """``text`` as a finding quotes it: whole when it is short, else its first (``end``: last)
    words up to ``limit`` characters, never a word cut without saying so ("…")."""
    if len(text) <= limit:
        return text
    if end:
        cut = text[-limit:]
        return "…" + (cut.split(" ", 1)[1] if " " in cut.strip() and not text[-limit - 1].isspace() else cut).lstrip()
    cut = text[:limit]
    return (cut.rsplit(" ", 1)[0] if " " in cut.strip() and not text[limit].isspace() else cut).rstrip() + "…"


def _finding(config: Config, code: str, page: int, action: int | None = None, **params: Any) -> Finding:
    return config.messages.finding(code, Severity.WARNING, file=config.report.pdf_name, cell=f"page {page}",
                                   action=action, page=page, **params)


def _no_dictionary(config: Config) -> list[Finding]:
    """Without the language's dictionary every word is hyphenated, names and foreign words too."""
    if available(config.report.language):
        return []
    return [config.messages.finding("proof-no-dictionary", Severity.WARNING, file=config.report.pdf_name,
                                    language=config.report.language)]


def _line_breaks(blocks: list[list[Line]], config: Config) -> list[Finding]:
    """How each line ends: a word broken without a hyphen (once per word; in a table once per
    column, naming its longest word), a hyphen where none belongs, a break with room to spare."""
    findings: list[Finding] = []
    narrow: dict[tuple[str, str], tuple[int, str]] = {}  # (table, column) → (first page, longest word)
    forced: set[tuple[int | None, str]] = set()
    for block in blocks:
        for found in breaks(block):
            number, place = subject(found.line)
            if found.inside_word and not found.added:
                if place.get("column"):
                    key = (place["table"], place["column"])
                    page, longest = narrow.get(key, (found.line.page, ""))
                    narrow[key] = (page, max(found.word, longest, key=len))
                elif (number, found.word) not in forced:
                    forced.add((number, found.word))
                    findings.append(_finding(config, "proof-forced-break", found.line.page, number,
                                             word=excerpt(found.word), where=_where(config, number, place)))
                continue
            findings += _hyphen_finding(found, block, config, number, place)
    findings += [_finding(config, "proof-narrow-column", page, None, table=table, column=column, word=excerpt(word))
                 for (table, column), (page, word) in narrow.items()]
    return findings


def _where(config: Config, number: int | None, place: dict[str, str]) -> str:
    t = config.messages
    if place.get("table"):
        return t("proof_where.table", table=place["table"], column=place["column"])
    return t("proof_where.action", number=number) if number is not None else t("proof_where.page")


def _hyphen_finding(found: Break, block: list[Line], config: Config, number: int | None,
                    place: dict[str, str]) -> list[Finding]:
    line, where = found.line, _where(config, number, place)
    if room_to_spare(found):
        return [_finding(config, "proof-loose-break", line.page, number, text=excerpt(line.text.strip(), 60, end=True),
                         where=where)]
    if not found.added:
        return []
    plain = line.text.replace(SOFT_HYPHEN, "").strip()
    head = re.search(r"(\w+)-?$", plain)
    shown = f"{head[1] if head else ''}-{found.word[len(head[1]) if head else 0:]}"
    listed = next((b for w, b in config.hyphenation.items() if found.word.startswith(w.casefold())), None)
    if listed is not None:
        fine = head is not None and len(head[1]) in break_points(listed)
        return [] if fine else [_finding(config, "proof-wrong-break", line.page, number, word=shown)]
    if no_hyphens_here(line):
        return [_finding(config, "proof-hyphenated", line.page, number, word=shown)]
    if " " not in plain and line is block[0]:
        return [_finding(config, "proof-lone-syllable", line.page, number, word=shown, where=where)]
    return []


def _lone_lines(blocks: list[list[Line]], fields: list[list[Line]], config: Config) -> list[Finding]:
    """A paragraph or list item of two lines or more whose first or last line stands alone in its
    column or page (a new column or page starts where a line stands higher than the one before), and
    an action's field whose label line stands alone at a column's foot; table cells never split."""
    findings, seen = [], set()
    for block, field in [*((b, False) for b in blocks), *((f, True) for f in fields)]:
        if len(block) < 2 or any(getattr(e, "tag", None) in ("td", "th") for e in block[0].ancestors):
            continue
        parts = [[block[0]]]
        for before, line in zip(block, block[1:], strict=False):
            if line.page != before.page or line.top < before.top:
                parts.append([])
            parts[-1].append(line)
        ends = (parts[0], parts[-1]) if not field else (
            # a field: only its label's line alone at a column's foot (a field may end on a paragraph of one line)
            (parts[0],) if any("label" in classes(e) for e in block[0].element.iter()) else ())
        alone = [part[0] for part in ends if len(parts) > 1 and len(part) == 1]
        for line in (line for line in alone if id(line) not in seen):
            seen.add(id(line))
            number, place = subject(line)
            findings.append(_finding(config, "proof-lone-line", line.page, number, text=excerpt(line.text.strip(), 60),
                                     where=_where(config, number, place)))
    return findings


def _contents_numbers(blocks: list[list[Line]], config: Config) -> list[Finding]:
    """A contents entry whose leader dots and page number stand alone on their own line."""
    findings = []
    for block in blocks:
        if not any("toc" in classes(e) for e in block[0].ancestors) or len(block) < 2:
            continue
        last = block[-1].text.replace(SOFT_HYPHEN, "").strip()
        if re.fullmatch(r"[.\s\u2002\u2003]*\d+", last):
            number, _ = subject(block[-1])
            link = next(block[0].element.iter("a"), block[0].element)
            entry = " ".join("".join(link.itertext()).split())
            findings.append(_finding(config, "proof-toc-number-alone", block[-1].page, number,
                                     entry=excerpt(entry, 60)))
    return findings


def _overflowing(lines: list[Line], config: Config) -> list[Finding]:
    return [_finding(config, "proof-overflow", line.page, text=excerpt(line.text.strip(), 60))
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


def _pages_of(document: Any) -> dict[int, list[int]]:
    """For each element (by ``id()``), the pages it has boxes on."""
    pages: dict[int, list[int]] = {}
    for number, page in enumerate(document.pages, start=1):
        for box in descendants(page._page_box):
            element = getattr(box, "element", None)
            if element is not None and pages.setdefault(id(element), [number])[-1] != number:
                pages[id(element)].append(number)
    return pages


def _parted_legends(document: Any, config: Config) -> list[Finding]:
    """A legend (or the abbreviations) that ends on an earlier page than its table starts on, when it
    stands above the table, or starts on a later page than the table ends on, when below it."""
    pages, findings = _pages_of(document), []
    html = _root(document)
    for section in (e for e in (html.iter("section") if html is not None else ())):
        table = section.find(".//table")
        for legend in (e for e in section.iter() if "legend" in classes(e)):
            if table is None or id(legend) not in pages or id(table) not in pages:
                continue
            before = next(e for e in section.iter() if e is legend or e is table) is legend
            parted = (pages[id(legend)][-1] < pages[id(table)][0] if before
                      else pages[id(legend)][0] > pages[id(table)][-1])
            if parted:
                heading = section.find(".//h2")
                name = " ".join("".join(heading.itertext()).split()) if heading is not None else ""
                findings.append(_finding(config, "proof-legend-parted", pages[id(legend)][0], table=name))
                break
    return findings


def _table_tails(document: Any, config: Config) -> list[Finding]:
    """A table of several pages whose last page holds no more than ``TAIL_ROWS`` of its rows."""
    pages: dict[int, list[tuple[int, int]]] = {}  # the table's element → (page, its rows there)
    for number, page in enumerate(document.pages, start=1):
        for box in descendants(page._page_box):
            if type(box).__name__ == "TableBox":
                count = sum(len(group.children) for group in box.children if group.element_tag == "tbody")
                pages.setdefault(id(box.element), []).append((number, count))
    return [_finding(config, "proof-table-tail", found[-1][0], rows=found[-1][1]) for found in pages.values()
            if len(found) > 1 and 0 < found[-1][1] <= TAIL_ROWS]


def _running_heads(document: Any, config: Config) -> list[Finding]:
    """A running head at a page's top (a matrix's theme in progress) over a page without a row of
    that matrix's body."""
    findings = []
    for number, page in enumerate(document.pages, start=1):
        heads = [b for b in page._page_box.children if "MarginBox" in type(b).__name__
                 and getattr(b, "at_keyword", "").startswith("@top")]
        text = " ".join(t.text for head in heads for t in descendants(head) if type(t).__name__ == "TextBox").strip()
        if not text:
            continue
        if not any(type(b).__name__ == "TableRowGroupBox" and b.element_tag == "tbody" and b.children
                   for b in descendants(page._page_box)):
            findings.append(_finding(config, "proof-running-head", number, text=excerpt(text, 60)))
    return findings


def _root(document: Any) -> Any:
    """The document's <html> element."""
    return next((box.element for box in descendants(document.pages[0]._page_box)
                 if getattr(box, "element_tag", None) == "html"), None) if document.pages else None


def _top_level(document: Any) -> set[Any]:
    """The elements that are the report's parts: the children of <body> and <main>."""
    html = _root(document)
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
    for box in (b for child in content for b in descendants(child)):
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
        for box in descendants(page._page_box):
            element = getattr(box, "element", None)
            if element is None or "status-bar" not in classes(element) or "Replaced" not in type(box).__name__:
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
