"""An amount of money: written in the sheet as a number, printed "1.500.000 kr." / "DKK 1,500,000",
a Table Schema ``number``; ``total: true`` sums it per theme and in all in the status summary."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, ClassVar

from .base import FieldKind, Problem, Spec, locale_of, register, validation

if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..locales import Messages

_UNITS = re.compile(r"(?i)\s*(kr\.?|dkk|,-|%)\s*")  # a currency or percent sign an owner may add
LIMIT = Decimal("1e15")  # more than any municipality's budget; bounds what is summed and printed


def parse_number(raw: object, text: str, t: Messages) -> Decimal | None:
    """A number from a cell: a number as Excel stores it, or text in the report's language's way
    ("1.500.000,50" in Danish, "1,500,000.50" in English), with or without "kr." or "%"."""
    from babel.numbers import NumberFormatError, parse_decimal

    number: Decimal | None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float, Decimal)):
        number = Decimal(str(raw))
    else:
        cleaned = _UNITS.sub("", text).replace("\u00a0", "").replace(" ", "")
        try:
            number = parse_decimal(cleaned, locale=locale_of(t), strict=True) if cleaned else None
        except (NumberFormatError, InvalidOperation, ValueError):
            return None
    if number is None or not number.is_finite() or abs(number) >= LIMIT:
        return None
    return number


def canonical(number: Decimal) -> str:
    """A number as the edition's data keeps it: plain digits, a point, no trailing zeros (1500000, 12.5)."""
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def as_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


@register
class Amount(FieldKind):
    name = "amount"
    options = frozenset({"total"})
    table_type = "number"
    number_format: ClassVar[str | None] = "#,##0.##"

    def read(self, raw: object, text: str, spec: Spec, t: Messages) -> tuple[str, list[Problem]]:
        if not text:
            return "", []
        number = parse_number(raw, text, t)
        if number is None:
            return "", [Problem("amount-invalid", {"value": text, "label": spec.label})]
        return canonical(number), []

    def value(self, text: str) -> Decimal | None:
        return as_decimal(text)

    def cell(self, text: str, t: Messages) -> object:
        number = as_decimal(text)
        if number is None and text:
            number = parse_number(None, text, t)
        return (int(number) if number == number.to_integral_value() else number) if number is not None else text or None

    def printed(self, text: str, t: Messages) -> str:
        number = self.value(text)
        return t("fields.amount_printed", amount=self.number(number, t)) if number is not None else text

    @staticmethod
    def number(number: Decimal, t: Messages) -> str:
        from babel.numbers import format_decimal

        return format_decimal(number, format="#,##0.##", locale=locale_of(t))

    def help(self, spec: Spec, t: Messages) -> str:
        return t("fields.amount_help")

    def validation(self, spec: Spec, t: Messages, list_ref: str) -> DataValidation | None:
        return validation("decimal", t("findings.amount-invalid.fix"), t, str(-LIMIT), str(LIMIT))

    def same(self, old: str, new: str) -> bool:
        return as_decimal(old) == as_decimal(new) if as_decimal(old) is not None else old == new
