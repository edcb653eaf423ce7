"""Reading many sheets: in worker processes, in parallel, each file bounded in time.

Every read stops itself after ``sheets.max_seconds`` (the reader checks its deadline row by
row: ``file-too-slow``). With more than a handful of files the sheets are read in worker
processes, which also gives a hard bound: a worker still busy some seconds after that deadline
is killed, its file reported, and the rest read one by one. With fewer files, or after such a
kill, files are read in this process, bounded by the reader's own deadline only.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

from ..configuration import Config
from ..problems import Finding, Severity
from .files import SheetFile, screen
from .reader import SheetData, read_sheet

PARALLEL_FROM = 8  # below this, starting workers costs more than it saves

ReadResult = tuple[SheetData | None, list[Finding]]
Reader = Callable[[SheetFile, Config], ReadResult]

_config: Config | None = None  # the worker's copy and reader (set by the pool's initializer)
_reader: Reader | None = None


def read_one(file: SheetFile, config: Config) -> ReadResult:
    problem = screen(file, config)
    if problem:
        return None, [problem]
    return read_sheet(file, config)


def _worker(file: SheetFile) -> ReadResult:
    assert _config is not None and _reader is not None
    return _reader(file, _config)


def read_all(files: list[SheetFile], config: Config,
             progress: Callable[[str], None] | None = None,
             reader: Reader = read_one) -> Iterator[tuple[SheetFile, ReadResult]]:
    """(file, (data, findings)) for every file, in order. ``reader`` reads one file (a module-level
    function, so that worker processes can be given it)."""
    workers = min(os.cpu_count() or 1, len(files))
    if len(files) < PARALLEL_FROM or workers < 2:
        for file in files:
            if progress:
                progress(file.name)
            yield file, reader(file, config)
        return
    yield from _read_in_workers(files, config, workers, progress, reader)


def start_method() -> str:
    """``fork`` when this process has one thread (cheap: the workers inherit the configuration and
    the imported modules); otherwise ``forkserver`` (the live preview reads from its watcher thread,
    and a fork would copy locks other threads hold), or ``spawn`` where neither exists."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _init_worker(config: Config, reader: Reader) -> None:
    global _config, _reader
    _config, _reader = config, reader


def _read_in_workers(files: list[SheetFile], config: Config, workers: int,
                     progress: Callable[[str], None] | None, reader: Reader) -> Iterator[tuple[SheetFile, ReadResult]]:
    limit = config.sheets.max_seconds + 5  # the reader's own deadline first; this one if it hangs
    pool = multiprocessing.get_context(start_method()).Pool(workers, initializer=_init_worker,
                                                                initargs=(config, reader))
    stuck: SheetFile | None = None
    try:
        pending = [(file, pool.apply_async(_worker, (file,))) for file in files]
        for file, result in pending:
            if progress:
                progress(file.name)
            try:
                yield file, result.get(timeout=limit)
            except multiprocessing.TimeoutError:
                yield file, (None, [config.messages.finding("file-too-slow", Severity.ERROR, file=file.name)])
                stuck = file
                break
    finally:
        if stuck is None:
            pool.close()
        else:
            pool.terminate()  # the stuck worker with it
        pool.join()
    if stuck is not None:  # read what is left one by one
        yield from _rest_sequential(pending, stuck, config, reader)


def _rest_sequential(pending: list[tuple[SheetFile, Any]], stuck: SheetFile, config: Config,
                     reader: Reader) -> Iterator[tuple[SheetFile, ReadResult]]:
    after = False
    for file, _ in pending:
        if after:
            yield file, reader(file, config)
        after = after or file is stuck
