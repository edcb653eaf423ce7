"""What the standard sheet holds, derived from the configuration.

The writer lays these items out row by row; the reader finds them again by their defined
names (``rg_title``, ``rg_field_maal`` …), never by row number, so an owner may insert rows.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Collection, Mapping

from ..configuration import ActionField, Config, names
from ..fields import kind_of

TEMPLATE_VERSION = 1
MAX_CELL_TEXT = 32_767  # what Excel itself can hold in one cell
MAX_ACTION_NUMBER = 9999  # the highest action number: the sheet's validation and the checks


class Kind(str, enum.Enum):
    NUMBER = "number"
    TEXT = "text"          # one line
    LONG_TEXT = "long"     # paragraphs, bullets
    THEME = "theme"
    STATUS = "status"
    YES_NO = "yes_no"
    ROLE = "role"


@dataclasses.dataclass(frozen=True)
class Item:
    name: str          # the defined name
    label: str
    kind: Kind
    help: str = ""
    required: bool = False
    section: str = ""  # the section heading the item is listed under
    key: str = ""      # committee / administration / field key
    field: ActionField | None = None  # a field's configuration (its kind)


def items(config: Config) -> list[Item]:
    """Every cell of the standard sheet, in the order it is laid out."""
    t = config.messages
    action, committees, admins, texts = (
        t("sheet.section_action"), t("sheet.section_committees"),
        t("sheet.section_administrations"), t("sheet.section_texts"),
    )
    out = [
        Item(names.NUMBER, t("sheet.number"), Kind.NUMBER, t("sheet.number_help"), True, action),
        Item(names.TITLE, t("sheet.title"), Kind.TEXT, t("sheet.title_help"), True, action),
        Item(names.THEME, t("sheet.theme"), Kind.THEME, t("sheet.theme_help"), True, action),
        Item(names.STATUS, t("sheet.status"), Kind.STATUS, t("sheet.status_help"), True, action),
        Item(names.RESPONSIBLE, t("sheet.responsible"), Kind.TEXT, t("sheet.responsible_help"), True, action),
    ]
    yes = t("choice.yes")
    out += [
        Item(names.committee(c.key), c.name, Kind.YES_NO, t("sheet.committees_help", yes=yes), False, committees, c.key)
        for c in config.committees
    ]
    out += [
        Item(names.administration(a.key), a.name, Kind.ROLE, t("sheet.administrations_help"), False, admins, a.key)
        for a in config.administrations
    ]
    out += [
        Item(names.field(f.key), f.label, Kind.LONG_TEXT, f.help, f.required, texts, f.key, f)
        for f in config.fields
    ]
    return out


def theme_choice(number: int, heading: str) -> str:
    return f"{number}. {heading}"


def choices(config: Config) -> dict[Kind, list[str]]:
    """The drop-down lists, as the owner sees them."""
    t = config.messages
    return {
        Kind.THEME: [theme_choice(th.number, th.heading) for th in config.themes],
        Kind.STATUS: [s.label for s in config.statuses],
        Kind.YES_NO: [t("choice.yes"), t("choice.no")],
        Kind.ROLE: [t("role.anchoring"), t("role.interest"), t("role.none")],
    }


def sheet_cells(config: Config, *, number: int, title: str, theme: int | None, status: str | None, responsible: str,
                texts: Mapping[str, str], committees: Collection[str] | None = None,
                roles: Mapping[str, str] | None = None) -> dict[str, object]:
    """The standard sheet's cells (by defined name) that show one action: the only place a value becomes a
    cell. ``theme``, ``status``: this configuration's (None: left for the owner); ``committees``, ``roles``
    (administration key -> role value): None leaves the marks blank; each field's kind writes its cell."""
    t = config.messages
    found_theme = config.theme(theme) if theme is not None else None
    found_status = config.status(status) if status is not None else None
    values: dict[str, object] = {
        names.NUMBER: number, names.TITLE: title,
        names.THEME: theme_choice(found_theme.number, found_theme.heading) if found_theme else None,
        names.STATUS: found_status.label if found_status else None, names.RESPONSIBLE: responsible or None,
    }
    if committees is not None:
        for c in config.committees:
            values[names.committee(c.key)] = t("choice.yes") if c.key in committees else t("choice.no")
    if roles is not None:
        for a in config.administrations:
            values[names.administration(a.key)] = t(f"role.{roles.get(a.key, 'none')}")
    for f in config.fields:
        values[names.field(f.key)] = kind_of(f).cell(texts.get(f.key, ""), t)
    return values
