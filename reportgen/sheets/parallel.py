"""Reading many sheets: in worker processes, in parallel, each file bounded in time.

Every read stops itself after ``sheets.max_seconds`` (the reader checks its deadline row by
row: ``file-too-slow``). With more than a handful of files the sheets are read in worker
processes, which also gives a hard bound: a worker still busy some seconds after that deadline
is killed, its file reported, and the rest read one by one. With fewer files, or after such a
kill, files are read in this process, bounded by the reader's own deadline only.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator

from ..config import Config
from ..findings import Finding, Severity
from .files import SheetFile, screen
from .reader import SheetData, read_sheet

PARALLEL_FROM = 8  # below this, starting workers costs more than it saves

_config: Config | None = None  # the worker's copy (inherited when the pool forks)


def read_one(file: SheetFile, config: Config) -> tuple[SheetData | None, list[Finding]]:
    problem = screen(file, config)
    if problem:
        return None, [problem]
    return read_sheet(file, config)


def _worker(file: SheetFile) -> tuple[SheetData | None, list[Finding]]:
    assert _config is not None
    return read_one(file, _config)


def read_all(files: list[SheetFile], config: Config,
             progress: Callable[[str], None] | None = None) -> Iterator[tuple[SheetFile, tuple]]:
    """(file, (data, findings)) for every file, in order."""
    workers = min(os.cpu_count() or 1, len(files))
    if len(files) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for file in files:
            if progress:
                progress(file.name)
            yield file, read_one(file, config)
        return
    yield from _read_in_workers(files, config, workers, progress)


def _read_in_workers(files, config, workers, progress):
    global _config
    _config = config
    limit = config.sheets.max_seconds + 5  # the reader's own deadline first; this one if it hangs
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        pending = [(file, pool.apply_async(_worker, (file,))) for file in files]
        for file, result in pending:
            if progress:
                progress(file.name)
            try:
                yield file, result.get(timeout=limit)
            except multiprocessing.TimeoutError:
                yield file, (None, [config.messages.finding("file-too-slow", Severity.ERROR, file=file.name)])
                pool.terminate()  # the stuck worker with it; read what is left one by one
                pool = None
                yield from _rest_sequential(pending, file, config)
                return
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        _config = None


def _rest_sequential(pending, stuck: SheetFile, config: Config):
    after = False
    for file, _ in pending:
        if after:
            yield file, read_one(file, config)
        after = after or file is stuck
