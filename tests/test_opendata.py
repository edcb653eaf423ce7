"""Open data with every edition: tidy CSV and a Frictionless Data Package beside the PDF, in the web
edition and in the archive, and `reportgen export` from the inputs or an edition's PDF."""

from __future__ import annotations

import csv
import io
import json

import frictionless
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen.archive.store import publish, verify
from reportgen.cli import cli
from reportgen.locales import Messages
from reportgen.model import Role
from reportgen.pipeline import check_inputs, load


def _rows(raw: bytes) -> list[dict[str, str]]:
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark: Excel reads UTF-8, "æøå" intact
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text and ";" in text.splitlines()[0]
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


@pytest.fixture(scope="module")
def built(small_build):
    return small_build, small_build.pdf.parent


def test_build_writes_a_valid_data_package_beside_the_pdf(built, shared_report):
    result, out = built
    assert result.data == out / "status-paa-handlingskatalog-2017-v2.6.2017-data"
    assert sorted(p.name for p in result.data.iterdir()) == ["actions.csv", "administrations.csv", "committees.csv",
                                                             "datapackage.json"]
    report = frictionless.validate(str(result.data / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    config, warnings = load(shared_report / "report.yaml")
    actions = check_inputs(config, warnings).catalogue.actions
    rows = _rows((result.data / "actions.csv").read_bytes())
    assert [int(r["number"]) for r in rows] == [a.number for a in actions]
    assert [r["title"] for r in rows] == [a.title for a in actions]
    assert all(r[f.key] == a.texts.get(f.key, "") for r, a in zip(rows, actions, strict=True) for f in config.fields)
    committees = _rows((result.data / "committees.csv").read_bytes())
    assert sorted((int(r["number"]), r["committee"]) for r in committees) == sorted(
        (a.number, key) for a in actions for key in a.committees)
    roles = _rows((result.data / "administrations.csv").read_bytes())
    assert sorted((int(r["number"]), r["administration"], r["role"]) for r in roles) == sorted(
        (a.number, key, role.value) for a in actions for key, role in a.roles.items() if role is not Role.NONE)
    descriptor = json.loads((result.data / "datapackage.json").read_text(encoding="utf-8"))
    titles = {f["name"]: f["title"] for f in descriptor["resources"][0]["schema"]["fields"]}
    assert all(titles[f.key] == f.label for f in config.fields)
    assert descriptor["sources"] == [{"title": "Jammerbugt Kommune", "path": "https://www.jammerbugt.dk"}]
    assert "licenses" not in descriptor  # the sample states no licence, so none is claimed


def test_the_web_edition_carries_and_links_the_data(built):
    result, _ = built
    for name in ("actions.csv", "datapackage.json"):
        assert (result.web / "data" / name).read_bytes() == (result.data / name).read_bytes()
    page = (result.web / "index.html").read_text(encoding="utf-8")
    assert 'href="data/actions.csv"' in page and 'href="data/datapackage.json"' in page


def test_publish_files_the_data_and_names_it_in_the_manifest(shared_report, tmp_path):
    folder = publish(shared_report / "report.yaml", tmp_path / "archive")
    manifest = json.loads((folder / "data" / "manifest.json").read_text(encoding="utf-8"))  # the bag's payload
    assert sorted(entry["path"] for entry in manifest["data"]) == [
        "data/actions.csv", "data/administrations.csv", "data/committees.csv", "data/datapackage.json"]
    sums = (folder / "data" / "SHA256SUMS").read_text(encoding="utf-8")
    assert all(f"  {entry['path']}\n" in sums for entry in manifest["data"])
    assert frictionless.validate(str(folder / "data" / "data" / "datapackage.json")).valid
    t = Messages("da")
    assert verify(tmp_path / "archive", t) == {folder: []}


@pytest.mark.parametrize("fmt, names", [("csv", ["actions.csv", "administrations.csv", "committees.csv",
                                                 "datapackage.json"]),
                                        ("json", ["data.json"]),
                                        ("xlsx", ["status-paa-handlingskatalog-2017-data.xlsx"])])
def test_export_from_the_inputs_and_from_an_editions_pdf(built, shared_report, tmp_path, fmt, names):
    result, _ = built
    for source in ([], ["--from", str(result.pdf)]):
        out = tmp_path / ("pdf" if source else "inputs") / fmt
        run = CliRunner().invoke(cli, ["export", "-c", str(shared_report / "report.yaml"), "--format", fmt,
                                       "--out", str(out), *source])
        assert run.exit_code == 0, run.output
        assert sorted(p.name for p in out.iterdir()) == names
    if fmt == "csv":  # the PDF's data gives the very tables the inputs give
        for name in names:
            assert (tmp_path / "pdf" / fmt / name).read_bytes() == (tmp_path / "inputs" / fmt / name).read_bytes()
    if fmt == "xlsx":
        wb = load_workbook(tmp_path / "pdf" / fmt / names[0])
        assert wb.sheetnames == ["actions", "committees", "administrations"]
        assert wb["actions"]["A1"].value == "Nr." and wb["actions"].max_row == 4
