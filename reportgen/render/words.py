"""Which words a language's dictionary knows: hyphenation breaks only those. A name, a word of
another language or a misspelt word is left whole where the hyphenation patterns would only guess
("Newbizz", "outdoor" in a Danish text, "Mijøudvalget").

The dictionaries are hunspell's (Debian: ``hunspell-da``, ``hunspell-en-us``), read through
Enchant (``pyenchant``; Debian: ``libenchant-2-2``): hunspell knows a language's inflections and,
for Danish, its compounds ("klimatilpasningsplan", "Kattegatkysten"). Without them (a plain
``pip install`` on a machine without those packages) every word is hyphenated as the patterns
have it, and the proof says so (``proof-no-dictionary``).
"""

from __future__ import annotations

import functools
from typing import Any

# The hunspell dictionary of each report language (the language's own spelling, as its hyphenation).
DICTIONARIES = {"da": "da_DK", "en": "en_US"}


def _language(tag: str) -> str:
    """``da``, ``da-DK``, ``da_DK`` → ``da``."""
    return tag.replace("_", "-").split("-")[0].lower()


@functools.cache
def _dictionary(language: str) -> Any | None:
    name = DICTIONARIES.get(language)
    if name is None:
        return None
    try:
        import enchant
    except ImportError:  # pyenchant without the Enchant library
        return None
    try:
        return enchant.Dict(name)
    except enchant.errors.Error:  # the language's dictionary is not installed
        return None


def available(language: str) -> bool:
    """Whether this machine has the dictionary of ``language`` (a report language or a tag such as
    ``en-US``)."""
    return _dictionary(_language(language)) is not None


@functools.lru_cache(maxsize=1 << 16)
def known(language: str, word: str) -> bool:
    """Whether the dictionary of ``language`` knows ``word`` (true when there is no dictionary:
    then no word is left out of hyphenation)."""
    dictionary = _dictionary(_language(language))
    return dictionary is None or bool(dictionary.check(word))
