"""Three yearly rounds of one report, start to finish, in Danish and in English (issue 25).

Each year: this year's list of actions → `sheets` (the first year from the list alone, the next
from last year's edition and the list) → the owners fill their sheets by defined names → `check
--expect` → `build` → `publish`. Year two drops an action, adds one, renumbers one (through
`history.renumbered`) and adds a committee, and moves an action to another owner while the round
runs; year three renumbers one through the list's `previous` column, and adds and drops an action
while its round runs. Every command is run from the report's folder with no `-c` (the configuration
is found as MkDocs finds its own), and nothing is deleted or edited by hand but the configuration's
edition, date and sheets folder. Small catalogues: 4 actions a year, builds of a few seconds.
"""

from __future__ import annotations

import csv
import email
import email.policy
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen.cli import cli
from reportgen.locales import Messages
from reportgen.starter import new_report

from .conftest import pdftotext

WORDS = {
    "da": {"columns": ["Nummer", "Titel", "Tema", "Ansvarlig", "Tidligere nummer"],
           "council": {"key": "byraad", "name": "Byrådet", "short": "BR"},
           "received": "{n} af {n} handlinger modtaget, 0 med fejl.",
           "compared": "Sammenlignet med udgave {edition}, version 1.0, af {date}.",
           "dates": {"2024": "31.5.2024", "2025": "30.5.2025"},
           "new": "De er nye i år", "carried": "De er udfyldt med det, udgave {edition} sagde",
           "mixed": "1 af dem er udfyldt med det, udgave {edition} sagde",
           "dropped": "Ikke med i år (fra udgave {edition})",
           "history": "Udvikling siden sidste år", "changed": "ændret i"},
    "en": {"columns": ["number", "title", "theme", "responsible", "previous"],
           "council": {"key": "council", "name": "City Council", "short": "CC"},
           "received": "{n} of {n} actions received, 0 with errors.",
           "compared": "Compared with edition {edition}, version 1.0, of {date}.",
           "dates": {"2024": "2024-05-31", "2025": "2025-05-30"},
           "new": "They are new this year", "carried": "They are filled in with what edition {edition} said",
           "mixed": "1 of them are filled in with what edition {edition} said",
           "dropped": "Not in this year's round (from edition {edition})",
           "history": "Development since last year", "changed": "changed in"},
}

# this year's list: number, title, theme, responsible (, previous number)
YEARS = {
    "2024": ("2024-05-31", [(1, "Cycle paths to every school", 1, "Ann Holm"),
                            (2, "One way in for businesses", 2, "Bo Lund"),
                            (3, "Healthy school meals", 1, "Ann Holm"), (4, "Jobs for the young", 2, "Cy Berg")]),
    # 2 dropped, 3 renumbered 30 (history.renumbered), 5 new, a new committee
    "2025": ("2025-05-30", [(1, "Cycle paths to every school", 1, "Ann Holm"), (4, "Jobs for the young", 2, "Cy Berg"),
                            (5, "Green roofs", 1, "Cy Berg"), (30, "Healthy school meals", 1, "Ann Holm")]),
    # 4 dropped, 5 renumbered 50 (the list's previous column), 6 new
    "2026": ("2026-05-29", [(1, "Cycle paths to every school", 1, "Ann Holm"), (6, "Open libraries", 2, "Eva Dahl"),
                            (30, "Healthy school meals", 1, "Ann Holm"), (50, "Green roofs", 1, "Dee Krag", 5)]),
}


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def _configure(plan: Path, language: str, year: str) -> None:
    """What a secretariat changes for a new year: edition, date, the sheets folder; in 2025 a new
    committee and the renumbered action."""
    path = plan / "report.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["report"].update(edition=year, version="1.0", date=YEARS[year][0])
    data["sheets"] = {"folder": f"sheets/{year}"}
    data["round"] = {"deadline": f"{year}-04-30", "return_address": "plan@example.org"}
    data["history"] = {"archive": "archive", "page": True, "renumbered": {"2024": {3: 30}, "2025": {5: 50}}}
    if year == "2025":
        data["committees"].append(WORDS[language]["council"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _write_list(path: Path, language: str, year: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(WORDS[language]["columns"])
        for number, title, theme, person, *previous in YEARS[year][1]:
            writer.writerow([number, title, theme, person, *previous] + [""] * (1 - len(previous)))
    return path


def _cell(path: Path, name: str) -> object:
    wb = load_workbook(path)
    sheet, cell = next(iter(wb.defined_names[name].destinations))
    return wb[sheet][cell.replace("$", "")].value


def _fill(path: Path, **values: object) -> None:
    """As docs/round.md shows: an owner's answers, by defined name."""
    wb = load_workbook(path)
    for name, value in values.items():
        sheet, cell = next(iter(wb.defined_names[name].destinations))
        wb[sheet][cell.replace("$", "")].value = value
    wb.save(path)


def _mail(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return " ".join(message.get_body(preferencelist=("plain",)).get_content().split())


def _return_sheets(plan: Path, year: str, t: Messages, config: dict) -> None:
    """Every owner fills their sheet and sends it back: it lands in this year's sheets folder."""
    out, inbox = plan / "out" / year, plan / "sheets" / year
    inbox.mkdir(parents=True)
    status = config["statuses"][{"2024": 1, "2025": 1, "2026": 0}[year]]["label"]
    for action in json.loads((out / "round.json").read_text(encoding="utf-8"))["actions"]:
        sheet = out / action["file"]
        _fill(sheet, rg_status=status, **{f"rg_committee_{config['committees'][0]['key']}": t("choice.yes"),
                                          f"rg_admin_{config['administrations'][0]['key']}": t("role.anchoring"),
                                          "rg_field_description": f"{action['title']} ({year}).",
                                          "rg_field_progress": f"Progress {year}."})
        shutil.copyfile(sheet, inbox / sheet.name)


def _round(plan: Path, year: str, language: str) -> dict:
    """list → sheets (from last year's edition from 2025 on) → filled → check → build → publish."""
    words, t = WORDS[language], Messages(language)
    _configure(plan, language, year)
    config = yaml.safe_load((plan / "report.yaml").read_text(encoding="utf-8"))
    listed = _write_list(plan / f"actions-{year}.csv", language, year)
    start = ["--from", f"archive/{int(year) - 1}/v1.0"] if year != "2024" else []
    said = _run("sheets", "--actions", listed.name, *start, "--out", f"out/{year}", "--mail")
    plan_file = json.loads((plan / "out" / year / "round.json").read_text(encoding="utf-8"))
    assert [a["number"] for a in plan_file["actions"]] == [row[0] for row in YEARS[year][1]]
    if year != "2024":
        assert words["dropped"].format(edition=int(year) - 1) in said
    return {"config": config, "said": said, "round": plan_file, "t": t, "words": words}


@pytest.mark.parametrize("language", ["da", "en"])
def test_three_yearly_rounds(tmp_path, monkeypatch, language):
    words = WORDS[language]
    plan = new_report(tmp_path / "plan", language=language).parent
    for example in (plan / "sheets").iterdir():  # the starter's example action is no part of this plan
        example.unlink()
    monkeypatch.chdir(plan)  # no -c anywhere: report.yaml in the working folder

    # --- 2024: the first year, from a list -------------------------------------------------------------
    year = _round(plan, "2024", language)
    assert {a["origin"] for a in year["round"]["actions"]} == {"new"} and year["round"]["dropped"] == []
    for draft in (plan / "out" / "2024" / "mail").iterdir():
        assert words["new"] in _mail(draft)  # a fresh list: not "filled in with the last status"
    _return_sheets(plan, "2024", year["t"], year["config"])
    assert words["received"].format(n=4) in _run("check", "--expect", "out/2024/round.json")
    _run("build")
    _run("publish")

    # --- 2025: from the 2024 edition and this year's list ----------------------------------------------
    year = _round(plan, "2025", language)
    origins = {a["number"]: (a["origin"], a.get("previous")) for a in year["round"]["actions"]}
    assert origins == {1: ("carried", None), 4: ("carried", None), 5: ("new", None), 30: ("carried", 3)}
    assert year["round"]["dropped"] == [{"number": 2, "title": "One way in for businesses"}]
    sheets = {a["number"]: plan / "out" / "2025" / a["file"] for a in year["round"]["actions"]}
    assert _cell(sheets[30], "rg_field_progress") == "Progress 2024."  # carried from 3, under its new number
    assert _cell(sheets[30], "rg_number") == 30 and _cell(sheets[5], "rg_field_progress") in (None, "")
    assert _cell(sheets[1], f"rg_committee_{words['council']['key']}") == year["t"]("choice.no")  # the new committee
    mail = plan / "out" / "2025" / "mail"
    assert words["carried"].format(edition=2024) in _mail(mail / "ann-holm.eml")
    assert words["mixed"].format(edition=2024) in _mail(mail / "cy-berg.eml")  # one carried, one new
    # While the round runs, action 5 goes to another owner: sheet, round.json and drafts follow.
    _run("round", "move", "5", "--to", "Dee Krag", "--round", "out/2025/round.json")
    moved = json.loads((plan / "out" / "2025" / "round.json").read_text(encoding="utf-8"))
    assert {a["number"]: a["responsible"] for a in moved["actions"]}[5] == "Dee Krag"
    assert not sheets[5].exists() and _cell(next((plan / "out" / "2025").glob("05-*-dee-krag.xlsx")),
                                             "rg_responsible") == "Dee Krag"
    assert words["new"] in _mail(mail / "dee-krag.eml")
    assert words["carried"].format(edition=2024) in _mail(mail / "cy-berg.eml")
    _return_sheets(plan, "2025", year["t"], year["config"])
    assert words["received"].format(n=4) in _run("check", "--expect", "out/2025/round.json")
    _run("build")
    _run("publish")
    folders = sorted(p.name for p in (plan / "build").iterdir())  # one folder per edition: 2024's is kept
    assert [name.rsplit("-", 2)[1:] for name in folders] == [["2024", "v1.0"], ["2025", "v1.0"]]
    assert all((plan / "build" / name / f"{name}.pdf").is_file() for name in folders)
    text = " ".join(pdftotext(next((plan / "archive" / "2025" / "v1.0" / "data").glob("*.pdf"))).split())
    assert words["compared"].format(edition=2024, date=words["dates"]["2024"]) in text
    assert words["council"]["short"] in text
    assert words["history"] in text

    # --- 2026: from the 2025 edition; a renumbering through the list; add and drop while it runs -------
    year = _round(plan, "2026", language)
    origins = {a["number"]: (a["origin"], a.get("previous")) for a in year["round"]["actions"]}
    assert origins == {1: ("carried", None), 6: ("new", None), 30: ("carried", None), 50: ("carried", 5)}
    assert [d["number"] for d in year["round"]["dropped"]] == [4]
    _run("round", "add", "7", "--title", "Late idea", "--theme", "1", "--responsible", "Eva Dahl",
         "--round", "out/2026/round.json")
    added = json.loads((plan / "out" / "2026" / "round.json").read_text(encoding="utf-8"))
    assert [a["number"] for a in added["actions"]] == [1, 6, 7, 30, 50]
    eva = email.message_from_bytes((plan / "out" / "2026" / "mail" / "eva-dahl.eml").read_bytes(),
                                   policy=email.policy.default)
    assert sorted(part.get_filename()[:3] for part in eva.iter_attachments()) == ["06-", "07-"]
    _run("round", "drop", "7", "--round", "out/2026/round.json")
    assert [a["number"] for a in json.loads((plan / "out" / "2026" / "round.json").read_text())["actions"]] == [
        1, 6, 30, 50]
    assert not list((plan / "out" / "2026").glob("07-*.xlsx"))
    _return_sheets(plan, "2026", year["t"], year["config"])
    assert words["received"].format(n=4) in _run("check", "--expect", "out/2026/round.json")
    _run("publish")

    # --- what the three years left: the archive, the history, the last PDF ------------------------------
    listing = _run("archive", "list")
    assert all(y in listing for y in ("2024", "2025", "2026"))
    _run("archive", "verify")  # exit 0: every hash of the three editions
    history = json.loads(CliRunner().invoke(cli, ["history", "--format", "json"]).stdout)
    assert [e["label"] for e in history["editions"]] == ["2024", "2025", "2026"]
    by_number = {a["number"]: a for a in history["actions"]}
    assert sorted(by_number) == [1, 2, 4, 6, 30, 50]
    assert by_number[30]["statuses"] == [year["config"]["statuses"][1]["key"]] * 2 + [
        year["config"]["statuses"][0]["key"]]  # one action through three years, under its new number
    assert by_number[30]["changed_in"] == "2026" and by_number[2]["statuses"][1:] == [None, None]
    shown = _run("history")
    assert "2024" in shown and "2025" in shown and "2026" in shown and "1.0 │ 1.0" not in shown
    last = " ".join(pdftotext(next((plan / "archive" / "2026" / "v1.0" / "data").glob("*.pdf"))).split())
    assert words["compared"].format(edition=2025, date=words["dates"]["2025"]) in last
    assert "2024 2025 2026" in last  # the history page's heads: the editions, the current one included

    # The PDF carries this year's sheets where this year's configuration looks for them.
    pdf = next((plan / "archive" / "2026" / "v1.0" / "data").glob("*.pdf"))  # the bag's payload
    _run("extract", str(pdf), "--out", str(tmp_path / "again"))
    assert len(list((tmp_path / "again" / "sheets" / "2026").glob("*.xlsx"))) == 4
    monkeypatch.chdir(tmp_path / "again")
    assert _run("check") == " ".join(year["t"]("cli.clean").split())
