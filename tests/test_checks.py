"""Every check: its stable code, the file, the cell, and a fix in the report's language."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import xlwt
from click.testing import CliRunner
from msoffcrypto.format.ooxml import OOXMLFile

from reportgen.checks import check
from reportgen.cli import cli
from reportgen.problems import Severity
from reportgen.sheets.template import write_template

from .conftest import action_with, cell_of, set_cells


def reportgen(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def findings_for(config, *names):
    outcome = check(config)
    return [f for f in outcome.result.findings if not names or f.file in names], outcome


def only(config, name):
    found, _ = findings_for(config, name)
    assert len(found) == 1, [f.describe() for f in found]
    return found[0]


@pytest.mark.parametrize("name, value, code", [
    ("rg_field_maal", None, "required-missing"),
    ("rg_title", "   ", "required-missing"),
    ("rg_number", None, "required-missing"),
    ("rg_number", "syv", "number-invalid"),
    ("rg_number", 7.5, "number-invalid"),
    ("rg_theme", "9. Månelandskab", "theme-unknown"),
    ("rg_status", "Næsten færdig", "status-unknown"),
    ("rg_committee_teknik", "Måske", "choice-unknown"),
    ("rg_admin_staben", "Lidt", "choice-unknown"),
])
def test_cell_problems_name_file_cell_and_fix(report_dir, config, name, value, code):
    path = report_dir / "sheets" / "07.xlsx"
    set_cells(path, **{name: value})
    finding = only(config, "07.xlsx")
    assert finding.code == code and finding.severity is Severity.ERROR
    assert finding.cell == cell_of(path, name)
    assert finding.location == f"07.xlsx!{finding.cell}"
    assert finding.fix  # a plain sentence saying what to do


def test_lenient_values_are_accepted(report_dir, config):
    set_cells(report_dir / "sheets" / "07.xlsx", rg_number="7.", rg_theme="2", rg_status="igangsat",
              rg_committee_teknik="x", rg_admin_staben="x",
              rg_field_interessenter="Vækst og Udviklingsforvaltningen og Staben")  # text and marks agree
    found, outcome = findings_for(config, "07.xlsx")
    assert found == []
    action = next(a for a in outcome.catalogue.actions if a.number == 7)
    assert "teknik" in action.committees and action.roles["staben"].value == "interest"


def test_duplicate_number(report_dir, config):
    set_cells(report_dir / "sheets" / "25.xlsx", rg_number=7)
    finding = only(config, "25.xlsx")
    assert finding.code == "number-duplicate" and "07.xlsx" in finding.message


def test_anchoring_none_and_many(report_dir, config):
    sheets = report_dir / "sheets"
    set_cells(sheets / "01.xlsx", rg_admin_staben="Ingen")
    set_cells(sheets / "07.xlsx", rg_admin_staben="Administrativ forankring")
    none = only(config, "01.xlsx")
    many = only(config, "07.xlsx")
    assert none.code == "anchoring-none" and none.cell == cell_of(sheets / "01.xlsx", "rg_admin_boern")
    assert many.code == "anchoring-many" and "Staben" in many.message


def test_no_committee(report_dir, config):
    path = report_dir / "sheets" / "07.xlsx"
    set_cells(path, **{f"rg_committee_{c.key}": "Nej" for c in config.committees})
    finding = only(config, "07.xlsx")
    assert finding.code == "committee-none" and finding.cell == cell_of(path, "rg_committee_oekonomi")


def test_outdated_and_foreign_templates(report_dir, config):
    sheets = report_dir / "sheets"
    set_cells(sheets / "01.xlsx", rg_template_version=0)
    set_cells(sheets / "07.xlsx", rg_config_signature="abc123")
    assert only(config, "01.xlsx").code == "template-outdated"
    foreign = only(config, "07.xlsx")
    assert foreign.code == "template-other-config" and foreign.severity is Severity.WARNING


def test_errors_in_all_sheets_in_one_pass(report_dir, config):
    sheets = report_dir / "sheets"
    set_cells(sheets / "01.xlsx", rg_field_maal=None, rg_status="?")
    set_cells(sheets / "25.xlsx", rg_theme="?")
    found, outcome = findings_for(config)
    assert sorted(f.code for f in found) == ["required-missing", "status-unknown", "theme-unknown"]
    assert [a.number for a in outcome.catalogue.actions] == [7]


def _encrypted(source: bytes) -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(source)).encrypt("hemmelig", out)
    return out.getvalue()


def _xls() -> bytes:
    book = xlwt.Workbook()
    book.add_sheet("Ark1").write(0, 0, "gammelt format")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ods() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


@pytest.fixture
def bad_files(report_dir):
    sheets = report_dir / "sheets"
    good = (sheets / "07.xlsx").read_bytes()
    files = {
        "kryptert.xlsx": _encrypted(good),
        "gammel.xls": _xls(),
        "regneark.ods": _ods(),
        "tal.csv": b"nummer;titel\n7;Ferie\n",
        "tekst.xlsx": b"nummer;titel\n7;Ferie\n",
        "rapport.xlsx": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        "tom.xlsx": b"",
        "afkortet.xlsx": good[: len(good) // 2],
        "~$07.xlsx": b"\x00" * 165,
        "noter.txt": b"husk at sende",
    }
    for name, data in files.items():
        (sheets / name).write_bytes(data)
    write_template_without_names = sheets / "fremmed.xlsx"
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Et helt andet regneark"
    wb.save(write_template_without_names)
    return report_dir


@pytest.mark.parametrize("name, code, severity", [
    ("kryptert.xlsx", "file-encrypted", Severity.ERROR),
    ("gammel.xls", "file-xls", Severity.ERROR),
    ("regneark.ods", "file-ods", Severity.ERROR),
    ("tal.csv", "file-csv", Severity.ERROR),
    ("tekst.xlsx", "file-csv", Severity.ERROR),
    ("rapport.xlsx", "file-not-spreadsheet", Severity.ERROR),
    ("tom.xlsx", "file-empty", Severity.ERROR),
    ("afkortet.xlsx", "file-corrupt", Severity.ERROR),
    ("~$07.xlsx", "file-lock", Severity.WARNING),
    ("noter.txt", "file-ignored", Severity.WARNING),
    ("fremmed.xlsx", "sheet-not-standard", Severity.ERROR),
])
def test_files_that_are_not_standard_sheets(bad_files, config, name, code, severity):
    finding = only(config, name)
    assert (finding.code, finding.severity) == (code, severity)
    assert finding.fix


def test_check_cli_text_and_json(bad_files):
    config = str(bad_files / "report.yaml")
    text = reportgen("check", "--config", config)
    assert text.exit_code == 1 and "Traceback" not in text.output
    assert "kryptert.xlsx" in text.stdout and "Fjern adgangskoden" in text.stdout
    assert "3 handlinger: 9 fejl, 2 advarsler" in text.stdout
    raw = reportgen("check", "--config", config, "--format", "json")
    assert raw.exit_code == 1
    data = json.loads(raw.stdout)
    assert data["summary"] == {"sheets": 14, "actions": 3, "errors": 9, "warnings": 2, "ok": False}
    first = data["findings"][0]
    assert set(first) >= {"code", "severity", "message", "fix", "file", "cell", "location"}
    assert [f["severity"] for f in data["findings"]][-2:] == ["warning", "warning"]


def test_check_cli_exit_codes_and_strict(report_dir):
    config = str(report_dir / "report.yaml")
    clean = reportgen("check", "-c", config)
    assert clean.exit_code == 0 and "Ingen problemer fundet" in clean.stdout
    set_cells(report_dir / "sheets" / "07.xlsx", rg_config_signature="abc123")
    lenient = reportgen("check", "-c", config)
    strict = reportgen("check", "-c", config, "--strict")
    assert (lenient.exit_code, strict.exit_code) == (0, 1)
    assert "(--strict: advarsler tæller som fejl)" in strict.stdout and "--strict" not in lenient.stdout


def test_check_given_paths(report_dir, config):
    outcome = check(config, [report_dir / "sheets" / "07.xlsx", report_dir / "missing"])
    assert [a.number for a in outcome.catalogue.actions] == [7]
    assert [f.code for f in outcome.result.findings] == ["inputs-missing"]


def test_empty_folder(tmp_path, config):
    empty = tmp_path / "empty"
    empty.mkdir()
    outcome = check(config, [empty])
    assert [f.code for f in outcome.result.findings] == ["inputs-empty"]


def test_a_template_written_for_another_language(tmp_path, report_dir, sample_catalogue):
    import yaml

    from reportgen.configuration import load_config
    data = yaml.safe_load((report_dir / "report.yaml").read_text(encoding="utf-8"))
    data["report"]["language"] = "en"
    (report_dir / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config, _ = load_config(report_dir / "report.yaml")
    write_template(config, report_dir / "sheets" / "07.xlsx", action_with(sample_catalogue, 7))
    set_cells(report_dir / "sheets" / "07.xlsx", rg_field_maal=None)
    finding = only(config, "07.xlsx")
    assert finding.message == "'Mål' is required."


def test_a_missing_committee_mark_or_role_is_named_as_such(report_dir, config):
    """A sheet without a committee's mark or an administration's role: the finding says which mark
    or role is missing, not "the field 'Økonomiudvalget'" (issue 25)."""
    from openpyxl import load_workbook

    sheet = report_dir / "sheets" / "07.xlsx"
    wb = load_workbook(sheet)
    del wb.defined_names["rg_committee_oekonomi"]
    del wb.defined_names[f"rg_admin_{config.administrations[0].key}"]
    wb.save(sheet)
    messages = sorted(f.message for f in check(config).result.errors if f.code == "field-absent")
    assert messages == ["Markeringen af udvalget 'Økonomiudvalget' findes ikke i arket.",
                        f"Rollen for forvaltningen '{config.administrations[0].name}' findes ikke i arket."]
