"""Editions for the archive: publish once, verify, reproducible bytes, data inside, diffs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pikepdf
import pytest
import yaml

from reportgen.archive.attachments import DATA_NAME, extract, read_attachments
from reportgen.archive.diff import diff_editions, word_diff
from reportgen.archive.store import AlreadyPublished, publish, verify
from reportgen.checks import check
from reportgen.commands.build import build

from .conftest import set_cells


@pytest.fixture
def published(report_dir, tmp_path):
    archive = tmp_path / "archive"
    folder = publish(report_dir / "report.yaml", archive)
    return archive, folder


def test_publish_files_pdf_manifest_and_sums_once(report_dir, published):
    archive, folder = published
    assert folder == archive / "2017" / "v2.6.2017"
    pdf = folder / "status-paa-handlingskatalog-2017-v2.6.2017.pdf"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["edition"] == "2017" and manifest["version"] == "2.6.2017" and manifest["date"] == "2017-06-02"
    assert manifest["made_with"]["reportgen"] and manifest["made_with"]["weasyprint"] == "70.0"
    roles = {e["role"] for e in manifest["inputs"]}
    assert roles == {"configuration", "sheet", "template"}
    assert {e["path"] for e in manifest["inputs"] if e["role"] == "sheet"} == {"sheets/01.xlsx", "sheets/07.xlsx",
                                                                              "sheets/25.xlsx"}
    assert any(e["path"] == "templates/assets/fonts/OpenSans-Regular.ttf" for e in manifest["inputs"])
    assert manifest["check"] == {"errors": 0, "warnings": 0, "findings": []}
    import hashlib
    assert manifest["pdf"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    started = time.monotonic()
    with pytest.raises(AlreadyPublished) as info:
        publish(report_dir / "report.yaml", archive)
    assert time.monotonic() - started < 5  # refused before building anything
    assert "already published" in str(info.value)
    run = subprocess.run([sys.executable, "-m", "reportgen", "publish", "-c", str(report_dir / "report.yaml"),
                          "--archive", str(archive)], capture_output=True, text=True)
    assert run.returncode == 4 and "already published" in run.stderr


def test_a_new_version_gets_a_new_folder(report_dir, published):
    archive, first = published
    config = report_dir / "report.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["report"]["version"] = "3.6.2017"
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    second = publish(config, archive)
    assert second.name == "v3.6.2017" and first.exists()
    listing = subprocess.run([sys.executable, "-m", "reportgen", "archive", "list", "--archive", str(archive)],
                             capture_output=True, text=True)
    assert "2.6.2017" in listing.stdout and "3.6.2017" in listing.stdout


def test_verify_detects_a_flipped_byte_and_a_missing_file(published):
    archive, folder = published
    assert verify(archive) == {folder: []}
    pdf = next(folder.glob("*.pdf"))
    pdf.chmod(0o644)
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    assert verify(archive)[folder] == [f"{pdf.name} has changed (SHA-256 differs)"]
    run = subprocess.run([sys.executable, "-m", "reportgen", "archive", "verify", "--archive", str(archive)],
                         capture_output=True, text=True)
    assert run.returncode == 1 and "DAMAGED" in run.stdout
    (folder / "manifest.json").chmod(0o644)
    (folder / "manifest.json").unlink()
    assert "manifest.json is missing" in verify(archive)[folder]


def test_pdf_is_an_archival_record(published, report_dir):
    _, folder = published
    pdf_path = next(folder.glob("*.pdf"))
    subprocess.run(["qpdf", "--check", str(pdf_path)], check=True, capture_output=True)
    fonts = subprocess.run(["pdffonts", str(pdf_path)], check=True, capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)  # every font embedded
    with pikepdf.open(pdf_path) as pdf:
        assert not pdf.is_encrypted
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "A"
        assert meta["dc:title"] == "Status på handlingskatalog 2017"
        assert meta["dc:creator"] == ["Jammerbugt Kommune"] and meta["dc:language"] == {"da"}
        assert meta["xmpMM:VersionID"] == "2.6.2017" and "handlingskatalog" in meta["dc:subject"]
        relationships = {str(spec.UF): str(spec.AFRelationship) for spec in pdf.Root.AF}
    assert relationships == {"data.json": "/Data", "report.yaml": "/Source", "sheets/01.xlsx": "/Source",
                             "sheets/07.xlsx": "/Source", "sheets/25.xlsx": "/Source"}


def test_attachments_extract_to_the_same_bytes(published, report_dir, tmp_path, sample_catalogue):
    _, folder = published
    pdf = next(folder.glob("*.pdf"))
    out = tmp_path / "extracted"
    run = subprocess.run([sys.executable, "-m", "reportgen", "extract", str(pdf), "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    for name in ("01.xlsx", "07.xlsx", "25.xlsx"):
        assert (out / "sheets" / name).read_bytes() == (report_dir / "sheets" / name).read_bytes()
    assert (out / "report.yaml").read_bytes() == (report_dir / "report.yaml").read_bytes()
    data = json.loads((out / DATA_NAME).read_text(encoding="utf-8"))
    assert [a["number"] for a in data["actions"]] == [1, 7, 25]
    expected = next(a for a in sample_catalogue.actions if a.number == 7)
    assert data["actions"][1]["texts"] == expected.texts and data["actions"][1]["roles"]["vaekst"] == "anchoring"
    # …and the extracted inputs build the same edition again.
    rebuilt = check(__import__("reportgen").load_config(out / "report.yaml")[0])
    assert rebuilt.result.findings == [] and [a.number for a in rebuilt.catalogue.actions] == [1, 7, 25]


def test_two_builds_are_byte_identical(report_dir, tmp_path):
    first = build(report_dir / "report.yaml", tmp_path / "one")
    second = build(report_dir / "report.yaml", tmp_path / "two")
    assert first.pdf.read_bytes() == second.pdf.read_bytes()
    assert first.html.read_bytes() == second.html.read_bytes()


def test_a_failed_or_killed_build_keeps_the_last_good_pdf(report_dir, tmp_path):
    out = tmp_path / "out"
    good = build(report_dir / "report.yaml", out)
    before = good.pdf.read_bytes()
    # A build that fails while rendering: a broken override template.
    (report_dir / "templates").mkdir()
    (report_dir / "templates" / "_closing.html.j2").write_text("{{ no_such_variable }}", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "reportgen", "build", "-c", str(report_dir / "report.yaml"),
                          "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 3 and "Traceback" not in run.stderr
    assert "_closing.html.j2:1" in run.stderr and "no_such_variable" in run.stderr
    assert good.pdf.read_bytes() == before
    (report_dir / "templates" / "_closing.html.j2").unlink()
    # A build killed while it lays out the pages.
    proc = subprocess.Popen([sys.executable, "-m", "reportgen", "build", "-c", str(report_dir / "report.yaml"),
                             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert good.pdf.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == sorted([good.pdf.name, good.html.name, good.web.name])


def _data(actions):
    return {"actions": actions}


def test_diff_between_two_small_editions_is_exactly_right():
    base = {"number": 1, "title": "A", "status": "igang", "responsible": "Ea", "committees": ["oekonomi"],
            "roles": {"staben": "anchoring", "vaekst": "none"}, "texts": {"maal": "Et mål", "tid": "2016"}}
    old = _data([base, {**base, "number": 2, "title": "B"}, {**base, "number": 3, "title": "C"}])
    new = _data([
        {**base, "status": "afsluttet", "responsible": "Bo", "committees": ["oekonomi", "teknik"],
         "roles": {"staben": "anchoring", "vaekst": "interest"}, "texts": {"maal": "Et nyt mål", "tid": "2016"}},
        {**base, "number": 3, "title": "C"},
        {**base, "number": 4, "title": "D"},
    ])
    changes = [c.to_dict() for c in diff_editions(old, new, words=True)]
    assert changes == [
        {"number": 1, "title": "A", "kind": "changed", "status": ("igang", "afsluttet"), "responsible": ("Ea", "Bo"),
         "committees_added": ["teknik"], "roles": {"vaekst": ("none", "interest")}, "fields": ["maal"],
         "words": {"maal": "Et {+nyt+} mål"}},
        {"number": 2, "title": "B", "kind": "dropped"},
        {"number": 4, "title": "D", "kind": "added"},
    ]
    assert word_diff("a b c d", "a x c") == "a [-b-] {+x+} c [-d-]"


def test_diff_cli_against_the_current_inputs_and_changes_appendix(published, report_dir, tmp_path):
    _, folder = published
    set_cells(report_dir / "sheets" / "07.xlsx", rg_status="Afsluttet", rg_field_tid="2016-2018")
    config = str(report_dir / "report.yaml")
    run = subprocess.run([sys.executable, "-m", "reportgen", "diff", "-c", config, str(folder), "--words"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "7. Videreudvikle stærke feriedestinationer: status Igangsat → Afsluttet; ændret: Tid" in run.stdout
    assert "Tid: [-Løbende fra 2016 og frem.-] {+2016-2018+}" in run.stdout
    as_json = subprocess.run([sys.executable, "-m", "reportgen", "diff", "-c", config, str(folder), "--format", "json"],
                             capture_output=True, text=True)
    assert json.loads(as_json.stdout) == [{"number": 7, "title": "Videreudvikle stærke feriedestinationer",
                                           "kind": "changed", "status": ["igang", "afsluttet"], "fields": ["tid"]}]
    result = build(config, tmp_path / "out", changes_since=folder)
    text = subprocess.run(["pdftotext", str(result.pdf), "-"], capture_output=True, text=True).stdout
    assert "Ændringer siden sidste status" in text and "status Igangsat → Afsluttet" in text
