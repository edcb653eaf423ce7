"""Carrying an earlier edition's actions into this configuration's sheets, one choice at a time.

An edition's data (the ``data.json`` in every PDF) carries its own themes, committees,
administrations, statuses and fields. A choice is carried over only when this configuration has the
same one: the same key (a theme: the same heading), or the same name or label, or the one
``round.carry`` maps it to. Any other is left empty in the sheet, for the owner to choose, and named
in one warning per old item with the actions it concerns. Never by position or number alone: a
theme 1 of last year is not this year's theme 1 unless its heading says so. (Data that records no
list of its own, a bare ``{"actions": […]}``, is taken to be in this configuration's terms.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..configuration import Config
from ..configuration.matching import Kind, find, fold
from ..fields import kind_of
from ..locales import Messages
from ..model import Action, Role
from ..problems import Finding, Severity
from ..sheets.layout import sheet_cells

_FINDING: dict[Kind, str] = {"themes": "carry-theme", "committees": "carry-committee",
                             "administrations": "carry-administration", "statuses": "carry-status",
                             "fields": "carry-field"}
_NAME_KEY: dict[Kind, str] = {"themes": "heading", "committees": "name", "administrations": "name",
                              "statuses": "label", "fields": "label"}
_RANK = {Role.ANCHORING: 2, Role.INTEREST: 1, Role.NONE: 0}


class Carrier:
    """Translates actions of an earlier edition (``data``: its edition data) into this
    configuration's sheet values, remembering what it could not carry."""

    def __init__(self, config: Config, data: Mapping[str, Any], source: str):
        self.config, self.source = config, source
        self.old: dict[Kind, dict[str, str]] = {kind: _old_names(data, kind) for kind in _FINDING}
        for kind in _FINDING:  # data that records no such list (a bare catalogue) speaks this configuration's terms
            if not isinstance(data.get(kind), list):
                self.old[kind] = _names(config, kind)
        self.cache: dict[tuple[Kind, str], int | str | None] = {}
        self.lost: dict[tuple[Kind, str], list[int]] = {}
        self.silent = self._silent()

    def target(self, kind: Kind, old: object, action: int) -> Any:
        """The new item an old one (a theme's number, another item's key) is, or None."""
        key = (kind, str(old))
        if key not in self.cache:
            self.cache[key] = self._resolve(kind, str(old))
        found = self.cache[key]
        if found is None and key not in self.silent:
            self.lost.setdefault(key, []).append(action)
        return found

    def _silent(self) -> set[tuple[Kind, str]]:
        """Old items the configuration maps to null: left empty on purpose, no warning."""
        silent: set[tuple[Kind, str]] = set()
        for kind in _FINDING:
            for old, new in getattr(self.config.round.carry, kind).items():
                if new is None:
                    silent |= {(kind, ident) for ident, name in self.old[kind].items()
                               if fold(old) in (fold(ident), fold(name))}
        return silent

    def _resolve(self, kind: Kind, old: str) -> int | str | None:
        name = self.old[kind].get(old)
        mapping = getattr(self.config.round.carry, kind)
        for wanted, new in mapping.items():
            if fold(wanted) in {fold(old), *([fold(name)] if name else [])}:
                return find(self.config, kind, new) if new is not None else None
        if kind != "themes":  # a theme's number is no identity: only its heading is
            same_key = find(self.config, kind, old)
            if same_key is not None and same_key == old:
                return same_key
        return find(self.config, kind, name) if name else None

    def values(self, action: Action) -> dict[str, object]:
        """The sheet's cells (by defined name) for ``action``, in this configuration's terms."""
        n = action.number
        theme = self.target("themes", action.theme, n)
        status = self.target("statuses", action.status, n)
        committees = {str(new) for new in (self.target("committees", key, n) for key in action.committees) if new}
        roles: dict[str, Role] = {}
        for key, role in action.roles.items():
            if role is Role.NONE:
                continue
            new = self.target("administrations", key, n)
            if new is not None and _RANK[role] > _RANK[roles.get(new, Role.NONE)]:
                roles[new] = role
        carried: dict[str, list[str]] = {}
        for key, text in action.texts.items():
            if text.strip():
                new = self.target("fields", key, n)
                if new is not None:
                    carried.setdefault(new, []).append(text)
        texts = {f.key: kind_of(f).carry(carried.get(f.key, [])) for f in self.config.fields}
        return sheet_cells(self.config, number=n, title=action.title, theme=theme, status=status,
                           responsible=action.responsible, texts=texts, committees=committees,
                           roles={key: role.value for key, role in roles.items()})

    def findings(self) -> list[Finding]:
        """One warning per old item that was not carried, with the actions it concerns."""
        t: Messages = self.config.messages
        out = []
        for (kind, old), actions in sorted(self.lost.items(), key=lambda item: (item[0][0], item[0][1])):
            name = self.old[kind].get(old, "")
            shown = f"{old} ({name})" if name and fold(name) != fold(old) else old
            out.append(t.finding(_FINDING[kind], Severity.WARNING, file=self.source, old=shown, key=old,
                                 actions=", ".join(map(str, sorted(set(actions))))))
        return out


def _names(config: Config, kind: Kind) -> dict[str, str]:
    """This configuration's items of one kind, as an edition's data records them."""
    return {str(ident): str(item.get(_NAME_KEY[kind], "")) for ident, item in
            ((i.get("number" if kind == "themes" else "key"), i) for i in
             (m.model_dump() for m in getattr(config, kind)))}


def _old_names(data: Mapping[str, Any], kind: Kind) -> dict[str, str]:
    """An earlier edition's items of one kind: identity (a theme's number, a key) -> heading or name."""
    found = {}
    items = data.get(kind)
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            ident = item.get("number" if kind == "themes" else "key")
            name = item.get(_NAME_KEY[kind])
            if ident is not None:
                found[str(ident)] = str(name) if name is not None else ""
    return found
