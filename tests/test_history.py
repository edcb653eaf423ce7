"""Each action's history across archived editions: read from the archive alone, a tampered edition
reported and left out, shown by `reportgen history`, in the web edition and on a page of the PDF."""

from __future__ import annotations

import json

import frictionless
import yaml
from click.testing import CliRunner

from reportgen.archive.history import read_history
from reportgen.archive.store import publish
from reportgen.cli import cli
from reportgen.pipeline import load

from .conftest import pdftotext, set_cells

STATUSES = {"v1": {7: "Igangsat", 25: "Igangsat"}, "v2": {7: "Afsluttet", 25: "Igangsat"},
            "v3": {7: "Afsluttet", 25: "Realiseres ikke"}}


def _set_version(config_path, version: str, **extra) -> None:
    data = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    data["report"]["version"] = version
    data.update(extra)
    config_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_three_editions_make_a_history(copy_report, tmp_path):
    config_path, sheets, archive = copy_report / "report.yaml", copy_report / "sheets", tmp_path / "archive"
    folders = {}
    for version, statuses in STATUSES.items():
        _set_version(config_path, version.removeprefix("v") + ".0")
        set_cells(sheets / "07.xlsx", rg_status=statuses[7])
        set_cells(sheets / "25.xlsx", rg_status=statuses[25])
        folders[version] = publish(config_path, archive)
        assert frictionless.validate(str(folders[version] / "data" / "data" / "datapackage.json")).valid
    config, _ = load(config_path)
    found = read_history(archive, config)
    assert [e.version for e in found.editions] == ["1.0", "2.0", "3.0"] and found.problems == []
    for number in (7, 25):
        assert [e.statuses[number][1] for e in found.editions] == [s[number] for s in STATUSES.values()]
    assert [e.label for e in found.editions] == ["2017 v1.0", "2017 v2.0", "2017 v3.0"]  # one edition, three versions
    assert found.changed(7) == "2017 v2.0" and found.changed(25) == "2017 v3.0" and found.changed(1) is None

    run = CliRunner().invoke(cli, ["history", "-c", str(config_path), "--archive", str(archive), "--format", "json"])
    assert run.exit_code == 0, run.output
    data = json.loads(run.stdout)
    assert {a["number"]: a["statuses"] for a in data["actions"]}[25] == ["igang", "igang", "ikke"]

    # A tampered edition is reported and left out, never guessed over.
    pdf = next((folders["v2"] / "data").glob("*.pdf"))
    pdf.chmod(0o644)
    pdf.write_bytes(pdf.read_bytes().replace(b"%%EOF", b"%%EOX"))
    damaged = read_history(archive, config)
    assert [e.version for e in damaged.editions] == ["1.0", "3.0"]
    assert damaged.problems[0].code == "history-edition-left-out" and str(folders["v2"]) in damaged.problems[0].file
    assert damaged.changed(7) == "2017 v3.0"
    text = CliRunner().invoke(cli, ["history", "-c", str(config_path), "--archive", str(archive)])
    assert text.exit_code == 0 and "history-edition-left-out" in text.output and "Realiseres ikke" in text.output


def test_a_build_shows_the_history_on_each_action_and_on_a_page(copy_report, tmp_path):
    config_path, archive = copy_report / "report.yaml", copy_report / "archive"
    publish(config_path, archive)
    set_cells(copy_report / "sheets" / "07.xlsx", rg_status="Afsluttet")
    _set_version(config_path, "3.6.2017", history={"archive": "archive", "page": True})
    run = CliRunner().invoke(cli, ["build", "-c", str(config_path), "--out", str(tmp_path / "out")])
    assert run.exit_code == 0, run.output
    out = tmp_path / "out"
    web = next(out.glob("*/*-web")) / "index.html"
    page = web.read_text(encoding="utf-8")
    # The edition being built is in its own history, each labelled by edition and version.
    said = "Status i udgaverne:</strong> 2017 v2.6.2017: Igangsat · 2017 v3.6.2017: Afsluttet (ændret i 2017 v3.6.2017)"
    assert said in " ".join(page.split())
    text = " ".join(pdftotext(next(out.glob("*/*.pdf"))).split())
    assert "Udvikling siden sidste år" in text and "2017 v2.6.2017 2017 v3.6.2017" in text
    # The changes since the last published edition, by default, naming it.
    assert "Ændringer siden sidste status Sammenlignet med udgave 2017, version 2.6.2017, af 2.6.2017." in text
    assert "Ændringer siden den sidst udgivne udgave:" in run.output


def test_the_history_page_never_breaks_a_number_or_an_edition_label(copy_report, tmp_path):
    """Nine editions and four-digit numbers: "1024" and "2019 v1.1" stand whole in their columns,
    where the number column broke "101" as "10/1" (issue 24)."""
    from reportgen.history import EditionStatus, History
    from reportgen.pipeline import make_edition

    config_path = copy_report / "report.yaml"
    _set_version(config_path, "2.6.2017", history={"page": True})
    config, warnings = load(config_path)
    editions = [EditionStatus(edition, version, f"{edition}-0{month}-01",
                              {n: ("igang", "Igangsat") for n in (101, 999, 1024)},
                              {n: f"Handling nummer {n} med en lang titel" for n in (101, 999, 1024)})
                for month, (edition, version) in enumerate([("2019", "1.0"), ("2019", "1.1"), ("2020", "1.0"),
                                                            ("2021", "1.0"), ("2022", "1.0"), ("2022", "1.1"),
                                                            ("2023", "1.0"), ("2024", "1.0")], start=1)]
    edition = make_edition(config, warnings, history=History(editions, []).labelled(config.messages))
    pdf = tmp_path / "history.pdf"
    pdf.write_bytes(edition.pdf)
    lines = pdftotext(pdf, "-layout").splitlines()
    page = lines[next(i for i, line in enumerate(lines) if line.strip() == "Udvikling siden sidste år"):]
    numbers = [line.split()[0] for line in page if line[:1].isdigit()]
    assert {"101", "999", "1024"} <= set(numbers) and not {"10", "99", "102"} & set(numbers), numbers
    head = " ".join(page[1:page.index("", 1)]).split()  # the column heads, over one or two lines
    assert {"2017", "2019", "2024", "v1.0", "v1.1"} <= set(head) and not {"20", "17", "19", "24"} & set(head), head
