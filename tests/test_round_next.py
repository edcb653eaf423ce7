"""The next round: sheets from a list of actions, an earlier edition carried over by identity (never by
number alone), diff without a configuration, versions written "v1.0", outputs beside the
configuration, and the sheet's guide listing every field with its rule."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from reportgen.checks import check
from reportgen.cli import cli
from reportgen.configuration import load_config
from reportgen.model import Catalogue
from reportgen.pdf.attachments import edition_data
from reportgen.problems import ConfigError, InputsError
from reportgen.round.action_list import MAX_ROWS, read_action_list
from reportgen.round.sheets import write_round
from reportgen.sheets.template import write_template

from .conftest import SAMPLE_CONFIG, action_with

# A second edition with nothing in common with the 2017 sample but its language: other fields,
# themes, committees and administrations (with short names) and statuses.
CONFIG_2018 = """\
report:
  title: Årsplan 2018
  edition: "2018"
  version: v1.0
  date: 2018-05-31
  organisation: Nordby Kommune
  language: da
themes:
  - {number: 1, heading: Erhverv og turisme, colour: "#1f5f8b"}
  - {number: 2, heading: Bosætning, colour: "#2d6e46"}
  - {number: 3, heading: Sundhed, colour: "#74397f"}
fields:
  - {key: formaal, label: Formål, required: true, show_label: false}
  - {key: fremdrift, label: Fremdrift, required: true}
  - {key: budget, label: Budget}
committees:
  - {key: oeu, name: Økonomiudvalget, short: ØU}
  - {key: pmu, name: Plan- og Miljøudvalget, short: PMU}
  - {key: bsu, name: Børne- og Skoleudvalget, short: BSU}
  - {key: eu, name: Erhvervsudvalget, short: EU}
administrations:
  - {key: tm, name: Teknik og Miljø, short: TM}
  - {key: bl, name: Børn og Læring, short: BL}
  - {key: st, name: Staben, short: ST}
statuses:
  - {key: klar, label: Gennemført, colour: "#bfe0b0", symbol: "✔"}
  - {key: gang, label: I gang, colour: "#fbe29a", symbol: "⏳"}
  - {key: pause, label: På pause, colour: "#dddddd", symbol: "⏸"}
  - {key: droppet, label: Droppet, colour: "#f2b4ac", symbol: "✘"}
"""


def write_config(folder: Path, text: str = CONFIG_2018, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def value_of(path: Path, name: str) -> object:
    wb = load_workbook(path)
    sheet, coord = next(iter(wb.defined_names[name].destinations))
    return wb[sheet][coord.replace("$", "")].value


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


# --- sheets --actions ----------------------------------------------------------------------------------

GOOD_LIST = ("Nummer;Titel;Tema;Ansvarlig;Status;Fremdrift\n"
             "1;Flere overnatninger;Erhverv og turisme;Anna Holm;I gang;Godt i gang\n"
             "2;Nye byggegrunde;2;Bo Lund;;\n"
             "3;Sund skolemad;3. Sundhed;Anna Holm;gang;\n")


@pytest.mark.parametrize("encoding,separator", [("utf-8", ";"), ("utf-8-sig", ","), ("utf-8-sig", ";")])
def test_sheets_from_a_csv_list_prefilled_and_read_back(tmp_path, encoding, separator):
    config_path = write_config(tmp_path / "rapport")
    listing = tmp_path / "handlinger.csv"
    listing.write_text(GOOD_LIST.replace(";", separator), encoding=encoding)
    code, output = run("sheets", "-c", str(config_path), "--actions", str(listing), "--out", str(tmp_path / "ud"))
    assert code == 0, output
    names = sorted(p.name for p in (tmp_path / "ud").iterdir())
    assert names == ["01-flere-overnatninger-anna-holm.xlsx", "02-nye-byggegrunde-bo-lund.xlsx",
                     "03-sund-skolemad-anna-holm.xlsx", "round.json"]
    first = tmp_path / "ud" / names[0]
    assert value_of(first, "rg_theme") == "1. Erhverv og turisme"
    assert value_of(first, "rg_status") == "I gang" and value_of(first, "rg_field_fremdrift") == "Godt i gang"
    assert value_of(tmp_path / "ud" / names[1], "rg_status") is None  # the owner chooses
    assert value_of(tmp_path / "ud" / names[2], "rg_theme") == "3. Sundhed"
    expected = json.loads((tmp_path / "ud" / "round.json").read_text(encoding="utf-8"))
    assert [a["number"] for a in expected["actions"]] == [1, 2, 3]
    config, _ = load_config(config_path)
    outcome = check(config, [tmp_path / "ud"])
    # What is left is what owners fill in: committees, administrations, required texts. The sheets
    # are this configuration's (no template-other-config), and the numbers, titles and themes hold.
    assert {f.code for f in outcome.result.findings} == {"committee-none", "anchoring-none", "required-missing"}


def test_a_one_sheet_workbook_list_with_labels_and_keys(tmp_path):
    config_path = write_config(tmp_path / "rapport")
    wb = Workbook()
    ws = wb.active
    ws.append(["number", "title", "theme", "responsible", "formaal", "Budget"])
    ws.append([7, "Kystsikring", 1.0, "Carl Berg", "At sikre kysten", 2.5])
    listing = tmp_path / "liste.xlsx"
    wb.save(listing)
    config, _ = load_config(config_path)
    listed, findings = read_action_list(listing, config)
    assert findings == []
    assert [(a.number, a.theme, a.texts) for a in listed] == [(7, 1, {"formaal": "At sikre kysten", "budget": "2.5"})]


def test_bad_rows_are_findings_with_their_cells_and_nothing_is_written(tmp_path):
    config_path = write_config(tmp_path / "rapport")
    listing = tmp_path / "handlinger.csv"
    listing.write_text("Nummer;Titel;Tema;Ansvarlig;Farve\n"
                       "1;Første;1;Anna;rød\n"
                       "1;Igen;2;Bo;\n"
                       "10000;For stort;1;Bo;\n"
                       "x;Intet tal;1;Bo;\n"
                       "5;;9;Bo;\n", encoding="utf-8")
    out = tmp_path / "ud"
    code, output = run("sheets", "-c", str(config_path), "--actions", str(listing), "--out", str(out))
    assert code == 1 and not out.exists(), output
    config, _ = load_config(config_path)
    _, findings = read_action_list(listing, config)
    where = {(f.code, f.cell, f.severity.value) for f in findings}
    assert where == {("list-column-unknown", "E1", "warning"), ("list-number-duplicate", "A3", "error"),
                     ("list-number-invalid", "A4", "error"), ("list-number-invalid", "A5", "error"),
                     ("list-value-missing", "B6", "error"), ("list-theme-unknown", "C6", "error")}
    assert all(f.file == str(listing) for f in findings)
    assert "Handling nr. 1 står også i række 2." in output and "Intet blev skrevet" in output
    assert "10000" in output and "1 til 9999" in output
    # The summary speaks of the list, not of "1 ark læst, 0 handlinger" (issue 25).
    assert "Listen handlinger.csv: 1 handlinger uden fejl, 5 fejl, 1 advarsler." in output and "ark læst" not in output


def test_a_list_without_the_needed_columns_or_in_another_encoding_or_too_long(tmp_path):
    config, _ = load_config(write_config(tmp_path / "rapport"))
    listing = tmp_path / "l.csv"
    listing.write_text("Titel,Tema\nA,1\n", encoding="utf-8")
    assert [(f.code, f.cell) for f in read_action_list(listing, config)[1]] == [("list-column-missing", "A1")]
    listing.write_bytes("Nummer;Titel;Tema;Ansvarlig\n1;Åben by;1;Ø\n".encode("cp1252"))
    assert [f.code for f in read_action_list(listing, config)[1]] == ["list-encoding"]
    listing.write_text("Nummer;Titel;Tema;Ansvarlig\n" + "1;A;1;B\n" * (MAX_ROWS + 1), encoding="utf-8")
    assert [f.code for f in read_action_list(listing, config)[1]] == ["list-too-many-rows"]
    odd = tmp_path / "l.ods"
    odd.write_bytes(b"PK\x03\x04")
    assert [f.code for f in read_action_list(odd, config)[1]] == ["list-kind"]


def test_actions_and_from_together_carry_the_listed_actions_and_report_the_dropped(tmp_path, sample_catalogue):
    """The list says which actions this year has; the edition what each of them carries; the
    edition's other actions are reported as dropped (issue 25)."""
    config_path = write_config(tmp_path / "rapport")
    listing = tmp_path / "l.csv"
    listing.write_text(GOOD_LIST, encoding="utf-8")
    data = tmp_path / "data.json"
    data.write_bytes(edition_data(sample_catalogue))
    code, output = run("sheets", "-c", str(config_path), "--actions", str(listing), "--from", str(data),
                       "--out", str(tmp_path / "ud"))
    assert code == 0, output
    plan = json.loads((tmp_path / "ud" / "round.json").read_text(encoding="utf-8"))
    assert [(a["number"], a["origin"]) for a in plan["actions"]] == [(1, "carried"), (2, "carried"), (3, "carried")]
    assert len(plan["dropped"]) == len(sample_catalogue.actions) - 3 and plan["dropped"][0]["number"] == 4
    assert f"Ikke med i år (fra udgave 2017): {len(sample_catalogue.actions) - 3} handlinger" in output


# --- sheets --from: carried over by identity ------------------------------------------------------------

def test_from_an_earlier_edition_nothing_is_carried_by_number_alone(tmp_path, sample_catalogue):
    data = tmp_path / "data.json"
    data.write_bytes(edition_data(sample_catalogue))
    config_path = write_config(tmp_path / "rapport")
    result = write_round(config_path, tmp_path / "ud", source=data)
    first = result.sheets[0]
    # 2017's theme 1 "Attraktiv bosætningskommune" is not 2018's theme 1 "Erhverv og turisme".
    assert value_of(first, "rg_theme") is None and value_of(first, "rg_status") is None
    # Økonomiudvalget is the same committee under another key: carried by its name; so is Staben.
    action_1 = sample_catalogue.actions[0]
    assert "oekonomi" in action_1.committees and value_of(first, "rg_committee_oeu") == "Ja"
    staffed = next(p for p, a in zip(result.sheets, sample_catalogue.actions, strict=True) if "staben" in a.roles
                   and a.roles["staben"].value != "none")
    assert value_of(staffed, "rg_admin_st") != "Ingen"
    codes = {f.code for f in result.source_check.findings}
    assert codes == {"carry-theme", "carry-status", "carry-committee", "carry-administration", "carry-field"}
    theme_1 = next(f for f in result.source_check.findings if f.code == "carry-theme" and "Attraktiv" in f.message)
    assert theme_1.message.startswith("Temaet 1 (Attraktiv bosætningskommune) findes ikke")
    assert "round.carry.themes" in theme_1.fix and theme_1.severity.value == "warning"


def test_round_carry_maps_old_to_new_and_null_silences(tmp_path, sample_catalogue):
    data = tmp_path / "data.json"
    data.write_bytes(edition_data(sample_catalogue))
    config_path = write_config(tmp_path / "rapport", extra="""\
round:
  carry:
    themes: {"Attraktiv bosætningskommune": 2, 2: "Erhverv og turisme", 3: null, 4: null, 5: 3}
    statuses: {igang: gang, afsluttet: Gennemført, ikke: droppet}
    fields: {beskrivelse: formaal, maalopfyldelse: fremdrift}
""")
    result = write_round(config_path, tmp_path / "ud", source=data)
    first = result.sheets[0]
    action_1 = sample_catalogue.actions[0]
    assert value_of(first, "rg_theme") == "2. Bosætning"
    assert value_of(first, "rg_field_formaal") == action_1.texts["beskrivelse"]
    assert value_of(first, "rg_status") == {"igang": "I gang", "afsluttet": "Gennemført",
                                            "ikke": "Droppet"}[action_1.status]
    codes = {f.code for f in result.source_check.findings}
    assert "carry-theme" not in codes and "carry-status" not in codes


def test_round_carry_to_something_that_is_not_there_is_an_error_with_its_line(tmp_path):
    config_path = write_config(tmp_path / "rapport", extra="round:\n  carry:\n    committees: {oekonomi: finans}\n")
    with pytest.raises(ConfigError) as stop:
        load_config(config_path)
    (finding,) = stop.value.findings
    assert finding.code == "config-carry-unknown" and finding.cell == f"line {len(CONFIG_2018.splitlines()) + 3}"
    assert "round.carry.committees.oekonomi" in finding.message and "udvalg" in finding.message


# --- diff without -c, versions, paths beside the configuration -------------------------------------------

def test_diff_of_two_editions_without_a_configuration_speaks_theirs(tmp_path, monkeypatch):
    config, _ = load_config(write_config(tmp_path / "rapport", CONFIG_2018.replace("language: da", "language: en")))
    from reportgen.model import Action, Role

    def action(status: str, committees: tuple[str, ...]) -> Action:
        return Action(number=1, title="Kystsikring", theme=1, status=status, responsible="Carl Berg",
                      committees=committees, roles={"tm": Role.ANCHORING}, texts={"formaal": "x", "fremdrift": "y"})

    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_bytes(edition_data(Catalogue(config, [action("gang", ("oeu",))])))
    new.write_bytes(edition_data(Catalogue(config, [action("pause", ("oeu", "pmu"))])))
    monkeypatch.chdir(tmp_path)  # no inputs/report.yaml here: the editions' own configuration is used
    code, output = run("diff", str(old), str(new))
    assert code == 0, output
    assert output.strip() == "1. Kystsikring: status I gang → På pause; committees changed (+PMU)"


def test_a_version_written_with_v_is_not_doubled(tmp_path):
    config, _ = load_config(write_config(tmp_path / "rapport"))
    assert config.report.version == "1.0"
    assert config.report.pdf_name == "aarsplan-2018-v1.0.pdf" and "vv" not in config.running_line()
    from reportgen.archive.store import version_dir
    assert version_dir(tmp_path / "archive", config.report, config.messages).name == "v1.0"


def test_outputs_default_beside_the_configuration_and_command_line_paths_from_here(tmp_path, monkeypatch):
    from reportgen.cli.archive import archive_of
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config_path = write_config(tmp_path / "rapport")
    assert archive_of(None, config_path) == tmp_path / "rapport" / "archive"
    assert archive_of(Path("arkiv"), config_path) == Path("arkiv")
    code, output = run("archive", "list", "-c", str(config_path))
    assert code == 0 and not (elsewhere / "archive").exists()


# --- the sheet's guide, -q, warnings --------------------------------------------------------------------

def test_the_guide_lists_every_field_and_section_with_its_true_rule(config, tmp_path):
    wb = load_workbook(write_template(config, tmp_path / "blank.xlsx"))
    rows = [tuple(c.value for c in row[:3]) for row in wb["Vejledning"].iter_rows(min_row=6)]
    labels = [r[0] for r in rows]
    # the text field "Udvalg" (required) is listed, although a section has the same heading
    assert labels.count("Udvalg") == 2
    field = rows[[i for i, label in enumerate(labels) if label == "Udvalg"][1]]
    assert field[1] == "Skal udfyldes"
    committees = rows[labels.index("Udvalg")]
    assert committees[1] == "Skal udfyldes: 'Ja' ud for mindst ét udvalg"
    assert rows[labels.index("Forvaltninger")][1] == \
        "Skal udfyldes: 'Administrativ forankring' for præcis én forvaltning"
    every = [c.name for c in config.committees] + [a.name for a in config.administrations] + \
            [f.label for f in config.fields]
    assert all(name in labels for name in every)
    assert rows[labels.index("Tid")][1] == "Kan udfyldes"


def test_template_and_sheets_show_configuration_warnings_and_q_is_silent(report_dir, tmp_path):
    config_path = report_dir / "report.yaml"
    text = config_path.read_text(encoding="utf-8")
    config_path.write_text(text.replace("    required: true\n", "    requried: true\n", 1), encoding="utf-8")
    code, output = run("template", "-c", str(config_path), "--out", str(tmp_path / "blank.xlsx"))
    assert code == 0 and "config-unknown-key" in output and "requried" in output
    code, output = run("sheets", "-c", str(config_path), "--out", str(tmp_path / "ud"))
    assert code == 0 and "config-unknown-key" in output
    for args in (["template", "--out", str(tmp_path / "b2.xlsx")], ["sheets", "--out", str(tmp_path / "ud2")]):
        code, output = run(args[0], "-q", "-c", str(config_path), *args[1:])
        assert code == 0 and output == ""


def test_sheets_from_the_inputs_still_prefill_everything(report_dir, tmp_path, sample_catalogue):
    config, _ = load_config(report_dir / "report.yaml")
    result = write_round(config, tmp_path / "ud")
    assert result.source_check is not None and result.source_check.findings == []
    back = check(config, [tmp_path / "ud"]).catalogue.actions
    want = [action_with(sample_catalogue, n) for n in (1, 7, 25)]
    assert [(a.number, a.theme, a.status, a.committees, a.roles, a.texts) for a in back] == \
           [(a.number, a.theme, a.status, a.committees, a.roles, a.texts) for a in want]


def test_a_list_with_an_error_under_strict_warnings(tmp_path):
    config_path = write_config(tmp_path / "rapport")
    listing = tmp_path / "l.csv"
    listing.write_text(GOOD_LIST.replace("Fremdrift", "Ukendt"), encoding="utf-8")
    config, _ = load_config(config_path)
    with pytest.raises(InputsError):
        write_round(config, tmp_path / "ud", actions_list=listing, strict=True)
    assert not (tmp_path / "ud").exists()
    assert len(write_round(config, tmp_path / "ud", actions_list=listing).sheets) == 3


def test_sample_config_is_unchanged_by_the_new_keys(tmp_path):
    shutil.copy(SAMPLE_CONFIG, tmp_path / "report.yaml")
    (tmp_path / "sheets").mkdir()
    config, warnings = load_config(tmp_path / "report.yaml")
    assert warnings == [] and config.round.carry.themes == {}


def test_sheets_with_nothing_to_send_says_how_a_new_edition_starts(tmp_path):
    config_path = write_config(tmp_path / "rapport")
    (tmp_path / "rapport" / "sheets").mkdir()
    code, output = run("sheets", "-c", str(config_path), "--out", str(tmp_path / "ud"))
    assert code == 1 and not (tmp_path / "ud").exists()
    assert "sheets-none" in output and "--actions" in output and "0 standardark skrevet" not in output


def test_reissue_makes_a_persons_sheets_and_draft_again_from_the_configuration(tmp_path):
    """A new deadline after the sheets went out: `round reissue` writes that person's sheets and
    draft again, with the new date, and leaves the others; a name the round does not have is a
    finding naming the ones it has."""
    import email
    import email.policy

    config_path = write_config(tmp_path / "rapport", extra="round:\n  deadline: 2018-04-30\n")
    listing = tmp_path / "l.csv"
    listing.write_text(GOOD_LIST, encoding="utf-8")
    out = tmp_path / "ud"
    code, output = run("sheets", "-c", str(config_path), "--actions", str(listing), "--out", str(out), "--mail")
    assert code == 0, output
    bo_before = (out / "mail" / "bo-lund.eml").read_bytes()
    config_path.write_text(config_path.read_text(encoding="utf-8").replace("2018-04-30", "2018-05-15"),
                           encoding="utf-8")
    code, output = run("round", "reissue", "Anna Holm", "-c", str(config_path), "--round", str(out / "round.json"))
    assert code == 0, output
    anna = email.message_from_bytes((out / "mail" / "anna-holm.eml").read_bytes(), policy=email.policy.default)
    assert "15.5.2018" in anna.get_body(preferencelist=("plain",)).get_content()
    assert sorted(part.get_filename()[:3] for part in anna.iter_attachments()) == ["01-", "03-"]
    assert value_of(next(out.glob("01-*.xlsx")), "rg_field_fremdrift") == "Godt i gang"  # made again, same values
    assert (out / "mail" / "bo-lund.eml").read_bytes() == bo_before
    code, output = run("round", "reissue", "Ann Holm", "-c", str(config_path), "--round", str(out / "round.json"))
    assert code == 2 and "round-person-unknown" in output and "Anna Holm, Bo Lund" in output
