"""The standard sheet: written from the configuration, read back by its defined names."""

from __future__ import annotations

import re

from openpyxl import load_workbook

from reportgen.checks import check, check_sheet
from reportgen.sheets.files import SheetFile
from reportgen.sheets.layout import TEMPLATE_VERSION, items
from reportgen.sheets.reader import read_sheet
from reportgen.sheets.template import write_template

from .conftest import action_with


def test_blank_template_has_names_lists_and_guidance(tmp_path, config):
    path = write_template(config, tmp_path / "blank.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Handling", "Vejledning", "Lister", "reportgen"]
    assert wb["Lister"].sheet_state == "hidden" and wb["reportgen"].sheet_state == "hidden"
    names = set(wb.defined_names)
    for item in items(config):
        assert item.name in names
    assert {"rg_field_maalopfyldelse", "rg_committee_kultur", "rg_admin_staben"} <= names
    ws = wb["Handling"]
    validated = {str(rng) for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges}
    theme_cell = next(iter(wb.defined_names["rg_theme"].destinations))[1].replace("$", "")
    assert theme_cell in validated
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert set(lists) == {"rg_list_themes", "rg_list_statuses", "rg_list_yes_no", "rg_list_roles"}
    assert [c.value for c in wb["Lister"]["A"]][:5] == [f"{t.number}. {t.heading}" for t in config.themes]
    assert wb["reportgen"]["B1"].value == TEMPLATE_VERSION
    guide = "\n".join(str(c.value) for row in wb["Vejledning"].iter_rows() for c in row if c.value)
    assert "Hvad handlingen går ud på" in guide  # a field's help text from the configuration


def test_filled_sheet_reads_back_to_the_same_action(tmp_path, config, sample_catalogue):
    action = action_with(sample_catalogue, 7, source="07.xlsx")
    path = write_template(config, tmp_path / "07.xlsx", action)
    data, problems = read_sheet(SheetFile(path, "07.xlsx"), config)
    assert problems == []
    read, findings = check_sheet(data, config)
    assert findings == []
    assert read == action


def _insert_rows_like_excel(path, at_row: int, count: int) -> None:
    """Insert rows in the main sheet and move the defined names below them, as Excel does."""
    wb = load_workbook(path)
    ws = wb["Handling"]
    ws.insert_rows(at_row, count)
    for definition in list(wb.defined_names.values()):
        def shift(match):
            row = int(match[2])
            return f"${match[1]}${row + count if row >= at_row else row}"
        if definition.attr_text.lstrip("'").startswith("Handling"):
            definition.attr_text = re.sub(r"\$([A-Z]+)\$(\d+)", shift, definition.attr_text)
    ws["A8"] = "En række, ejeren selv har indsat"
    wb.save(path)


def test_rows_inserted_by_the_owner_do_not_break_reading(tmp_path, config, sample_catalogue):
    action = action_with(sample_catalogue, 25, source="25.xlsx")
    path = write_template(config, tmp_path / "25.xlsx", action)
    before = load_workbook(path).defined_names["rg_field_maal"].attr_text
    _insert_rows_like_excel(path, 7, 3)
    after = load_workbook(path).defined_names["rg_field_maal"].attr_text
    assert before != after  # the cells really moved
    data, problems = read_sheet(SheetFile(path, "25.xlsx"), config)
    read, findings = check_sheet(data, config)
    assert problems == [] and findings == []
    assert read == action


def test_check_reads_a_folder(report_dir, config):
    outcome = check(config)
    assert outcome.result.findings == []
    assert [a.number for a in outcome.catalogue.actions] == [1, 7, 25]
    assert outcome.result.files == ["01.xlsx", "07.xlsx", "25.xlsx"]
