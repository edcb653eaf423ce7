"""Never a traceback: odd action numbers, unreadable files and folders, a full disk or a file in
the way, an impossible date, odd attachments, a file name that is not UTF-8. Each is a finding in
the report's language with the right exit code (issue 19)."""

from __future__ import annotations

import errno
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

from reportgen.archive.store import extract
from reportgen.checks import check
from reportgen.cli.common import stops
from reportgen.configuration import load_config
from reportgen.locales import Messages
from reportgen.problems import BuildError, ConfigError
from reportgen.writers import write_together

from .conftest import set_cells
from .hostile_files import run_reportgen

DA = Messages("da")


@pytest.mark.parametrize("number", ["²", "①", "9" * 5000, 1e300, "٣", -5, 0, True])
def test_an_action_number_that_is_not_plain_digits_is_a_finding(report_dir, config, number):
    set_cells(report_dir / "sheets" / "07.xlsx", rg_number=number)
    outcome = check(config)
    assert [(f.code, f.file) for f in outcome.result.errors] == [("number-invalid", "07.xlsx")]


def _unprivileged() -> list[str]:
    """The command prefix that makes file permissions count: as root, without the capabilities
    that override them (setpriv); otherwise nothing."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot be made to count")
    drop = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}"]


def _reportgen_unprivileged(*args: str) -> tuple[int, str]:
    import subprocess

    run = subprocess.run([*_unprivileged(), sys.executable, "-m", "reportgen", *args], capture_output=True,
                         text=True, encoding="utf-8", timeout=120)
    assert "Traceback" not in run.stderr, run.stderr
    return run.returncode, run.stdout + run.stderr


def test_an_unreadable_sheet_or_folder_is_a_finding(report_dir):
    config = str(report_dir / "report.yaml")
    sheet = report_dir / "sheets" / "07.xlsx"
    sheet.chmod(0)
    try:
        code, said = _reportgen_unprivileged("check", "-c", config)
        assert code == 1
        assert "07.xlsx" in said and "file-unreadable" in said and "ingen adgang til filen" in said
        sheet.chmod(0o644)
        (report_dir / "sheets").chmod(0)
        code, said = _reportgen_unprivileged("check", "-c", config)
        assert code == 1 and "inputs-unreadable" in said and "Mappen kan ikke læses" in said
    finally:
        sheet.chmod(0o644)
        (report_dir / "sheets").chmod(0o755)


def test_a_folder_in_the_way_of_an_output_is_a_write_finding(tmp_path):
    """A file where the output folder should be: the writers' OSError becomes a finding naming
    the target (exit 3), and nothing is half-written."""
    (tmp_path / "out").write_text("a file, not a folder", encoding="utf-8")
    target = tmp_path / "out" / "report.pdf"
    with pytest.raises(BuildError) as stop:
        write_together({target: b"%PDF"}, {tmp_path / "out" / "web": {"index.html": b"<p>"}}, DA)
    (finding,) = stop.value.findings
    assert (finding.code, finding.file) == ("write-failed", str(target))
    assert "en fil eller mappe af samme navn står i vejen" in finding.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def _full_disk() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # a write past 4 KB fails (EFBIG), as on a full disk


def test_a_full_disk_stops_a_write_with_a_finding(report_dir, tmp_path):
    """`template --out` (a 20 KB workbook) and the build's writer, with no room for more than 4 KB:
    exit 3 and the file named, where there was a traceback with exit 1."""
    import subprocess

    run = run_reportgen("template", "-c", str(report_dir / "report.yaml"), "--out", str(tmp_path / "blank.xlsx"),
                        preexec_fn=_full_disk)
    assert run.returncode == 3 and "Traceback" not in run.stderr, run.stderr
    assert "write-failed" in run.stderr and str(tmp_path / "blank.xlsx") in run.stderr
    assert "disken er fuld" in run.stderr
    assert not (tmp_path / "blank.xlsx").exists() and list(tmp_path.glob(".blank.xlsx.*")) == []
    script = ("from pathlib import Path; from reportgen.writers import write_together\n"
              f"write_together({{Path({str(tmp_path / 'r.html')!r}): bytes(8192)}}, {{}})")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, preexec_fn=_full_disk)
    assert "BuildError" in run.stderr and "write-failed" in run.stderr and "r.html" in run.stderr


def test_an_os_error_no_command_expected_is_a_finding_with_exit_3(capsys):
    with pytest.raises(SystemExit) as stopped, stops():
        raise OSError(errno.ENOSPC, "No space left on device", "/somewhere/report.pdf")
    assert stopped.value.code == 3
    said = capsys.readouterr().err
    assert "/somewhere/report.pdf" in said and "io-failed" in said and "disken er fuld" in said


def test_a_date_that_does_not_exist_is_a_configuration_finding(report_dir):
    config = report_dir / "report.yaml"
    text = config.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if row.strip().startswith("date:"))
    lines = text.splitlines()
    lines[line - 1] = "  date: 2026-02-30"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as stop:
        load_config(config)
    (finding,) = stop.value.findings
    assert (finding.code, finding.cell) == ("config-invalid", f"line {line}") and "report.date" in finding.message
    run = run_reportgen("check", "-c", str(config))
    assert run.returncode == 2 and "Traceback" not in run.stderr and "gyldig dato" in run.stderr


def pdf_with_attachments(path: Path, attachments: dict[str, bytes]) -> Path:
    """A one-page PDF whose catalogue lists these associated files (/AF), as reportgen's do."""
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    listed = ArrayObject()
    for name, data in attachments.items():
        stream = DecodedStreamObject()
        stream.set_data(data)
        stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
        spec = DictionaryObject({NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): TextStringObject(name),
                                 NameObject("/UF"): TextStringObject(name),
                                 NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(stream)}),
                                 NameObject("/AFRelationship"): NameObject("/Source")})
        listed.append(writer._add_object(spec))
    writer.root_object[NameObject("/AF")] = listed
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


@pytest.mark.parametrize(("names", "code"), [(["a", "a/b"], "extract-conflict"), (["", "b"], "path-outside"),
                                             (["../x", "b"], "path-outside"), (["a/./b", "a/b"], "extract-conflict")])
def test_extract_checks_every_name_before_writing_any(tmp_path, names, code):
    pdf = pdf_with_attachments(tmp_path / "edition.pdf", {name: name.encode() for name in names})
    out = tmp_path / "out"
    with pytest.raises(ConfigError) as stop:
        extract(pdf, out, DA)
    assert code in [f.code for f in stop.value.findings]
    assert not out.exists()
    run = run_reportgen("extract", str(pdf), "--out", str(out))
    assert run.returncode == 2 and "Traceback" not in run.stderr and code in run.stderr


def test_extract_replaces_no_file_without_force_and_never_the_pdf(tmp_path):
    pdf = pdf_with_attachments(tmp_path / "edition.pdf", {"report.yaml": b"new", "edition.pdf": b"not a pdf"})
    (tmp_path / "report.yaml").write_bytes(b"mine")
    with pytest.raises(ConfigError) as stop:
        extract(pdf, tmp_path, DA)
    assert sorted(f.code for f in stop.value.findings) == ["output-exists", "output-is-input"]
    with pytest.raises(ConfigError) as stop:
        extract(pdf, tmp_path, DA, force=True)
    assert [f.code for f in stop.value.findings] == ["output-is-input"]
    assert (tmp_path / "report.yaml").read_bytes() == b"mine" and pdf.read_bytes().startswith(b"%PDF")
    other = pdf_with_attachments(tmp_path / "other.pdf", {"report.yaml": b"new"})
    assert extract(other, tmp_path, DA, force=True) == [tmp_path / "report.yaml"]
    assert (tmp_path / "report.yaml").read_bytes() == b"new"


def test_a_file_name_that_is_not_utf8_is_a_finding_naming_it(report_dir, config):
    sheets = report_dir / "sheets"
    odd = os.path.join(os.fsencode(sheets), b"\xff07-kopi.xlsx")
    shutil.copyfile(sheets / "07.xlsx", odd)
    outcome = check(config)
    assert [(f.code, f.file) for f in outcome.result.errors] == [("file-name-encoding", "\\xff07-kopi.xlsx")]
    run = run_reportgen("build", "-c", str(report_dir / "report.yaml"), "--out", str(report_dir / "out"))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "\\xff07-kopi.xlsx" in run.stdout and "file-name-encoding" in run.stdout



_KILL_AFTER_FIRST_RENAME = """
import os, signal, sys
from reportgen import writers
out = sys.argv.pop(1)

def kill_after(rename):
    def renamed(first, second, *args):
        done = rename(first, second, *args)
        if os.path.abspath(second).startswith(out):  # the first output renamed into place: SIGKILL, now
            os.kill(os.getpid(), signal.SIGKILL)
        return done
    return renamed

os.replace, os.rename, writers.exchange = kill_after(os.replace), kill_after(os.rename), kill_after(writers.exchange)
from reportgen.cli import main
main()
"""


def test_a_build_killed_while_renaming_leaves_one_whole_set(report_dir, tmp_path):
    """A second build, SIGKILLed right after its first rename into the output folder (where a
    build of file after file left a new HTML beside the old PDF): the PDF, the HTML, the web
    edition and the open data are all the old build's or all the new one's (issue 26)."""
    from .conftest import pdftotext

    out = tmp_path / "out"
    first = run_reportgen("build", "-q", "-c", str(report_dir / "report.yaml"), "--out", str(out))
    assert first.returncode == 0, first.stderr
    set_cells(report_dir / "sheets" / "07.xlsx", rg_title="Nyt navn for handling syv")
    script = tmp_path / "killed_build.py"
    script.write_text(_KILL_AFTER_FIRST_RENAME, encoding="utf-8")
    killed = subprocess.run([sys.executable, str(script), str(out), "build", "-q", "-c",
                             str(report_dir / "report.yaml"), "--out", str(out)], capture_output=True, text=True,
                            timeout=300)
    assert killed.returncode == -9, killed.stderr
    stem = "status-paa-handlingskatalog-2017-v2.6.2017"

    def one(name: str) -> Path:  # where a reader finds it: not inside the web edition, nor a hidden temporary
        (found,) = [p for p in out.rglob(name) if not any(part.startswith(".") or part.endswith("-web")
                                                          for part in p.relative_to(out).parent.parts)]
        return found

    pdf, html, web, data = one(f"{stem}.pdf"), one(f"{stem}.html"), one(f"{stem}-web"), one(f"{stem}-data")
    web, data = web / "index.html", data / "actions.csv"
    new = {"pdf": "Nyt navn for handling syv" in " ".join(pdftotext(pdf).split()),
           "html": "Nyt navn for handling syv" in html.read_text(encoding="utf-8"),
           "web": "Nyt navn for handling syv" in web.read_text(encoding="utf-8"),
           "data": "Nyt navn for handling syv" in data.read_text(encoding="utf-8-sig")}
    assert len(set(new.values())) == 1, new
