"""The live preview's state: the web edition of the report as it is now, made again on every change.

:class:`Preview` never raises for what a user can save: a YAML typo, a broken template or an
unreadable sheet becomes an error page, problems found by ``check`` are listed on top of the
report, and the next good save shows the report again. :mod:`reportgen.serve` serves it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path

import jinja2

from ..checks import CheckOutcome
from ..configuration import Config, find_config
from ..locales import Messages
from ..paths import default_templates_dir
from ..pipeline import Edition, check_inputs, load, make_edition, web_edition
from ..problems import Finding, InputsError, ReportgenError, Severity

log = logging.getLogger(__name__)
EVENTS_URL, PDF_URL, PROOF_URL = "/_events", "/report.pdf", "/proof"
WATCHED = (".yaml", ".yml", ".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".j2", ".css", ".png", ".jpg", ".jpeg",
           ".svg", ".ttf", ".otf", ".woff", ".woff2")


class Preview:
    def __init__(self, config_path: Path | str | None = None):
        self.config_path = Path(config_path or find_config())
        self.version = 0
        self.files: dict[str, bytes | Path] = {}
        self.config: Config | None = None
        self.outcome: CheckOutcome | None = None
        self.problems: list[Finding] = []  # why there is an error page instead of the report
        self.changed = threading.Condition()
        self.building = threading.Lock()  # one build at a time: preview pages and PDFs
        self._edition: tuple[int, Edition] | None = None  # the last edition, and the page version it is of

    def rebuild(self) -> CheckOutcome | None:
        """Make the page again from what is on disk now; wakes everyone waiting for a change."""
        with self.building:
            version = self.version + 1
            outcome, problems = None, []
            files: dict[str, bytes | Path] = {}
            try:
                config, warnings = load(self.config_path)
                self.config = config
                outcome = check_inputs(config, warnings)
                files = self._report(outcome, version)
            except ReportgenError as exc:
                problems = exc.findings
            except Exception as exc:
                log.debug("preview rebuild failed", exc_info=True)
                problems = [self._messages.finding("internal-error", Severity.ERROR, detail=type(exc).__name__)]
            if problems:
                outcome, files = None, {"index.html": self._error_page(problems, version)}
        with self.changed:
            self.files, self.outcome, self.problems, self.version = files, outcome, problems, version
            self.changed.notify_all()
        return outcome

    @property
    def _messages(self) -> Messages:
        return self.config.messages if self.config else Messages(None)

    def _report(self, outcome: CheckOutcome, version: int) -> dict[str, bytes | Path]:
        result = outcome.result
        shown = {a.number for a in outcome.catalogue.actions}
        preview = {"time": dt.datetime.now().strftime("%H:%M:%S"), "version": version, "events_url": EVENTS_URL,
                   "pdf_url": PDF_URL, "proof_url": PROOF_URL, "findings": result.sorted(),
                   "errors": len(result.errors), "warnings": len(result.warnings), "shown": shown}
        return web_edition(outcome.catalogue, preview=preview)

    def _error_page(self, problems: list[Finding], version: int) -> bytes:
        t = self._messages
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(default_templates_dir())), autoescape=True)
        page = env.get_template("preview_error.html.j2").render(
            t=t, language=t.language, problems=problems, version=version, events_url=EVENTS_URL)
        return page.encode("utf-8")

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """The version after ``seen``, or ``seen`` again after ``timeout`` seconds without one."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout=timeout)
            return self.version

    def watched(self) -> list[Path]:
        """The folders whose changes make a new page: the configuration's (sheets, templates and
        pictures are usually inside it), the sheets folder wherever it is, the built-in templates."""
        folders = {self.config_path.resolve().parent, default_templates_dir().resolve()}
        if self.config is not None:
            folders.add(self.config.sheets_dir.resolve())
            folders |= {path.resolve().parent for _, path in self.config.files()}
        return sorted(f for f in folders if f.is_dir())

    def edition(self) -> tuple[Edition | None, list[Finding]]:
        """The edition (PDF and proof) of the report as it is now, or why there is none."""
        with self.building:
            if self._edition and self._edition[0] == self.version:
                return self._edition[1], []
            try:
                version = self.version
                config, warnings = load(self.config_path)
                edition = make_edition(config, warnings)
                self._edition = (version, edition)
                return edition, []
            except InputsError as exc:
                return None, exc.result.errors
            except ReportgenError as exc:
                return None, exc.findings

    def proof_page(self) -> bytes:
        """The proof report as a page: what a proof-reader would mark, page by page, or why the
        pages cannot be made."""
        edition, problems = self.edition()
        t = self._messages
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(default_templates_dir())), autoescape=True)
        page = env.get_template("preview_proof.html.j2").render(
            t=t, language=t.language, findings=edition.proof if edition else [], problems=problems,
            made=edition is not None, version=self.version, events_url=EVENTS_URL)
        return page.encode("utf-8")


def relevant(path: str) -> bool:
    """Whether a changed file can change the report (editors' lock and temporary files cannot)."""
    name = Path(path).name
    return name.lower().endswith(WATCHED) and not name.startswith(("~$", ".~lock", "."))
