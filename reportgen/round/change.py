"""Changing a running round: add an action, drop one, move one to another owner, or issue an
owner's sheets again. Each change writes the sheets it concerns, ``round.json`` and (when the round
has e-mail drafts) the drafts of the people it concerns, so ``check --expect`` and the drafts stay
in step with the round, with no file deleted or edited by hand.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..configuration import Config, names
from ..problems import ConfigError, Severity
from ..sheets.layout import theme_choice
from ..sheets.template import write_template
from ..writers import inside, writing
from .action_list import ListedAction
from .mail import draft_path
from .plan import MAIL_FOLDER, Planned, RoundPlan
from .sheets import file_name


@dataclasses.dataclass
class Changed:
    """What a change wrote and removed."""

    round_file: Path
    written: list[Path]
    removed: list[Path]
    drafts: list[Path]


class RoundChange:
    """One change to the round whose ``round.json`` is ``round_file``."""

    def __init__(self, config: Config, round_file: Path):
        self.config, self.t = config, config.messages
        self.round_file, self.folder = Path(round_file), Path(round_file).parent
        self.plan = RoundPlan.read(self.round_file, self.t)
        self.written: list[Path] = []
        self.removed: list[Path] = []
        self.people: set[str] = set()

    def _action(self, number: int) -> Planned:
        found = next((a for a in self.plan.actions if a.number == number), None)
        if found is None:
            raise ConfigError([self.t.finding("round-number-unknown", Severity.ERROR, file=str(self.round_file),
                                              number=number)])
        return found

    def _write(self, action: Planned) -> None:
        target = inside(self.folder, action.file, self.t)
        self.written.append(write_template(self.config, target, values=action.values))
        self.people.add(action.responsible)

    def _remove(self, action: Planned) -> None:
        path = inside(self.folder, action.file, self.t)
        with writing(path, self.t):
            path.unlink(missing_ok=True)
        self.removed.append(path)
        self.people.add(action.responsible)

    def add(self, number: int, title: str, theme: str, responsible: str) -> Changed:
        """A new action, its sheet blank but for the number, title, theme and owner."""
        if any(a.number == number for a in self.plan.actions):
            raise ConfigError([self.t.finding("round-number-taken", Severity.ERROR, file=str(self.round_file),
                                              number=number)])
        listed = ListedAction(number, " ".join(title.split()), self._theme(theme), None, " ".join(responsible.split()),
                              {}, 0)
        action = Planned(number, listed.title, listed.responsible, file_name(number, listed.title, listed.responsible),
                         "new", listed.sheet_values(self.config))
        self._write(action)
        self.plan.actions.append(action)
        return self._done()

    def drop(self, number: int) -> Changed:
        """An action that is not in this round after all: its sheet goes, and it is no longer expected."""
        action = self._action(number)
        self._remove(action)
        self.plan.actions.remove(action)
        return self._done()

    def move(self, number: int, responsible: str) -> Changed:
        """An action that another person answers for: its sheet under their name, in their draft."""
        action = self._action(number)
        self._remove(action)
        action.responsible = " ".join(responsible.split())
        action.values[names.RESPONSIBLE] = action.responsible
        action.file = file_name(action.number, action.title, action.responsible)
        self._write(action)
        return self._done()

    def reissue(self, person: str) -> Changed:
        """A person's sheets made again from the current configuration (a changed template, a new
        deadline), with their draft."""
        mine = [a for a in self.plan.actions if a.responsible == person]
        if not mine:
            raise ConfigError([self.t.finding("round-person-unknown", Severity.ERROR, file=str(self.round_file),
                                              person=person, people=", ".join(sorted({a.responsible for a in
                                                                                      self.plan.actions})))])
        for action in mine:
            self._write(action)
        return self._done()

    def _theme(self, text: str) -> int:
        folded = text.strip().casefold()
        for theme in self.config.themes:
            if folded in {str(theme.number), f"{theme.number}.", theme.heading.casefold(),
                          theme_choice(theme.number, theme.heading).casefold()}:
                return theme.number
        raise ConfigError([self.t.finding("round-theme-unknown", Severity.ERROR, file=str(self.round_file), value=text,
                                          choices=", ".join(theme_choice(th.number, th.heading)
                                                            for th in self.config.themes))])

    def _done(self) -> Changed:
        round_file = self.plan.write(self.folder, self.t)
        drafts: list[Path] = []
        mail = self.folder / MAIL_FOLDER
        if mail.is_dir():
            drafts = self.plan.write_drafts(self.config, self.folder, self.people)
            for person in self.people - {a.responsible for a in self.plan.actions}:  # no sheet left: no draft
                stale = draft_path(self.config, mail, person)
                with writing(stale, self.t):
                    stale.unlink(missing_ok=True)
                self.removed.append(stale)
        return Changed(round_file, self.written, self.removed, drafts)
