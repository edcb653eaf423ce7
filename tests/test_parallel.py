"""Reading sheets in worker processes: safe from a thread (the live preview's watcher), and a
worker that hangs is killed, its file reported, the rest read."""

from __future__ import annotations

import shutil
import threading

import yaml

from reportgen.configuration import load_config
from reportgen.problems import Severity
from reportgen.sheets.files import SheetFile, discover
from reportgen.sheets.parallel import PARALLEL_FROM, ReadResult, read_all, read_one, start_method
from reportgen.sheets.template import write_template

HANGS = "00-hangs.xlsx"


def hanging_reader(file: SheetFile, config) -> ReadResult:
    """Reads like reportgen does, except that one file never comes back (a library call that hangs)."""
    if file.name == HANGS:
        threading.Event().wait()
    return read_one(file, config)


def test_a_hung_worker_started_from_a_thread_is_killed_and_the_rest_is_read(report_dir, sample_catalogue):
    config_path = report_dir / "report.yaml"
    data = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    data["sheets"]["max_seconds"] = 4  # the reader's own deadline (ample on a busy machine); the workers' hard
    # bound is 5 s later
    config_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config, _ = load_config(config_path)
    sheets = report_dir / "sheets"
    for action in sample_catalogue.actions[:PARALLEL_FROM]:
        write_template(config, sheets / f"{action.number:02d}-more.xlsx", action)
    shutil.copy(sheets / "01.xlsx", sheets / HANGS)
    files, _ = discover(config, None)
    assert len(files) >= PARALLEL_FROM + 1

    seen: dict[str, object] = {}

    def watcher_thread() -> None:  # as the preview's watcher calls check
        seen["method"] = start_method()
        seen["results"] = [(file.name, result) for file, result in read_all(files, config, reader=hanging_reader)]

    thread = threading.Thread(target=watcher_thread)
    thread.start()
    thread.join(timeout=120)  # a hang guard, not a timing: without the kill this never returns
    assert not thread.is_alive()
    assert seen["method"] == "forkserver"  # a fork from a threaded process would copy the other threads' locks
    results = dict(seen["results"])
    assert sorted(results) == sorted(f.name for f in files)
    data_, findings = results[HANGS]
    assert data_ is None and [(f.code, f.severity) for f in findings] == [("file-too-slow", Severity.ERROR)]
    read = {name for name, (sheet, problems) in results.items() if sheet is not None and not problems}
    assert read == {f.name for f in files} - {HANGS}

