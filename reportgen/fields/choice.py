"""A choice from the field's own list (``choices:`` in the configuration): a drop-down in the sheet,
printed as chosen, a Table Schema ``string`` constrained to the list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import FieldKind, Problem, Spec, register, validation

if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..locales import Messages


@register
class Choice(FieldKind):
    name = "choice"
    options = frozenset({"choices"})

    def read(self, raw: object, text: str, spec: Spec, t: Messages) -> tuple[str, list[Problem]]:
        if not text:
            return "", []
        folded = " ".join(text.split()).casefold()
        found = next((choice for choice in spec.choices if choice.casefold() == folded), None)
        if found is None:
            return "", [Problem("choice-unknown", {"value": text, "label": spec.label,
                                                   "choices": ", ".join(spec.choices)})]
        return found, []

    def help(self, spec: Spec, t: Messages) -> str:
        return t("fields.choice_help")

    def validation(self, spec: Spec, t: Messages, list_ref: str) -> DataValidation | None:
        return validation("list", t("findings.choice-unknown.fix", choices=", ".join(spec.choices)), t, list_ref,
                          operator=None)

    def sheet_choices(self, spec: Spec) -> list[str]:
        return list(spec.choices)

    def table(self, spec: Spec) -> dict[str, Any]:
        return super().table(spec) | {"constraints": {"enum": list(spec.choices)}}
