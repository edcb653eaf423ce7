"""A share in per cent, 0 to 100: written in the sheet as a number, printed "40 %" / "40%", a Table
Schema ``number`` between 0 and 100."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from .amount import Amount, as_decimal, canonical, parse_number
from .base import FieldKind, Problem, Spec, register, validation

if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..locales import Messages


@register
class Percent(FieldKind):
    name = "percent"
    table_type = "number"
    number_format: ClassVar[str | None] = "0.##"

    def read(self, raw: object, text: str, spec: Spec, t: Messages) -> tuple[str, list[Problem]]:
        if not text:
            return "", []
        number = parse_number(raw, text, t)
        if number is None:
            return "", [Problem("percent-invalid", {"value": text, "label": spec.label})]
        if not 0 <= number <= 100:
            return "", [Problem("percent-range", {"value": text, "label": spec.label})]
        return canonical(number), []

    def value(self, text: str) -> Decimal | None:
        return as_decimal(text)

    def cell(self, text: str, t: Messages) -> object:
        number = as_decimal(text)
        return (int(number) if number == number.to_integral_value() else number) if number is not None else text or None

    def printed(self, text: str, t: Messages) -> str:
        number = self.value(text)
        return t("fields.percent_printed", percent=Amount.number(number, t)) if number is not None else text

    def help(self, spec: Spec, t: Messages) -> str:
        return t("fields.percent_help")

    def validation(self, spec: Spec, t: Messages, list_ref: str) -> DataValidation | None:
        return validation("decimal", t("findings.percent-range.fix"), t, "0", "100")

    def table(self, spec: Spec) -> dict[str, Any]:
        return super().table(spec) | {"constraints": {"minimum": 0, "maximum": 100}}

    def same(self, old: str, new: str) -> bool:
        return as_decimal(old) == as_decimal(new) if as_decimal(old) is not None else old == new
