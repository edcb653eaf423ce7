"""What every kind of field knows, and the registry of kinds.

A field of an action has a kind (``kind:`` in the configuration, ``text`` by default). Each kind is one
class in one module of this package, registered with :func:`register`; everything else (the sheet, the
checks, the pages, the open data, ``diff`` and the round) asks the field's kind, never its name.

A value lives in the model as its kind's *canonical text* (``Action.texts``: a date as ``2018-03-01``,
an amount as ``1500000``, a link as its address), so the edition's ``data.json`` stays text, an edition
from before kinds reads as it is, and :meth:`FieldKind.value` gives the typed value when it is wanted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

from ..problems import Severity

if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..locales import Messages

Value = str | Decimal | dt.date | None  # a typed value: text, a number, a date, or nothing


class Spec(Protocol):
    """What a kind needs to know of a configured field (``ActionField``)."""

    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def after(self) -> str | None: ...
    @property
    def done(self) -> Sequence[str]: ...
    @property
    def choices(self) -> Sequence[str]: ...


@dataclasses.dataclass(frozen=True)
class Problem:
    """A problem with one field's cell, as a finding's code and its words' parameters."""

    code: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    severity: Severity = Severity.ERROR


@dataclasses.dataclass(frozen=True)
class Edition:
    """What a field is checked against beyond its own cell: the action's other fields and the edition."""

    values: Mapping[str, Value]   # field key -> typed value, of the fields read without problems
    status: str | None            # the action's status key
    date: dt.date                 # the edition's date
    labels: Mapping[str, str]     # field key -> label


class FieldKind:
    """One kind of field. A subclass sets ``name`` and overrides what differs from text."""

    name: ClassVar[str]
    options: ClassVar[frozenset[str]] = frozenset()  # the configuration keys of a field this kind takes
    table_type: ClassVar[str] = "string"             # its Table Schema type in the open data
    table_format: ClassVar[str | None] = None        # … and format ("uri")
    number_format: ClassVar[str | None] = None       # the sheet cell's number format
    row_height: ClassVar[float | None] = None        # the sheet row's height (None: the default)
    long: ClassVar[bool] = False                     # paragraphs and bullets (text): printed as cell text

    def read(self, raw: object, text: str, spec: Spec, t: Messages) -> tuple[str, list[Problem]]:
        """The canonical text of a cell (``raw`` as openpyxl gives it, ``text`` as the owner sees it), or
        "" when it cannot be read, with what is wrong."""
        return text, []

    def relate(self, text: str, spec: Spec, edition: Edition) -> list[Problem]:
        """What is wrong with a value read without problems, against the action's other fields and the edition."""
        return []

    def value(self, text: str) -> Value:
        """The typed value of a canonical text ("" is None)."""
        return text or None

    def cell(self, text: str, t: Messages) -> object:
        """What the sheet's cell holds for a canonical text (or any text the kind reads): a date as a date,
        a number as a number, never a formula; text it cannot read stays text, for the owner to mend."""
        return text or None

    def printed(self, text: str, t: Messages) -> str:
        """The value as the report prints it, in the report's language."""
        return text

    def href(self, text: str) -> str | None:
        """Where the printed value links to (a link), or None."""
        return None

    def help(self, spec: Spec, t: Messages) -> str:
        """What the sheet says beside the cell on how to write it."""
        return t("sheet.text_help")

    def validation(self, spec: Spec, t: Messages, list_ref: str) -> DataValidation | None:
        """The sheet cell's data validation (``list_ref``: the named range of the field's choices)."""
        return None

    def sheet_choices(self, spec: Spec) -> list[str]:
        """The drop-down's choices, written on the sheet's hidden list (none: no list)."""
        return []

    def table(self, spec: Spec) -> dict[str, Any]:
        """The Table Schema field's type (and format, constraints) for the open data."""
        return {"type": self.table_type, **({"format": self.table_format} if self.table_format else {})}

    def same(self, old: str, new: str) -> bool:
        """Whether two editions' canonical texts are the same value (``diff``)."""
        return old == new

    def carry(self, texts: Sequence[str]) -> str:
        """What the next round's sheet starts from, given the earlier edition's text(s) mapped onto this
        field: text joins them as paragraphs; a typed kind takes the first."""
        filled = [text for text in texts if text.strip()]
        return "\n\n".join(filled) if self.long else next(iter(filled), "")


KINDS: dict[str, FieldKind] = {}
TEXT = "text"


def register(cls: type[FieldKind]) -> type[FieldKind]:
    """Class decorator: make a kind known by its ``name``."""
    KINDS[cls.name] = cls()
    return cls


def kind_of(spec: Spec | str) -> FieldKind:
    """The kind of a configured field (or of a kind's name; an unknown name reads as text)."""
    return KINDS.get(spec if isinstance(spec, str) else spec.kind) or KINDS[TEXT]


def validation(kind: Literal["decimal", "date", "list"], error: str, t: Messages, low: str | None = None,
               high: str | None = None, operator: Literal["between"] | None = "between") -> DataValidation:
    """A sheet cell's validation (openpyxl's ``kind``: decimal, date, list …) with the finding's fix as its error."""
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(type=kind, operator=operator, formula1=low, formula2=high, allow_blank=True,
                          showErrorMessage=True, errorTitle=t("sheet.col_value"), error=error)


BABEL_LOCALE = {"da": "da_DK", "en": "en_GB"}  # the report's language -> Babel's locale for numbers and dates


def locale_of(t: Messages) -> str:
    return BABEL_LOCALE.get(t.language, "en_GB")
