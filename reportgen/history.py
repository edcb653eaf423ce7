"""An action's history across published editions, as data: which status it had in each.

Filled by :mod:`reportgen.archive.history` from the archive; shown by ``reportgen history``, on each
action in the web edition and, when the configuration asks, as a page of the PDF.
"""

from __future__ import annotations

import collections
import dataclasses
from typing import Any

from .locales import Messages
from .problems import Finding


@dataclasses.dataclass(frozen=True)
class EditionStatus:
    """One published version, as the history shows it."""

    edition: str
    version: str
    date: str
    statuses: dict[int, tuple[str, str]]  # action number (today's) -> (status key, its label then)
    titles: dict[int, str]
    label: str = ""  # what the history calls it: the edition, and its version where it has several


@dataclasses.dataclass
class History:
    editions: list[EditionStatus]
    problems: list[Finding]

    def labelled(self, t: Messages) -> History:
        """The editions named by edition ("2025"), and by edition and version ("2025 v1.1") where
        the history holds more than one version of an edition."""
        count = collections.Counter(e.edition for e in self.editions)

        def label(e: EditionStatus) -> str:
            if count[e.edition] == 1:
                return t("report.edition_label", edition=e.edition)
            return t("report.edition_version_label", edition=e.edition, version=e.version)

        return History([dataclasses.replace(e, label=label(e)) for e in self.editions], self.problems)

    def including(self, current: EditionStatus, t: Messages) -> History:
        """This history with the edition being made (in place of an archived version of the same
        edition and version), in order of date and version, labelled."""
        others = [e for e in self.editions if (e.edition, e.version) != (current.edition, current.version)]
        return History(sorted([*others, current], key=lambda e: (e.date, e.version)), self.problems).labelled(t)

    def numbers(self) -> list[int]:
        return sorted({n for e in self.editions for n in e.statuses})

    def title(self, number: int) -> str:
        """The action's title in the newest edition that has it."""
        return next((e.titles[number] for e in reversed(self.editions) if number in e.titles), "")

    def changed(self, number: int) -> str | None:
        """The edition (its label) in which the action's status last changed, if it did."""
        keys = [(e.label or e.version, e.statuses[number][0]) for e in self.editions if number in e.statuses]
        changes = [label for (label, key), (_, before) in zip(keys[1:], keys, strict=False) if key != before]
        return changes[-1] if changes else None

    def to_dict(self) -> dict[str, Any]:
        return {"editions": [{"edition": e.edition, "version": e.version, "date": e.date, "label": e.label}
                             for e in self.editions],
                "actions": [{"number": n, "title": self.title(n), "changed_in": self.changed(n),
                             "statuses": [e.statuses[n][0] if n in e.statuses else None for e in self.editions]}
                            for n in self.numbers()],
                "problems": [f.to_dict() for f in self.problems]}
