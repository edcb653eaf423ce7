"""Which words a language's dictionary knows: hyphenation breaks only those. A name, a word of
another language or a misspelt word is left whole where the hyphenation patterns would only guess
("Newbizz", "outdoor" in a Danish text, "Mijøudvalget").

The dictionaries are hunspell's (Debian: ``hunspell-da``, ``hunspell-en-us``, ``hunspell-en-gb``), read through
Enchant (``pyenchant``; Debian: ``libenchant-2-2``): hunspell knows a language's inflections and,
for Danish, its compounds ("klimatilpasningsplan", "Kattegatkysten"). Without them (a plain
``pip install`` on a machine without those packages) every word is hyphenated as the patterns
have it, and the proof says so (``proof-no-dictionary``).
"""

from __future__ import annotations

import functools
import re
from typing import Any, Protocol

# The hunspell dictionaries of each report language (its own spelling, as its hyphenation): a word one of
# them knows is known. English: American and British spelling ("organization", "organisation").
DICTIONARIES = {"da": ("da_DK",), "en": ("en_US", "en_GB")}


def _language(tag: str) -> str:
    """``da``, ``da-DK``, ``da_DK`` → ``da``."""
    return tag.replace("_", "-").split("-")[0].lower()


class _Dictionaries:
    """The dictionaries of a language that this machine has, asked as one."""

    def __init__(self, dictionaries: list[Any]):
        self.dictionaries = dictionaries

    def check(self, word: str) -> bool:
        return any(dictionary.check(word) for dictionary in self.dictionaries)


@functools.cache
def _dictionary(language: str) -> _Dictionaries | None:
    try:
        import enchant
    except ImportError:  # pyenchant without the Enchant library
        return None
    found = []
    for name in DICTIONARIES.get(language, ()):
        try:
            found.append(enchant.Dict(name))
        except enchant.errors.Error:  # this dictionary is not installed
            continue
    return _Dictionaries(found) if found else None


def available(language: str) -> bool:
    """Whether this machine has the dictionary of ``language`` (a report language or a tag such as
    ``en-US``)."""
    return _dictionary(_language(language)) is not None


class Answers(Protocol):
    """What the dictionary says of a page's words, being worked out elsewhere (a ``reportgen.pipeline.Helper``)."""

    def done(self) -> bool: ...

    def result(self) -> tuple[str, dict[str, bool]]: ...


SOFT_HYPHEN = "\u00ad"  # an invisible hyphenation hint (render.text writes them, the layout honours them)
SHORTEST = 6  # the shortest word the stylesheet lets WeasyPrint hyphenate (hyphenate-limit-chars)
_WORD = re.compile(rf"[^\W\d_]{{{SHORTEST},}}")
_TAG = re.compile(r"<[^>]*>")
_answers: dict[tuple[str, str], bool] = {}  # (language, word) → known
MAX_REMEMBERED = 1 << 17  # answers kept (a long-lived preview asks on and on)
_expected: list[Answers] = []


def knowing(language: str, html: str) -> tuple[str, dict[str, bool]]:
    """What the dictionary of ``language`` says of every word of a page (its HTML) long enough to be
    hyphenated: made beside the layout, which asks :func:`known` word by word."""
    language = _language(language)
    dictionary = _dictionary(language)
    if dictionary is None:
        return language, {}
    text = _TAG.sub(" ", html).replace(SOFT_HYPHEN, "")
    return language, {word: bool(dictionary.check(word)) for word in set(_WORD.findall(text))}


def expect(answers: Answers | None) -> None:
    """:func:`known` takes ``answers`` once they are there (None: no more answers are coming)."""
    _expected[:] = [answers] if answers is not None else []


def known(language: str, word: str) -> bool:
    """Whether the dictionary of ``language`` knows ``word`` (true when there is no dictionary:
    then no word is left out of hyphenation); remembered, or told by the answers expected."""
    language = _language(language)
    found = _answers.get((language, word))
    if found is None and _expected and _expected[0].done():
        _take(_expected.pop())
        found = _answers.get((language, word))
    if found is None:
        dictionary = _dictionary(language)
        found = dictionary is None or bool(dictionary.check(word))
        if len(_answers) > MAX_REMEMBERED:  # a long-lived preview: bounded
            _answers.clear()
        _answers[(language, word)] = found
    return found



def _take(answers: Answers) -> None:
    try:
        language, told = answers.result()
    except Exception:  # the process beside failed: the words are asked here, one by one
        return
    _answers.update(((language, word), known) for word, known in told.items())
