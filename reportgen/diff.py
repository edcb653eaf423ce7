"""What changed between two editions, per action.

Works on edition data (``Catalogue.to_dict()``, the ``data.json`` inside every PDF), so either
side can be an archived version, a PDF or the current inputs.
"""

from __future__ import annotations

import dataclasses
import difflib
from typing import Any

from .configuration import Config
from .fields import TEXT, kind_of


@dataclasses.dataclass
class ActionChange:
    number: int
    title: str
    kind: str                                   # "added", "dropped" or "changed"
    status: tuple[str, str] | None = None
    responsible: tuple[str, str] | None = None
    title_change: tuple[str, str] | None = None
    committees_added: list[str] = dataclasses.field(default_factory=list)
    committees_removed: list[str] = dataclasses.field(default_factory=list)
    roles: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)
    fields: list[str] = dataclasses.field(default_factory=list)
    words: dict[str, str] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v not in (None, [], {})}


def diff_editions(old: dict[str, Any], new: dict[str, Any], words: bool = False,
                  config: Config | None = None) -> list[ActionChange]:
    """Per action: added, dropped, or what changed (status, person, marks, which fields). A field's values
    compare as its kind compares them (``config``'s fields, else those the new edition's data records)."""
    before = {int(a["number"]): a for a in old["actions"]}
    after = {int(a["number"]): a for a in new["actions"]}
    kinds = ({f.key: f.kind for f in config.fields} if config is not None else
             {str(f.get("key")): str(f.get("kind", TEXT)) for f in new.get("fields", []) if isinstance(f, dict)})
    changes = []
    for number in sorted(before.keys() | after.keys()):
        if number not in before:
            changes.append(ActionChange(number, after[number]["title"], "added"))
        elif number not in after:
            changes.append(ActionChange(number, before[number]["title"], "dropped"))
        else:
            change = _compare(before[number], after[number], words, kinds)
            if change:
                changes.append(change)
    return changes


def _compare(a: dict[str, Any], b: dict[str, Any], words: bool, kinds: dict[str, str]) -> ActionChange | None:
    """What changed in one action; a field's value is compared as its kind (in the new edition's fields) compares."""
    change = ActionChange(int(b["number"]), b["title"], "changed")
    for attr, key in (("status", "status"), ("responsible", "responsible"), ("title_change", "title")):
        if a.get(key) != b.get(key):
            setattr(change, attr, (a.get(key), b.get(key)))
    old_c, new_c = set(a.get("committees", [])), set(b.get("committees", []))
    change.committees_added, change.committees_removed = sorted(new_c - old_c), sorted(old_c - new_c)
    roles_a, roles_b = a.get("roles", {}), b.get("roles", {})
    change.roles = {k: (roles_a.get(k, "none"), roles_b.get(k, "none")) for k in sorted(roles_a.keys() | roles_b.keys())
                    if roles_a.get(k, "none") != roles_b.get(k, "none")}
    texts_a, texts_b = a.get("texts", {}), b.get("texts", {})
    change.fields = [k for k in dict.fromkeys([*texts_a, *texts_b])
                     if not kind_of(kinds.get(k, TEXT)).same(texts_a.get(k, ""), texts_b.get(k, ""))]
    if words:
        change.words = {k: word_diff(texts_a.get(k, ""), texts_b.get(k, "")) for k in change.fields}
    changed = (change.status or change.responsible or change.title_change or change.committees_added
               or change.committees_removed or change.roles or change.fields)
    return change if changed else None


def word_diff(old: str, new: str) -> str:
    """A readable word-level diff: ``[-removed-]{+added+}``, unchanged words as they are."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out += a[i1:i2]
        if op in ("delete", "replace"):
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if op in ("insert", "replace"):
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)


def after_title(title: str) -> str:
    """What stands between a title and what follows it, never doubling its punctuation: ": " after
    a word, " – " after a title that ends a sentence ("… plan." or "… ?"), a space after ":" or ";"."""
    end = title.rstrip()[-1:]
    if end in (":", ";"):
        return " "
    return " – " if end in (".", "!", "?", "…") else ": "


def describe_change(change: ActionChange, config: Config) -> str:
    """What changed in one action, in the report's language: the same words in ``reportgen diff``
    and in the printed list of changes (statuses, committees and administrations by their names)."""
    t = config.messages
    if change.kind != "changed":
        return t(f"report.change_{change.kind}")
    status = {s.key: s.label for s in config.statuses}
    committee = {c.key: c.abbreviation for c in config.committees}
    admin = {a.key: a.abbreviation for a in config.administrations}
    labels = {f.key: f.label for f in config.fields}
    parts = []
    if change.title_change:
        parts.append(t("report.change_title", old=change.title_change[0], new=change.title_change[1]))
    if change.status:
        old, new = (status.get(k, k) for k in change.status)
        parts.append(t("report.change_status", old=old, new=new))
    if change.responsible:
        parts.append(t("report.change_responsible", old=change.responsible[0], new=change.responsible[1]))
    if change.committees_added or change.committees_removed:
        moved = [f"+{committee.get(k, k)}" for k in change.committees_added]
        moved += [f"-{committee.get(k, k)}" for k in change.committees_removed]
        parts.append(t("report.change_committees") + " (" + ", ".join(moved) + ")")
    if change.roles:
        roles = [f"{admin.get(k, k)}: {t('role.' + a)} → {t('role.' + b)}" for k, (a, b) in change.roles.items()]
        parts.append(t("report.change_roles") + " (" + ", ".join(roles) + ")")
    if change.fields:
        parts.append(t("report.change_fields", fields=", ".join(labels.get(k, k) for k in change.fields)))
    return "; ".join(parts)
