"""The laid-out lines of a document, and what a proof-reader marks in them.

Each :class:`Line` is one line box of WeasyPrint's laid-out pages with its text, its block, where it
stands and where it must end. The checks lay the lines of a block over the block's text, so they
see how each line ends (at a space, at a hyphen WeasyPrint added, or inside a word with no hyphen),
and they name the thing a reader would look for: the action, the contents entry, the table and its
column, never a fragment of a word.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from typing import Any

from ..problems import Finding
from ..render.words import SOFT_HYPHEN

NO_HYPHENS = ("h1", "h2", "h3", "h4", "th")                       # elements that never break a word
NO_HYPHEN_CLASSES = {"toc", "cover", "theme-list", "running-text"}   # … nor anything inside these
WHITESPACE = set(" \n\t\u00a0\u2002\u2003\u2009\u200b" + SOFT_HYPHEN)
OVERFLOW_TOLERANCE = 1.0  # px: WeasyPrint's own rounding
ROOM_TOLERANCE = 1.0      # px: a word that fits with less to spare is not "room to spare"
ACTION_ID = re.compile(r"#?action-(\d+)$")

Report = Callable[..., Finding]  # (code, page, action=…, **params) → a finding


@dataclasses.dataclass(frozen=True)
class Line:
    page: int
    text: str
    element: Any             # the block the line belongs to (lxml element)
    ancestors: tuple[Any, ...]
    left: float              # where the line's content starts
    right: float             # the right edge of the line's content
    limit: float             # the right edge of the box it must stay in
    top: float
    edge: float              # the right edge of its own block's content: how far the line could have gone
    style: Any = None        # the computed style of its last text (to measure a word as it would be set)
    first_style: Any = None  # … and of its first
    lead: str = ""           # the text of its first inline box, when that box never breaks (nowrap)
    end: float = 0.0         # the right padding, border and margin of the inline boxes its first word ends


@dataclasses.dataclass(frozen=True)
class Break:
    """Where a line ends inside its block: the line, the next one, and the block's text around it."""

    line: Line
    after: Line
    added: bool          # WeasyPrint added a hyphen
    inside_word: bool    # the break is inside a word (with or without a hyphen)
    word: str            # the whole word the break is in (or the next line's first word)
    explicit: bool       # the text breaks the line here itself (<br>)


def descendants(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from descendants(child)


def classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split()) if element is not None else set()


def lines(document: Any) -> Iterator[Line]:
    """Every line of a laid-out document, page by page (a new document: widths measured in another
    one's fonts are forgotten)."""
    _CHARACTER_WIDTHS.clear()
    for number, page in enumerate(document.pages, start=1):
        yield from _walk(page._page_box, number, (), (page._page_box,))


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


def _walk(box: Any, page: int, ancestors: tuple[Any, ...], blocks: tuple[Any, ...]) -> Iterator[Line]:
    element = getattr(box, "element", None)
    if element is not None and (not ancestors or ancestors[-1] is not element):
        ancestors = ancestors + (element,)
    if type(box).__name__ == "LineBox":
        texts = [b for b in descendants(box) if type(b).__name__ == "TextBox"]
        right = max((b.position_x + b.width for b in texts), default=box.position_x)
        left = min((b.position_x for b in texts), default=box.position_x)
        own = blocks[-1]
        yield Line(page, "".join(b.text for b in texts), element, ancestors, left, right, _limit(blocks),
                   box.position_y, float(own.content_box_x() + own.width),
                   texts[-1].style if texts else None, texts[0].style if texts else None, _unbroken(box),
                   _first_word_end(box))
        return
    if "Block" in type(box).__name__ or "Cell" in type(box).__name__:
        blocks = blocks + (box,)
    for child in getattr(box, "children", ()):
        yield from _walk(child, page, ancestors, blocks)


def _unbroken(line_box: Any) -> str:
    """The text of a line's first inline box when it may not break inside (white-space: nowrap)."""
    first = next(iter(getattr(line_box, "children", ())), None)
    if first is None or first.style["white_space"] not in ("nowrap", "pre"):
        return ""
    return "".join(b.text for b in descendants(first) if type(b).__name__ == "TextBox").strip()


def _first_word_end(line_box: Any) -> float:
    """How much room the ends of inline boxes take after a line's first word, when that word is the last
    of them (a status tag's padding, border and margin): WeasyPrint keeps a box's end on the line of its
    last word, so that word moves only with room for both."""
    path, box = [], line_box
    while getattr(box, "children", None):
        path.append(box)
        box = next((c for c in box.children if c.is_in_normal_flow()), None)
    if type(box).__name__ != "TextBox" or len(box.text.split()) != 1:
        return 0.0
    end = 0.0
    for parent, child in zip(reversed(path), [box, *reversed(path)], strict=False):
        if type(parent).__name__ != "InlineBox" or parent.children[-1] is not child:
            break
        end += float(parent.padding_right + parent.border_right_width + parent.margin_right)
    return end


def by_block(all_lines: list[Line], unit: str | None = None) -> list[list[Line]]:
    """The lines of each block, in order; with ``unit`` (a class), of each element of that class
    they are in (an action's field: its paragraphs and lists together)."""
    blocks: dict[tuple[int, int], list[Line]] = {}
    for line in all_lines:
        owner = line.element if unit is None else next(
            (e for e in reversed(line.ancestors) if unit in classes(e)), None)
        repeated = any(getattr(e, "tag", None) in ("thead", "tfoot") for e in line.ancestors)
        if owner is not None:  # a table's head repeats whole on every page the table is on
            blocks.setdefault((id(owner), line.page if repeated else 0), []).append(line)
    return list(blocks.values())


LINE_BREAK = "\ue000"  # stands for a <br> in a block's text


def _plain(text: str) -> str:
    return " ".join(text.replace(SOFT_HYPHEN, "").split()).casefold()


def _source(element: Any) -> str:
    """A block's text as the lines show it, with each <br> as :data:`LINE_BREAK`."""
    parts = [element.text or ""]
    for child in element:
        parts += [f" {LINE_BREAK} " if child.tag == "br" else _source(child), child.tail or ""]
    return "".join(parts)


def breaks(block: list[Line]) -> Iterator[Break]:
    """Each place a block's lines end, laid over the block's own text; stops at generated text
    (leaders, page numbers), which the block's text does not have."""
    source = _plain(_source(block[0].element))
    position = 0
    for line, after in zip(block, block[1:], strict=False):
        text = _plain(line.text)
        added = text.endswith("-") and len(text) > 1
        found = source.find(text[:-1] if added else text, position)
        if found < 0 or not text:
            return
        position = found + len(text) - (1 if added else 0)
        if added and source[position:position + 1] == "-":
            position += 1
            continue  # a break after the text's own hyphen ("Fjerritslev-Svinkløv")
        inside = source[position:position + 1].isalnum() and source[position - 1:position].isalnum()
        start = position
        while inside and start > 0 and source[start - 1].isalnum():
            start -= 1
        rest = source[start:] if inside else source[position:].lstrip()
        word = re.match(r"[^\s]*", rest)
        yield Break(line, after, added, inside, word[0] if word else "", rest.startswith(LINE_BREAK))


def subject(line: Line) -> tuple[int | None, dict[str, str]]:
    """The action a line belongs to (its number, from the element ids and links of the
    line's ancestry), and what to call its place: the table and column, or the contents entry."""
    for value in (_link(line.element), *(e.get("id") or "" for e in reversed(line.ancestors))):
        match = ACTION_ID.search(value)
        if match:
            return int(match[1]), _table_place(line)
    row = next((e for e in reversed(line.ancestors) if getattr(e, "tag", None) == "tr"), None)
    number = next((_text(c) for c in row if "num" in classes(c)), "") if row is not None else ""
    return (int(number) if number.isdigit() else None), _table_place(line)


def _link(element: Any) -> str:
    """The first link an element holds, for a contents entry or a list of actions."""
    link = next((a for a in element.iter("a") if a.get("href")), None) if hasattr(element, "iter") else None
    return str(link.get("href")) if link is not None else ""


def _table_place(line: Line) -> dict[str, str]:
    cell = next((e for e in reversed(line.ancestors) if getattr(e, "tag", None) in ("td", "th")), None)
    table = next((e for e in reversed(line.ancestors) if getattr(e, "tag", None) == "table"), None)
    if cell is None or table is None:
        return {}
    at = line.ancestors.index(cell)
    row = list(line.ancestors[at - 1]) if at else [cell]
    column = sum(int(c.get("colspan") or 1) for c in row[:row.index(cell)])
    head_row = table.find("thead/tr")
    heads = [] if head_row is None else [h for h in head_row for _ in range(int(h.get("colspan") or 1))]
    section = next((e for e in reversed(line.ancestors) if e.tag in ("section", "nav")), None)
    heading = next(section.iter("h2"), None) if section is not None else None
    return {"table": _text(heading) if heading is not None else "",
            "column": _text(heads[column]) if column < len(heads) else ""}


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).replace(SOFT_HYPHEN, "").split())


def no_hyphens_here(line: Line) -> bool:
    return any(getattr(e, "tag", None) in NO_HYPHENS or classes(e) & NO_HYPHEN_CLASSES for e in line.ancestors)


def break_points(hyphenated: str) -> set[int]:
    points, letters = set(), 0
    for ch in hyphenated:
        if ch == "-":
            points.add(letters)
        else:
            letters += 1
    return points


def room_to_spare(found: Break) -> bool:
    """Would the rest of the word (after a hyphen) or the next line's first word (after a space)
    have fitted on the line? Measured with the fonts and sizes of the two lines' own text."""
    line, after = found.line, found.after
    if found.explicit or no_hyphens_here(line) or after.page != line.page or after.top <= line.top:
        return False  # a <br>; a heading or the contents; the next line in another column or page
    if line.style is None or after.first_style is None:
        return False
    first = re.match(r"\S*", after.text.lstrip().replace(SOFT_HYPHEN, ""))
    word = after.lead or (first[0] if first else "")  # a box that never breaks moves whole
    if not word:
        return False
    room = line.edge - line.right - ROOM_TOLERANCE
    if found.added:
        room += character_width(line.text.rstrip()[-1], line.style)  # the hyphen goes
    elif not found.inside_word:
        room -= character_width(" ", line.style)
    return room > 0 and text_width(word, after.first_style) + after.end < room


# What a text's width depends on, of its style (WeasyPrint's Pango layout reads these).
_FONT_PROPERTIES = ("direction", "font_family", "font_feature_settings", "font_kerning", "font_language_override",
                    "font_size", "font_stretch", "font_style", "font_variant_alternates", "font_variant_caps",
                    "font_variant_east_asian", "font_variant_ligatures", "font_variant_numeric",
                    "font_variant_position", "font_variation_settings", "font_weight", "lang", "letter_spacing",
                    "word_spacing")
_CHARACTER_WIDTHS: dict[str, float] = {}


def character_width(character: str, style: Any) -> float:
    """:func:`text_width` of one character (a hyphen, a space), remembered by the font properties of
    its style while one document's lines are read (:func:`lines`): thousands of lines end in one, in a
    few fonts and sizes."""
    key = repr((character, *(style[name] for name in _FONT_PROPERTIES)))
    found = _CHARACTER_WIDTHS.get(key)
    if found is None:
        if len(_CHARACTER_WIDTHS) > 4096:
            _CHARACTER_WIDTHS.clear()
        found = _CHARACTER_WIDTHS[key] = text_width(character, style)
    return found


def text_width(text: str, style: Any) -> float:
    """How wide WeasyPrint sets a text in a style (its own Pango layout)."""
    from weasyprint.text.line_break import create_layout, line_size

    layout = create_layout(text, style, None, None, 0)  # kept while its line is read: Pango frees both with it
    first, _ = layout.get_first_line()
    width = float(line_size(first, style)[0])
    del layout
    return width
