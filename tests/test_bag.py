"""Archive versions as BagIt bags (issue 30): every published version is a bag that the bagit
library's own command validates; tampering fails it and ``archive verify``, each naming the file;
every reader of the archive finds a bag's files; a version filed before versions were bags still
verifies (with a note) and ``archive bag`` makes it one by moving its files, not a byte changed."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import bagit
import pytest
import yaml
from click.testing import CliRunner

from reportgen.archive.bag import make_bag
from reportgen.archive.history import read_history
from reportgen.archive.migrate import _link_files, hashes
from reportgen.archive.previous import changes_source
from reportgen.archive.store import editions, publish, verify
from reportgen.cli import cli
from reportgen.locales import Messages
from reportgen.pipeline import edition_data, load
from reportgen.problems import Severity

from .conftest import SAMPLE_CONFIG, digest
from .hostile_files import run_reportgen

DA = Messages("da")
BAGIT = Path(sys.executable).parent / "bagit.py"  # the library's own command, from the virtualenv
TAGS = ["bag-info.txt", "bagit.txt", "data", "manifest-sha256.txt", "tagmanifest-sha256.txt"]


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def bagit_validate(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BAGIT), "--validate", str(folder)], capture_output=True, text=True, timeout=120)


def _report(config: Path, **values: str) -> None:
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["report"].update(values)
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def bags(small_archive, shared_report, tmp_path_factory):
    """The shared archive's version (2017 v2.6.2017), a second version of it published by
    ``reportgen publish`` (its list of changes counted from the first, read from the bag) and a
    second edition (2018 v1.0): (archive, their folders, the second edition's configuration)."""
    base = tmp_path_factory.mktemp("bags")
    archive = shutil.copytree(small_archive[0], base / "archive", copy_function=shutil.copyfile)
    config = shutil.copytree(shared_report, base / "report", copy_function=shutil.copyfile) / "report.yaml"
    _report(config, version="3.6.2017")
    run = run_reportgen("publish", "-c", str(config), "--archive", str(archive), timeout=300)
    assert run.returncode == 0, run.stderr
    assert f"Ændringer siden den sidst udgivne udgave: {archive / '2017' / 'v2.6.2017'}" in run.stderr
    _report(config, title="Status på handlingskatalog 2018", edition="2018", version="1.0", date="2018-06-01")
    third = publish(config, archive, changes=False)
    folders = [archive / "2017" / "v2.6.2017", archive / "2017" / "v3.6.2017", third]
    return archive, folders, config


def test_every_published_version_is_a_bag_the_library_validates(bags):
    archive, folders, _ = bags
    for folder, (title, edition, version) in zip(folders, [("Status på handlingskatalog 2017", "2017", "2.6.2017"),
                                                           ("Status på handlingskatalog 2017", "2017", "3.6.2017"),
                                                           ("Status på handlingskatalog 2018", "2018", "1.0")],
                                                 strict=True):
        run = bagit_validate(folder)
        assert run.returncode == 0 and f"{folder} is valid" in run.stderr, run.stderr
        assert sorted(p.name for p in folder.iterdir()) == TAGS
        assert (folder / "bagit.txt").read_text(encoding="utf-8") == (
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        pdf = next((folder / "data").glob("*.pdf"))
        assert sorted(hashes(folder / "data")) == [
            "SHA256SUMS", "data/actions.csv", "data/administrations.csv", "data/committees.csv",
            "data/datapackage.json", "manifest.json", pdf.name]
        info = bagit.Bag(str(folder)).info
        assert info["Source-Organization"] == "Jammerbugt Kommune" and info["External-Identifier"] == pdf.stem
        assert info["Bagging-Date"] == datetime.date.today().isoformat()
        assert (info["Title"], info["Edition"], info["Version"]) == (title, edition, version)
        assert info["External-Description"].startswith(f"{title}, udgave {edition}, version {version}: ")
        if folder != folders[0]:  # (the first is a copy of the shared archive's)
            assert all(os.stat(p).st_mode & 0o222 == 0 for p in folder.rglob("*"))  # read-only, as before
    assert verify(archive, DA) == {folder: [] for folder in folders}
    run = invoke("archive", "verify", "--archive", archive)
    assert run.exit_code == 0 and run.stdout.splitlines() == [f"{folder}: i orden" for folder in folders]


def test_every_reader_of_the_archive_finds_a_bags_files(bags, tmp_path):
    archive, folders, config_path = bags
    assert [(p.folder, p.manifest["version"]) for p in editions(archive)] == [
        (folders[0], "2.6.2017"), (folders[1], "3.6.2017"), (folders[2], "1.0")]
    config, _ = load(config_path)
    history = read_history(archive, config)
    assert [e.label for e in history.editions] == ["2017 v2.6.2017", "2017 v3.6.2017", "2018"]
    assert history.problems == []
    assert changes_source(config.model_copy(update={"report": config.report.model_copy(
        update={"version": "2.0", "date": datetime.date(2019, 1, 1)})}), archive).source == folders[2]
    assert [edition_data(folder, DA)["report"]["version"] for folder in folders] == ["2.6.2017", "3.6.2017", "1.0"]
    diff = invoke("diff", folders[0], folders[1])
    assert diff.exit_code == 0 and "Traceback" not in diff.output
    sheets = invoke("sheets", "-c", config_path, "--out", tmp_path / "round", "--from", folders[1])
    assert sheets.exit_code == 0, sheets.output
    assert len(list((tmp_path / "round").glob("*.xlsx"))) == 3
    listing = invoke("archive", "list", "--archive", archive)
    assert listing.exit_code == 0 and all(v in listing.stdout for v in ("2.6.2017", "3.6.2017", "1.0"))


def _tamper(folder: Path, kind: str) -> str:
    """Change one byte, add a file or remove one in the payload; the file's path in the bag."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    name = "data/data/" + {"changed": "actions.csv", "added": "extra.csv", "removed": "committees.csv"}[kind]
    path = folder / name
    if kind == "changed":
        data = bytearray(path.read_bytes())
        data[10] ^= 0x01
        path.write_bytes(bytes(data))
    elif kind == "added":
        path.write_text("nummer\n1\n", encoding="utf-8")
    else:
        path.unlink()
    return name


@pytest.mark.parametrize("kind, code", [("changed", "archive-file-changed"), ("added", "archive-bag-unlisted"),
                                        ("removed", "archive-file-missing")])
def test_a_tampered_bag_fails_the_library_and_verify_each_naming_the_file(bags, tmp_path, kind, code):
    archive = shutil.copytree(bags[0], tmp_path / "archive", copy_function=shutil.copyfile)
    folder = archive / "2018" / "v1.0"
    name = _tamper(folder, kind)
    run = bagit_validate(folder)
    assert run.returncode == 1
    # bagit.py checks Payload-Oxum (the payload's file count and bytes) first: an added or removed
    # file fails there, and the count is what it says; a changed byte fails the file's hash.
    assert (f"{name} sha256 validation failed" if kind == "changed" else "Payload-Oxum validation failed") in run.stderr
    report = verify(archive, DA)
    assert [f for folder_, found in report.items() if folder_ != folder for f in found] == []
    found = [(f.code, f.file) for f in report[folder]]
    assert (code, str(folder / name)) in found
    assert [file for _, file in found].count(str(folder / name)) == 1  # the bag's check and reportgen's own: said once
    run = invoke("archive", "verify", "--archive", archive)
    assert run.exit_code == 1 and f"{folder}: BESKADIGET" in run.stdout
    assert f"{folder / name}: fejl [{code}]" in run.stdout


def test_a_pipe_in_a_bag_is_named_never_read(bags, tmp_path):
    """A FIFO listed in the bag's manifest: the library would wait for ever hashing it."""
    archive = shutil.copytree(bags[0], tmp_path / "archive", copy_function=shutil.copyfile)
    folder = archive / "2018" / "v1.0"
    _tamper(folder, "added")
    (folder / "data" / "data" / "extra.csv").unlink()
    os.mkfifo(folder / "data" / "pipe")
    with (folder / "manifest-sha256.txt").open("a", encoding="utf-8") as manifest:
        manifest.write(f"{'0' * 64}  data/pipe\n")
    run = run_reportgen("archive", "verify", "--archive", str(archive), timeout=60)
    assert run.returncode == 1 and f"{folder / 'data' / 'pipe'}: fejl [archive-file-unreadable]" in run.stdout


def test_a_tag_file_too_large_to_read_is_named_never_read(bags, tmp_path):
    archive = shutil.copytree(bags[0], tmp_path / "archive", copy_function=shutil.copyfile)
    folder = archive / "2018" / "v1.0"
    (folder / "manifest-sha256.txt").chmod(0o644)
    with (folder / "manifest-sha256.txt").open("a", encoding="utf-8") as manifest:
        manifest.truncate(17 * 1024 * 1024)  # sparse: no disk used
    (found,) = verify(archive, DA)[folder]
    assert (found.code, found.file) == ("archive-file-unreadable", str(folder / "manifest-sha256.txt"))
    assert "for stor" in found.message


def _inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def test_an_old_version_verifies_with_a_note_until_archive_bag_moves_its_files_into_a_bag(old_archive, tmp_path):
    archive, folder = old_archive
    assert not (folder / "bagit.txt").exists() and (folder / "manifest.json").is_file()
    (note,) = verify(archive, DA)[folder]
    assert (note.code, note.severity, note.file) == ("archive-not-bagged", Severity.WARNING, str(folder))
    run = invoke("archive", "verify", "--archive", archive)
    assert run.exit_code == 0 and run.stdout.splitlines()[0] == f"{folder}: i orden"
    assert "reportgen archive bag" in run.stdout
    before, inodes = hashes(folder), _inodes(folder)

    run = invoke("archive", "bag", "--archive", archive)
    assert run.exit_code == 0, run.output
    assert run.stdout.splitlines() == [f"{folder}: nu en BagIt-pakke; dens 7 filer er flyttet ind i data/ uændret "
                                       "(hver fils SHA-256 den samme før og efter)"]
    assert hashes(folder / "data") == before and _inodes(folder / "data") == inodes  # moved, not rewritten
    assert sorted(p.name for p in folder.iterdir()) == TAGS and sorted(p.name for p in folder.parent.iterdir()) == [
        folder.name]  # nothing left beside it
    assert bagit_validate(folder).returncode == 0
    assert verify(archive, DA) == {folder: []}
    assert all(os.stat(p).st_mode & 0o222 == 0 for p in folder.rglob("*"))
    english = tmp_path / "report.yaml"
    data = yaml.safe_load(SAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["report"]["language"] = "en"
    english.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    again = invoke("archive", "bag", str(folder), "-c", english)  # in the report's language
    assert again.exit_code == 0 and again.stdout.splitlines() == [f"{folder}: a BagIt bag already; nothing to do"]
    assert hashes(folder / "data") == before


def test_a_damaged_old_version_is_refused_and_left_as_it_was(old_archive):
    archive, folder = old_archive
    pdf = next(folder.glob("*.pdf"))
    pdf.chmod(0o644)
    pdf.write_bytes(pdf.read_bytes().replace(b"%%EOF", b"%%EOX"))
    before = digest(archive)
    run = invoke("archive", "bag", "--archive", archive)
    assert run.exit_code == 2
    assert run.stdout.splitlines() == [
        f"{folder}: fejl [archive-bag-refused] Versionen blev ikke gjort til en pakke: den er beskadiget "
        "(se herunder), og en pakke ville stå inde for skaden. Hent versionen igen fra en sikkerhedskopi, og kør "
        "reportgen archive bag igen.",
        f"{pdf}: fejl [archive-file-changed] Filen er ændret (SHA-256 passer ikke). Hent versionen igen fra en "
        "sikkerhedskopi."]
    assert digest(archive) == before and sorted(p.name for p in folder.parent.iterdir()) == [folder.name]


def test_a_killed_archive_bag_leaves_the_old_version_or_the_bag(old_archive):
    """Killed before the exchange: the old version, and a staging folder with a whole bag beside it
    (verify reports it). Killed after: the bag, and the old names of its files beside it. The next
    run cleans up either without touching the version's files (their modes included)."""
    archive, folder = old_archive
    staging = folder.parent / f".{folder.name}.k1ll3d.part"
    staging.mkdir()
    _link_files(folder, staging)
    make_bag(staging, json.loads((folder / "manifest.json").read_text(encoding="utf-8")), DA)
    report = verify(archive, DA)
    assert [f.code for f in report[staging]] == ["archive-unfinished"]
    assert [f.code for f in report[folder]] == ["archive-not-bagged"]  # intact, as it was
    assert invoke("archive", "bag", "--archive", archive).exit_code == 0
    assert sorted(p.name for p in folder.parent.iterdir()) == [folder.name] and verify(archive, DA) == {folder: []}
    staging.mkdir()  # … as a run killed after the exchange leaves it: the old layout, linked to the bag's files
    _link_files(folder / "data", staging)
    (staging / "data").chmod(0o555)
    assert invoke("archive", "bag", "--archive", archive).exit_code == 0
    assert sorted(p.name for p in folder.parent.iterdir()) == [folder.name] and verify(archive, DA) == {folder: []}
    assert all(os.stat(p).st_mode & 0o222 == 0 for p in (folder / "data").rglob("*"))
