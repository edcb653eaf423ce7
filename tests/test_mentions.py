"""Text that names committees and administrations, and the marks: the matcher (reportgen.mentions),
the check that warns when a sheet's text and drop-downs disagree, the sample's converter that sets
the marks with the same matcher, and the built report, whose matrices must say what its pages say."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml
from openpyxl import load_workbook

from reportgen.checks import check
from reportgen.configuration import load_config
from reportgen.mentions import Matcher, administration_matcher, committee_matcher
from reportgen.model import Role
from reportgen.problems import ConfigError, Severity
from reportgen.sheets.feedback import write_feedback
from reportgen.sheets.template import write_template

from .built_report import BuiltReport
from .conftest import ROOT, SAMPLE_CONFIG, cell_of, set_cells

sys.path.insert(0, str(ROOT / "tools" / "sample2017"))
import convert

COMMITTEE_FIELDS = ("udvalg",)
ADMINISTRATION_FIELDS = ("adm_forankring", "interessenter")


# --- The matcher --------------------------------------------------------------------------------


def test_ampersand_reads_as_og(sample_config):
    assert Matcher({"teknik": ["Teknik og Miljø"]}).keys("Beskæftigelsesudvalg, Teknik- & Miljøudvalg.") == ["teknik"]
    assert Matcher({"teknik": ["Teknik & Miljø"]}).keys("Teknik- og Miljøudvalget") == ["teknik"]
    # Action 25's page, as printed: all six committees, "Teknik- & Miljøudvalg" among them.
    udvalg = ("Økonomiudvalget, Social- og sundhedsudvalg, Børne- og Familieudvalg, Beskæftigelsesudvalg, "
              "Teknik- & Miljøudvalg, Kultur-, og Fritids- og landdistriktsudvalg.")
    assert sorted(committee_matcher(sample_config).keys(udvalg)) == sorted(c.key for c in sample_config.committees)


def test_a_name_matches_only_at_the_start_of_a_word(sample_config):
    economy = Matcher({"oekonomi": ["Økonomi"]})
    assert economy.keys("eksisterende socialøkonomiske virksomheder") == []
    assert economy.keys("Økonomiudvalget") == ["oekonomi"]          # the last word may go on
    assert economy.keys("IT-Økonomi") == ["oekonomi"]               # a hyphen starts a word
    # Action 41: "socialøkonomiske" names no administration (it gave Staben a mark before).
    interessenter = ("Social, Sundhed og Beskæftigelsesforvaltningen, Vækst- og Udviklingsforvaltnigen samt "
                     "eksisterende socialøkonomiske virksomheder, nye initiativtagere og lokalsamfundene")
    assert administration_matcher(sample_config).keys(interessenter) == ["social", "vaekst"]


def test_case_hyphens_commas_and_line_breaks_between_words_do_not_matter():
    matcher = Matcher({"teknik": ["Teknik og Miljø"], "kultur": ["Kultur, Fritid"]})
    assert matcher.keys("TEKNIK-\nOG  miljøudvalget") == ["teknik"]
    assert matcher.keys("kultur- fritids- og landdistriktsudvalget") == ["kultur"]
    assert matcher.keys("Kultur,\r\nFritid") == ["kultur"]
    assert matcher.keys("Tek\u00adnik og Miljø\u00adudvalget") == ["teknik"]  # soft hyphens: no break
    # Anything else between the words ends a name, and only the last word may go on.
    assert matcher.keys("teknik. Og miljø") == []
    assert matcher.keys("Teknikken og Miljøet") == []


def test_all_of_them_phrases(sample_config):
    every = [a.key for a in sample_config.administrations]
    # Action 23's Interessenter: "Alle forvaltninger" names all four.
    text = "Alle forvaltninger, staben samt landsdækkende og regionale IT-strategifora."
    assert administration_matcher(sample_config).keys(text) == every
    assert committee_matcher(sample_config).keys("Økonomiudvalget, Alle fagudvalg") == [
        c.key for c in sample_config.committees]
    assert committee_matcher(sample_config).keys("Alle udvalg") == [c.key for c in sample_config.committees]
    # Without the configuration's phrase it names nothing.
    assert Matcher({a.key: [a.name] for a in sample_config.administrations}).keys("Alle forvaltninger") == []


def test_aliases_and_short_names_from_the_configuration(sample_config):
    admins = administration_matcher(sample_config)
    assert admins.keys("Staben, Sekretariatet") == ["staben"]
    assert admins.keys("Central stab, lokale ildsjæle") == ["staben"]   # action 24
    assert admins.keys("Vækst- og Udviklingsforvaltninge, Fritid og Kultur.") == ["vaekst"]  # action 27
    assert committee_matcher(sample_config).keys("TMU") == ["teknik"]
    # The same words with names only: aliases are what finds them.
    assert Matcher({"staben": ["Staben"]}).keys("Sekretariatet, Central stab") == []
    assert Matcher({"teknik": ["Teknik- og Miljøudvalget"]}, []).keys("Teknik- & Miljøudvalg") == []
    config = sample_config.model_copy(update={"committees": [
        c.model_copy(update={"short": "TMU", "aliases": []}) if c.key == "teknik" else c
        for c in sample_config.committees]})
    assert committee_matcher(config).keys("tmu") == ["teknik"]


def test_the_longest_name_at_a_place_is_read_and_mentions_say_where():
    matcher = Matcher({"kultur": ["Kultur"], "vaekst": ["Kultur og Fritid"]})
    text = "Vækst, Kultur og Fritid."
    (mention,) = matcher.find(text)
    assert mention.keys == ("vaekst",) and text[mention.start:mention.end] == mention.words == "Kultur og Fritid"
    assert matcher.keys("Kultur-\nog  Fritid") == ["vaekst"] and matcher.find("Kultur-\nog  Fritid")[0].words == \
        "Kultur- og Fritid"


# --- The check ----------------------------------------------------------------------------------


def warnings_of(config, file):
    outcome = check(config)
    found = [f for f in outcome.result.findings if f.file == file]
    assert all(f.severity is Severity.WARNING for f in found), [f.describe() for f in found]
    return found, outcome


def add_sheet(report_dir, config, sample_catalogue, number, **changes):
    action = next(a for a in sample_catalogue.actions if a.number == number)
    path = report_dir / "sheets" / f"{number:02d}.xlsx"
    write_template(config, path, action)
    if changes:
        set_cells(path, **changes)
    return path


def test_the_sample_checks_without_warnings():
    run = subprocess.run([sys.executable, "-m", "reportgen", "check", "-c", str(SAMPLE_CONFIG)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0 and run.stdout.strip() == "Ingen problemer fundet.", run.stdout + run.stderr


def test_a_committee_named_with_ampersand_but_not_marked(report_dir, config):
    path = report_dir / "sheets" / "25.xlsx"
    set_cells(path, rg_committee_teknik="Nej")  # what the converter did, reading "&" as nothing
    (finding,), _ = warnings_of(config, "25.xlsx")
    assert finding.code == "committee-not-marked" and finding.action == 25
    assert finding.cell == cell_of(path, "rg_committee_teknik") and finding.field == "rg_committee_teknik"
    assert "Teknik- & Miljøudvalg" in finding.message and "Teknik- og Miljøudvalget" in finding.message
    assert finding.fix == "Vælg 'Ja' ud for Teknik- og Miljøudvalget, eller ret teksten under Udvalg."


def test_a_committee_marked_but_not_named(report_dir, config):
    path = report_dir / "sheets" / "01.xlsx"
    set_cells(path, rg_committee_beskaeftigelse="Ja")
    (finding,), outcome = warnings_of(config, "01.xlsx")
    assert finding.code == "committee-not-named" and finding.cell == cell_of(path, "rg_committee_beskaeftigelse")
    assert finding.message == "Beskæftigelsesudvalget er valgt, men nævnes ikke under Udvalg."
    assert "Nej" in finding.fix
    assert 1 in {a.number for a in outcome.catalogue.actions}  # a warning: the action is still printed
    # Naming it in the text settles it.
    set_cells(path, rg_field_udvalg="Økonomiudvalget, Teknik og miljøudvalget, Kultur, fritid og "
                                    "landdistriktsudvalget samt Beskæftigelsesudvalget")
    assert warnings_of(config, "01.xlsx")[0] == []


def test_a_word_inside_another_word_gives_no_mark(report_dir, config, sample_catalogue):
    # Action 41 as converted before: Staben marked from "socialøkonomiske".
    path = add_sheet(report_dir, config, sample_catalogue, 41, rg_admin_staben="Interessent")
    (finding,), _ = warnings_of(config, "41.xlsx")
    assert finding.code == "administration-not-named" and finding.cell == cell_of(path, "rg_admin_staben")
    assert finding.message == ("Staben er valgt som 'Interessent', men nævnes ikke under Adm. forankring eller "
                               "Interessenter.")
    assert finding.fix == ("Skriv forvaltningen under Adm. forankring eller Interessenter, eller vælg 'Ingen' ud "
                           "for Staben.")


def test_all_administrations_named_but_not_marked(report_dir, config, sample_catalogue):
    # Action 23 as converted before: "Alle forvaltninger" under Interessenter, only Staben marked.
    path = add_sheet(report_dir, config, sample_catalogue, 23, rg_admin_boern="Ingen", rg_admin_social="Ingen",
                     rg_admin_vaekst="Ingen")
    found, _ = warnings_of(config, "23.xlsx")
    assert [(f.code, f.cell) for f in found] == [
        ("administration-not-marked", cell_of(path, f"rg_admin_{key}")) for key in ("boern", "social", "vaekst")]
    assert all("”Alle forvaltninger”" in f.message and "Interessenter" in f.message for f in found)


def test_an_alias_names_an_administration(report_dir, config, sample_catalogue):
    # Action 24 as converted before: "Central stab" under Interessenter, Staben not marked.
    path = add_sheet(report_dir, config, sample_catalogue, 24, rg_admin_staben="Ingen")
    (finding,), _ = warnings_of(config, "24.xlsx")
    assert finding.code == "administration-not-marked" and finding.cell == cell_of(path, "rg_admin_staben")
    assert "”Central stab”" in finding.message and "'Interessent'" in finding.fix
    # A department is an alias too: Sekretariatet names Staben.
    set_cells(report_dir / "sheets" / "07.xlsx", rg_field_adm_forankring="Vækst og Udviklingsforvaltningen, "
                                                                     "Sekretariatet")
    (finding,), _ = warnings_of(config, "07.xlsx")
    assert finding.code == "administration-not-marked" and "”Sekretariatet”" in finding.message


def test_the_warning_is_in_english_for_an_english_report(report_dir, sample_catalogue):
    data = yaml.safe_load((report_dir / "report.yaml").read_text(encoding="utf-8"))
    data["report"]["language"] = "en"
    (report_dir / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config, _ = load_config(report_dir / "report.yaml")
    add_sheet(report_dir, config, sample_catalogue, 41, rg_admin_staben="Interest")
    (finding,), _ = warnings_of(config, "41.xlsx")
    assert finding.message == "Staben is chosen as 'Interest', but not named under Adm. forankring or Interessenter."


def test_the_feedback_workbook_carries_the_warning(report_dir, config, tmp_path):
    path = report_dir / "sheets" / "25.xlsx"
    set_cells(path, rg_committee_teknik="Nej", rg_admin_staben="Ingen")
    outcome = check(config)
    (written,) = write_feedback(config, outcome.result, outcome.sheets, tmp_path / "feedback")
    assert written.name == "25.xlsx"
    wb = load_workbook(written)
    rows = [[c.value for c in row] for row in wb["Tilbagemelding"].iter_rows(min_row=5) if row[0].value]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("committee-not-marked", "advarsel", cell_of(written, "rg_committee_teknik")),
        ("administration-not-marked", "advarsel", cell_of(written, "rg_admin_staben")),
    ]
    ws = wb["Handling"]
    for row in rows:
        assert row[4] in ws[row[2]].comment.text and row[5]
    # The owner marks them in the copy and sends it back: no warnings left.
    set_cells(written, rg_committee_teknik="Ja", rg_admin_staben="Interessent")
    assert check(config, [written]).result.findings == []


def test_marks_with_an_error_are_not_compared_too(report_dir, config):
    path = report_dir / "sheets" / "07.xlsx"
    set_cells(path, **{f"rg_committee_{c.key}": "Nej" for c in config.committees})
    found = [f for f in check(config).result.findings if f.file == "07.xlsx"]
    assert [f.code for f in found] == ["committee-none"]


def test_without_mentions_in_the_configuration_nothing_is_compared(report_dir, sample_catalogue):
    text = (report_dir / "report.yaml").read_text(encoding="utf-8")
    start = text.index("\nmentions:\n")
    end = text.index("\n\n", start + 1)
    (report_dir / "report.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    config, warnings = load_config(report_dir / "report.yaml")
    assert warnings == [] and config.mentions.committees.fields == [] and config.mentions.administrations.fields == []
    set_cells(report_dir / "sheets" / "25.xlsx", rg_committee_teknik="Nej", rg_admin_staben="Ingen")
    assert check(config).result.findings == []


def test_a_linked_field_must_be_a_field(tmp_path):
    data = yaml.safe_load(SAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["mentions"]["administrations"]["fields"] = ["adm_forankring", "interessent"]
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    (finding,) = info.value.findings
    assert finding.code == "config-invalid" and finding.message.startswith("mentions: 'interessent' er ikke et felt")
    assert "interessenter" in finding.message and finding.cell and finding.cell.startswith("line ")


# --- The converter sets the marks with the same matcher -----------------------------------------


def test_the_converter_has_no_name_tables_of_its_own():
    assert not hasattr(convert, "COMMITTEE_PATTERNS") and not hasattr(convert, "ADMINISTRATION_PATTERNS")


def test_the_converter_marks_what_the_text_names(sample_config):
    converted = convert.convert(ROOT / "tools" / "sample2017" / "reference.txt", sample_config)
    committees, admins = committee_matcher(sample_config), administration_matcher(sample_config)
    for action in converted.actions:
        assert set(action.committees) == set(committees.keys(action.texts["udvalg"])), action.number
        named = admins.keys(action.texts["adm_forankring"])
        anywhere = set(named) | set(admins.keys(action.texts["interessenter"]))
        assert action.anchoring == named[0], action.number
        assert {k for k, r in action.roles.items() if r is not Role.NONE} == anywhere, action.number
    by_number = {a.number: a for a in converted.actions}
    assert "teknik" in by_number[25].committees and len(by_number[25].committees) == 6
    assert by_number[41].roles["staben"] is Role.NONE
    assert {k: r.value for k, r in by_number[23].roles.items()} == {
        "boern": "interest", "social": "interest", "vaekst": "interest", "staben": "anchoring"}
    assert by_number[24].roles["staben"] is Role.INTEREST


# --- The built report: every row of both matrices says what the action's page says ---------------


@pytest.fixture(scope="module", params=["print", "web"])
def built(request, sample_build):
    """The HTML the PDF is laid out from, and the web edition's page."""
    html = sample_build.html if request.param == "print" else sample_build.web / "index.html"
    report = BuiltReport()
    report.feed(html.read_text(encoding="utf-8"))
    return report


def rows(table):
    return {int(r[0]): r for r in table if r and r[0].isdigit()}


def test_the_built_matrices_say_what_the_pages_say(built, sample_config):
    committees, admins = committee_matcher(sample_config), administration_matcher(sample_config)
    marks = sample_config.marks
    overview, matrix = rows(built.tables["overview"]), rows(built.tables["matrix"])
    assert set(overview) == set(matrix) == set(built.pages) == set(range(1, 51))
    for number, page in built.pages.items():
        text = {key: page.get(key, "") for key in COMMITTEE_FIELDS + ADMINISTRATION_FIELDS}
        assert text["udvalg"].strip() and text["adm_forankring"].strip(), number
        named = set(committees.keys("\n".join(text[k] for k in COMMITTEE_FIELDS)))
        row = overview[number][2:]
        assert len(row) == len(sample_config.committees)
        assert {c.key for c, cell in zip(sample_config.committees, row, strict=True) if cell == marks.committee} \
            == named, (number, text["udvalg"], row)
        assert all(cell in ("", marks.committee) for cell in row)
        anchored = admins.keys(text["adm_forankring"])
        named = set(anchored) | set(admins.keys(text["interessenter"]))
        row = dict(zip((a.key for a in sample_config.administrations), matrix[number][4:], strict=True))
        assert {key for key, cell in row.items() if cell} == named, (number, text, row)
        assert [key for key, cell in row.items() if cell == marks.anchoring] == [anchored[0]], number
        assert all(cell in ("", marks.interest) for key, cell in row.items() if key != anchored[0]), number


def test_the_four_rows_that_were_wrong(built, sample_config):
    overview, matrix = rows(built.tables["overview"]), rows(built.tables["matrix"])
    assert overview[25][2:] == ["x"] * 6                                  # "Teknik- & Miljøudvalg"
    assert matrix[23][4:] == ["x", "x", "x", "X"]                         # "Alle forvaltninger"
    assert matrix[24][4:] == ["x", "x", "X", "x"]                         # "Central stab"
    assert matrix[41][4:] == ["", "X", "x", ""]                           # not "socialøkonomiske"
    assert [a.key for a in sample_config.administrations] == ["boern", "social", "vaekst", "staben"]
    assert "&" in built.pages[25]["udvalg"] and "Central stab" in built.pages[24]["interessenter"]


def test_the_status_note_names_no_file(sample_build):
    html = sample_build.html.read_text(encoding="utf-8")
    note = re.search(r'<p class="note">(.*?)</p>', html, re.S)[1]
    assert "udledt" in note and not re.search(r"\w+/\w+\.(md|yaml|txt)|README", note)

