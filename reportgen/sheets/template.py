"""Writes the standard sheet: one action per workbook, made from the configuration.

The sheet opens in Excel and LibreOffice alike: plain cells, drop-downs backed by named lists
on a hidden sheet, every value cell reachable through a workbook-level defined name.
"""

from __future__ import annotations

import datetime as dt
import errno
import gc
import io
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..configuration import Config, names
from ..fields import kind_of
from ..locales import Messages
from ..model import Action
from ..problems import CheckResult, Finding, Severity
from ..writers import write_bytes, write_failed
from .layout import MAX_ACTION_NUMBER, TEMPLATE_VERSION, Item, Kind, choices, items, sheet_cells

INPUT_FILL = PatternFill("solid", fgColor="FFF6CC")
ERROR_FILL = PatternFill("solid", fgColor="F4B6B0")
WARNING_FILL = PatternFill("solid", fgColor="FBE29A")
SECTION_FILL = PatternFill("solid", fgColor="DCE6F0")
HEADER_FILL = PatternFill("solid", fgColor="BFCFE0")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
LIST_NAMES = {Kind.THEME: names.choice_list("themes"), Kind.STATUS: names.choice_list("statuses"),
              Kind.YES_NO: names.choice_list("yes_no"), Kind.ROLE: names.choice_list("roles")}
FIRST_ITEM_ROW = 5


def write_template(config: Config, path: Path | str, action: Action | None = None, *,
                   values: dict[str, object] | None = None, feedback: list[Finding] | None = None) -> Path:
    """Write the blank standard sheet, or one pre-filled with ``action``.

    ``values`` (cell values by defined name) are filled in as they are, valid or not; with
    ``feedback``, a first sheet lists those problems and the cells they concern are highlighted
    and commented. Either way it is a fresh sheet from the template, with every drop-down.
    """
    path = Path(path)
    wb = Workbook()
    main = wb.worksheets[0]
    main.title = config.messages("sheet.main")
    filled = {**(sheet_values(config, action) if action else {}), **(values or {})}
    cells = _write_main(wb, main, config, filled, feedback or [])
    if feedback:
        _write_feedback(wb, config, feedback, cells)
    _write_guide(wb.create_sheet(config.messages("sheet.guide")), config)
    _write_lists(wb, config)
    _write_meta(wb, config)
    _only_text(wb)
    return write_bytes(path, _reproducible(_saved(wb, path, config.messages), config.report.date), config.messages)


def _saved(wb: Workbook, path: Path, t: Messages) -> bytes:
    """The workbook's bytes, made in memory (a full disk where it goes is then the writer's finding).
    openpyxl still writes each sheet to a temporary file first; when that fails (a full temporary
    folder), lxml says so in an error of its own type, and once more when openpyxl's unfinished
    sheet is dropped: the first becomes the same finding, the second is not printed."""
    made = io.BytesIO()
    failure: OSError | None = None
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        wb.save(made)
    except OSError as exc:
        failure = OSError(exc.errno, exc.strerror)
    except Exception as exc:
        if type(exc).__name__ != "SerialisationError":
            raise
        failure = OSError(errno.ENOSPC, str(exc))
    finally:
        if failure is not None:
            gc.collect()  # openpyxl's unfinished sheet, dropped while its second word is not printed
        sys.unraisablehook = hook
    if failure is not None:
        raise write_failed(path, failure, t)
    return made.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@")  # what Excel and LibreOffice read as the start of a formula


def _only_text(wb: Workbook) -> None:
    """Every value reportgen writes is data, never a formula: openpyxl takes any text that starts
    with "=" for one, so an owner's "=HYPERLINK(…)" would come back live in the sheets reportgen
    sends to other people. Such text is stored as text, and marked so that Excel and LibreOffice
    keep it text when the cell is edited (quotePrefix)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def _reproducible(workbook: bytes, day: dt.date) -> bytes:
    """Stamp the edition's date instead of the clock, so the same sheet is the same bytes.

    openpyxl writes the current time into docProps/core.xml and into every zip entry.
    """
    stamp = f"{day.isoformat()}T00:00:00Z"
    with zipfile.ZipFile(io.BytesIO(workbook)) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            zout.writestr(zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0)), data,
                          compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _write_main(wb: Workbook, ws: Worksheet, config: Config, values: dict[str, object],
                feedback: list[Finding]) -> dict[str, str]:
    """Lay out every item; returns where each defined name points (name -> "B12")."""
    t = config.messages
    _sheet_top(ws, t("sheet.heading", title=config.report.title), {"A": 30, "B": 80, "C": 45}, 4,
               [t("sheet.col_field"), t("sheet.col_value"), t("sheet.col_help")])
    ws["A2"] = t("sheet.intro")
    ws["A2"].alignment = WRAP_TOP
    ws.merge_cells("A2:C2")
    ws.row_dimensions[2].height = 32
    ws.freeze_panes = "A5"
    validations = _validations(config)
    problems: dict[str, list[Finding]] = {}
    for finding in feedback:
        problems.setdefault(finding.field or "", []).append(finding)
    row, section, cells = FIRST_ITEM_ROW, None, {}
    for item in items(config):
        if item.section != section:
            section = item.section
            ws.cell(row, 1, section).font = Font(bold=True)
            for col in range(1, 4):
                ws.cell(row, col).fill = SECTION_FILL
            row += 1
        _write_item(wb, ws, row, item, values.get(item.name), validations, t)
        cells[item.name] = f"B{row}"
        if item.name in problems:
            _mark_problem(ws.cell(row, 2), problems[item.name])
        row += 1
    for validation in validations.values():
        ws.add_data_validation(validation)
    return cells


def _mark_problem(cell: Any, findings: list[Finding]) -> None:
    severe = any(f.severity is Severity.ERROR for f in findings)
    cell.fill = ERROR_FILL if severe else WARNING_FILL
    text = "\n".join(f"{f.message} {f.fix}".strip() for f in findings)
    cell.comment = Comment(text, "reportgen", width=320, height=120)


def _write_feedback(wb: Workbook, config: Config, feedback: list[Finding], cells: dict[str, str]) -> None:
    """A first sheet listing the problems, with what to do, in the report's language."""
    t = config.messages
    ws = wb.create_sheet(t("sheet.feedback"), 0)
    wb.active = 0
    _sheet_top(ws, t("sheet.feedback_heading"), {"A": 22, "B": 10, "C": 10, "D": 28, "E": 60, "F": 60}, 4,
               [t("sheet.feedback_code"), t("sheet.feedback_severity"), t("sheet.feedback_cell"),
                t("sheet.col_field"), t("sheet.feedback_problem"), t("sheet.feedback_fix")])
    ws["A2"] = t("sheet.feedback_lead")
    labels = {item.name: item.label for item in items(config)}
    for row, f in enumerate(CheckResult(findings=list(feedback)).sorted(), start=5):
        values = [f.code, t(f"severity.{f.severity.value}"), cells.get(f.field or "", ""),
                  labels.get(f.field or "", ""), f.message, f.fix]
        for col, value in enumerate(values, start=1):
            ws.cell(row, col, value).alignment = WRAP_TOP


def _write_item(wb: Workbook, ws: Worksheet, row: int, item: Item, value: Any,
                validations: dict[str, DataValidation], t: Messages) -> None:
    ws.cell(row, 1, item.label + (" *" if item.required else "")).alignment = WRAP_TOP
    cell = ws.cell(row, 2, value)
    cell.fill = INPUT_FILL
    cell.alignment = WRAP_TOP
    help_text = " ".join(filter(None, [item.help, t("sheet.required") if item.required else ""]))
    if item.field is not None:  # a field: its kind says how the cell is written
        kind = kind_of(item.field)
        help_text = " ".join(filter(None, [help_text, kind.help(item.field, t)]))
        if kind.number_format:
            cell.number_format = kind.number_format
        validation = kind.validation(item.field, t, names.choice_list(f"field_{item.key}"))
        if validation is not None:
            validations[item.name] = validation
        if kind.row_height:
            ws.row_dimensions[row].height = kind.row_height
    ws.cell(row, 3, help_text).alignment = WRAP_TOP
    ws.cell(row, 3).font = Font(italic=True, color="555555")
    if item.kind is Kind.NUMBER:
        cell.number_format = "0"
    for key in (item.kind, item.name):
        if key in validations:
            validations[key].add(cell.coordinate)
    ref = f"{quote_sheetname(ws.title)}!${cell.column_letter}${row}"
    wb.defined_names[item.name] = DefinedName(item.name, attr_text=ref)


def _validations(config: Config) -> dict[str, DataValidation]:
    t = config.messages
    out: dict[str, DataValidation] = {
        kind: DataValidation(type="list", formula1=name, allow_blank=True, showErrorMessage=True,
                             errorTitle=t("sheet.col_value"), error=t("findings.choice-unknown.fix", choices="…"))
        for kind, name in LIST_NAMES.items()
    }
    out[Kind.NUMBER] = DataValidation(type="whole", operator="between", formula1="1", formula2=str(MAX_ACTION_NUMBER),
                                      allow_blank=True, showErrorMessage=True,
                                      error=t("findings.number-invalid.fix"))
    return out


def _write_lists(wb: Workbook, config: Config) -> None:
    """The drop-downs' choices, a column each: the standard lists, then a choice field's own."""
    ws = wb.create_sheet(config.messages("sheet.lists"))
    ws.sheet_state = "hidden"
    lists = [(LIST_NAMES[kind], values) for kind, values in choices(config).items()]
    lists += [(names.choice_list(f"field_{f.key}"), kind_of(f).sheet_choices(f)) for f in config.fields]
    for col, (name, values) in enumerate([(name, values) for name, values in lists if values], start=1):
        for row, value in enumerate(values, start=1):
            ws.cell(row, col, value)
        letter = ws.cell(1, col).column_letter
        ref = f"{quote_sheetname(ws.title)}!${letter}$1:${letter}${len(values)}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _write_meta(wb: Workbook, config: Config) -> None:
    ws = wb.create_sheet("reportgen")
    ws.sheet_state = "hidden"
    for row, (name, label, value) in enumerate(
        [(names.META_VERSION, "template_version", TEMPLATE_VERSION),
         (names.META_SIGNATURE, "config_signature", config.signature())],
        start=1,
    ):
        ws.cell(row, 1, label)
        ws.cell(row, 2, value)
        wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(ws.title)}!$B${row}")


def _sheet_top(ws: Worksheet, heading: str, widths: dict[str, float], header_row: int, headers: list[str]) -> None:
    """A sheet's heading in A1, its column widths, and its bold, shaded header row."""
    ws["A1"] = heading
    ws["A1"].font = Font(bold=True, size=14)
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    for col, text in enumerate(headers, start=1):
        ws.cell(header_row, col, text).font = Font(bold=True)
        ws.cell(header_row, col).fill = HEADER_FILL


def _write_guide(ws: Worksheet, config: Config) -> None:
    """Every section and every field of the sheet, each with the rule check applies to it."""
    t = config.messages
    row = 5
    _sheet_top(ws, t("sheet.guide_heading"), {"A": 34, "B": 30, "C": 90}, row,
               [t("sheet.col_field"), t("sheet.guide_rule"), t("sheet.col_help")])
    ws["A2"] = t("sheet.guide_lead")
    ws["A3"] = t("sheet.text_help")
    lists = choices(config)
    yes, anchoring = t("choice.yes"), t("role.anchoring")
    section_rules = {
        Kind.YES_NO: (t("sheet.guide_rule_committees", yes=yes), t("sheet.committees_help", yes=yes)),
        Kind.ROLE: (t("sheet.guide_rule_administrations", anchoring=anchoring), t("sheet.administrations_help")),
    }
    section = None
    for item in items(config):
        if item.section != section:
            section = item.section
            row += 1
            rule, help_text = section_rules.get(item.kind, ("", ""))
            for col, value in enumerate((section, rule, help_text), start=1):
                ws.cell(row, col, value or None).alignment = WRAP_TOP
                ws.cell(row, col).fill = SECTION_FILL
            ws.cell(row, 1).font = Font(bold=True)
        row += 1
        if item.kind in section_rules:  # a mark per committee / administration: the section's rule says how many
            rule = t("sheet.guide_choose", choices=", ".join(lists[item.kind]))
        else:
            rule = t("sheet.guide_required") if item.required else t("sheet.guide_optional")
        ws.cell(row, 1, item.label).alignment = WRAP_TOP
        ws.cell(row, 2, rule).alignment = WRAP_TOP
        ws.cell(row, 3, None if item.kind in section_rules else item.help or None).alignment = WRAP_TOP


def sheet_values(config: Config, action: Action) -> dict[str, object]:
    """The cell values that show ``action`` in the standard sheet."""
    return sheet_cells(config, number=action.number, title=action.title, theme=action.theme, status=action.status,
                       responsible=action.responsible, texts=action.texts, committees=action.committees,
                       roles={key: role.value for key, role in action.roles.items()})
