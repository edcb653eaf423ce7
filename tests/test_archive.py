"""Editions for the archive: publish once, verify, reproducible bytes, data inside, diffs."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
import threading

import pikepdf
import pytest
import yaml
from click.testing import CliRunner

from reportgen.archive.store import publish, verify
from reportgen.checks import check
from reportgen.cli import cli
from reportgen.diff import diff_editions, word_diff
from reportgen.locales import Messages
from reportgen.pdf.attachments import DATA_NAME
from reportgen.pipeline import build
from reportgen.problems import AlreadyPublished, ReportgenError

from .conftest import SAMPLE_CONFIG, digest, pdftotext, set_cells

DA = Messages("da")
ALREADY = ("Status på handlingskatalog 2017, version 2.6.2017, er allerede udgivet her; "
           "en udgivet version ændres aldrig.")
LAYOUT_LINE = "… Sætter siderne op (WeasyPrint)"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_publish_files_pdf_manifest_and_sums_once(shared_report, small_archive):
    archive, folder = small_archive
    assert folder == archive / "2017" / "v2.6.2017"
    pdf = folder / "data" / "status-paa-handlingskatalog-2017-v2.6.2017.pdf"  # the bag's payload
    manifest = json.loads((folder / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["edition"] == "2017" and manifest["version"] == "2.6.2017" and manifest["date"] == "2017-06-02"
    assert manifest["made_with"]["reportgen"] and manifest["made_with"]["weasyprint"] == "70.0"
    roles = {e["role"] for e in manifest["inputs"]}
    assert roles == {"configuration", "sheet", "template"}
    assert {e["path"] for e in manifest["inputs"] if e["role"] == "sheet"} == {"sheets/01.xlsx", "sheets/07.xlsx",
                                                                              "sheets/25.xlsx"}
    assert any(e["path"] == "templates/assets/fonts/OpenSans-Regular.ttf" for e in manifest["inputs"])
    assert manifest["check"] == {"errors": 0, "warnings": 0, "findings": []}
    assert manifest["pdf"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    with pytest.raises(AlreadyPublished) as info:
        publish(shared_report / "report.yaml", archive)
    assert [(f.code, f.message, f.file) for f in info.value.findings] == [("already-published", ALREADY, str(folder))]
    assert ALREADY in str(info.value) and info.value.exit_code == 4
    assert [f.language for f in info.value.findings] == ["da"]  # worded in the report's language


def test_publish_refuses_before_building(copy_report, small_archive):
    """The same version again is refused before the sheets are read or anything is built: even
    when the inputs could not be built at all (a sheet with an error, a broken template), the
    refusal is AlreadyPublished, not the inputs' error or the build's; the archive is untouched."""
    archive, folder = small_archive
    before = digest(archive)
    config = copy_report / "report.yaml"
    set_cells(copy_report / "sheets" / "07.xlsx", rg_status="Ukendt")
    (copy_report / "templates").mkdir()
    (copy_report / "templates" / "_closing.html.j2").write_text("{% broken", encoding="utf-8")
    with pytest.raises(ReportgenError) as info:
        publish(config, archive)
    assert type(info.value) is AlreadyPublished
    assert [f.code for f in info.value.findings] == ["already-published"]
    # …as `reportgen publish` says it, end to end: exit code 4, the reason in Danish on stderr.
    run = subprocess.run([sys.executable, "-m", "reportgen", "publish", "-c", str(config), "--archive", str(archive)],
                         capture_output=True, text=True, encoding="utf-8")
    assert run.returncode == 4, run.stderr
    assert ALREADY in run.stderr and "already-published" in run.stderr and "Traceback" not in run.stderr
    assert str(folder) in run.stderr.splitlines()[0] and run.stdout == ""
    assert "status-unknown" not in run.stdout + run.stderr and "… Læser ark" not in run.stderr
    assert digest(archive) == before


def test_a_new_version_gets_a_new_folder(copy_report, copy_archive):
    archive, first = copy_archive
    config = copy_report / "report.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["report"]["version"] = "3.6.2017"
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    second = publish(config, archive)
    assert second == archive / "2017" / "v3.6.2017" and first.exists()
    assert sorted(p.name for p in (archive / "2017").iterdir()) == ["v2.6.2017", "v3.6.2017"]
    listing = invoke("archive", "list", "--archive", str(archive), "-c", str(config))
    assert listing.exit_code == 0
    assert "2.6.2017" in listing.stdout and "3.6.2017" in listing.stdout


def test_verify_detects_a_flipped_byte_and_a_missing_file(copy_archive, tmp_path):
    archive, folder = copy_archive
    assert verify(archive, DA) == {folder: []}
    ok = invoke("archive", "verify", "--archive", str(archive), "-c", str(SAMPLE_CONFIG))
    assert ok.exit_code == 0 and ok.stdout.splitlines() == [f"{folder}: i orden"]
    pdf = next((folder / "data").glob("*.pdf"))
    pdf.chmod(0o644)
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    (changed,) = verify(archive, DA)[folder]
    assert (changed.code, changed.file, changed.message) == ("archive-file-changed", str(pdf),
                                                             "Filen er ændret (SHA-256 passer ikke).")
    run = invoke("archive", "verify", "--archive", str(archive), "-c", str(SAMPLE_CONFIG))
    assert run.exit_code == 1
    assert run.stdout.splitlines()[0] == f"{folder}: BESKADIGET"
    assert f"{pdf}: fejl [archive-file-changed] Filen er ændret (SHA-256 passer ikke)." in run.stdout
    (folder / "data").chmod(0o755)
    (folder / "data" / "manifest.json").unlink()
    assert [(f.code, f.file) for f in verify(archive, DA)[folder]] == [  # the bag's checks, then reportgen's own
        ("archive-bag-oxum", str(folder / "bag-info.txt")),
        ("archive-file-missing", str(folder / "data" / "manifest.json")), ("archive-file-changed", str(pdf))]
    with pytest.raises(ReportgenError) as info:
        verify(tmp_path / "no-archive", DA)
    assert [f.code for f in info.value.findings] == ["archive-missing"]


def test_pdf_is_an_archival_record(small_archive):
    _, folder = small_archive
    pdf_path = next((folder / "data").glob("*.pdf"))
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


def test_attachments_extract_to_the_same_bytes(small_archive, shared_report, tmp_path, sample_catalogue):
    _, folder = small_archive
    pdf = next((folder / "data").glob("*.pdf"))
    out = tmp_path / "extracted"
    run = invoke("extract", str(pdf), "--out", str(out))
    assert run.exit_code == 0, run.output
    for name in ("01.xlsx", "07.xlsx", "25.xlsx"):
        assert (out / "sheets" / name).read_bytes() == (shared_report / "sheets" / name).read_bytes()
    assert (out / "report.yaml").read_bytes() == (shared_report / "report.yaml").read_bytes()
    assert sorted(run.stdout.splitlines()) == sorted(str(p) for p in out.rglob("*") if p.is_file())
    data = json.loads((out / DATA_NAME).read_text(encoding="utf-8"))
    assert [a["number"] for a in data["actions"]] == [1, 7, 25]
    expected = next(a for a in sample_catalogue.actions if a.number == 7)
    assert data["actions"][1]["texts"] == expected.texts and data["actions"][1]["roles"]["vaekst"] == "anchoring"
    # …and the extracted inputs build the same edition again.
    rebuilt = check(__import__("reportgen").load_config(out / "report.yaml")[0])
    assert rebuilt.result.findings == [] and [a.number for a in rebuilt.catalogue.actions] == [1, 7, 25]


def test_two_builds_are_byte_identical(small_build, cli_build):
    """The library's build and `reportgen build` in another process, from the same folder."""
    run, out = cli_build
    assert run.returncode == 0, run.stderr
    folder = out / small_build.pdf.parent.name  # build/<name>/, as the library's
    assert (folder / small_build.pdf.name).read_bytes() == small_build.pdf.read_bytes()
    assert (folder / small_build.html.name).read_bytes() == small_build.html.read_bytes()


def test_a_failed_or_killed_build_keeps_the_last_good_pdf(copy_report, small_build, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(small_build.pdf.parent, out)  # the last good build, as `build` left it
    good = out / small_build.pdf.name
    before = good.read_bytes()
    config = str(copy_report / "report.yaml")
    # A build that fails while rendering: a broken override template.
    (copy_report / "templates").mkdir()
    template = copy_report / "templates" / "_closing.html.j2"
    template.write_text("{{ no_such_variable }}", encoding="utf-8")
    run = invoke("build", "-c", config, "--out", str(out))
    assert run.exit_code == 3 and "Traceback" not in run.output
    lines = run.stderr.splitlines()
    at = lines.index(str(template))  # the findings name the template, then its line and the problem
    assert lines[at + 1].split()[:3] == ["1", "fejl", "build-template:"] and "no_such_variable" in lines[at + 1]
    assert LAYOUT_LINE not in lines  # it stopped before laying out
    assert good.read_bytes() == before
    template.unlink()
    # A build killed while it lays out the pages: killed as soon as it says so.
    proc = subprocess.Popen([sys.executable, "-m", "reportgen", "build", "-c", config, "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    watchdog = threading.Timer(120, proc.kill)  # a hang guard, not a timing
    watchdog.start()
    try:
        said = []
        for line in proc.stderr:
            said.append(line.rstrip("\n"))
            if said[-1] == LAYOUT_LINE:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait()
    finally:
        watchdog.cancel()
        proc.stderr.close()
    assert said[-1:] == [LAYOUT_LINE], said
    assert proc.returncode == -signal.SIGKILL
    assert good.read_bytes() == before
    assert not list(out.rglob("*.part"))
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in small_build.pdf.parent.iterdir())


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


def test_diff_cli_against_the_current_inputs_and_changes_appendix(small_archive, copy_report, tmp_path):
    _, folder = small_archive
    set_cells(copy_report / "sheets" / "07.xlsx", rg_status="Afsluttet", rg_field_tid="2016-2018")
    config = str(copy_report / "report.yaml")
    run = invoke("diff", "-c", config, str(folder), "--words")
    assert run.exit_code == 0, run.output
    said = "7. Videreudvikle stærke feriedestinationer: status Igangsat → Afsluttet; ændret: Tid"
    assert run.stdout.splitlines() == [f"  {said}", "    Tid: [-Løbende fra 2016 og frem.-] {+2016-2018+}"]
    as_json = invoke("diff", "-c", config, str(folder), "--format", "json")
    assert json.loads(as_json.stdout) == [{"number": 7, "title": "Videreudvikle stærke feriedestinationer",
                                           "kind": "changed", "status": ["igang", "afsluttet"], "fields": ["tid"]}]
    result = build(config, tmp_path / "out", changes_since=folder)
    text = " ".join(pdftotext(result.pdf).split())
    assert "Ændringer siden sidste status" in text and said in text  # the CLI's words, in the printed list
