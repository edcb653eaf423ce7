"""The owners' round: sheets out (pre-filled, named, mailed), anything an owner can send back,
collection status and feedback workbooks an owner can act on."""

from __future__ import annotations

import datetime as dt
import email
import json
import re
import shutil
import subprocess
import zipfile
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen.checks import check
from reportgen.cli import cli
from reportgen.problems import ConfigError
from reportgen.round.collection import collection_status, load_expected
from reportgen.round.sheets import write_round
from reportgen.sheets.feedback import write_feedback
from reportgen.sheets.template import write_template

from .conftest import SAMPLE_CONFIG, action_with, cell_of, set_cells

SOFFICE = shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(not SOFFICE and not __import__("os").environ.get("CI"),
                                       reason="LibreOffice is installed by `make test`")


# --- Sheets out -------------------------------------------------------------------------------

def test_sheets_out_prefilled_named_with_round_and_mail(tmp_path, sample_config, sample_catalogue):
    result = write_round(sample_config, tmp_path, mail=True)
    assert len(result.sheets) == 50
    assert result.sheets[6].name == "07-videreudvikle-staerke-feriedestinationer-martin-storgaard.xlsx"
    round_data = json.loads(result.round_file.read_text(encoding="utf-8"))
    assert round_data["deadline"] == "2017-05-01" and len(round_data["actions"]) == 50
    # The pre-filled sheets read back as the very actions they were made from.
    outcome = check(sample_catalogue.config, [tmp_path])
    assert outcome.result.findings == []
    assert [(a.number, a.texts) for a in outcome.catalogue.actions] == \
           [(a.number, a.texts) for a in sample_catalogue.actions]
    assert len(result.drafts) == len({a.responsible for a in sample_catalogue.actions})
    message = email.message_from_bytes((tmp_path / "mail" / "jannie-knudsen.eml").read_bytes(),
                                       policy=policy.default)
    attachments = [part.get_filename() for part in message.iter_attachments()]
    expected = sorted(p.name for p in result.sheets if p.name.endswith("jannie-knudsen.xlsx"))
    assert sorted(attachments) == expected and len(expected) == 8
    body = message.get_body(("plain",)).get_content()
    assert "1.5.2017" in body and "handlingskatalog@kommune.example" in body
    assert message["X-Unsent"] == "1" and message["From"] == "handlingskatalog@kommune.example"


def test_sheets_out_from_an_editions_data(tmp_path, sample_config, sample_catalogue):
    data = tmp_path / "data.json"
    data.write_text(json.dumps(sample_catalogue.to_dict(), ensure_ascii=False), encoding="utf-8")
    result = write_round(sample_config, tmp_path / "out", source=data)
    assert len(result.sheets) == 50 and result.source_check is None


def test_sheets_cli(tmp_path, monkeypatch):
    monkeypatch.chdir(SAMPLE_CONFIG.parent.parent)  # the default configuration: inputs/report.yaml
    run = CliRunner().invoke(cli, ["sheets", "--out", str(tmp_path), "--mail"], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    assert run.stdout.strip() == f"50 standardark skrevet i {tmp_path}"
    drafts = len(list((tmp_path / "mail").glob("*.eml")))
    assert drafts > 1 and run.stderr.strip() == f"{drafts} e-mailkladder skrevet i {tmp_path / 'mail'}"


def test_the_sheet_carries_instructions_with_deadline_help(config, tmp_path):
    wb = load_workbook(write_template(config, tmp_path / "blank.xlsx"))
    texts = [str(c.value) for row in wb["Vejledning"].iter_rows() for c in row if c.value]
    assert "Sådan udfylder du standardarket" in texts
    assert any(f.help in texts for f in config.fields)


# --- Sheets in: what owners send --------------------------------------------------------------

def only_finding(config, name):
    found = [f for f in check(config).result.findings if f.file == name]
    assert len(found) == 1, [f.describe() for f in found]
    return found[0]


def test_dates_and_numbers_as_excel_types(report_dir, config):
    set_cells(report_dir / "sheets" / "07.xlsx", rg_number=7.0, rg_field_tid=dt.datetime(2017, 6, 2),
              rg_field_involverede=12.5)
    action = next(a for a in check(config).catalogue.actions if a.number == 7)
    assert action.texts["tid"] == "2.6.2017" and action.texts["involverede"] == "12.5"


def test_merged_cells_keep_their_value(report_dir, config):
    path = report_dir / "sheets" / "07.xlsx"
    wb = load_workbook(path)
    coord = cell_of(path, "rg_field_maal")
    wb["Handling"].merge_cells(f"{coord}:C{coord[1:]}")
    wb.save(path)
    action = next(a for a in check(config).catalogue.actions if a.number == 7)
    assert action.texts["maal"].startswith("At skabe stærke feriedestinationer")


def test_formula_without_cached_value_is_an_error_not_an_empty_field(report_dir, config):
    path = report_dir / "sheets" / "07.xlsx"
    set_cells(path, rg_field_tid='="2016-"&"17"')
    finding = only_finding(config, "07.xlsx")
    assert finding.code == "formula-no-value" and finding.cell == cell_of(path, "rg_field_tid")


def _inline_text(entries, coord: str, text: str) -> None:
    """Put ``text`` into the cell, in the XML itself (openpyxl would cut it at 32,767 characters)."""
    xml = entries["xl/worksheets/sheet1.xml"].decode()
    xml, count = re.subn(rf'(<c r="{coord}"[^>]*><is><t[^>]*>)[^<]*(</t>)', lambda m: m[1] + text + m[2], xml)
    assert count == 1
    entries["xl/worksheets/sheet1.xml"] = xml.encode()


def test_text_over_the_cell_limit(report_dir, config):
    path = report_dir / "sheets" / "07.xlsx"
    coord = cell_of(path, "rg_field_maal")
    _rewrite_zip(path, lambda entries: _inline_text(entries, coord, "ord " * 10_000))
    finding = only_finding(config, "07.xlsx")
    assert finding.code == "text-too-long" and finding.cell == coord and "39999" in finding.message


def _rewrite_zip(path: Path, change) -> None:
    with zipfile.ZipFile(path) as zin:
        entries = {name: zin.read(name) for name in zin.namelist()}
    change(entries)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries.items():
            zout.writestr(name, data)


def test_decompression_bomb(report_dir, config):
    path = report_dir / "sheets" / "07.xlsx"
    _rewrite_zip(path, lambda e: e.__setitem__("xl/media/image1.bin", b"\0" * (200 * 2**20)))
    assert path.stat().st_size < 2**20
    finding = only_finding(config, "07.xlsx")
    assert finding.code == "file-too-large"


def test_a_sheet_declaring_a_million_rows(report_dir, config):
    path = report_dir / "sheets" / "07.xlsx"

    def declare(entries):
        xml = entries["xl/worksheets/sheet1.xml"].decode()
        start = xml.index("<dimension ref=\"") + len("<dimension ref=\"")
        end = xml.index("\"", start)
        entries["xl/worksheets/sheet1.xml"] = (xml[:start] + "A1:XFD1048576" + xml[end:]).encode()

    _rewrite_zip(path, declare)
    assert check(config).result.findings == []
    wb = load_workbook(path)
    wb.defined_names["rg_title"].attr_text = "'Handling'!$B$1000000"
    wb.save(path)
    assert only_finding(config, "07.xlsx").code == "sheet-too-many-rows"


def test_entities_are_never_resolved(report_dir, config, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("HEMMELIGT", encoding="utf-8")
    path = report_dir / "sheets" / "07.xlsx"

    coord = cell_of(path, "rg_title")

    def entity(entries):
        _inline_text(entries, coord, "&x;")
        xml = entries["xl/worksheets/sheet1.xml"].decode()
        head, body = xml.split("?>", 1) if xml.startswith("<?xml") else ("", xml)
        doctype = f'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        entries["xl/worksheets/sheet1.xml"] = ((head + "?>" if head else "") + doctype + body).encode()

    _rewrite_zip(path, entity)
    outcome = check(config)
    assert "HEMMELIGT" not in json.dumps([a.to_dict() for a in outcome.catalogue.actions], ensure_ascii=False)
    finding = only_finding(config, "07.xlsx")
    assert finding.code == "file-unsafe" and "EntitiesForbidden" in finding.message


# --- LibreOffice: what it writes must read exactly like what we wrote --------------------------

def soffice(*args: str, cwd: Path) -> None:
    profile = (cwd / "lo-profile").as_uri()
    subprocess.run([SOFFICE or "soffice", f"-env:UserInstallation={profile}", "--headless", *args],
                   check=True, capture_output=True, cwd=cwd, timeout=180)


@needs_libreoffice
def test_an_old_workbook_libreoffice_writes_is_named_one(tmp_path, config):
    """.xls shares its container (OLE2) with Word's .doc and Outlook's .msg, told apart by their streams'
    names: a real one is an old workbook, not another Office file. (No Writer here to make a real .doc:
    tests/test_mutants_files.py has those streams' names.)"""
    from reportgen.problems import Severity
    from reportgen.sheets.files import SheetFile, screen
    write_template(config, tmp_path / "07.xlsx")
    soffice("--convert-to", "xls:MS Excel 97", "--outdir", str(tmp_path / "lo"), str(tmp_path / "07.xlsx"),
            cwd=tmp_path)
    old = tmp_path / "lo" / "07.xls"
    expected = config.messages.finding("file-xls", Severity.ERROR, file="07.xls")
    assert screen(SheetFile(old, old.name), config) == expected


@needs_libreoffice
def test_libreoffice_round_trip(tmp_path, config, sample_catalogue):
    action = action_with(sample_catalogue, 25, source="25.xlsx")
    ours = write_template(config, tmp_path / "ours" / "25.xlsx", action)
    set_cells(ours, rg_field_tid='="2016-"&"18"')  # a formula: LibreOffice computes and caches it
    (tmp_path / "lo").mkdir()
    soffice("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo"), str(ours), cwd=tmp_path)
    soffice("--convert-to", "xlsm:Calc MS Excel 2007 VBA XML", "--outdir", str(tmp_path / "lo"), str(ours),
            cwd=tmp_path)
    soffice("--convert-to", "ods", "--outdir", str(tmp_path / "lo"), str(ours), cwd=tmp_path)
    soffice("--convert-to", "xls:MS Excel 97", "--outdir", str(tmp_path / "lo"), str(ours), cwd=tmp_path)
    outcome = check(config, [tmp_path / "lo"])
    codes = sorted((f.file, f.code) for f in outcome.result.findings)
    assert codes == [("25.ods", "file-ods"), ("25.xls", "file-xls"), ("25.xlsx", "number-duplicate")]
    by_file = {f: check(config, [tmp_path / "lo" / f]).catalogue.actions for f in ("25.xlsx", "25.xlsm")}
    for file, actions in by_file.items():
        (got,) = actions
        assert got.texts == {**action.texts, "tid": "2016-18"}, file
        assert (got.number, got.title, got.theme, got.status, got.responsible, got.committees, got.roles) == \
               (action.number, action.title, action.theme, action.status, action.responsible, action.committees,
                action.roles), file
    wb = load_workbook(tmp_path / "lo" / "25.xlsx")
    assert "rg_field_maal" in wb.defined_names
    assert any(dv.type == "list" for dv in wb["Handling"].data_validations.dataValidation)


# --- Feedback ---------------------------------------------------------------------------------

def test_collection_status_by_person(report_dir, config, sample_catalogue, tmp_path):
    expected = tmp_path / "round.json"
    expected.write_text(json.dumps(sample_catalogue.to_dict(), ensure_ascii=False), encoding="utf-8")
    shutil.copy(report_dir / "sheets" / "07.xlsx", report_dir / "sheets" / "07-igen.xlsx")
    set_cells(report_dir / "sheets" / "25.xlsx", rg_status="?")
    outcome = check(config)
    status = collection_status(outcome, load_expected(expected, config.messages))
    with pytest.raises(ConfigError) as info:
        load_expected(tmp_path / "no-round.json", config.messages)
    assert [(f.code, f.file) for f in info.value.findings] == [("expected-unreadable", str(tmp_path / "no-round.json"))]
    data = status.to_dict()
    assert data["expected"] == 50 and data["received"] == 3 and data["with_errors"] == [7, 25]
    assert data["twice"] == {"7": ["07-igen.xlsx", "07.xlsx"]}
    missing = status.by_person()
    assert [e.number for e in missing["Jakob Kruuse"]] == [2, 4]
    assert sum(len(v) for v in missing.values()) == 47
    run = CliRunner().invoke(cli, ["check", "-c", str(report_dir / "report.yaml"), "--expect", str(expected),
                                   "--by", "person"], catch_exceptions=False)
    assert run.exit_code == 1  # 25.xlsx has an error
    assert "3 af 50 handlinger modtaget, 2 med fejl." in run.stdout
    assert "== Henrik Hugo Pedersen" not in run.stdout and "== Jannie Knudsen" in run.stdout
    assert "  Jakob Kruuse: 2. Attraktive byggegrunde; 4. Kommunikation og markedsføring" in run.stdout


def test_feedback_workbook_cell_by_cell(report_dir, config, tmp_path):
    path = report_dir / "sheets" / "07.xlsx"
    set_cells(path, rg_status="Næsten", rg_field_maal=None, rg_admin_staben="Administrativ forankring")
    outcome = check(config)
    (written,) = write_feedback(config, outcome.result, outcome.sheets, tmp_path / "feedback")
    wb = load_workbook(written)
    assert wb.sheetnames[0] == "Tilbagemelding" and wb.active.title == "Tilbagemelding"
    rows = [[c.value for c in row] for row in wb["Tilbagemelding"].iter_rows(min_row=5)]
    assert sorted(r[0] for r in rows) == ["anchoring-many", "required-missing", "status-unknown"]
    assert all(r[1] == "fejl" and r[4] and r[5] for r in rows)
    ws = wb["Handling"]
    for code, name in (("status-unknown", "rg_status"), ("required-missing", "rg_field_maal"),
                       ("anchoring-many", "rg_admin_staben")):
        row = next(r for r in rows if r[0] == code)
        assert row[2] == cell_of(written, name)
        cell = ws[row[2]]
        assert cell.fill.fgColor.rgb.endswith("F4B6B0") and cell.comment and row[4] in cell.comment.text
    assert ws[cell_of(written, "rg_status")].value == "Næsten"  # what the owner wrote, kept
    assert any(dv.type == "list" for dv in ws.data_validations.dataValidation)  # drop-downs are there
    # The owner fixes the copy and sends it back: it reads like any other sheet.
    set_cells(written, rg_status="Igangsat", rg_field_maal="Et mål", rg_admin_staben="Ingen")
    back = check(config, [written])
    assert back.result.findings == [] and back.catalogue.actions[0].texts["maal"] == "Et mål"


def test_reading_is_bounded_in_time(report_dir, config, sample_catalogue):
    """Every file is read in a worker with a deadline: a file too slow to read is an error."""
    import yaml

    from reportgen.configuration import load_config

    for number in range(2, 12):  # enough sheets to read in parallel workers
        write_template(config, report_dir / "sheets" / f"{number:02d}x.xlsx", action_with(sample_catalogue, number))
    data = yaml.safe_load((report_dir / "report.yaml").read_text(encoding="utf-8"))
    data["sheets"]["max_seconds"] = 0.000001
    (report_dir / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    slow, _ = load_config(report_dir / "report.yaml")
    outcome = check(slow)
    assert {f.code for f in outcome.result.findings} == {"file-too-slow"}
    assert len(outcome.result.findings) == 13
