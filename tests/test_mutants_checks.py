"""Tests written from the survivors of `make mutate MODULES=checks` (bench/MUTATION.md): each fails
with the mutant it was written from. Fast: the small report's three sheets (actions 1, 7, 25),
changed with openpyxl, checked through ``check``."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
import yaml

from reportgen.checks import action_number, check
from reportgen.configuration import load_config
from reportgen.problems import Severity
from reportgen.sheets.template import write_template

from .conftest import cell_of, set_cells
from .test_fields import ACTIONS, EXAMPLE, sheet_values
from .test_owners_round import _inline_text, _rewrite_zip


def with_config(report_dir, change):
    """The report folder's configuration, changed by ``change(data)`` and loaded again."""
    path = report_dir / "report.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_config(path)[0]


def findings(config, name=None):
    outcome = check(config)
    return [f for f in outcome.result.findings if name is None or f.file == name]


# --- check --------------------------------------------------------------------------------------


def test_check_says_each_sheet_it_reads_and_where_it_was(report_dir, config):
    seen: list[str] = []
    outcome = check(config, progress=seen.append)
    names = ["01.xlsx", "07.xlsx", "25.xlsx"]
    assert sorted(seen) == names
    assert outcome.paths == {name: report_dir / "sheets" / name for name in names}
    assert sorted(outcome.sheets) == names and outcome.sheets["07.xlsx"].file == "07.xlsx"
    assert outcome.catalogue.config is config and [a.number for a in outcome.catalogue.actions] == [1, 7, 25]


def test_no_sheets_names_where_none_were_found(report_dir, config, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (finding,) = check(config, [first, second]).result.findings
    assert (finding.code, finding.severity) == ("inputs-empty", Severity.ERROR)
    assert finding.message == f"Der er ingen standardark i {first}, {second}."
    for sheet in (report_dir / "sheets").iterdir():
        sheet.unlink()
    (finding,) = check(config).result.findings
    assert finding.message == f"Der er ingen standardark i {config.sheets_dir}."


# --- mentions -----------------------------------------------------------------------------------


def test_a_mark_not_named_lists_every_linked_field(report_dir):
    config = with_config(report_dir, lambda data: data["mentions"]["administrations"].update(
        fields=["adm_forankring", "interessenter", "involverede"]))
    set_cells(report_dir / "sheets" / "07.xlsx", rg_admin_boern="Interessent")
    (finding,) = [f for f in findings(config, "07.xlsx") if f.code == "administration-not-named"]
    assert finding.message.endswith("men nævnes ikke under Adm. forankring, Interessenter eller Involverede.")


def test_a_duplicated_number_names_the_other_sheets(report_dir, config):
    sheets = report_dir / "sheets"
    set_cells(sheets / "01.xlsx", rg_number=7)
    set_cells(sheets / "25.xlsx", rg_number=7)
    outcome = check(config)
    found = [(f.code, f.severity, f.file, f.action, f.message) for f in outcome.result.findings]
    assert found == [
        ("number-duplicate", Severity.ERROR, "07.xlsx", 7, "Handling nr. 7 findes også i 01.xlsx, 25.xlsx."),
        ("number-duplicate", Severity.ERROR, "25.xlsx", 7, "Handling nr. 7 findes også i 01.xlsx, 07.xlsx.")]
    assert [(a.number, a.source) for a in outcome.catalogue.actions] == [(7, "01.xlsx")]


# --- one sheet ----------------------------------------------------------------------------------


def test_an_old_or_foreign_template_says_which_and_what_is_current(report_dir, config):
    sheets = report_dir / "sheets"
    set_cells(sheets / "01.xlsx", rg_template_version=0)
    set_cells(sheets / "07.xlsx", rg_template_version=None)
    set_cells(sheets / "25.xlsx", rg_config_signature="abc123")
    by_file = {f.file: f for f in findings(config)}
    assert [(f.code, f.action) for f in by_file.values()] == [("template-outdated", None)] * 2 + [
        ("template-other-config", None)]  # said before the number is read: no action yet
    assert by_file["01.xlsx"].message == "Arket er lavet med en ældre skabelon (version 0, nu 1)."
    assert by_file["07.xlsx"].message == "Arket er lavet med en ældre skabelon (version ?, nu 1)."
    assert by_file["25.xlsx"].message == (
        f"Arket er lavet til en anden udgave af rapporten (abc123, nu {config.signature()}).")


def test_an_empty_text_is_empty_and_a_missing_field_is_named(report_dir, config):
    from openpyxl import load_workbook

    sheet = report_dir / "sheets" / "07.xlsx"
    set_cells(sheet, rg_field_tid=None)
    (action,) = [a for a in check(config).catalogue.actions if a.number == 7]
    assert action.texts["tid"] == ""
    wb = load_workbook(sheet)
    del wb.defined_names["rg_field_maal"]
    wb.save(sheet)
    (finding,) = findings(config, "07.xlsx")
    assert (finding.code, finding.message) == ("field-absent", "Feltet 'Mål' findes ikke i arket.")


def test_a_cell_with_an_error_or_an_uncomputed_formula_is_named(report_dir, config):
    path = report_dir / "sheets" / "07.xlsx"
    set_cells(path, rg_field_tid='="2016-"&"17"', rg_field_maal="#REF!")
    found = sorted((f.code, f.cell, f.field, f.message) for f in findings(config, "07.xlsx"))
    assert found == [
        ("cell-error", cell_of(path, "rg_field_maal"), "rg_field_maal", "Cellen indeholder en fejlværdi (#REF!)."),
        ("formula-no-value", cell_of(path, "rg_field_tid"), "rg_field_tid",
         "Cellen indeholder en formel uden beregnet værdi.")]


def test_a_date_in_a_text_field_reads_as_the_report_writes_dates(report_dir, config):
    set_cells(report_dir / "sheets" / "07.xlsx", rg_field_tid=dt.datetime(2017, 2, 1))
    (action,) = [a for a in check(config).catalogue.actions if a.number == 7]
    assert action.texts["tid"] == "1.2.2017"  # as the owner sees it in a Danish Excel, not 2017-02-01


def test_a_typed_field_is_read_by_its_kind(tmp_path):
    shutil.copy(EXAMPLE, tmp_path / "report.yaml")
    config = load_config(tmp_path / "report.yaml")[0]
    for row in ACTIONS[:3]:  # 1: a date, an amount and a per cent as values; 3: as text
        write_template(config, tmp_path / "sheets" / f"{row[0]:02d}.xlsx", values=sheet_values(*row))
    set_cells(tmp_path / "sheets" / "02.xlsx", rg_field_fremdrift=140)
    outcome = check(config)
    (finding,) = outcome.result.findings
    cell = cell_of(tmp_path / "sheets" / "02.xlsx", "rg_field_fremdrift")
    assert (finding.code, finding.file, finding.cell, finding.field) == (
        "percent-range", "02.xlsx", cell, "rg_field_fremdrift")
    assert finding.message == "'140' ud for Fremdrift ligger ikke mellem 0 og 100 %."
    one, three = outcome.catalogue.actions
    assert (one.texts["start"], one.texts["oekonomi"], one.texts["fremdrift"]) == ("2018-01-15", "1500000", "40")
    assert (three.texts["start"], three.texts["oekonomi"], three.texts["fremdrift"]) == (
        "2018-02-01", "2000000", "12.5")


def test_a_line_is_one_line_a_text_keeps_its_lines(report_dir, config):
    set_cells(report_dir / "sheets" / "07.xlsx", rg_title="Handling  med\n mellemrum ",
              rg_field_maal="Linje et\nLinje  to")
    (action,) = [a for a in check(config).catalogue.actions if a.number == 7]
    assert (action.title, action.texts["maal"]) == ("Handling med mellemrum", "Linje et\nLinje  to")


def test_a_text_at_and_over_its_bounds(report_dir, config):
    path = report_dir / "sheets" / "07.xlsx"
    coord = cell_of(path, "rg_field_maal")
    words = ("x" * 99 + " ") * 327 + "y" * 67  # 32,767 characters (Excel's own cell limit); words of 99 and 67
    _rewrite_zip(path, lambda entries: _inline_text(entries, coord, words))
    assert findings(config, "07.xlsx") == []
    _rewrite_zip(path, lambda entries: _inline_text(entries, coord, words + "y"))
    (finding,) = findings(config, "07.xlsx")
    assert (finding.code, finding.cell, finding.field, finding.severity) == (
        "text-too-long", coord, "rg_field_maal", Severity.ERROR)
    assert finding.message == "Teksten er 32768 tegn; grænsen er 32767."


def test_a_line_and_a_word_at_and_over_their_bounds(report_dir, config):
    path = report_dir / "sheets" / "07.xlsx"
    title = ("Titel " * 50)[:299] + "x"  # 300 characters: the longest title; words of 5
    word = "https://" + "a" * 92  # 100 characters without a space: the longest word
    set_cells(path, rg_title=title, rg_field_maal=f"Se {word} her")
    assert findings(config, "07.xlsx") == []
    set_cells(path, rg_title=title + "x", rg_field_maal=f"Se {word}a her")
    line, long_word = findings(config, "07.xlsx")
    assert (line.code, line.severity, line.cell, line.field) == (
        "line-too-long", Severity.ERROR, cell_of(path, "rg_title"), "rg_title")
    assert line.message.startswith("Titel er 301 tegn; en linje som den må højst være 300 tegn")
    assert (long_word.code, long_word.severity, long_word.cell) == (
        "word-too-long", Severity.WARNING, cell_of(path, "rg_field_maal"))
    assert long_word.message.startswith(f"Mål har et ord på 101 tegn uden mellemrum ('{word[:40]}…'); intet "
                                        "rigtigt ord er over 100.")
    set_cells(path, rg_title="Kort", rg_field_maal=word + "a")  # a text of one word, 101 characters
    assert [f.code for f in findings(config, "07.xlsx")] == ["word-too-long"]


# --- each cell's value ----------------------------------------------------------------------------


def read_07(report_dir, config, **cells):
    """Sheet 07 with ``cells`` changed, checked alone: (its findings' code, message, fix, field, action), the action."""
    path = report_dir / "sheets" / "07.xlsx"
    set_cells(path, **cells)
    outcome = check(config, [path])
    found = [(f.code, f.message, f.fix, f.field, f.action) for f in outcome.result.findings
             if f.severity is Severity.ERROR]
    return found, (outcome.catalogue.actions or [None])[0]


ROLES = "Vælg fra listen: Administrativ forankring, Interessent, Ingen."
NUMBER = "Skriv kun handlingens nummer, fx 7."


@pytest.mark.parametrize("cells, code, message, fix", [
    ({"rg_number": "syv"}, "number-invalid", "Nummeret 'syv' er ikke et helt tal fra 1 til 9999.", NUMBER),
    ({"rg_number": 0}, "number-invalid", "Nummeret '0' er ikke et helt tal fra 1 til 9999.", NUMBER),
    ({"rg_number": 10000}, "number-invalid", "Nummeret '10000' er ikke et helt tal fra 1 til 9999.", NUMBER),
    ({"rg_theme": "Et Godt sted at bo"}, "theme-unknown", "Temaet 'Et Godt sted at bo' findes ikke.",
     "Vælg et tema fra listen i cellen."),
    ({"rg_theme": "6"}, "theme-unknown", "Temaet '6' findes ikke.", "Vælg et tema fra listen i cellen."),
    ({"rg_theme": "5X"}, "theme-unknown", "Temaet '5X' findes ikke.", "Vælg et tema fra listen i cellen."),
    ({"rg_status": "Gennemført"}, "status-unknown", "Status 'Gennemført' findes ikke.",
     "Vælg en status fra listen: Afsluttet, Igangsat, Realiseres ikke."),
    ({"rg_committee_teknik": "Måske"}, "choice-unknown",
     "'Måske' er ikke et gyldigt valg ud for Teknik- og Miljøudvalget.", "Vælg fra listen: Ja, Nej."),
    ({"rg_admin_staben": "Lidt"}, "choice-unknown", "'Lidt' er ikke et gyldigt valg ud for Staben.", ROLES),
    ({"rg_admin_staben": "I"}, "choice-unknown", "'I' er ikke et gyldigt valg ud for Staben.", ROLES),
])
def test_a_value_that_is_none_of_the_choices_says_which_are(report_dir, config, cells, code, message, fix):
    (name,) = cells
    found, action = read_07(report_dir, config, **cells)
    number = None if name == "rg_number" else 7
    assert (found, action) == ([(code, message, fix, name, number)], None)


@pytest.mark.parametrize("cells, expected", [
    ({"rg_number": 9999}, ("number", 9999)),
    ({"rg_number": "12."}, ("number", 12)),
    ({"rg_theme": "5."}, ("theme", 5)),
    ({"rg_theme": 3}, ("theme", 3)),
    ({"rg_theme": "mere gang i erhverv og turisme"}, ("theme", 2)),
    ({"rg_theme": "3. Flere unge får uddannelse"}, ("theme", 3)),
    ({"rg_status": "AFSLUTTET"}, ("status", "afsluttet")),
    ({"rg_status": "ikke"}, ("status", "ikke")),
    ({"rg_status": "igangsat, på vej"}, ("status", "igang")),
    ({"rg_committee_oekonomi": "nej", "rg_committee_kultur": "-"}, ("committees", ("teknik",))),
    ({"rg_committee_oekonomi": False, "rg_committee_kultur": 0}, ("committees", ("teknik",))),
    ({"rg_committee_oekonomi": "NEJ", "rg_committee_kultur": None}, ("committees", ("teknik",))),
    ({"rg_committee_boern": "JA", "rg_committee_social": True}, ("committees",
                                                                 ("oekonomi", "teknik", "kultur", "boern", "social"))),
    ({"rg_committee_boern": "yes", "rg_committee_social": 1}, ("committees",
                                                               ("oekonomi", "teknik", "kultur", "boern", "social"))),
    ({"rg_admin_staben": "x"}, ("staben", "interest")),
    ({"rg_admin_staben": "INTERESSENT"}, ("staben", "interest")),
    ({"rg_admin_staben": "Interest"}, ("staben", "interest")),
    ({"rg_admin_vaekst": "Ingen", "rg_admin_staben": "X"}, ("staben", "anchoring")),
    ({"rg_admin_vaekst": "-", "rg_admin_staben": "administrativ forankring"}, ("staben", "anchoring")),
    ({"rg_admin_vaekst": "NEJ", "rg_admin_staben": "ANCHORING"}, ("vaekst", "none")),
    ({"rg_admin_vaekst": None, "rg_admin_staben": "X"}, ("vaekst", "none")),
])
def test_each_way_an_owner_may_write_a_choice(report_dir, config, cells, expected):
    found, action = read_07(report_dir, config, **cells)
    assert found == []
    what, value = expected
    if what in ("staben", "vaekst"):
        assert action.roles[what].value == value
    else:
        assert getattr(action, what) == value


def test_a_reports_own_words_for_yes_and_no_are_read(report_dir):
    config = with_config(report_dir, lambda data: data.setdefault("labels", {}).update(
        {"choice.yes": "Jo", "choice.no": "Nix"}))
    found, action = read_07(report_dir, config, rg_committee_oekonomi="nix", rg_committee_boern="JO")
    assert found == [] and action.committees == ("teknik", "kultur", "boern")


@pytest.mark.parametrize("raw, number", [
    (7, 7), (7.0, 7), ("7", 7), ("7.", 7), (" 12. ", 12), (9999, 9999), (9999.0, 9999), ("9999", 9999), (1, 1),
    (0, None), (0.0, None), ("0", None), (-1, None), (-1.0, None), (10000, None), (10000.0, None), ("10000", None),
    ("09999", None), (7.5, None), (1e300, None), (True, None), (False, None), ("²", None), ("①", None), ("٣", None),
    ("7a", None), ("", None), (None, None), ("-7", None),
])
def test_an_action_number_is_a_whole_number_from_1_to_9999(raw, number):
    assert action_number(raw) == number


# --- written from the survivors of the whole run (bench/MUTATION.md, 2026-12-06 evening) ----------


def test_a_theme_is_none_of_its_other_words(report_dir, config):
    found, action = read_07(report_dir, config, rg_theme="None")
    assert (found, action) == ([("theme-unknown", "Temaet 'None' findes ikke.", "Vælg et tema fra listen i cellen.",
                                 "rg_theme", 7)], None)


def test_the_longest_word_is_the_longest_not_the_last_in_order(report_dir, config):
    word = "https://" + "a" * 93  # 101 characters without a space, and a short word after it in sort order
    set_cells(report_dir / "sheets" / "07.xlsx", rg_field_maal=f"{word} zz")
    (finding,) = findings(config, "07.xlsx")
    assert (finding.code, finding.field) == ("word-too-long", "rg_field_maal")
    assert finding.message.startswith(f"Mål har et ord på 101 tegn uden mellemrum ('{word[:40]}…')")


def test_no_committee_chosen_says_what_to_choose(report_dir, config):
    no = {f"rg_committee_{c.key}": "Nej" for c in config.committees}
    none = ("committee-none", "Intet udvalg er valgt.", "Vælg 'Ja' ud for mindst ét udvalg.",
            "rg_committee_oekonomi", 7)
    assert read_07(report_dir, config, **no) == ([none], None)
    # a committee that is no choice is not chosen either
    found, _ = read_07(report_dir, config, **no | {"rg_committee_teknik": "Måske"})
    assert [f[0] for f in found] == ["choice-unknown", "committee-none"]


def test_no_or_many_anchorings_say_what_to_choose(report_dir, config):
    found, _ = read_07(report_dir, config, rg_admin_vaekst="Interessent")
    assert found == [("anchoring-none", "Ingen forvaltning har den administrative forankring.",
                      "Vælg 'Administrativ forankring' for præcis én forvaltning.", "rg_admin_boern", 7)]
    found, _ = read_07(report_dir, config, rg_admin_vaekst="X", rg_admin_boern="X", rg_admin_staben="X")
    assert found == [("anchoring-many", "3 forvaltninger har den administrative forankring (Børne- og "
                      "Familieforvaltningen, Vækst- og Udviklingsforvaltningen, Staben).",
                      "Vælg 'Administrativ forankring' for præcis én forvaltning; de andre kan være 'Interessent'.",
                      "rg_admin_vaekst", 7)]


def test_an_administration_named_but_not_marked_says_both_words(report_dir, config):
    path = report_dir / "sheets" / "07.xlsx"
    set_cells(path, rg_field_interessenter="Staben")
    (finding,) = findings(config, "07.xlsx")
    assert (finding.code, finding.cell) == ("administration-not-marked", cell_of(path, "rg_admin_staben"))
    assert finding.message == "Teksten under Interessenter nævner Staben (”Staben”), men forvaltningen er ikke valgt."
    assert finding.fix == ("Vælg 'Administrativ forankring' eller 'Interessent' ud for Staben, eller ret teksten "
                           "under Interessenter.")


@pytest.mark.parametrize("cells, first", [
    ({"rg_field_tid": None}, []),                                       # the committees' field empty
    ({"rg_committee_teknik": "Måske"}, ["choice-unknown"]),             # a committee's mark no choice
    ({"rg_field_udvalg": "Økonomiudvalget " + "x" * 101}, ["word-too-long"]),  # the field with a finding
])
def test_a_link_not_compared_leaves_the_next_compared(report_dir, cells, first):
    config = with_config(report_dir, lambda data: data["mentions"]["committees"].update(
        fields=["udvalg" if "rg_field_udvalg" in cells else "tid"]))  # tid: a field that may be empty
    set_cells(report_dir / "sheets" / "07.xlsx", rg_admin_boern="Interessent", **cells)
    assert [f.code for f in findings(config, "07.xlsx")] == [*first, "administration-not-named"]


def test_a_date_before_its_start_or_a_milestone_passed_is_found_at_its_cell(tmp_path):
    shutil.copy(EXAMPLE, tmp_path / "report.yaml")
    config = load_config(tmp_path / "report.yaml")[0]
    path = tmp_path / "sheets" / "01.xlsx"  # Igangsat, started 15.1.2018; the edition's date is 1.6.2018
    write_template(config, path, values=sheet_values(*ACTIONS[0][:4], dt.date(2017, 12, 31), dt.date(2018, 5, 1),
                                                     *ACTIONS[0][6:]))
    found = [(f.code, f.severity, f.cell, f.field, f.message) for f in check(config).result.findings]
    assert found == [
        ("date-before", Severity.ERROR, cell_of(path, "rg_field_slut"), "rg_field_slut",
         "Afslutning (2017-12-31) ligger før Start (2018-01-15)."),
        ("date-passed", Severity.WARNING, cell_of(path, "rg_field_milepael"), "rg_field_milepael",
         "Næste milepæl (2018-05-01) er passeret (2018-06-01), men handlingen er ikke afsluttet.")]


def test_a_number_or_a_time_in_a_text_field_reads_as_the_cell_holds_it(report_dir, config):
    path = report_dir / "sheets" / "07.xlsx"
    set_cells(path, rg_field_tid=2017)
    coord = cell_of(path, "rg_field_tid")

    def as_float(entries):  # the number as a float, as a file may store it ("2017.0": openpyxl writes "2017")
        xml = entries["xl/worksheets/sheet1.xml"].decode()
        xml, count = re.subn(rf'(<c r="{coord}"[^>]*><v>)2017(</v>)', r"\g<1>2017.0\2", xml)
        assert count == 1
        entries["xl/worksheets/sheet1.xml"] = xml.encode()

    _rewrite_zip(path, as_float)
    assert check(config, [path]).catalogue.actions[0].texts["tid"] == "2017"
    # a date with a time (at midnight: a date, above), as the report's language writes a date; seconds only if any
    set_cells(path, rg_field_tid=dt.datetime(2017, 2, 1, 1, 0))
    assert check(config, [path]).catalogue.actions[0].texts["tid"] == "1.2.2017 01:00"
    set_cells(path, rg_field_tid=dt.datetime(2017, 2, 1, 13, 5, 9))
    assert check(config, [path]).catalogue.actions[0].texts["tid"] == "1.2.2017 13:05:09"


def test_an_english_report_reads_a_date_in_a_text_field_as_iso(report_dir, config):
    (action,) = [a for a in check(config).catalogue.actions if a.number == 7]
    english = with_config(report_dir, lambda data: data["report"].update(language="en"))
    path = write_template(english, report_dir / "sheets" / "07.xlsx", action)  # the marks in English words
    set_cells(path, rg_field_tid=dt.datetime(2017, 2, 1))
    assert check(english, [path]).catalogue.actions[0].texts["tid"] == "2017-02-01"
    set_cells(path, rg_field_tid=dt.datetime(2017, 2, 1, 9, 30))
    assert check(english, [path]).catalogue.actions[0].texts["tid"] == "2017-02-01 09:30"


@pytest.mark.parametrize("xml, text", [
    # Excel writes a carriage return in a cell's text as _x000D_ (openpyxl does not unescape it)
    ("Linje et  _x000D_\n  - indrykket  ", "Linje et\n  - indrykket"),
    ("Linje et&#13;\nLinje to", "Linje et\nLinje to"),  # a carriage return as itself, before a line feed
    ("Linje et&#13;Linje to", "Linje et\nLinje to"),     # … or alone
])
def test_a_texts_lines_as_excel_writes_them_lose_only_their_trailing_spaces(report_dir, config, xml, text):
    path = report_dir / "sheets" / "07.xlsx"
    coord = cell_of(path, "rg_field_maal")
    _rewrite_zip(path, lambda entries: _inline_text(entries, coord, xml))
    assert check(config, [path]).catalogue.actions[0].texts["maal"] == text


def test_an_action_number_has_nothing_after_it_but_a_point():
    assert [action_number(raw) for raw in ("7X", "7X.", "12.X", "12.")] == [None, None, None, 12]
