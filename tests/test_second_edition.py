"""A whole second edition, end to end, as a new user runs it: from `reportgen new` and a configuration
with other fields, themes, committees (short names), administrations and statuses, through a list of
actions, sheets filled by script through their defined names, check, build, publish v1.0 and v1.1,
diff without a configuration, to the next round's sheets from the published edition in a third
configuration. Every output is in the report's language, and no word of the 2017 sample is in it."""

from __future__ import annotations

import shutil

from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen.cli import cli

from .conftest import pdftotext
from .test_language import FOREIGN_TO_BOTH, _fragments
from .test_round_next import CONFIG_2018

SAMPLE_WORDS = ("2017", "Jammerbugt", "handlingskatalog", "Attraktiv", "Aabybro", "oekonomi", "ikke_startet",
                "Økonomiudvalget, Teknik", "Vækst- og Udviklingsforvaltningen", "Martin Storgaard")

LIST = """\
Nummer;Titel;Tema;Ansvarlig;Formål
1;Flere overnatninger;Erhverv og turisme;Anna Holm;Flere gæster året rundt.
2;Nye byggegrunde;2;Bo Lund;Byggegrunde i alle byer.
3;Sund skolemad;Sundhed;Anna Holm;Sund mad i alle skoler.
"""

THIRD = """\
report:
  title: Årsplan 2019
  edition: "2019"
  version: "1.0"
  date: 2019-05-31
  organisation: Nordby Kommune
  language: da
themes:
  - {number: 1, heading: Sundhed, colour: "#74397f"}
  - {number: 2, heading: Klima, colour: "#1f5f8b"}
fields:
  - {key: formaal, label: Formål, required: true, show_label: false}
  - {key: status_tekst, label: Status i ord, required: true}
committees:
  - {key: oeu, name: Økonomiudvalget, short: ØU}
  - {key: ku, name: Klimaudvalget, short: KU}
administrations:
  - {key: tm, name: Teknik og Miljø, short: TM}
  - {key: st, name: Staben}
statuses:
  - {key: klar, label: Gennemført, colour: "#bfe0b0", symbol: "✔"}
  - {key: gang, label: I gang, colour: "#fbe29a", symbol: "⏳"}
round:
  carry:
    themes: {"Erhverv og turisme": Klima}
    fields: {fremdrift: status_tekst}
"""


def fill(path, **values):
    """What a script does with the reference's defined names."""
    wb = load_workbook(path)
    for name, value in values.items():
        sheet, coord = next(iter(wb.defined_names[name].destinations))
        wb[sheet][coord.replace("$", "")].value = value
    wb.save(path)


def test_a_second_edition_end_to_end(tmp_path, monkeypatch):
    outputs: list[tuple[str, str]] = []

    def run(name: str, *args: str, code: int = 0) -> str:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code == code, (name, result.output)
        outputs.append((name, result.output))
        return result.output

    plan = tmp_path / "plan"
    run("new", "new", str(plan), "--language", "da")
    config = plan / "report.yaml"
    config.write_text(CONFIG_2018 + "round:\n  deadline: 2018-04-30\n  return_address: plan@nordby.example\n",
                      encoding="utf-8")
    shutil.rmtree(plan / "sheets")
    (plan / "handlinger.csv").write_text(LIST, encoding="utf-8-sig")

    # Sheets out, from the list; filled by script; collected.
    run("sheets", "sheets", "-c", str(config), "--actions", str(plan / "handlinger.csv"), "--out", str(plan / "ud"),
        "--mail")
    sent = sorted((plan / "ud").glob("*.xlsx"))
    assert [p.name for p in sent] == ["01-flere-overnatninger-anna-holm.xlsx", "02-nye-byggegrunde-bo-lund.xlsx",
                                      "03-sund-skolemad-anna-holm.xlsx"]
    assert sorted(p.name for p in (plan / "ud" / "mail").iterdir()) == ["anna-holm.eml", "bo-lund.eml"]
    run("check-nothing-back", "check", "-c", str(config), "--expect", str(plan / "ud" / "round.json"), code=1)
    (plan / "sheets").mkdir()
    for sheet, status, committee, admin in zip(sent, ("I gang", "På pause", "Gennemført"), ("oeu", "pmu", "bsu"),
                                               ("tm", "bl", "st"), strict=True):
        other = "rg_admin_st" if admin != "st" else "rg_admin_tm"
        fill(sheet, rg_status=status, **{f"rg_committee_{committee}": "Ja", other: "Interessent",
                                         f"rg_admin_{admin}": "Administrativ forankring",
                                         "rg_field_fremdrift": "Arbejdet er i gang.\n• Første skridt er taget"})
        shutil.copy(sheet, plan / "sheets" / sheet.name)
    checked = run("check", "check", "-c", str(config), "--expect", str(plan / "ud" / "round.json"))
    assert "3 af 3 handlinger modtaget, 0 med fejl." in checked

    # Build and publish from another folder: the outputs go beside the configuration.
    elsewhere = tmp_path / "andetsteds"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    run("build", "build", "-c", str(config))
    pdf = plan / "build" / "aarsplan-2018-v1.0" / "aarsplan-2018-v1.0.pdf"
    assert pdf.is_file() and list(elsewhere.iterdir()) == []
    text = pdftotext(pdf)
    assert "ØU = Økonomiudvalget" in text and "TM = Teknik og Miljø" in text
    assert "⏸ På pause" in text and "⏳ I gang" in text and "✔ Gennemført" in text
    assert "Version 1.0" in text and "vv1.0" not in text
    assert run("publish", "publish", "-q", "-c", str(config)) == ""
    fill(plan / "sheets" / sent[0].name, rg_status="Gennemført")
    config.write_text(config.read_text(encoding="utf-8").replace("version: v1.0", "version: v1.1"), encoding="utf-8")
    run("publish-1.1", "publish", "-c", str(config))
    versions = plan / "archive" / "2018"
    assert sorted(p.name for p in versions.iterdir()) == ["v1.0", "v1.1"]
    assert "i orden" in run("verify", "archive", "verify", "-c", str(config))

    # What changed, in the words the editions carry (no -c, and no inputs/ here).
    changed = run("diff", "diff", str(versions / "v1.0"), str(versions / "v1.1"))
    assert changed.strip() == "1. Flere overnatninger: status I gang → Gennemført"

    # The next round, in a third configuration: carried by identity, the rest named.
    third = tmp_path / "plan2019"
    third.mkdir()
    (third / "report.yaml").write_text(THIRD, encoding="utf-8")
    carried = run("sheets-from", "sheets", "-c", str(third / "report.yaml"), "--from", str(versions / "v1.1"),
                  "--out", str(third / "ud"))
    assert "carry-theme" in carried and "Temaet 2 (Bosætning) findes ikke" in carried
    assert "carry-committee" in carried and "carry-status" in carried
    first = load_workbook(third / "ud" / "01-flere-overnatninger-anna-holm.xlsx")
    values = {}
    for name in ("rg_theme", "rg_status", "rg_committee_oeu", "rg_admin_tm", "rg_field_status_tekst"):
        sheet, coord = next(iter(first.defined_names[name].destinations))
        values[name] = first[sheet][coord.replace("$", "")].value
    assert values == {"rg_theme": "2. Klima", "rg_status": "Gennemført", "rg_committee_oeu": "Ja",
                      "rg_admin_tm": "Administrativ forankring",
                      "rg_field_status_tekst": "Arbejdet er i gang.\n• Første skridt er taget"}

    # One language, and nothing of 2017.
    english = _fragments("en")
    for name, output in outputs + [("pdf", text)]:
        leaks = [w for w in SAMPLE_WORDS if w in output] + [f for f in english if f in output] + \
                [w for w in FOREIGN_TO_BOTH if w in output]
        assert leaks == [], (name, output)
