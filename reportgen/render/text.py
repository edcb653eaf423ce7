"""Cell text to clean HTML.

Owners type plain text in a cell: paragraphs separated by an empty line, bullet lines starting
with •, - or *, numbered lines, line breaks, and dated milestone lines ("September 2016: …").
markdown-it-py does the parsing with almost every rule switched off: no raw HTML, no links, no
images, no headings, no entities; everything from a cell is escaped.
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock, list_block
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

_BULLET = re.compile(r"^(?:[•▪◦]\s*|[-*]\s+)(?=\S)")


def normalise(text: str) -> str:
    """Make cell text parse as intended: one bullet a line, no lazy continuation, no indents."""
    lines, previous_bullet = [], False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        is_bullet = bool(_BULLET.match(line))
        if is_bullet:
            line = _BULLET.sub("- ", line, count=1)
        elif line and previous_bullet:
            lines.append("")  # a plain line after a bullet starts a new paragraph
        lines.append(line)
        previous_bullet = is_bullet if line else False
    return "\n".join(lines).strip()


@functools.cache
def _parser(months: str) -> MarkdownIt:
    md = MarkdownIt("zero", {"breaks": True, "html": False}).enable(["list", "newline", "emphasis"])
    # Bullet lists only: a line such as "13. april 2016: …" or "1) …" stays the line it was.
    md.block.ruler.at("list", _bullet_lists_only, {"alt": ["paragraph", "reference", "blockquote"]})
    md.core.ruler.push("milestones", functools.partial(_milestones, _date_pattern(months)))
    md.core.ruler.push("addresses", _addresses)
    return md


def _bullet_lists_only(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    first = state.src[state.bMarks[start] + state.tShift[start]: state.bMarks[start] + state.tShift[start] + 1]
    return False if first.isdigit() else list_block(state, start, end, silent)


def _date_pattern(months: str) -> re.Pattern[str]:
    month = "|".join(sorted(months.split(), key=len, reverse=True))
    one = rf"(?:\d{{1,2}}\.\s*)?(?:{month})\.?"
    date = (
        rf"(?:{one}(?:\s*[-–]\s*{one})?\s*\d{{4}}"      # 19. april 2017, jan.–marts 2017
        rf"|(?:Q[1-4]|[1-4]\.\s*kvartal)\s*\d{{4}}"        # Q3 2017, 3. kvartal 2017
        rf"|\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}"               # 19.4.2017
        rf"|\d{{4}}(?:\s*[-–/]\s*\d{{2,4}})?)"             # 2017, 2016-17
    )
    return re.compile(rf"^({date}\s*:)(\s)", re.IGNORECASE)


def _milestones(pattern: re.Pattern[str], state: StateCore) -> None:
    """Wrap the date that opens a line ("Marts 2017: …") in <strong class="milestone">."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children, at_line_start = [], True
        for child in token.children:
            match = pattern.match(child.content) if child.type == "text" and at_line_start else None
            if match:
                children += _strong(match[1], state) + [_text(child.content[match.end(1):])]
            else:
                children.append(child)
            at_line_start = child.type in ("softbreak", "hardbreak")
        token.children = children


_ADDRESS = re.compile(r"(?:https?://|www\.)\S+[\w/]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\.(?:dk|com|org|net|eu)\b")


def _addresses(state: StateCore) -> None:
    """Web and e-mail addresses must not be hyphenated: wrap them in <span class="address">."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children = []
        for child in token.children:
            if child.type != "text" or not _ADDRESS.search(child.content):
                children.append(child)
                continue
            position = 0
            for match in _ADDRESS.finditer(child.content):
                opening = Token("span_open", "span", 1)
                opening.attrSet("class", "address")
                children += [_text(child.content[position:match.start()]), opening, _text(match[0]),
                             Token("span_close", "span", -1)]
                position = match.end()
            children.append(_text(child.content[position:]))
        token.children = [c for c in children if c.type != "text" or c.content]


def _strong(content: str, state: StateCore) -> list[Token]:
    opening = Token("strong_open", "strong", 1)
    opening.attrSet("class", "milestone")
    return [opening, _text(content), Token("strong_close", "strong", -1)]


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def to_html(text: str | None, months: str = "") -> Markup:
    """Cell text as safe HTML (every character from the cell is escaped)."""
    if not text or not text.strip():
        return Markup("")
    return Markup(_parser(months).render(normalise(text)).strip())


def plain_words(text: str) -> list[str]:
    """The words of cell text, without the bullet markers: what a reader must find in the PDF."""
    return [w for w in re.split(r"\s+", normalise(text)) if w and w != "-"]
