"""The list a new round starts from: one row per action, in a CSV file or a one-sheet workbook.

``reportgen sheets --actions LIST`` makes the round's sheets from it. The first row names the
columns, each by its key or by its label in the report's language: ``number``, ``title``,
``theme``, ``responsible`` (these four are needed), ``status``, ``previous`` (the number the action
had in the edition the round carries from, where it changed) and the configured text fields
(``fields[].key`` or ``fields[].label``). A theme is given by its number, its heading or the
sheet's choice ("1. Heading"); a status by its key or label. Every problem is a finding with the
list's file and the cell ("B7", as the list opens in a spreadsheet); what the list can make
reportgen read is bounded (file size, rows, columns, time).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from ..checks import action_number
from ..configuration import Config
from ..locales import Messages
from ..paths import read_regular_file
from ..problems import Finding, Severity, read_problem
from ..sheets.files import SheetFile, screen
from ..sheets.layout import MAX_ACTION_NUMBER, sheet_cells, theme_choice
from ..sheets.reader import open_workbook

MAX_LIST_BYTES = 5 * 1024 * 1024
MAX_ROWS = MAX_ACTION_NUMBER + 1  # rows of actions: one more than the highest number
MAX_COLUMNS = 200
MAX_TEXT = 32_767           # what one Excel cell holds
CSV_SUFFIXES = {".csv", ".txt"}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
NEEDED = ("number", "title", "theme", "responsible")


@dataclasses.dataclass(frozen=True)
class ListedAction:
    """One row of the list, checked: what its sheet is pre-filled with."""

    number: int
    title: str
    theme: int
    status: str | None          # a status key, or None: the owner chooses
    responsible: str
    texts: dict[str, str]       # field key -> text
    row: int
    previous: int | None = None  # its number in the edition carried from, where it changed

    def sheet_values(self, config: Config) -> dict[str, object]:
        """The standard sheet's cells (by defined name) this row fills in (no marks: the owner's)."""
        return sheet_cells(config, number=self.number, title=self.title, theme=self.theme, status=self.status,
                           responsible=self.responsible, texts=self.texts)


def column_names(config: Config) -> dict[str, str]:
    """Header text (folded) -> what the column holds: a built-in item or ``field:<key>``."""
    t = config.messages
    known: dict[str, str] = {}
    for field in config.fields:  # first, so that the built-in items win a clash of names
        known[_fold(field.key)] = known[_fold(field.label)] = f"field:{field.key}"
    for item in (*NEEDED, "status"):
        for name in (item, t(f"sheet.{item}")):
            known[_fold(name)] = item
    for name in ("previous", t("words.previous_number")):
        known[_fold(name)] = "previous"
    known[_fold(t("report.number"))] = "number"
    return known


def _fold(text: str) -> str:
    return " ".join(text.replace("*", " ").split()).rstrip(".:").casefold()


def read_action_list(path: Path, config: Config) -> tuple[list[ListedAction], list[Finding]]:
    """The list's actions and every problem found in it (errors: nothing may be written)."""
    t = config.messages
    where = str(path)
    findings: list[Finding] = []
    try:
        rows = list(_rows(path, config, findings))
    except _Refused as refused:
        return [], [*findings, refused.finding]
    header = next((r for r in rows if any(v not in (None, "") for v in r[1])), None)
    if header is None:
        return [], [*findings, t.finding("list-empty", Severity.ERROR, file=where)]
    columns = _columns(header, config, where, findings)
    if any(f.severity is Severity.ERROR for f in findings):
        return [], findings
    listed: list[ListedAction] = []
    first_row: dict[int, int] = {}
    for row, values in rows:
        if row <= header[0] or all(v in (None, "") for v in values):
            continue
        action = _RowCheck(config, where, row, columns, values, findings).run()
        if action is None:
            continue
        if action.number in first_row:
            findings.append(t.finding("list-number-duplicate", Severity.ERROR, file=where,
                                      cell=columns.cell("number", row), number=action.number,
                                      row=first_row[action.number]))
            continue
        first_row[action.number] = row
        listed.append(action)
    if not listed and not any(f.severity is Severity.ERROR for f in findings):
        findings.append(t.finding("list-empty", Severity.ERROR, file=where))
    return sorted(listed, key=lambda a: a.number), findings


class _Refused(Exception):
    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def _rows(path: Path, config: Config, findings: list[Finding]) -> Iterator[tuple[int, list[Any]]]:
    """(row number, the row's values), from the first row, bounded in rows and columns."""
    t = config.messages
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        yield from _workbook_rows(path, config, findings)
    elif suffix in CSV_SUFFIXES:
        yield from _csv_rows(path, t)
    else:
        raise _Refused(t.finding("list-kind", Severity.ERROR, file=str(path), suffix=suffix or "-"))


def _unreadable(path: Path, t: Messages, exc: BaseException) -> _Refused:
    return _Refused(t.finding("list-unreadable", Severity.ERROR, file=str(path),
                              detail=t(f"read_problems.{read_problem(exc)}")))


def _csv_rows(path: Path, t: Messages) -> Iterator[tuple[int, list[Any]]]:
    try:
        raw = read_regular_file(path, MAX_LIST_BYTES)
    except OSError as exc:
        raise _unreadable(path, t, exc) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Refused(t.finding("list-encoding", Severity.ERROR, file=str(path))) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count) if any(d in first for d in ";,\t") else ","
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if number > MAX_ROWS + 1:
                raise _Refused(t.finding("list-too-many-rows", Severity.ERROR, file=str(path), limit=MAX_ROWS))
            yield number, row[:MAX_COLUMNS]
    except csv.Error as exc:
        raise _unreadable(path, t, ValueError(exc)) from None


def _workbook_rows(path: Path, config: Config, findings: list[Finding]) -> Iterator[tuple[int, list[Any]]]:
    t = config.messages
    try:
        if path.stat().st_size > MAX_LIST_BYTES:
            raise _Refused(t.finding("list-unreadable", Severity.ERROR, file=str(path),
                                     detail=t("read_problems.too_large")))
    except OSError as exc:
        raise _unreadable(path, t, exc) from None
    problem = screen(SheetFile(path, str(path)), config)
    if problem is not None:
        raise _Refused(problem)
    deadline = time.monotonic() + config.sheets.max_seconds
    try:
        wb = open_workbook(path, data_only=True)
    except Exception:  # a damaged workbook: openpyxl's errors have no common type
        raise _Refused(t.finding("list-unreadable", Severity.ERROR, file=str(path),
                                 detail=t("words.damaged_workbook"))) from None
    try:
        ws = wb.worksheets[0]
        if len(wb.worksheets) > 1:
            findings.append(t.finding("list-more-sheets", Severity.WARNING, file=str(path), sheet=ws.title,
                                      count=len(wb.worksheets)))
        for number, row in enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise _Refused(t.finding("list-too-many-rows", Severity.ERROR, file=str(path), limit=MAX_ROWS))
            if time.monotonic() > deadline:
                raise _Refused(t.finding("list-unreadable", Severity.ERROR, file=str(path),
                                         detail=t("read_problems.too_large")))
            yield number, list(row)
    finally:
        wb.close()


@dataclasses.dataclass
class _Columns:
    by_item: dict[str, int]     # item -> column index (0-based)

    def cell(self, item: str, row: int) -> str:
        return f"{get_column_letter(self.by_item[item] + 1)}{row}"


def _columns(header: tuple[int, list[Any]], config: Config, where: str, findings: list[Finding]) -> _Columns:
    t = config.messages
    known = column_names(config)
    row, values = header
    by_item: dict[str, int] = {}
    for index, value in enumerate(values):
        text = str(value).strip() if value is not None else ""
        if not text:
            continue
        cell = f"{get_column_letter(index + 1)}{row}"
        item = known.get(_fold(text))
        if item is None:
            findings.append(t.finding("list-column-unknown", Severity.WARNING, file=where, cell=cell, name=text))
        elif item in by_item:
            findings.append(t.finding("list-column-twice", Severity.ERROR, file=where, cell=cell, name=text,
                                      other=f"{get_column_letter(by_item[item] + 1)}{row}"))
        else:
            by_item[item] = index
    missing = [item for item in NEEDED if item not in by_item]
    if missing:
        findings.append(t.finding("list-column-missing", Severity.ERROR, file=where, cell=f"A{row}",
                                  columns=", ".join(missing)))
    return _Columns(by_item)


class _RowCheck:
    """One row of the list to a :class:`ListedAction`, every problem a finding with its cell."""

    def __init__(self, config: Config, where: str, row: int, columns: _Columns, values: list[Any],
                 findings: list[Finding]):
        self.config, self.t, self.where, self.row = config, config.messages, where, row
        self.columns, self.values, self.findings = columns, values, findings
        self.reported = len(findings)

    def raw(self, item: str) -> Any:
        index = self.columns.by_item.get(item)
        return self.values[index] if index is not None and index < len(self.values) else None

    def text(self, item: str) -> str:
        value = self.raw(item)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
        if len(text) > MAX_TEXT:
            self.problem("list-text-too-long", item, length=len(text), limit=MAX_TEXT)
            return ""
        return text

    def problem(self, code: str, item: str, severity: Severity = Severity.ERROR, **params: Any) -> None:
        self.findings.append(self.t.finding(code, severity, file=self.where, cell=self.columns.cell(item, self.row),
                                            **params))

    def run(self) -> ListedAction | None:
        number = self._number()
        title = " ".join(self.text("title").split())
        if not title:
            self.problem("list-value-missing", "title", label=self.t("sheet.title"))
        theme = self._theme()
        status = self._status() if "status" in self.columns.by_item else None
        responsible = " ".join(self.text("responsible").split())
        if not responsible:
            self.problem("list-value-missing", "responsible", Severity.WARNING, label=self.t("sheet.responsible"))
        texts = {key.removeprefix("field:"): self.text(key) for key in self.columns.by_item if key.startswith("field:")}
        previous = self._previous()
        if any(f.severity is Severity.ERROR for f in self.findings[self.reported:]):
            return None
        assert number is not None and theme is not None
        return ListedAction(number, title, theme, status, responsible, texts, self.row, previous)

    def _previous(self) -> int | None:
        text = self.text("previous")
        if not text:
            return None
        number = action_number(self.raw("previous"))
        if number is None:
            self.problem("list-number-invalid", "previous", value=text, limit=MAX_ACTION_NUMBER)
        return number

    def _number(self) -> int | None:
        text = self.text("number")
        if not text:
            self.problem("list-value-missing", "number", label=self.t("sheet.number"))
            return None
        number = action_number(self.raw("number"))
        if number is None:
            self.problem("list-number-invalid", "number", value=text, limit=MAX_ACTION_NUMBER)
        return number

    def _theme(self) -> int | None:
        text = self.text("theme")
        if not text:
            self.problem("list-value-missing", "theme", label=self.t("sheet.theme"))
            return None
        folded = text.casefold()
        for theme in self.config.themes:
            if folded in {str(theme.number), f"{theme.number}.", theme.heading.casefold(),
                          theme_choice(theme.number, theme.heading).casefold()}:
                return theme.number
        self.problem("list-theme-unknown", "theme", value=text,
                     choices=", ".join(theme_choice(th.number, th.heading) for th in self.config.themes))
        return None

    def _status(self) -> str | None:
        text = self.text("status")
        if not text:
            return None
        for status in self.config.statuses:
            if text.casefold() in {status.key.casefold(), status.label.casefold()}:
                return status.key
        self.problem("list-status-unknown", "status", value=text,
                     choices=", ".join(s.label for s in self.config.statuses))
        return None
