"""The web edition's fonts: each face cut to the characters its page uses, as WOFF2.

The printed report's fonts are WeasyPrint's business (it subsets them into the PDF); the web
edition would otherwise send every face whole. A face is cut to every character of the page
(its text, its attributes, its scripts' strings and the stylesheet's escapes) plus printable
ASCII, so what a script writes later (counts, say) has its glyphs too; one character set for every
face, which costs little (bench/RESULTS.md). The same page gives the same bytes: the font's own
time stamp is kept, and WOFF2's Brotli has no clock in it.
"""

from __future__ import annotations

import functools
import html
import io
import logging
import re
from pathlib import Path

log = logging.getLogger(__name__)
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".woff", ".woff2")
ASCII = set(range(0x20, 0x7F))
# The live preview's fonts keep Latin-1 and the common punctuation too: a new letter typed into a sheet
# rarely changes the characters, so the cut fonts are remembered from one save to the next.
PREVIEW = set(range(0xA0, 0x100)) | set(range(0x2010, 0x2027))
CSS_ESCAPE = re.compile(r"\\([0-9A-Fa-f]{1,6})")


def page_characters(page: str) -> set[int]:
    """Every character the page can show: its text and markup (entities read), its stylesheet's
    escapes (``content: "\\2192"``), and printable ASCII."""
    found = {ord(char) for char in html.unescape(page)}
    found |= {int(code, 16) for code in CSS_ESCAPE.findall(page) if int(code, 16) <= 0x10FFFF}
    return found | ASCII


def woff2(source: Path, characters: set[int]) -> bytes:
    """The font cut to ``characters`` (with the glyphs its layout features reach), as WOFF2;
    remembered per file version and characters (the live preview makes the page on every save)."""
    stat = source.stat()
    return _woff2(str(source), stat.st_mtime_ns, stat.st_size, frozenset(characters))


@functools.lru_cache(maxsize=32)
def _woff2(source: str, _mtime_ns: int, _size: int, characters: frozenset[int]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.ignore_missing_unicodes = True
    with TTFont(source, fontNumber=0, recalcTimestamp=False) as font:  # the font's time stamp, not the clock's
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(characters))
        subsetter.subset(font)
        font.flavor = "woff2"
        out = io.BytesIO()
        font.save(out)
    return out.getvalue()


def cut(files: dict[str, Path], fonts: dict[str, Path], page: str,
        also: frozenset[int] = frozenset()) -> dict[str, bytes | Path]:
    """The web edition's files with each of ``fonts`` (name in the edition → the face's file) cut to
    the page's characters (and ``also``: :data:`PREVIEW` for the live preview). A file fontTools
    cannot read goes as it is (browsers tell a font's kind by its content, and WeasyPrint's build
    will have said what is wrong with it)."""
    characters = page_characters(page) | also
    made: dict[str, bytes | Path] = dict(files)
    for name, source in sorted(fonts.items()):
        try:
            made[name] = woff2(source, characters)
        except Exception:  # fontTools raises many kinds for a file that is no font it can read
            log.debug("font %s not cut", source, exc_info=True)
            made[name] = source
    return made
