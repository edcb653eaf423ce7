"""Hostile input, bounded work: a file is judged from what it says about itself before any of it
is read, and only the bytes needed are read; a read of one sheet is bounded in time from opening
it to its last cached value; nothing reportgen reads is a pipe or a device (issue 19)."""

from __future__ import annotations

import os
import threading
import tracemalloc
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName

from reportgen.configuration import Config
from reportgen.sheets.files import MAX_ZIP_ENTRIES, OLE_MAGIC, SheetFile, screen
from reportgen.sheets.reader import read_sheet

from .hostile_files import MB, run_reportgen, small_entry, sparse_file, write_zip, zeros_entry

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
WORKBOOK = {"[Content_Types].xml": small_entry(b"<Types/>"), "xl/workbook.xml": small_entry(b"<workbook/>")}


def screened_with_peak(path: Path, config: Config) -> tuple[str | None, int]:
    """The code screen() gives a file, and the most memory Python held while it did."""
    tracemalloc.start()
    try:
        problem = screen(SheetFile(path, path.name), config)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (problem.code if problem else None), peak


def test_a_zip_entry_that_inflates_is_refused_before_any_entry_is_read(tmp_path, config):
    """An entry named `mimetype` that says "OpenDocument" and then inflates to 64 MB (1000:1): the
    ratio is seen in the zip's directory, so the entry is never inflated (it was read whole first,
    and the file called an .ods)."""
    bomb = write_zip(tmp_path / "bomb.xlsx", {"mimetype": zeros_entry(64, ODS_MIMETYPE), **WORKBOOK})
    assert bomb.stat().st_size < MB
    code, peak = screened_with_peak(bomb, config)
    assert code == "file-too-large"
    assert peak < 8 * MB


def test_a_zip_that_claims_more_than_it_holds_is_refused_on_the_claim(tmp_path, config):
    claims = write_zip(tmp_path / "claims.xlsx", {"mimetype": small_entry(ODS_MIMETYPE), **WORKBOOK},
                       claimed={"mimetype": 3 * 2**30})
    assert screened_with_peak(claims, config)[0] == "file-too-large"


def test_a_zip_with_too_many_entries_is_refused_from_its_end_record(tmp_path, config):
    entries = {f"xl/{n}.xml": small_entry(b"") for n in range(MAX_ZIP_ENTRIES + 1)}
    problem = screen(SheetFile(path := write_zip(tmp_path / "many.xlsx", entries), path.name), config)
    assert problem is not None and problem.code == "file-too-large" and str(MAX_ZIP_ENTRIES + 1) in problem.message


@pytest.mark.parametrize(("head", "code"), [(b"", "file-corrupt"), (OLE_MAGIC, "file-xls"),
                                           (b"%PDF-1.7", "file-not-spreadsheet")])
def test_a_large_file_that_is_no_zip_is_sniffed_not_read(tmp_path, config, head, code):
    """256 MB named .xlsx (sparse: no room on disk) of zeros after a header: none, an OLE2 one (an
    old .xls, or an encrypted workbook), a PDF's. The first two were read whole to be told apart."""
    big = sparse_file(tmp_path / "big.xlsx", 256 * MB, head)
    found, peak = screened_with_peak(big, config)
    assert found == code
    assert peak < 16 * MB


def test_a_sheet_whose_names_point_far_right_reads_in_bounded_work(report_dir, config):
    """Named cells moved to column ZZZ (18,278 columns), down to row 5,000, each a formula: every
    row was walked cell by cell, twice (formulas, then their cached values), and the second pass
    had no deadline. Now a row costs the cells named on it. A hang guard, not a timing: the old
    reader took minutes here."""
    sheet = report_dir / "sheets" / "07.xlsx"
    wb = load_workbook(sheet)
    names = [n for n in wb.defined_names if n.startswith("rg_") and not n.startswith("rg_list")]
    for index, name in enumerate(names):
        ws_name, _ = next(iter(wb.defined_names[name].destinations))
        row = 5000 - index
        wb[ws_name][f"ZZZ{row}"] = '="x"'
        del wb.defined_names[name]
        wb.defined_names[name] = DefinedName(name, attr_text=f"'{ws_name}'!$ZZZ${row}")
    wb.save(sheet)
    assert sheet.stat().st_size < 40_000
    roomy = config.model_copy(update={"sheets": config.sheets.model_copy(update={"max_rows": 5000,
                                                                                  "max_seconds": 600})})
    result: list[object] = []
    reading = threading.Thread(target=lambda: result.append(read_sheet(SheetFile(sheet, sheet.name), roomy)),
                               daemon=True)
    reading.start()
    reading.join(timeout=20)
    assert not reading.is_alive(), "reading one small sheet did not finish"
    data, findings = result[0]  # type: ignore[misc]
    assert findings == [] and data is not None
    assert {value.error for value in data.cells.values()} == {"formula"}  # openpyxl caches no values
    assert data.cells[names[0]].cell == "ZZZ5000"


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def _refused(run, code: int) -> None:
    assert run.returncode == code, (run.returncode, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("where", ["config", "expect", "diff", "from", "actions", "dev-zero"])
def test_a_pipe_or_a_device_is_refused_never_read(report_dir, tmp_path, fifo, where):
    """A named pipe (with no writer: opening it blocked for ever) or /dev/zero (read until the memory
    ran out), wherever reportgen takes a file. The timeout is the hang guard."""
    config = str(report_dir / "report.yaml")
    if where == "actions":
        os.rename(fifo, fifo := tmp_path / "list.csv")
    args = {"config": ["check", "-c", str(fifo)], "dev-zero": ["check", "-c", "/dev/zero"],
            "expect": ["check", "-c", config, "--expect", str(fifo)], "diff": ["diff", "-c", config, str(fifo)],
            "from": ["sheets", "-c", config, "--out", str(tmp_path / "round"), "--from", str(fifo)],
            "actions": ["sheets", "-c", config, "--out", str(tmp_path / "round"), "--actions", str(fifo)]}[where]
    run = run_reportgen(*args, timeout=60)
    _refused(run, 1 if where == "actions" else 2)
    assert "ikke en almindelig fil" in run.stdout + run.stderr
