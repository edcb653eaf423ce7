"""WeasyPrint's automatic hyphenation (``hyphens: auto``), breaking only words the language's
dictionary knows (:mod:`reportgen.render.words`): WeasyPrint asks pyphen for a word's break points
only when the word does not fit at a line's end; for a word the dictionary does not know it gets
none, and the word moves whole to the next line. Explicit breaks (soft hyphens, the ``hyphenation:``
list's words) are WeasyPrint's manual hyphenation and are not touched."""

from __future__ import annotations

import types
from collections.abc import Iterator

import pyphen

from ..render.words import known


class KnownWordsOnly(pyphen.Pyphen):  # type: ignore[misc]  # pyphen has no type information
    """pyphen's hyphenation of a language, giving no break points for a word its dictionary does
    not know."""

    def __init__(self, lang: str, left: int = 2, right: int = 2, cache: bool = True) -> None:
        super().__init__(lang=lang, left=left, right=right, cache=cache)
        self.language = lang

    def iterate(self, word: str) -> Iterator[tuple[str, str]]:
        if not known(self.language, word):
            return iter(())
        found: Iterator[tuple[str, str]] = super().iterate(word)
        return found


def install() -> None:
    """Let WeasyPrint's line breaking (the only user of pyphen in WeasyPrint) hyphenate with
    :class:`KnownWordsOnly`; the pyphen module itself stays as it is for anyone else."""
    from weasyprint.text import line_break

    line_break.pyphen = types.SimpleNamespace(language_fallback=pyphen.language_fallback, Pyphen=KnownWordsOnly)
