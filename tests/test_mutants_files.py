"""sheets/files: what a sheets folder holds and what each file is, told exactly (issue 31: tests written
from the mutants that survived `make mutate MODULES=sheets-files`; bench/MUTATION.md). Fast: no sheet
is read, no report folder copied; each expected finding is worded by the configuration's own messages."""

from __future__ import annotations

import os
import pickle
import resource
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest

from reportgen.problems import Severity
from reportgen.sheets.files import OLE_MAGIC, TEXT_SNIFF, SheetFile, _entry_kind, _link_target, discover, screen

ERROR, WARNING = Severity.ERROR, Severity.WARNING


def _zip(path: Path, *parts: str) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for part in parts:
            zf.writestr(part, "<x/>")
    return path


def test_a_folder_says_a_word_about_each_entry_named_like_a_sheet(tmp_path, sample_config):
    t = sample_config.messages
    folder = tmp_path / "sheets"
    folder.mkdir()
    for name in ("01.xlsx", "notes.txt", ".DS_Store", ".~lock.01.xlsx#", "~$01.xlsx", "round.json",
                 "round.json.bak"):
        (folder / name).write_bytes(b"x")
    os.mkfifo(tmp_path / "fifo")
    (folder / "A.XLSX").symlink_to("01.xlsx")             # a link to a sheet: never followed
    (folder / "hosts.txt").symlink_to("/etc/hostname")    # … nor to another file
    (folder / "pipe-link.ods").symlink_to(tmp_path / "fifo")
    (folder / "folder.xlsx").mkdir()
    (folder / "Folder.ODS").mkdir()
    (folder / "folder-link.xlsm").symlink_to(tmp_path)
    (folder / "notes").mkdir()                            # not named like a sheet: no word
    os.mkfifo(folder / "pipe.csv")
    os.mkfifo(folder / "pipe")
    (folder / "gone.xlsx").symlink_to(folder / "nowhere.xlsx")
    (folder / "ring.xls").symlink_to(folder / "ring.xls")
    raw = os.fsencode(folder)
    for name in (b"k\xf8pi.xlsx", b"m\xf8de.txt", b"K\xf8PI.XLSX"):
        Path(os.fsdecode(os.path.join(raw, name))).write_bytes(b"x")
    files, findings = discover(sample_config, [folder])
    assert [(f.name, f.path) for f in files] == [(name, folder / name) for name in (
        ".~lock.01.xlsx#", "01.xlsx", "notes.txt", "round.json.bak", "~$01.xlsx")]

    def skipped(name: str, kind: str):
        return t.finding("file-skipped", WARNING, file=name, kind=t(f"skipped_kinds.{kind}"))

    assert findings == [
        t.finding("file-link", ERROR, file="A.XLSX", target="01.xlsx"),
        skipped("Folder.ODS", "folder"),
        skipped("folder-link.xlsm", "folder"),
        skipped("folder.xlsx", "folder"),
        skipped("gone.xlsx", "broken_link"),
        t.finding("file-link", WARNING, file="hosts.txt", target="/etc/hostname"),
        t.finding("file-link", ERROR, file="pipe-link.ods", target=str(tmp_path / "fifo")),
        skipped("pipe.csv", "not_regular"),
        skipped("ring.xls", "link_loop"),
        t.finding("file-name-encoding", ERROR, file="K\\xf8PI.XLSX"),
        t.finding("file-name-encoding", ERROR, file="k\\xf8pi.xlsx"),
        t.finding("file-name-encoding", WARNING, file="m\\xf8de.txt"),
    ]


def test_files_named_on_the_command_line_are_taken_as_given(tmp_path, sample_config):
    t = sample_config.messages
    (tmp_path / "a").mkdir()
    sheet = (tmp_path / "a" / "07.xlsx")
    sheet.write_bytes(b"x")
    os.mkfifo(tmp_path / "pipe.xlsx")
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "25.xlsx").write_bytes(b"x")
    missing = tmp_path / "missing"
    files, findings = discover(sample_config, [sheet, tmp_path / "pipe.xlsx", missing, folder])
    assert files == [SheetFile(sheet, "07.xlsx"), SheetFile(tmp_path / "pipe.xlsx", "pipe.xlsx"),
                     SheetFile(folder / "25.xlsx", "25.xlsx")]
    assert findings == [t.finding("inputs-missing", ERROR, file=str(missing), path=str(missing))]


def test_a_folder_that_cannot_be_listed_is_an_error(tmp_path, sample_config):
    """As root every folder may be listed; one that cannot be opened for want of a file descriptor
    cannot (EMFILE: ``stat`` still says it is a folder)."""
    t = sample_config.messages
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    lowest_free = os.dup(0)
    os.close(lowest_free)
    resource.setrlimit(resource.RLIMIT_NOFILE, (lowest_free, hard))
    try:
        files, findings = discover(sample_config, [tmp_path])
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert files == []
    assert findings == [t.finding("inputs-unreadable", ERROR, file=str(tmp_path), detail=t("read_problems.other"))]


def test_an_entry_gone_between_the_listing_and_its_look_is_no_regular_file(tmp_path):
    """A race only (the entry was listed, then removed): what is not there, and no link, is no file; a
    link gone before it is read names no target."""
    assert _entry_kind(tmp_path / "gone") == "not_regular"
    assert _link_target(tmp_path / "gone") == "?"
    (tmp_path / "file").write_bytes(b"x")
    assert _link_target(tmp_path / "file") == "?"


def _screened(path: Path, config):
    return screen(SheetFile(path, path.name), config)


@pytest.mark.parametrize("name", ["~$07.xlsx", ".~lock.07.xlsx#", "~$notes.txt"])
def test_a_lock_file_is_named_one(tmp_path, sample_config, name):
    (tmp_path / name).write_bytes(b"x")
    assert _screened(tmp_path / name, sample_config) == sample_config.messages.finding("file-lock", WARNING,
                                                                                        file=name)


@pytest.mark.parametrize(("name", "content", "code", "severity", "params"), [
    ("empty.xlsx", b"", "file-empty", ERROR, {}),
    ("empty.CSV", b"", "file-empty", ERROR, {}),
    ("empty.txt", b"", "file-ignored", WARNING, {}),
    ("notes.txt", b"hello", "file-ignored", WARNING, {}),
    ("old.doc", OLE_MAGIC + b"\x00" * 600, "file-xls", ERROR, {}),
    ("locked.xlsx", OLE_MAGIC + b"\x00" * 600 + "EncryptionInfo".encode("utf-16-le"), "file-encrypted", ERROR, {}),
    ("brev.DOC", OLE_MAGIC + b"\x00" * 600 + "WordDocument".encode("utf-16-le"), "file-not-spreadsheet", ERROR,
     {"suffix": ".doc", "kind": "Word"}),
    ("07.xlsx", OLE_MAGIC + b"\x00" * 600 + "PowerPoint Document".encode("utf-16-le"), "file-not-spreadsheet", ERROR,
     {"suffix": ".xlsx", "kind": "PowerPoint"}),
    ("svar.msg", OLE_MAGIC + b"\x00" * 600 + "__substg1.0_0037001F".encode("utf-16-le"), "file-not-spreadsheet", ERROR,
     {"suffix": ".msg", "kind": "Outlook"}),
    ("report.XLSX", b"%PDF-1.7\n" + bytes(range(256)), "file-not-spreadsheet", ERROR,
     {"suffix": ".xlsx", "kind": "PDF"}),
    ("binary.csv", bytes(range(256)), "file-csv", ERROR, {}),
    ("rows.xlsx", b"a;b\n1;2\n3;4\n", "file-csv", ERROR, {}),
    ("words.XLSM", b"just some words\nin two lines\n", "file-text", ERROR, {"suffix": ".xlsm"}),
    ("binary.XLS", bytes(range(256)), "file-xls", ERROR, {}),
])
def test_each_kind_of_file_gets_its_own_word(tmp_path, sample_config, name, content, code, severity, params):
    (tmp_path / name).write_bytes(content)
    assert _screened(tmp_path / name, sample_config) == sample_config.messages.finding(
        code, severity, file=name, **params)


def test_a_binary_file_named_like_a_sheet_is_damaged(tmp_path, sample_config):
    t = sample_config.messages
    (tmp_path / "odd.xlsx").write_bytes(bytes(range(256)))
    assert _screened(tmp_path / "odd.xlsx", sample_config) == t.finding(
        "file-corrupt", ERROR, file="odd.xlsx", detail=t("words.unknown_format"))


def test_a_file_read_whole_keeps_its_last_line(tmp_path, sample_config):
    """Forty rows of three fields and a last line of two: read whole (the file fits the bytes sniffed), the
    last line counts and the file is text; one byte longer, the last line may be cut off and is left
    out, and the rows are delimited."""
    t = sample_config.messages
    body = (b"a" * 95 + b";b;c\n") * 40  # fewer than the 50 rows looked at
    whole = body + b"x" * (TEXT_SNIFF - len(body) - 2) + b";y"
    assert len(whole) == TEXT_SNIFF
    (tmp_path / "whole.xlsx").write_bytes(whole)
    (tmp_path / "longer.xlsx").write_bytes(whole + b"z")
    assert _screened(tmp_path / "whole.xlsx", sample_config) == t.finding("file-text", ERROR, file="whole.xlsx",
                                                                          suffix=".xlsx")
    assert _screened(tmp_path / "longer.xlsx", sample_config) == t.finding("file-csv", ERROR, file="longer.xlsx")


def test_a_workbook_zip_is_a_sheet_only_when_named_one(tmp_path, sample_config):
    t = sample_config.messages
    for name in ("07.xlsx", "07.XLSM"):
        assert _screened(_zip(tmp_path / name, "xl/workbook.xml"), sample_config) is None
    for name in ("07.zip", "07.ods", "07"):
        assert _screened(_zip(tmp_path / name, "xl/workbook.xml"), sample_config) == t.finding(
            "file-ignored", WARNING, file=name)
    assert _screened(_zip(tmp_path / "letter.DOCX", "word/document.xml"), sample_config) == t.finding(
        "file-not-spreadsheet", ERROR, file="letter.DOCX", suffix=".DOCX", kind="Word")
    assert _screened(_zip(tmp_path / "b.xlsx", "xl/workbook.bin"), sample_config) == t.finding(
        "file-xlsb", ERROR, file="b.xlsx")


def test_a_damaged_zip_is_named_damaged(tmp_path, sample_config):
    t = sample_config.messages
    path = _zip(tmp_path / "07.xlsx", "xl/workbook.xml")
    data = path.read_bytes()
    path.write_bytes(data[:30] + b"\xff" * 40 + data[70:])
    assert _screened(path, sample_config) == t.finding("file-corrupt", ERROR, file="07.xlsx",
                                                       detail=t("words.damaged_zip"))


def test_a_file_that_opens_like_a_zip_without_an_end_record_is_damaged(tmp_path, sample_config):
    """Not a count read from wherever the record would be: this file's bytes 9-10 say 5,000 entries."""
    t = sample_config.messages
    path = tmp_path / "07.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 5 + (5000).to_bytes(2, "little") + b"\x00" * 100)
    assert _screened(path, sample_config) == t.finding("file-corrupt", ERROR, file="07.xlsx",
                                                       detail=t("words.damaged_zip"))


def test_a_folder_that_may_not_be_listed_is_named_so(tmp_path, sample_config):
    """As root every folder may be listed: a child of this process (which keeps the code under test, as
    a process started afresh would not) gives up root and is refused a folder it may only pass through.
    (This process lists it too: mutmut learns which tests reach a function in the test's own process.)"""
    t = sample_config.messages
    top = Path(tempfile.mkdtemp(prefix="reportgen-perm-"))
    locked = top / "sheets"
    try:
        top.chmod(0o711)
        locked.mkdir(mode=0o311)
        if os.geteuid() == 0:
            assert discover(sample_config, [locked]) == ([], [])
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never back into pytest
            try:
                os.close(reader)
                if os.geteuid() == 0:
                    os.setgroups([])
                    os.setgid(65534)
                    os.setuid(65534)
                with os.fdopen(writer, "wb") as out:
                    pickle.dump(discover(sample_config, [locked]), out)
            finally:
                os._exit(0)
        os.close(writer)
        with os.fdopen(reader, "rb") as got:
            files, findings = pickle.load(got)
        os.waitpid(pid, 0)
    finally:
        if locked.is_dir():
            locked.chmod(0o700)  # listable again, to be removed without root
        shutil.rmtree(top)
    assert files == []
    assert findings == [t.finding("inputs-unreadable", ERROR, file=str(locked), detail=t("read_problems.permission"))]


def test_an_end_record_cut_after_its_count_is_judged_by_that_count(tmp_path, sample_config):
    """The count is read before the directory: a record cut off just after it (12 bytes) still says 5,000
    entries; one cut inside it (11 bytes) says nothing, and the zip is damaged."""
    t = sample_config.messages
    record = b"PK\x05\x06" + b"\x00" * 6 + (5000).to_bytes(2, "little")
    path = tmp_path / "07.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100 + record)
    assert _screened(path, sample_config) == t.finding("file-too-large", ERROR, file="07.xlsx",
                                                       detail=t("words.zip_entries", count=5000))
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100 + record[:11])
    assert _screened(path, sample_config) == t.finding("file-corrupt", ERROR, file="07.xlsx",
                                                       detail=t("words.damaged_zip"))


def test_a_workbook_part_is_found_as_excel_finds_it(tmp_path, sample_config):
    """Part names compared as Excel compares them: ``\\`` as ``/``, no leading ``/``, any case."""
    assert _screened(_zip(tmp_path / "07.xlsx", "\\Xl\\Workbook.xml"), sample_config) is None
    assert _screened(_zip(tmp_path / "08.xlsx", "/XL/workbook.BIN"), sample_config) == \
        sample_config.messages.finding("file-xlsb", ERROR, file="08.xlsx")
