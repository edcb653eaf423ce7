"""Typed fields (reportgen/fields/): each kind reads, checks, prints, types the open data, compares and
carries its own way; the 2018 annual plan's shape builds with them; sheets from before kinds still check."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportgen.checks import check
from reportgen.configuration import names
from reportgen.configuration.loading import load_config
from reportgen.diff import diff_editions
from reportgen.fields import KINDS, kind_of
from reportgen.locales import Messages
from reportgen.model import Action
from reportgen.problems import ConfigError, Severity
from reportgen.sheets.template import write_template

from .conftest import ROOT, SAMPLE_CONFIG, cell_of, pdftotext, set_cells

EXAMPLE = Path(__file__).parent / "aarsplan2018" / "report.yaml"
DA, EN = Messages("da"), Messages("en")
DECISION = "https://www.kommune.dk/politik/dagsordener-og-referater/byraadet/2018-03-22-punkt-7"
# number, theme, status, start, end, milestone, budget, done, priority
ACTIONS = [(1, 1, "Igangsat", dt.date(2018, 1, 15), dt.date(2019, 6, 30), dt.date(2018, 9, 1), 1_500_000, 40, "Høj"),
           (2, 1, "Afsluttet", dt.date(2017, 3, 1), dt.date(2018, 3, 31), dt.date(2018, 3, 1), 250_000.5, 100, "Lav"),
           (3, 2, "Igangsat", "1.2.2018", "31.12.2018", "1.10.2018", "2.000.000", "12,5", "Middel"),
           (4, 2, "Realiseres ikke", None, None, None, None, None, None)]


def sheet_values(number, theme, status, start, end, milestone, budget, done, priority):
    field = names.field
    return {names.NUMBER: number, names.TITLE: f"Handling {number}", names.THEME: f"{theme}. " + (
            "Et godt sted at bo" if theme == 1 else "Flere i job"), names.STATUS: status,
            names.RESPONSIBLE: "Ann Holm", names.committee("oeu"): "Ja", names.committee("tmu"): "Nej",
            names.administration("teknik"): "Administrativ forankring", names.administration("staben"): "Ingen",
            field("beskrivelse"): f"Handling nummer {number} i årsplanen.", field("maal"): "Et mål.",
            field("start"): start, field("slut"): end, field("milepael"): milestone, field("oekonomi"): budget,
            field("fremdrift"): done, field("prioritet"): priority,
            field("beslutning"): DECISION if number < 4 else None}


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    """The 2018-style report folder with its four sheets, as owners filled them (dates as dates or text)."""
    folder = tmp_path_factory.mktemp("aarsplan2018")
    shutil.copy(EXAMPLE, folder / "report.yaml")
    config, _ = load_config(folder / "report.yaml")
    for row in ACTIONS:
        write_template(config, folder / "sheets" / f"{row[0]:02d}.xlsx", values=sheet_values(*row))
    return folder


@pytest.fixture
def plan_copy(plan, tmp_path):
    return Path(shutil.copytree(plan, tmp_path / "plan"))


@pytest.fixture(scope="module")
def spec():
    return load_config(EXAMPLE)[0].fields[8]  # prioritet: a choice of Høj, Middel, Lav


def test_every_kind_reads_prints_and_types_its_value(spec):
    date, amount, percent, link, choice = (KINDS[k] for k in ("date", "amount", "percent", "link", "choice"))
    assert date.read(dt.datetime(2018, 3, 1), "1.3.2018", spec, DA) == ("2018-03-01", [])
    read = [date.read(None, text, spec, DA)[0] for text in ("1.3.2018", "01-03-2018", "2018-03-01")]
    assert read == ["2018-03-01"] * 3
    assert date.printed("2018-03-01", DA) == "1. marts 2018" and date.printed("2018-03-01", EN) == "1 March 2018"
    assert amount.read(None, "1.500.000,50 kr.", spec, DA)[0] == "1500000.5"
    assert amount.read(None, "1,500,000", spec, EN)[0] == "1500000"
    assert amount.read(1500000.0, "1500000", spec, DA)[0] == "1500000"
    assert amount.printed("1500000", DA) == "1.500.000\u00a0kr."
    assert amount.printed("1500000", EN) == "DKK\u00a01,500,000"
    assert percent.printed("12.5", DA) == "12,5\u00a0%" and percent.printed("40", EN) == "40%"
    assert link.printed(DECISION, DA) == "kommune.dk/politik/…/2018-03-22-punkt-7"
    assert link.href(DECISION) == DECISION and link.read(None, "www.kommune.dk", spec, DA)[0] == "https://www.kommune.dk"
    assert choice.read(None, "middel", spec, DA)[0] == "Middel"
    assert [kind_of(k).table(spec)["type"] for k in ("text", "date", "amount", "percent", "link")] == [
        "string", "date", "number", "number", "string"]
    assert link.table(spec)["format"] == "uri" and choice.table(spec)["constraints"]["enum"] == ["Høj", "Middel", "Lav"]


@pytest.mark.parametrize("kind, text, code", [
    ("date", "marts 2018", "date-invalid"), ("date", "31.2.2018", "date-invalid"),
    ("amount", "mange penge", "amount-invalid"), ("amount", "1e300", "amount-invalid"),
    ("percent", "140", "percent-range"), ("percent", "-1", "percent-range"), ("percent", "godt", "percent-invalid"),
    ("link", "javascript:alert(1)", "link-invalid"), ("link", "file:///etc/passwd", "link-invalid"),
    ("link", "https://kommune.dk/<script>", "link-invalid"), ("link", "ftp://kommune.dk/x", "link-invalid"),
    ("choice", "Måske", "choice-unknown"),
])
def test_a_value_its_kind_cannot_read_is_a_problem(spec, kind, text, code):
    read, problems = KINDS[kind].read(None, text, spec, DA)
    assert read == "" and [p.code for p in problems] == [code]
    assert DA(f"findings.{code}.message", **problems[0].params) and EN(f"findings.{code}.fix", **problems[0].params)


def test_the_sheet_writes_each_kind_as_its_cell(plan):
    """A date cell holds a date, an amount a number (never text, never a formula), each with its number
    format and validation; a choice field has its own drop-down."""
    path = plan / "sheets" / "01.xlsx"
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    cell = {name: ws[cell_of(path, names.field(name))] for name in ("start", "oekonomi", "fremdrift", "prioritet")}
    assert cell["start"].value == dt.datetime(2018, 1, 15) and cell["start"].number_format == "yyyy-mm-dd"
    assert cell["oekonomi"].value == 1_500_000 and cell["oekonomi"].data_type == "n"
    rules = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    assert rules[cell["start"].coordinate].type == "date" and rules[cell["oekonomi"].coordinate].type == "decimal"
    assert rules[cell["fremdrift"].coordinate].formula2 == "100"
    assert rules[cell["prioritet"].coordinate].formula1 == names.choice_list("field_prioritet")
    assert "rg_list_field_prioritet" in wb.defined_names


def test_the_plans_sheets_check_clean_and_carry_typed_values(plan):
    config, _ = load_config(plan / "report.yaml")
    outcome = check(config)
    assert [f.describe() for f in outcome.result.findings] == []
    one, two, three, four = outcome.catalogue.actions
    assert one.texts["start"] == "2018-01-15" and one.texts["oekonomi"] == "1500000" and one.texts["fremdrift"] == "40"
    assert three.texts["slut"] == "2018-12-31" and three.texts["oekonomi"] == "2000000"
    assert three.texts["fremdrift"] == "12.5"
    assert two.texts["oekonomi"] == "250000.5" and four.texts["oekonomi"] == ""
    assert kind_of("amount").value(three.texts["oekonomi"]) == Decimal(2_000_000)
    assert Action.from_dict(json.loads(json.dumps(one.to_dict()))) == one  # data.json round-trips


@pytest.mark.parametrize("cells, code, severity", [
    ({"rg_field_slut": dt.date(2017, 12, 31)}, "date-before", Severity.ERROR),       # ends before it starts
    ({"rg_field_milepael": dt.date(2018, 5, 1)}, "date-passed", Severity.WARNING),   # passed, still under way
    ({"rg_field_fremdrift": 140}, "percent-range", Severity.ERROR),
    ({"rg_field_oekonomi": "en del"}, "amount-invalid", Severity.ERROR),
    ({"rg_field_beslutning": "javascript:alert(1)"}, "link-invalid", Severity.ERROR),
    ({"rg_field_start": "primo 2018"}, "date-invalid", Severity.ERROR),
])
def test_each_kinds_problem_names_the_cell(plan_copy, cells, code, severity):
    path = plan_copy / "sheets" / "01.xlsx"
    set_cells(path, **cells)
    config, _ = load_config(plan_copy / "report.yaml")
    found = check(config, [path]).result.findings
    assert [(f.code, f.severity, f.cell) for f in found] == [(code, severity, cell_of(path, next(iter(cells))))]
    assert found[0].fix


def test_a_milestone_passed_in_a_finished_action_is_no_warning(plan_copy):
    path = plan_copy / "sheets" / "02.xlsx"  # Afsluttet, milestone 1.3.2018 before the edition's 1.6.2018
    config, _ = load_config(plan_copy / "report.yaml")
    assert check(config, [path]).result.findings == []
    set_cells(path, rg_status="Igangsat")
    assert [f.code for f in check(config, [path]).result.findings] == ["date-passed"]


@pytest.mark.parametrize("field, code", [
    ({"kind": "money"}, "field_kind"), ({"total": True}, "field_option"), ({"kind": "choice"}, "field_choices"),
    ({"kind": "date", "after": "maal"}, "field_after"), ({"kind": "date", "done": ["faerdig"]}, "field_done"),
])
def test_a_fields_kind_and_its_keys_are_checked_in_the_configuration(tmp_path, field, code):
    options = ", ".join(f"{key}: {json.dumps(value)}" for key, value in field.items())
    text = EXAMPLE.read_text(encoding="utf-8").replace("{key: maal,", f"{{key: maal, {options},")
    (tmp_path / "report.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as stop:
        load_config(tmp_path / "report.yaml")
    detail = stop.value.findings[0].message
    assert stop.value.findings[0].code == "config-invalid" and "fields[1]" in detail
    words = DA(f"config_errors.{code}", value="VALUE", known="", option="total", kind="text").split("VALUE")[-1][:12]
    assert words in detail


def test_the_signature_holds_a_kind_only_when_it_is_not_text(tmp_path):
    """The rule: the signature covers the fields' keys, order and required; a field's kind and choices only when
    it is not text. A configuration from before kinds (all text) keeps its signature, so its sheets check
    clean; a field that becomes a date makes older sheets 'made for another edition' (a warning)."""
    config, _ = load_config(SAMPLE_CONFIG)
    assert config.signature() == "3c284554947c"  # what the committed sample sheets carry
    sheet = sorted((ROOT / "inputs" / "sheets").glob("*.xlsx"))[0]
    assert check(config, [sheet]).result.findings == []
    text = SAMPLE_CONFIG.read_text(encoding="utf-8")
    explicit = tmp_path / "text" / "report.yaml"
    explicit.parent.mkdir()
    explicit.write_text(text.replace("  - key: maal\n", "  - key: maal\n    kind: text\n"), encoding="utf-8")
    assert load_config(explicit)[0].signature() == config.signature()
    dated = tmp_path / "dated" / "report.yaml"
    dated.parent.mkdir()
    dated.write_text(text.replace("  - key: maal\n", "  - key: maal\n    kind: date\n"), encoding="utf-8")
    assert load_config(dated)[0].signature() != config.signature()


@pytest.fixture(scope="module")
def plan_build(plan, tmp_path_factory):
    from reportgen.pipeline import build

    return build(plan / "report.yaml", tmp_path_factory.mktemp("plan-build"))


def test_the_plan_builds_with_a_clean_proof_and_right_totals(plan_build):
    """The 2018 shape's PDF: the proof marks nothing, the summary sums the budget per theme and in all
    (1.500.000 + 250.000,5 in theme 1; 2.000.000 in theme 2), and dates, amounts and links print as their kinds."""
    assert [f.describe() for f in plan_build.proof] == []
    text = " ".join(pdftotext(plan_build.pdf).split())
    assert "Økonomi" in text
    assert "1.750.000,5 kr." in text and "2.000.000 kr." in text and "3.750.000,5 kr." in text
    assert "Start: 15. januar 2018" in text and "Afslutning: 31. december 2018" in text
    assert "Fremdrift: 12,5 %" in text and "Prioritet: Middel" in text
    assert "Byrådetsbeslutning:kommune.dk/politik/…/2018-03-22-punkt-7" in text.replace(" ", "")  # it may wrap


def test_the_plans_link_is_live_in_the_pdf_and_the_web_edition(plan_build):
    import pikepdf

    with pikepdf.open(plan_build.pdf) as pdf:
        uris = {str(annot.A.URI) for page in pdf.pages for annot in page.get("/Annots", [])
                if "/A" in annot and "/URI" in annot.A}
    assert DECISION in uris
    web = (plan_build.web / "index.html").read_text(encoding="utf-8")
    assert f'<a class="field-link" href="{DECISION}">kommune.dk/politik/…/2018-03-22-punkt-7</a>' in web
    assert "3.750.000,5\u00a0kr." in web  # the summary's total, as in print


def test_the_plans_open_data_is_typed_and_valid(plan_build):
    """frictionless reads dates as dates and amounts as numbers, and finds every row valid."""
    import frictionless

    descriptor = plan_build.data / "datapackage.json"
    report = frictionless.validate(str(descriptor))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    fields = {f["name"]: f for f in json.loads(descriptor.read_text())["resources"][0]["schema"]["fields"]}
    kinds = (fields["start"]["type"], fields["oekonomi"]["type"], fields["beslutning"]["format"])
    assert kinds == ("date", "number", "uri")
    package = frictionless.Package(str(descriptor))
    rows = package.get_resource("actions").read_rows()
    assert rows[0]["start"] == dt.date(2018, 1, 15) and rows[0]["oekonomi"] == Decimal(1_500_000)
    assert rows[1]["oekonomi"] == Decimal("250000.5") and rows[3]["oekonomi"] is None


def test_diff_compares_and_a_round_carries_each_kind_its_way(plan):
    """An amount written 1500000 or 1500000.0 is the same value; a changed one is a changed field. A date
    carried to the next round's sheet is a date cell again, an amount a number."""
    from reportgen.round.carry import Carrier

    config, _ = load_config(plan / "report.yaml")
    action = check(config).catalogue.actions[0]
    old = {"actions": [action.to_dict()]}
    same = {"actions": [action.to_dict() | {"texts": action.texts | {"oekonomi": "1500000.0"}}]}
    more = {"actions": [action.to_dict() | {"texts": action.texts | {"oekonomi": "1600000"}}]}
    assert diff_editions(old, same, config=config) == []
    assert [c.fields for c in diff_editions(old, more, config=config)] == [["oekonomi"]]
    cells = Carrier(config, old, "data.json").values(action)
    assert cells[names.field("start")] == dt.date(2018, 1, 15) and cells[names.field("oekonomi")] == 1_500_000
    assert cells[names.field("beslutning")] == DECISION and cells[names.field("maal")] == "Et mål."
