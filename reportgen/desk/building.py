"""The coordinator's preview: ``reportgen build`` of the sheets folder as the desk has filled it,
in a process of its own (the desk keeps answering; a build that dies takes nothing with it), one
at a time, into ``preview/`` beside round.json (never the archive).

What the build said when it failed (its findings, in the report's language) is kept for the page;
what it made is known by name (:attr:`Built.files`), so a request names one of those files and
never a path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

from ..checks import check
from ..configuration import Config
from ..problems import Finding
from .store import now

PREVIEW_FOLDER = "preview"   # beside round.json
BUILD_SECONDS = 30 * 60      # a build that takes longer is stopped
MAX_OUTPUT = 64 * 1024       # what the page shows of the build's words, at most
MAX_FILES = 10_000           # the web edition's files the desk will serve, at most


@dataclasses.dataclass(frozen=True)
class Built:
    """The preview's state: ``none`` (never built), ``running``, ``done`` or ``failed``."""

    state: str
    started: dt.datetime | None = None
    finished: dt.datetime | None = None
    output: str = ""                      # what the build said, when it failed
    findings: tuple[Finding, ...] = ()    # … and the sheets' findings, when it failed on them
    files: Mapping[str, Path] = dataclasses.field(default_factory=dict)  # the last preview's files by name
    pdf: str = ""                         # the PDF's name among them
    built: dt.datetime | None = None      # when the last preview was made (it stays while the next one runs)


class PreviewBuilder:
    """Builds the preview of ``config`` into ``folder`` on request, one build at a time."""

    def __init__(self, config: Config, folder: Path):
        self.config = config
        self.folder = folder
        self._lock = threading.Lock()
        self._state = self._found(None, None) if self._web().joinpath("index.html").is_file() else Built("none")

    @property
    def state(self) -> Built:
        with self._lock:
            return self._state

    def start(self) -> bool:
        """Start a build unless one is running (then nothing happens): whether one was started."""
        with self._lock:
            if self._state.state == "running":
                return False
            last = self._state
            started = now()
            self._state = dataclasses.replace(last, state="running", started=started, finished=None, output="")
        threading.Thread(target=self._run, args=(started,), name="desk-preview", daemon=True).start()
        return True

    def _run(self, started: dt.datetime | None) -> None:
        command = [sys.executable, "-m", "reportgen", "build", "-q", "-c", str(self.config.source_file),
                   "--out", str(self.folder)]
        t = self.config.messages
        findings: tuple[Finding, ...] = ()
        try:
            done = subprocess.run(command, capture_output=True, timeout=BUILD_SECONDS, check=False,
                                  stdin=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "160", "NO_COLOR": "1"})
            said = (done.stdout + done.stderr)[:MAX_OUTPUT].decode("utf-8", "replace").strip()
            ok = done.returncode == 0 and self._web().joinpath("index.html").is_file()
            output = said or t("desk.preview.exit", code=done.returncode)
            if done.returncode == 1:  # the sheets have errors: the same check, its findings as the owners see them
                findings = tuple(check(self.config).result.sorted())
        except subprocess.TimeoutExpired:
            ok, output = False, t("desk.preview.timed_out", minutes=BUILD_SECONDS // 60)
        except OSError as exc:
            ok, output = False, t("desk.preview.not_started", detail=exc.strerror or str(exc))
        with self._lock:  # a failed build wrote nothing: the last preview stays
            self._state = self._found(started, now()) if ok else dataclasses.replace(
                self._state, state="failed", finished=now(), output=output, findings=findings)

    def _edition(self) -> Path:
        return self.folder / self.config.report.file_stem

    def _web(self) -> Path:
        return self._edition() / f"{self.config.report.file_stem}-web"

    def _found(self, started: dt.datetime | None, finished: dt.datetime | None) -> Built:
        """The built web edition's files (its PDF among them), by their names in its folder."""
        web = self._web()
        files: dict[str, Path] = {}
        for path in sorted(web.rglob("*")):
            if len(files) >= MAX_FILES:
                break
            if path.is_file() and not path.is_symlink():
                files[path.relative_to(web).as_posix()] = path
        built = finished or dt.datetime.fromtimestamp(  # built before the desk started: when it was written
            web.joinpath("index.html").stat().st_mtime, dt.UTC).replace(microsecond=0)
        pdf = self.config.report.pdf_name
        return Built("done", started, finished or built, files=files, pdf=pdf if pdf in files else "", built=built)
