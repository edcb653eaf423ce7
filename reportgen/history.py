"""An action's history across published editions, as data: which status it had in each.

Filled by :mod:`reportgen.archive.history` from the archive; shown by ``reportgen history``, on each
action in the web edition and, when the configuration asks, as a page of the PDF.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .problems import Finding


@dataclasses.dataclass(frozen=True)
class EditionStatus:
    """One published version, as the history shows it."""

    edition: str
    version: str
    date: str
    statuses: dict[int, tuple[str, str]]  # action number (today's) -> (status key, its label then)
    titles: dict[int, str]


@dataclasses.dataclass
class History:
    editions: list[EditionStatus]
    problems: list[Finding]

    def numbers(self) -> list[int]:
        return sorted({n for e in self.editions for n in e.statuses})

    def title(self, number: int) -> str:
        """The action's title in the newest edition that has it."""
        return next((e.titles[number] for e in reversed(self.editions) if number in e.titles), "")

    def changed(self, number: int) -> str | None:
        """The version in which the action's status last changed, if it did."""
        keys = [(e.version, e.statuses[number][0]) for e in self.editions if number in e.statuses]
        changes = [version for (version, key), (_, before) in zip(keys[1:], keys, strict=False) if key != before]
        return changes[-1] if changes else None

    def to_dict(self) -> dict[str, Any]:
        return {"editions": [{"edition": e.edition, "version": e.version, "date": e.date} for e in self.editions],
                "actions": [{"number": n, "title": self.title(n), "changed_in": self.changed(n),
                             "statuses": [e.statuses[n][0] if n in e.statuses else None for e in self.editions]}
                            for n in self.numbers()],
                "problems": [f.to_dict() for f in self.problems]}
