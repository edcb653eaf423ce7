"""The catalogue as the pages see it: validated actions, grouped by theme.

Everything here is built by :mod:`reportgen.checks` from what the sheets say, and nothing
else: the action pages, the committee overview and the responsibility matrix all read the
same :class:`Action` objects, so they cannot disagree.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

from .configuration import Config, Status, Theme
from .fields import Value, kind_of

MAX_LINE = 300  # characters of a one-line text (a title): a long title of 250 prints; 32,767 would not
MAX_WORD = 100  # characters without a space: longer than any real word, and than most web addresses


class Role(str, enum.Enum):
    ANCHORING = "anchoring"
    INTEREST = "interest"
    NONE = "none"


@dataclasses.dataclass(frozen=True)
class Action:
    number: int
    title: str
    theme: int
    status: str
    responsible: str
    committees: tuple[str, ...]                  # keys of the committees involved
    roles: dict[str, Role]                       # administration key -> role
    texts: dict[str, str]                        # field key -> its kind's canonical text (may be ""); see values
    source: str = ""                             # the sheet it came from

    @property
    def anchoring(self) -> str | None:
        return next((key for key, role in self.roles.items() if role is Role.ANCHORING), None)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["roles"] = {key: role.value for key, role in self.roles.items()}
        data["committees"] = list(self.committees)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Action:
        return cls(
            number=int(data["number"]), title=str(data["title"]), theme=int(data["theme"]),
            status=str(data["status"]), responsible=str(data.get("responsible", "")),
            committees=tuple(data.get("committees", ())),
            roles={key: Role(value) for key, value in data.get("roles", {}).items()},
            texts={key: str(value) for key, value in data.get("texts", {}).items()},
            source=str(data.get("source", "")),
        )


@dataclasses.dataclass(frozen=True)
class ThemeGroup:
    theme: Theme
    actions: list[Action]


@dataclasses.dataclass(frozen=True)
class Catalogue:
    config: Config
    actions: list[Action]

    def groups(self) -> list[ThemeGroup]:
        """Themes in configured order, each with its actions by number (empty themes too)."""
        return [
            ThemeGroup(theme, sorted((a for a in self.actions if a.theme == theme.number), key=lambda a: a.number))
            for theme in self.config.themes
        ]

    def values(self, action: Action) -> dict[str, Value]:
        """The action's fields as typed values (a date, a Decimal, text, or None), each read by its kind."""
        return {f.key: kind_of(f).value(action.texts.get(f.key, "")) for f in self.config.fields}

    def status_of(self, action: Action) -> Status:
        status = self.config.status(action.status)
        assert status is not None, "checked actions have a configured status"
        return status

    def to_dict(self) -> dict[str, Any]:
        return {
            "report": self.config.report.model_dump(mode="json"),
            "actions": [a.to_dict() for a in sorted(self.actions, key=lambda a: a.number)],
        }
