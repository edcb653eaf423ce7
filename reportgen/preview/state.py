"""The live preview's state: the web edition of the report as it is now, made again on every change.

:class:`Preview` never raises for what a user can save: a YAML typo, a broken template or an
unreadable sheet becomes an error page, problems found by ``check`` are listed on top of the
report, and the next good save shows the report again. :mod:`reportgen.serve` serves it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import jinja2

from ..checks import CheckOutcome
from ..configuration import Config, find_config
from ..locales import Messages
from ..paths import default_templates_dir
from ..pipeline import Edition, check_inputs, load, make_edition, web_edition
from ..problems import Finding, InputsError, ReportgenError, Severity
from ..progress import Progress, silent

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

    def _error_page(self, problems: list[Finding], version: int, heading: str = "preview.error_heading",
                    lead: str = "preview.error_lead") -> bytes:
        t = self._messages
        page = _templates().get_template("preview_error.html.j2").render(
            t=t, language=t.language, problems=problems, version=version, events_url=EVENTS_URL, heading=heading,
            lead=lead, back=heading != "preview.error_heading")
        return page.encode("utf-8")

    def pdf_refused_page(self, problems: list[Finding]) -> bytes:
        """Why "Build and open the PDF" has no PDF: the errors, as a page in the report's language."""
        return self._error_page(problems, self.version, "preview.pdf_refused_heading", "preview.pdf_refused")

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

    def edition(self, progress: Progress = silent) -> tuple[Edition | None, list[Finding]]:
        """The edition (PDF and proof) of the report as it is now, or why there is none."""
        with self.building:
            if self._edition and self._edition[0] == self.version:
                return self._edition[1], []
            try:
                version = self.version
                config, warnings = load(self.config_path)
                edition = make_edition(config, warnings, progress=progress)
                self._edition = (version, edition)
                return edition, []
            except InputsError as exc:
                return None, exc.result.errors
            except ReportgenError as exc:
                return None, exc.findings

    def proof_page(self) -> Iterator[bytes]:
        """The proof report as a page, sent while it is made: each stage as it starts (laying the
        pages out takes a while), then what a proof-reader would mark, each thing once with its
        pages and its action, or why the pages cannot be made."""
        stages = _Stages()
        done: list[tuple[Edition | None, list[Finding]]] = []

        def work() -> None:
            try:
                done.append(self.edition(stages))
            except Exception as exc:  # a page, never a traceback
                log.debug("proof failed", exc_info=True)
                done.append((None, [self._messages.finding("internal-error", Severity.ERROR,
                                                           detail=type(exc).__name__)]))
            finally:
                stages.queue.put(None)

        threading.Thread(target=work, name="proof", daemon=True).start()
        t = self._messages
        page = _templates().get_template("preview_proof.html.j2").generate(
            t=t, language=t.language, steps=stages.names, result=lambda: _proof_result(done[0]),
            version=self.version, events_url=EVENTS_URL)
        for chunk in page:
            yield chunk.encode("utf-8")


class _Stages(Progress):
    """The stages of a build, as they start, for a page that shows them while it waits."""

    def __init__(self) -> None:
        self.queue: queue.Queue[str | None] = queue.Queue()

    def stage(self, name: str, total: int | None = None) -> None:
        self.queue.put(name)

    def names(self) -> Iterator[str]:
        while (name := self.queue.get()) is not None:
            yield name


@dataclasses.dataclass
class ProofItem:
    """One thing the proof marks, with every page it is marked on."""

    finding: Finding
    pages: list[int]


def _proof_result(done: tuple[Edition | None, list[Finding]]) -> dict[str, object]:
    edition, problems = done
    return {"made": edition is not None, "problems": problems, "items": proof_items(edition.proof if edition else [])}


def proof_items(findings: list[Finding]) -> list[ProofItem]:
    """The proof's findings, each once (the same words about the same action), with its pages."""
    items: dict[tuple[str, str, str, int | None], ProofItem] = {}
    for finding in findings:
        key = (finding.code, finding.message, finding.fix, finding.action)
        page = int(finding.cell.split()[-1]) if finding.cell and finding.cell.split()[-1].isdigit() else None
        item = items.setdefault(key, ProofItem(finding, []))
        if page is not None and page not in item.pages:
            item.pages.append(page)
    return list(items.values())


def _templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(default_templates_dir())), autoescape=True)


def relevant(path: str) -> bool:
    """Whether a changed file can change the report (editors' lock and temporary files cannot)."""
    name = Path(path).name
    return name.lower().endswith(WATCHED) and not name.startswith(("~$", ".~lock", "."))
