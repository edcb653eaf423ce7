"""Names in free text: which committees and administrations a sheet's text fields name.

A sheet says who is involved twice: in words (in the sample: *Udvalg*, *Adm. forankring*,
*Interessenter*), printed on the action's page, and in the drop-downs, printed in the matrices.
This module reads the words; :mod:`reportgen.checks` compares them with the drop-downs, and the
sample's converter (``tools/sample2017/convert.py``) sets the drop-downs from them, with this very
matcher, so the two cannot read a text differently.

What names an item, all from the configuration: its ``name``, its ``short`` name and its
``aliases``; and ``mentions.<committees|administrations>.all``, phrases that name every item
("alle udvalg"). Which text fields are read: ``mentions.<…>.fields`` (none by default: then
nothing is read and nothing is checked).

How a name is matched:

- case is ignored, "&" reads as "og", and a soft hyphen inside a word is no break;
- between the words of a name the text may have spaces, line breaks, hyphens and commas
  ("Teknik- og Miljø" is "Teknik og Miljø"), nothing else: a full stop or a bracket ends a name;
- a name matches only at the start of a word ("socialøkonomiske" does not name "Økonomi"), and
  its last word may go on ("Teknik og Miljø" names "Teknik- og Miljøudvalget"); its other words
  must be whole ("Børne og Famil" does not name "Børnene og Familien");
- where names overlap, the longest one at the leftmost place is read, and reading goes on after it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence

from .configuration import Committee, Config

_SOFT_HYPHEN = "\u00ad"  # an invisible hyphenation hint: part of the word it sits in
_WORD = re.compile(r"[^\W_](?:[^\W_]|\u00ad)*|&")
_BETWEEN = re.compile(r"[\s,\-\u2010\u2011]*")  # what may stand between the words of a name
_AND = "og"


@dataclasses.dataclass(frozen=True)
class Mention:
    """One place a text names items: one key, or every key for an "all of them" phrase."""

    keys: tuple[str, ...]
    start: int   # where in the text (character offsets)
    end: int
    words: str   # the words as written


@dataclasses.dataclass(frozen=True)
class _Word:
    folded: str
    start: int
    end: int


def _words(text: str) -> list[_Word]:
    return [_Word(_AND if m[0] == "&" else m[0].replace(_SOFT_HYPHEN, "").casefold(), m.start(), m.end())
            for m in _WORD.finditer(text)]


def words_of(name: str) -> tuple[str, ...]:
    """A name as the matcher compares it: its words, case folded, "&" as "og"."""
    return tuple(w.folded for w in _words(name))


class Matcher:
    """Finds the items a text names. ``names``: key -> the phrases that name it; ``everything``:
    phrases that name every key (in the order of ``names``)."""

    def __init__(self, names: Mapping[str, Iterable[str]], everything: Iterable[str] = ()):
        every = tuple(names)
        phrases: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
            (words_of(p), (key,)) for key, ps in names.items() for p in ps]
        phrases += [(words_of(p), every) for p in everything]
        # Longest first: at one place, the longest name that matches is the one read.
        self._phrases = sorted(((w, k) for w, k in phrases if w), key=lambda item: -len(item[0]))

    def find(self, text: str) -> list[Mention]:
        """Every mention, in the order the text makes them."""
        words = _words(text)
        found: list[Mention] = []
        i = 0
        while i < len(words):
            hit = next(((len(w), keys) for w, keys in self._phrases if _matches(text, words, i, w)), None)
            if hit is None:
                i += 1
                continue
            length, keys = hit
            start, end = words[i].start, words[i + length - 1].end
            found.append(Mention(keys, start, end, " ".join(text[start:end].replace(_SOFT_HYPHEN, "").split())))
            i += length
        return found

    def keys(self, text: str) -> list[str]:
        """The keys a text names, each once, in the order it first names them."""
        seen: dict[str, None] = {}
        for mention in self.find(text):
            seen.update(dict.fromkeys(mention.keys))
        return list(seen)


def _matches(text: str, words: Sequence[_Word], i: int, name: tuple[str, ...]) -> bool:
    last = i + len(name) - 1
    if last >= len(words):
        return False
    for j, part in enumerate(name):
        word = words[i + j]
        if not (word.folded.startswith(part) if i + j == last else word.folded == part):
            return False
        if j and not _BETWEEN.fullmatch(text, words[i + j - 1].end, word.start):
            return False
    return True


def _names(item: Committee) -> list[str]:
    return [item.name, *([item.short] if item.short else []), *item.aliases]


def committee_matcher(config: Config) -> Matcher:
    """What names a committee: its name, short name and aliases, and ``mentions.committees.all``."""
    return Matcher({c.key: _names(c) for c in config.committees}, config.mentions.committees.all)


def administration_matcher(config: Config) -> Matcher:
    """What names an administration (its departments are aliases), and ``mentions.administrations.all``."""
    return Matcher({a.key: _names(a) for a in config.administrations}, config.mentions.administrations.all)


@dataclasses.dataclass(frozen=True)
class Named:
    """Where a text field first names an item."""

    field: str        # the field's key
    mention: Mention


@dataclasses.dataclass(frozen=True)
class Link:
    """One matrix and the text fields that name its items."""

    kind: str                       # "committee" or "administration"
    fields: tuple[str, ...]         # field keys, in the configuration's order of mentions
    items: tuple[Committee, ...]    # the committees or the administrations
    matcher: Matcher

    def named(self, texts: Mapping[str, str]) -> dict[str, Named]:
        """Item key -> where the linked fields (``texts``: field key -> text) first name it."""
        out: dict[str, Named] = {}
        for key in self.fields:
            for mention in self.matcher.find(texts.get(key, "")):
                for item in mention.keys:
                    out.setdefault(item, Named(key, mention))
        return out


def links(config: Config) -> list[Link]:
    """The matrices whose items the configuration links to text fields (none by default)."""
    out = []
    if config.mentions.committees.fields:
        out.append(Link("committee", tuple(config.mentions.committees.fields), tuple(config.committees),
                        committee_matcher(config)))
    if config.mentions.administrations.fields:
        out.append(Link("administration", tuple(config.mentions.administrations.fields),
                        tuple(config.administrations), administration_matcher(config)))
    return out
