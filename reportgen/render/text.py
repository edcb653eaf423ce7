"""Cell text to clean HTML.

Owners type plain text in a cell: paragraphs separated by an empty line, bullet lines starting
with •, - or *, numbered lines, line breaks, and dated milestone lines ("September 2016: …").
markdown-it-py does the parsing with almost every rule switched off: no raw HTML, no links, no
images, no headings, no entities; everything from a cell is escaped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock, list_block
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup, escape

from .words import SOFT_HYPHEN, known

_BULLET = re.compile(r"^(?:[•▪◦]\s*|[-*]\s+)(?=\S)")


BREAK = "\u200b"  # a zero-width space: where a line may break, printing nothing
BREAK_EVERY = 12
LONG_RUN = 40  # characters without a space: wider than a text column; no real word is this long
_LONG_RUN = re.compile(rf"[^\s{BREAK}]{{{LONG_RUN + 1},}}")


def break_long_words(text: str) -> str:
    """``text`` with a break opportunity every 12 characters of each run without a space wider
    than a column (over 40 characters: an address, a string of characters; over ``MAX_WORD`` the
    checks warn). WeasyPrint would search each such run for a place to break, laying out the rest
    of its paragraph again each time: a 32,767-character word took 48 s, a cell of 100-character
    runs 20 s; with the breaks both set as fast as prose. Applying it twice changes nothing more."""
    if len(text) <= LONG_RUN:
        return text
    return _LONG_RUN.sub(lambda run: BREAK.join(run[0][i:i + BREAK_EVERY] for i in range(0, len(run[0]), BREAK_EVERY)),
                         text)


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
def _parser(months: str, words: tuple[tuple[str, str], ...] = ()) -> MarkdownIt:
    md = MarkdownIt("zero", {"breaks": True, "html": False}).enable(["list", "newline", "emphasis"])
    # Bullet lists only: a line such as "13. april 2016: …" or "1) …" stays the line it was.
    md.block.ruler.at("list", _bullet_lists_only, {"alt": ["paragraph", "reference", "blockquote"]})
    md.core.ruler.push("literal_emphasis", _literal_emphasis)
    md.core.ruler.push("milestones", functools.partial(_milestones, _date_pattern(months)))
    md.core.ruler.push("addresses", _addresses)
    if words:
        md.core.ruler.push("hyphenation", functools.partial(_hyphenation, _word_pattern(words), dict(words)))
    return md


def _bullet_lists_only(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    # pragma: no mutate start (tShift, the line's indent, is 0: normalise() strips every line; its sign cannot show)
    first = state.src[state.bMarks[start] + state.tShift[start]: state.bMarks[start] + state.tShift[start] + 1]
    # pragma: no mutate end
    return False if first.isdigit() else list_block(state, start, end, silent)


def _literal_emphasis(state: StateCore) -> None:
    """Cells are prose, not Markdown: of emphasis only ``**bold**`` (what the sheet's guidance
    offers) is markup. ``*word*``, ``_word_`` and ``__word__`` (``config.__class__``, a file_name)
    stay the characters typed."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        for child in token.children:
            if child.type in ("em_open", "em_close") or (child.type.startswith("strong_") and child.markup == "__"):
                child = _text(child.markup)
            if child.type == "text" and children and children[-1].type == "text":
                children[-1] = _text(children[-1].content + child.content)
            else:
                children.append(child)
        token.children = children


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
    _wrap_matches(state, _ADDRESS, "address", lambda match: match[0])


@functools.cache
def _word_pattern(words: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """The listed words at a word start (case ignored), with any ending ("Jammerbugts")."""
    alternatives = "|".join(re.escape(word) for word, _ in sorted(words, key=lambda w: len(w[0]), reverse=True))
    return re.compile(rf"(?<!\w)({alternatives})(\w*)", re.IGNORECASE)


def _hyphenation(pattern: re.Pattern[str], words: dict[str, str], state: StateCore) -> None:
    """Words on the configured list break only where the list allows (soft hyphens, in a span
    that WeasyPrint does not hyphenate itself); a word listed without hyphens does not break."""
    folded = {word.casefold(): breaks for word, breaks in words.items()}
    _wrap_matches(state, pattern, "hy", lambda match: with_breaks(match[1], folded[match[1].casefold()]) + match[2])


def _wrap_matches(state: StateCore, pattern: re.Pattern[str], css_class: str,
                  text_of: Callable[[re.Match[str]], str]) -> None:
    """Every match of ``pattern`` in the text of inline tokens, as ``text_of(match)`` in a span of ``css_class``."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        for child in token.children:
            if child.type != "text" or not pattern.search(child.content):
                children.append(child)
                continue
            position = 0
            for match in pattern.finditer(child.content):
                opening = Token("span_open", "span", 1)
                opening.attrSet("class", css_class)
                before, space = _space_inside(child.content[position:match.start()])
                children += [_text(before), opening, _text(space + text_of(match)), Token("span_close", "span", -1)]
                position = match.end()
            children.append(_text(child.content[position:]))
        token.children = [c for c in children if c.type != "text" or c.content]


def _space_inside(before: str, short_stays: bool = True) -> tuple[str, str]:
    """The text before a span, and the space that ends it, which goes into the span: WeasyPrint
    counts the space at the end of a text against the line's width, and a text that fits only
    without it was broken at its first word's hyphen ("Gen-" / "nem ambitiøse …"). After a word of
    one or two letters the space stays outside: WeasyPrint does not break at a span's first space,
    and carried the short word to the next line with the span ("grundforløb" / "i Jammerbugt"). Not so
    in a name (``short_stays`` false): a matrix head keeps "Sundheds- og" together on its line."""
    short = short_stays and re.search(r"(?:^|\s)\w{1,2} $", before)  # "i Jammerbugt"
    return (before[:-1], " ") if before.endswith(" ") and not short else (before, "")


def unbroken_parts(text: str, words: tuple[tuple[str, str], ...]) -> Iterator[str]:
    """The parts of ``text`` that must each stand on one line: its words, cut after the text's own
    hyphens and slashes and where the hyphenation list lets a listed word break."""
    folded = [(word.casefold(), breaks) for word, breaks in words]
    for part in (p for word in text.split() for p in re.split(r"(?<=[-/])", word) if p):
        listed = next((breaks for word, breaks in folded if part.casefold().startswith(word)), None)
        yield from with_breaks(part, listed).split(SOFT_HYPHEN) if listed else [part]


def longest_unbroken(text: str, words: tuple[tuple[str, str], ...]) -> int:
    """How many characters of ``text`` must stand on one line at the most (its longest unbroken part)."""
    return max((len(piece) for piece in unbroken_parts(text, words)), default=0)


def widest_unbroken(text: str, words: tuple[tuple[str, str], ...], font: Path, size_pt: float) -> float:
    """How wide, in mm, the widest of ``text``'s :func:`unbroken_parts` is when set in ``font`` at
    ``size_pt``, measured with the font's own advance widths: a head whose widest part is wider than
    its column is set otherwise (a letter or a symbol with a key)."""
    advances, em = _advances(str(font))
    units = max((sum(advances.get(ord(ch), em // 2) for ch in piece) for piece in unbroken_parts(text, words)),
                default=0)
    return units / em * size_pt * 25.4 / 72


@functools.cache
def _advances(font: str) -> tuple[dict[int, int], int]:
    """A font's advance width per character (font units) and its units per em."""
    from fontTools.ttLib import TTFont

    with TTFont(font, fontNumber=0, lazy=True) as face:
        metrics, em = face["hmtx"].metrics, face["head"].unitsPerEm
        return {code: metrics[name][0] for code, name in face.getBestCmap().items() if name in metrics}, em


def with_breaks(word: str, breaks: str) -> str:
    """``word`` (as written) with a soft hyphen at each place ``breaks`` ("Tænke-tank") has a hyphen."""
    out, letters = [], iter(word)
    for ch in breaks:
        if ch == "-":
            out.append(SOFT_HYPHEN)
        else:
            out.append(next(letters, ""))
    return "".join(out) + "".join(letters)


def _strong(content: str, state: StateCore) -> list[Token]:
    # markdown-it renders these tokens from their tag and nesting (-1 closes, else opens); no render rule
    # looks up "strong_open" or "strong_close": a mutant of a type name or of nesting 1 cannot show
    opening = Token("strong_open", "strong", 1)  # pragma: no mutate
    opening.attrSet("class", "milestone")
    return [opening, _text(content), Token("strong_close", "strong", -1)]  # pragma: no mutate


def _text(content: str) -> Token:
    token = Token("text", "", 0)  # pragma: no mutate: the text rule renders the content alone (tag, nesting unused)
    token.content = content
    return token


def with_word_breaks(text: str, words: tuple[tuple[str, str], ...]) -> Markup:
    """Plain text (a name, a heading) as safe HTML in which the configured words break only where
    the list allows; nothing else breaks inside a word."""
    text = break_long_words(text)
    if not words:
        return Markup(escape(text))
    pattern, folded = _word_pattern(words), {word.casefold(): breaks for word, breaks in words}
    out, position = [], 0
    for match in pattern.finditer(text):
        broken = with_breaks(match[1], folded[match[1].casefold()]) + match[2]
        before, space = _space_inside(text[position:match.start()], short_stays=False)
        out += [escape(before), Markup('<span class="hy">{}{}</span>').format(space, broken)]
        position = match.end()
    out.append(escape(text[position:]))
    return Markup("").join(out)


_LONG_WORD = re.compile(r"\w{10,}")


def hyphenated(text: str, language: str, words: tuple[tuple[str, str], ...]) -> Markup:
    """A heading of the web edition as safe HTML with a soft hyphen wherever the language's
    patterns (pyphen's, as WeasyPrint uses) break its long words that the language's dictionary
    knows (:mod:`reportgen.render.words`), and the configured words as
    :func:`with_word_breaks` has them: a browser without its own dictionary for the language
    breaks a word too wide for a phone with a hyphen, where it may break."""
    import pyphen

    listed = _word_pattern(words) if words else None
    dictionary = pyphen.Pyphen(lang=language, left=3, right=3) if pyphen.language_fallback(language) else None

    def breaks(match: re.Match[str]) -> str:
        if dictionary is None or (listed is not None and listed.match(match[0])) or not known(language, match[0]):
            return match[0]
        return str(dictionary.inserted(match[0], hyphen=SOFT_HYPHEN))

    return with_word_breaks(_LONG_WORD.sub(breaks, text), words)


_WEB_ADDRESS = re.compile(r"(?:https?://|www\.)[^\s<>\"']*[\w/]")


def web_links(text: str) -> Markup:
    """A line of plain text (the cover's web line) as safe HTML in which each web address
    (``https://…``, ``www.…``) is a link; nothing else of the text becomes markup."""
    out, position = [], 0
    for match in _WEB_ADDRESS.finditer(text):
        address = match[0]
        href = address if address.startswith(("http://", "https://")) else f"https://{address}"
        out += [escape(text[position:match.start()]),
                Markup('<a class="address" href="{}">{}</a>').format(href, address)]
        position = match.end()
    out.append(escape(text[position:]))
    return Markup("").join(out)


def to_html(text: str | None, months: str = "", words: tuple[tuple[str, str], ...] = ()) -> Markup:
    """Cell text as safe HTML (every character from the cell is escaped). ``words``: the
    configured hyphenation list, (word, the word with its allowed break points as "-")."""
    if not text or not text.strip():
        return Markup("")
    return Markup(_parser(months, words).render(break_long_words(normalise(text))).strip())


def plain_words(text: str) -> list[str]:
    """The words of cell text, without the bullet markers: what a reader must find in the PDF."""
    return [w for w in re.split(r"\s+", normalise(text)) if w and w != "-"]
