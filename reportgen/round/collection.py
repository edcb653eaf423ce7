"""Collection status: which expected actions have a sheet, which have none or two, which have errors.

What the secretariat needs to chase late owners, grouped by responsible person.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from ..checks import CheckOutcome, action_number
from ..configuration import names
from ..locales import Messages
from ..paths import read_regular_file
from ..problems import ConfigError, Severity, read_problem


@dataclasses.dataclass(frozen=True)
class Expected:
    number: int
    title: str
    responsible: str


@dataclasses.dataclass
class Collection:
    expected: list[Expected]
    received: dict[int, list[str]]   # action number -> the files that say they are it
    with_errors: set[int]

    @property
    def missing(self) -> list[Expected]:
        return [e for e in self.expected if e.number not in self.received]

    @property
    def twice(self) -> dict[int, list[str]]:
        return {n: files for n, files in self.received.items() if len(files) > 1}

    @property
    def unexpected(self) -> list[int]:
        known = {e.number for e in self.expected}
        return sorted(n for n in self.received if n not in known)

    def by_person(self) -> dict[str, list[Expected]]:
        """The missing actions, by responsible person."""
        out: dict[str, list[Expected]] = {}
        for e in self.missing:
            out.setdefault(e.responsible or "?", []).append(e)
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, object]:
        expected = {e.number for e in self.expected}
        return {
            "expected": len(self.expected),
            "received": len([n for n in self.received if n in expected]),
            "with_errors": sorted(self.with_errors),
            "missing": [dataclasses.asdict(e) for e in self.missing],
            "twice": {str(n): files for n, files in self.twice.items()},
            "unexpected": self.unexpected,
        }


MAX_EXPECTED_BYTES = 16 * 1024 * 1024


def load_expected(path: Path, t: Messages) -> list[Expected]:
    """The actions a round expects: ``round.json`` from ``reportgen sheets``, or an edition's data."""
    try:
        data = json.loads(read_regular_file(path, MAX_EXPECTED_BYTES).decode("utf-8"))
        return [Expected(int(a["number"]), str(a.get("title", "")), str(a.get("responsible", "")))
                for a in data["actions"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise ConfigError([t.finding("expected-unreadable", Severity.ERROR, file=str(path),
                                     detail=t(f"read_problems.{read_problem(exc)}"))]) from None


def collection_status(outcome: CheckOutcome, expected: list[Expected]) -> Collection:
    received: dict[int, list[str]] = {}
    with_errors: set[int] = set()
    errors_in = {f.file for f in outcome.result.findings if f.severity is Severity.ERROR}
    for file, data in sorted(outcome.sheets.items()):
        cell = data.cells.get(names.NUMBER)
        number = action_number(cell.value) if cell is not None else None
        if number is None:
            continue
        received.setdefault(number, []).append(file)
        if file in errors_in:
            with_errors.add(number)
    return Collection(expected, received, with_errors)

