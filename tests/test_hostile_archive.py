"""The archive and the owners' files (issue 19): verify accounts for every file of a version, and
SHA256SUMS and the manifest vouch for each other; a half-written publish is reported and cleaned;
no command replaces an input, or any other file without --force; a folder of the web edition is
swapped in without a moment in which there is none."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from reportgen.archive.store import MANIFEST, SUMS, verify
from reportgen.locales import Messages
from reportgen.problems import Severity
from reportgen.writers import exchange, remove_stale_parts, write_folder

from .conftest import digest, set_cells
from .hostile_files import run_reportgen

DA = Messages("da")


def _writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def _sums(folder: Path) -> dict[str, str]:
    return {line.partition("  ")[2]: line.partition("  ")[0]
            for line in (folder / SUMS).read_text(encoding="utf-8").splitlines()}


def _write_sums(folder: Path, sums: dict[str, str]) -> None:
    (folder / SUMS).write_text("".join(f"{digest}  {name}\n" for name, digest in sums.items()), encoding="utf-8")


def _codes(archive: Path, folder: Path) -> list[tuple[str, str]]:
    """What verify finds wrong (its errors) in a version filed before versions were bags: reportgen's
    own checks, the same that check a bag's payload."""
    return [(f.code, Path(f.file or "").relative_to(folder).as_posix()) for f in verify(archive, DA)[folder]
            if f.severity is Severity.ERROR]


def test_verify_accounts_for_every_file_of_a_version(old_archive):
    archive, folder = old_archive
    _writable(folder)
    assert _codes(archive, folder) == []
    (folder / "extra.txt").write_text("added", encoding="utf-8")
    assert _codes(archive, folder) == [("archive-file-unlisted", "extra.txt")]
    sums = _sums(folder)
    _write_sums(folder, {**sums, "extra.txt": hashlib.sha256(b"added").hexdigest()})
    assert _codes(archive, folder) == [("archive-file-unvouched", "extra.txt")]  # listed, but no manifest names it
    (folder / "extra.txt").unlink()
    _write_sums(folder, {})
    assert sorted(_codes(archive, folder)) == sorted(("archive-file-unlisted", name) for name in sums)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["actions"] = 999
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    _write_sums(folder, {name: value for name, value in sums.items() if name != MANIFEST})
    assert _codes(archive, folder) == [("archive-file-unlisted", MANIFEST)]


@pytest.mark.parametrize("manifest", ["not json {", "[]", '{"inputs": []}', '{"pdf": {"file": "../x.pdf", "sha256": '
                                      '"0"}, "inputs": []}'])
def test_a_manifest_that_is_not_one_is_a_finding(old_archive, manifest):
    archive, folder = old_archive
    _writable(folder)
    (folder / MANIFEST).write_text(manifest, encoding="utf-8")
    _write_sums(folder, {**_sums(folder), MANIFEST: hashlib.sha256(manifest.encode()).hexdigest()})
    assert _codes(archive, folder) == [("archive-manifest", MANIFEST)]
    listing = run_reportgen("archive", "list", "--archive", str(archive))
    assert listing.returncode == 0 and "Traceback" not in listing.stderr


def test_manifest_and_sums_must_agree_about_the_pdf(old_archive):
    archive, folder = old_archive
    _writable(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["pdf"]["sha256"] = "0" * 64
    raw = json.dumps(manifest).encode()
    (folder / MANIFEST).write_bytes(raw)
    _write_sums(folder, {**_sums(folder), MANIFEST: hashlib.sha256(raw).hexdigest()})
    assert _codes(archive, folder) == [("archive-manifest-sums", manifest["pdf"]["file"])]


@pytest.mark.parametrize("name", ["../../../../etc/passwd", "/dev/zero", "a\\b"])
def test_sums_may_name_only_files_of_the_version(old_archive, name):
    archive, folder = old_archive
    _writable(folder)
    _write_sums(folder, {**_sums(folder), name: "0" * 64})
    assert _codes(archive, folder) == [("archive-sums", SUMS)]


def test_a_pipe_in_a_version_is_reported_never_read(old_archive):
    """A FIFO listed in SHA256SUMS under a name of the version: hashing it would wait for ever."""
    archive, folder = old_archive
    _writable(folder)
    os.mkfifo(folder / "pipe")
    _write_sums(folder, {**_sums(folder), "pipe": "0" * 64})
    assert _codes(archive, folder) == [("archive-file-unreadable", "pipe")]
    run = run_reportgen("archive", "verify", "--archive", str(archive), timeout=60)
    assert run.returncode == 1 and "ikke en almindelig fil" in run.stdout


def test_a_killed_publish_is_reported_and_its_folder_cleaned(copy_archive):
    archive, folder = copy_archive
    staging = folder.parent / f".{folder.name}.k1ll3d.part"
    (staging / "opendata").mkdir(parents=True)
    (staging / "opendata" / "actions.csv").write_text("half", encoding="utf-8")
    for path in (staging / "opendata" / "actions.csv", staging / "opendata", staging):
        path.chmod(0o444 if path.is_file() else 0o555)  # as a publish killed after sealing the files leaves it
    report = verify(archive, DA)
    assert [f.code for f in report[staging]] == ["archive-unfinished"] and report[folder] == []
    run = run_reportgen("archive", "verify", "--archive", str(archive))
    assert run.returncode == 1 and str(staging) in run.stdout
    remove_stale_parts(folder)  # what publish does before it writes this version
    assert not staging.exists()


def test_feedback_is_never_written_among_the_sheets_it_is_about(report_dir, tmp_path):
    sheets = report_dir / "sheets"
    set_cells(sheets / "07.xlsx", rg_status="?")
    before = digest(sheets)
    config = str(report_dir / "report.yaml")
    run = run_reportgen("check", "-c", config, "--feedback", str(sheets))
    assert run.returncode == 2 and "feedback-in-inputs" in run.stderr and "Traceback" not in run.stderr
    assert digest(sheets) == before
    run = run_reportgen("check", "-c", config, str(sheets / "07.xlsx"), "--feedback", str(sheets))
    assert run.returncode == 2 and digest(sheets) == before
    run = run_reportgen("check", "-c", config, "--feedback", str(tmp_path / "feedback"))
    assert run.returncode == 1 and (tmp_path / "feedback" / "07.xlsx").is_file() and digest(sheets) == before


def test_template_replaces_a_file_only_with_force_and_never_an_input(report_dir, tmp_path):
    config = report_dir / "report.yaml"
    mine = tmp_path / "blank.xlsx"
    mine.write_bytes(b"the owner's own")
    run = run_reportgen("template", "-c", str(config), "--out", str(mine))
    assert run.returncode == 2 and "output-exists" in run.stderr and mine.read_bytes() == b"the owner's own"
    run = run_reportgen("template", "-c", str(config), "--out", str(mine), "--force")
    assert run.returncode == 0 and mine.read_bytes().startswith(b"PK")
    for inp in (config, report_dir / "sheets" / "07.xlsx"):
        before = inp.read_bytes()
        run = run_reportgen("template", "-c", str(config), "--out", str(inp), "--force")
        assert run.returncode == 2 and "output-is-input" in run.stderr and inp.read_bytes() == before


def test_a_folder_is_swapped_in_whole(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "a").write_text("1", encoding="utf-8")
    (second / "b").write_text("2", encoding="utf-8")
    assert exchange(first, second)
    assert [p.name for p in first.iterdir()] == ["b"] and [p.name for p in second.iterdir()] == ["a"]
    web = write_folder(tmp_path / "web", {"index.html": b"old"})
    write_folder(web, {"index.html": b"new"})
    assert (web / "index.html").read_bytes() == b"new" and sorted(p.name for p in tmp_path.iterdir()) == [
        "first", "second", "web"]


def test_a_web_folder_moved_aside_by_a_killed_build_is_put_back(tmp_path):
    """Where the system cannot exchange two folders, the old one is moved aside first: a build
    killed before the new one is in place left no web edition. The next write puts it back
    before anything else."""
    web = tmp_path / "report-web"
    aside = tmp_path / ".report-web.old.part"
    aside.mkdir()
    (aside / "index.html").write_bytes(b"the last good edition")
    remove_stale_parts(web)
    assert (web / "index.html").read_bytes() == b"the last good edition" and not aside.exists()
