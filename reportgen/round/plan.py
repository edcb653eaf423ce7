"""The round as a file, ``round.json``: the actions it expects, each with its sheet, its owner and
the values its sheet was made with, so that a change to the round (an action added, dropped, moved
to another owner, a sheet issued again) keeps the sheets, the e-mail drafts and ``check --expect``
in step, with nothing deleted or edited by hand.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from ..configuration import Config
from ..locales import Messages
from ..paths import read_regular_file
from ..problems import ConfigError, Severity, read_problem
from ..sheets.files import ROUND_FILE
from ..writers import inside, write_text
from .mail import write_drafts

MAX_ROUND_BYTES = 16 * 1024 * 1024
MAIL_FOLDER = "mail"


@dataclasses.dataclass
class Planned:
    """One action the round expects."""

    number: int
    title: str
    responsible: str
    file: str
    origin: str = "last"        # last, carried or new (what its e-mail draft says)
    values: dict[str, Any] = dataclasses.field(default_factory=dict)  # its sheet's cells, by defined name
    previous: int | None = None  # its number in the edition carried from, where it changed


@dataclasses.dataclass
class RoundPlan:
    report: str
    edition: str
    version: str
    deadline: str | None
    actions: list[Planned]
    carried_from: str = ""       # the edition the sheets were carried from, if any
    dropped: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # its actions not in this round

    @classmethod
    def made(cls, config: Config, start: Any, written: list[Path], source: Path | None) -> RoundPlan:
        """The plan of a round just written (``start``: what :func:`.sheets.round_sheets` made)."""
        report = config.report
        actions = [Planned(s.number, s.title, s.responsible, path.name, s.origin, dict(s.values), s.previous)
                   for s, path in zip(start.sheets, written, strict=True)]
        return cls(report.title, report.edition, report.version,
                   config.round.deadline.isoformat() if config.round.deadline else None, actions,
                   start.edition if source is not None else "",
                   [{"number": n, "title": title} for n, title in start.dropped])

    @classmethod
    def read(cls, path: Path, t: Messages) -> RoundPlan:
        """A round's ``round.json``; one that cannot be used is a :class:`ConfigError` naming it."""
        try:
            data = json.loads(read_regular_file(path, MAX_ROUND_BYTES).decode("utf-8"))
            actions = [Planned(int(a["number"]), str(a["title"]), str(a.get("responsible", "")), str(a["file"]),
                               str(a.get("origin", "last")), dict(a.get("values") or {}),
                               int(a["previous"]) if a.get("previous") is not None else None)
                       for a in data["actions"]]
            return cls(str(data.get("report", "")), str(data.get("edition", "")), str(data.get("version", "")),
                       data.get("deadline"), actions, str(data.get("carried_from", "")), list(data.get("dropped", [])))
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise ConfigError([t.finding("expected-unreadable", Severity.ERROR, file=str(path),
                                         detail=t(f"read_problems.{read_problem(exc)}"))]) from None

    def to_dict(self) -> dict[str, Any]:
        return {"report": self.report, "edition": self.edition, "version": self.version, "deadline": self.deadline,
                "carried_from": self.carried_from or None, "dropped": self.dropped,
                "actions": [{k: v for k, v in dataclasses.asdict(a).items() if v is not None}
                            for a in sorted(self.actions, key=lambda a: a.number)]}

    def write(self, folder: Path, t: Messages) -> Path:
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n"
        return write_text(inside(folder, ROUND_FILE, t), text, t)

    def by_person(self, folder: Path) -> dict[str, list[tuple[Path, str]]]:
        out: dict[str, list[tuple[Path, str]]] = {}
        for action in sorted(self.actions, key=lambda a: a.number):
            out.setdefault(action.responsible, []).append((folder / action.file, action.origin))
        return out

    def write_drafts(self, config: Config, folder: Path, people: set[str] | None = None) -> list[Path]:
        """The e-mail drafts (``mail/<person>.eml``) of every person, or of ``people`` only."""
        chosen = {p: s for p, s in self.by_person(folder).items() if people is None or p in people}
        return write_drafts(config, chosen, folder / MAIL_FOLDER, self.carried_from)
