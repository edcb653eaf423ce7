"""Reads one standard sheet: the value of every defined name, with the cell it came from.

The reader knows nothing about what a value means (that is :mod:`reportgen.checks`); it only
finds the named cells, bounded in how far it reads, and says what it could not read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import time
import warnings
import zipfile
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from openpyxl import Workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import column_index_from_string, get_column_letter

from ..configuration import Config, names
from ..problems import Finding, Severity
from .files import SheetFile, part_key

log = logging.getLogger(__name__)
Targets = dict[str, tuple[str, int, int]]  # defined name -> (sheet, row, column)
_COORD = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")


@dataclasses.dataclass(frozen=True)
class CellValue:
    cell: str               # "B12"
    value: object = None    # str, int, float, date … or None when empty
    error: str | None = None  # "#REF!" etc., or "formula" for a formula with no cached value


@dataclasses.dataclass
class SheetData:
    file: str
    cells: dict[str, CellValue]      # defined name -> value
    template_version: object = None
    signature: object = None


class _Unreadable(Exception):
    pass


def read_sheet(file: SheetFile, config: Config) -> tuple[SheetData | None, list[Finding]]:
    t = config.messages
    try:
        with warnings.catch_warnings(record=True) as caught:  # openpyxl's, about this file: logged with its name
            warnings.simplefilter("always")
            data = _read(file, config)
        for warning in caught:
            log.info("%s: %s", file.name, warning.message)
        return data, []
    except _Unreadable as exc:
        code, params = exc.args
        return None, [t.finding(code, Severity.ERROR, file=file.name, **params)]
    except Exception as exc:
        unsafe = _unsafe_xml(exc)
        if unsafe:  # an entity, a DTD or an external reference: refused by defusedxml, never resolved
            return None, [t.finding("file-unsafe", Severity.ERROR, file=file.name, detail=type(unsafe).__name__)]
        log.debug("%s cannot be read", file.name, exc_info=True)
        return None, [t.finding("file-corrupt", Severity.ERROR, file=file.name, detail=t("words.damaged_workbook"))]


def _unsafe_xml(exc: BaseException | None) -> BaseException | None:
    """The defusedxml refusal behind an error openpyxl wrapped in its own, if there is one."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException):
            return exc  # type: ignore[no-any-return]
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


class _PartNames(zipfile.ZipFile):
    """A package whose parts are found as Excel finds them: a part's name is case-insensitive
    (ECMA-376 part 2), so ``xl/SharedStrings.xml`` is the part the workbook calls ``sharedStrings.xml``."""

    def getinfo(self, name: str) -> zipfile.ZipInfo:
        try:
            return super().getinfo(name)
        except KeyError:
            folded = {part_key(info.filename): info for info in self.infolist()}
            if part_key(name) in folded:
                return folded[part_key(name)]
            raise


class _Names(list[str]):
    """The package's part names, compared as :func:`part_key` compares them."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and part_key(name) in {part_key(n) for n in self}


def open_workbook(path: Path, data_only: bool) -> Workbook:
    """openpyxl's read-only workbook, its parts found case-insensitively (see :class:`_PartNames`)."""
    reader = ExcelReader(str(path), read_only=True, data_only=data_only, keep_links=False)
    reader.archive.close()
    reader.archive = _PartNames(path)
    reader.valid_files = _Names(reader.archive.namelist())
    try:
        reader.read()
    except BaseException:
        reader.archive.close()
        raise
    return reader.wb


class _Deadline:
    """The time one sheet may take, from opening it to its last cached value."""

    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise _Unreadable("file-too-slow", {})


def _read(file: SheetFile, config: Config) -> SheetData:
    deadline = _Deadline(config.sheets.max_seconds)
    wb = open_workbook(file.path, data_only=False)
    try:
        deadline.check()
        targets = _targets(wb)
        if not any(name.startswith(names.PREFIX) and name != names.META_VERSION for name in targets):
            raise _Unreadable("sheet-not-standard", {})
        values = _values(wb, targets, config.sheets.max_rows, deadline=deadline)
    finally:
        wb.close()
    if any(v.error == "formula" for v in values.values()):
        values = _fill_cached(file.path, targets, values, config.sheets.max_rows, deadline)
    version = values.pop(names.META_VERSION, CellValue("")).value
    signature = values.pop(names.META_SIGNATURE, CellValue("")).value
    return SheetData(file.name, values, version, signature)


def _targets(wb: Workbook) -> dict[str, tuple[str, int, int]]:
    """Our defined names -> (sheet, row, column). Names pointing at ranges or nowhere are skipped."""
    out = {}
    for name, definition in wb.defined_names.items():
        if not name.startswith(names.PREFIX) or name.startswith(names.LIST_PREFIX):
            continue
        for sheet, coord in definition.destinations:
            match = _COORD.match(coord or "")
            if match and sheet in wb.sheetnames:
                out[name] = (sheet, int(match[2]), column_index_from_string(match[1]))
                break
    return out


def _values(wb: Workbook, targets: Targets, max_rows: int, deadline: _Deadline,
            data_only: bool = False) -> dict[str, CellValue]:
    """One bounded pass over each sheet involved, picking out the named cells: per row, only the
    cells named on it are looked at (a name in column ZZZ costs no more than one in column B)."""
    out: dict[str, CellValue] = {}
    by_sheet: dict[str, dict[int, dict[int, str]]] = {}
    for name, (sheet, row, col) in targets.items():
        by_sheet.setdefault(sheet, {}).setdefault(row, {})[col] = name
    for sheet, by_row in by_sheet.items():
        last_row = max(by_row)
        if last_row > max_rows:
            raise _Unreadable("sheet-too-many-rows", {"rows": last_row, "limit": max_rows})
        first_col = min(c for wanted in by_row.values() for c in wanted)
        last_col = max(c for wanted in by_row.values() for c in wanted)
        rows = wb[sheet].iter_rows(min_row=1, max_row=last_row, min_col=first_col, max_col=last_col)
        for row, cells in enumerate(rows, start=1):
            deadline.check()
            for col, name in by_row.get(row, {}).items():
                cell = cells[col - first_col] if col - first_col < len(cells) else None
                if cell is not None and hasattr(cell, "coordinate"):  # an empty cell has no place of its own
                    out[name] = _cell_value(cell, data_only)
        for row, wanted in by_row.items():  # cells never written are simply empty
            for col, name in wanted.items():
                out.setdefault(name, CellValue(f"{get_column_letter(col)}{row}"))
    return out


def _cell_value(cell: Any, data_only: bool) -> CellValue:
    where = cell.coordinate
    value = cell.value
    if cell.data_type == "e":
        return CellValue(where, None, str(value))
    if cell.data_type == "f" and not data_only:
        return CellValue(where, None, "formula")
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    if isinstance(value, str) and value.startswith("#") and value.upper() in _EXCEL_ERRORS:
        return CellValue(where, None, value)
    return CellValue(where, value)


_EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}


def _fill_cached(path: Path, targets: Targets, values: dict[str, CellValue], max_rows: int,
                 deadline: _Deadline) -> dict[str, CellValue]:
    """Formulas: take the value Excel or LibreOffice computed and cached when saving."""
    wb = open_workbook(path, data_only=True)
    try:
        deadline.check()
        cached = _values(wb, targets, max_rows, deadline, data_only=True)
    finally:
        wb.close()
    out = dict(values)
    for name, value in values.items():
        if value.error == "formula":
            got = cached.get(name)
            out[name] = got if got and (got.value is not None or got.error) else CellValue(value.cell, None, "formula")
    return out
