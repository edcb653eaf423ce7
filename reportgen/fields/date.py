"""A date: written in the sheet as a date, printed "1. marts 2018" / "1 March 2018", a Table Schema
``date``. ``after:`` names the field it may not come before (an end after its start); ``done:`` makes
it a milestone: past the edition's date while the action's status is not one of those, a warning."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, ClassVar

from ..problems import Severity
from .base import Edition, FieldKind, Problem, Spec, locale_of, register, validation

if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..locales import Messages

_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")  # 1.3.2018, 01-03-2018, 1/3/2018
_EARLIEST, _LATEST = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def parse(raw: object, text: str) -> dt.date | None:
    """A date from a cell: a date (or date and time) as Excel stores it, ISO text, or day first."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = text.strip()
    try:
        found = dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
        if found is None and (match := _DAY_FIRST.match(text)):
            found = dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return found if found is not None and _EARLIEST <= found <= _LATEST else None


@register
class Date(FieldKind):
    name = "date"
    options = frozenset({"after", "done"})
    table_type = "date"
    number_format: ClassVar[str | None] = "yyyy-mm-dd"

    def read(self, raw: object, text: str, spec: Spec, t: Messages) -> tuple[str, list[Problem]]:
        if not text:
            return "", []
        found = parse(raw, text)
        if found is None:
            return "", [Problem("date-invalid", {"value": text, "label": spec.label})]
        return found.isoformat(), []

    def relate(self, text: str, spec: Spec, edition: Edition) -> list[Problem]:
        day = self.value(text)
        if not isinstance(day, dt.date):
            return []
        start = edition.values.get(spec.after) if spec.after else None
        if isinstance(start, dt.date) and day < start:
            return [Problem("date-before", {"label": spec.label, "start": edition.labels.get(spec.after or "", ""),
                                            "value": day.isoformat(), "other": start.isoformat()})]
        if spec.done and day < edition.date and edition.status not in spec.done:
            return [Problem("date-passed", {"label": spec.label, "value": day.isoformat(),
                                            "date": edition.date.isoformat()}, Severity.WARNING)]
        return []

    def value(self, text: str) -> dt.date | None:
        return parse(None, text) if text else None

    def cell(self, text: str, t: Messages) -> object:
        return parse(None, text) or text or None

    def printed(self, text: str, t: Messages) -> str:
        from babel.dates import format_date

        day = self.value(text)
        return format_date(day, t("fields.date_pattern"), locale=locale_of(t)) if day else text

    def help(self, spec: Spec, t: Messages) -> str:
        return t("fields.date_help")

    def validation(self, spec: Spec, t: Messages, list_ref: str) -> DataValidation | None:
        return validation("date", t("findings.date-invalid.fix"), t, "DATE(1900,1,1)", "DATE(2199,12,31)")
