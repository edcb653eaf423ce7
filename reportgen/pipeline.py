"""The pipeline: configuration → read → check → model → render → PDF, in one place.

Every way to a built edition goes through here: ``reportgen build`` and ``publish``, the live
preview, ``reportgen sheets`` (which starts from an edition's actions) and the library API. Like
MkDocs' build, everything is gathered and made in memory first (:func:`make_edition`); files are
written only at the end (:func:`build`), each atomically, and nothing at all when the inputs have
errors. The render stage (Jinja2, markdown-it) and the PDF stage (WeasyPrint) are imported when
pages are made, so ``check`` imports no more than reading and checking need (bench/RESULTS.md).
"""

from __future__ import annotations

import ctypes
import dataclasses
import datetime as dt
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from . import opendata
from .checks import CheckOutcome, check
from .configuration import Config, find_config, load_config
from .diff import ActionChange, diff_editions
from .history import EditionStatus, History
from .locales import Messages
from .model import Action, Catalogue
from .problems import CheckResult, ConfigError, Finding, InputsError, Severity, read_problem
from .progress import Progress, silent
from .writers import inside, write_folder

if TYPE_CHECKING:
    from .pdf import Document
    from .render.assets import Assets

T = TypeVar("T")
log = logging.getLogger(__name__)
DEFAULT_OUT = Path("build")  # beside the configuration, as MkDocs puts site/ beside mkdocs.yml
MAX_DATA_BYTES = 64 * 1024 * 1024


def load(config: Config | Path | str | None = None,
         warnings: list[Finding] | None = None) -> tuple[Config, list[Finding]]:
    """The configuration and its warnings: loaded from a file (``inputs/report.yaml`` by default),
    or as given when a caller has loaded it already."""
    if isinstance(config, Config):
        return config, list(warnings or [])
    return load_config(config or find_config())


def check_inputs(config: Config, warnings: list[Finding] | None = None, paths: list[Path] | None = None,
                 progress: Progress = silent) -> CheckOutcome:
    """Read and check the sheets (default: the configured folder); the configuration's warnings
    join the findings, first."""
    progress.stage("read", total=None)
    outcome = check(config, paths, progress=progress.step)
    outcome.result.findings[:0] = warnings or []
    return outcome


@dataclasses.dataclass(frozen=True)
class Compared:
    """The earlier edition a list of changes counts from, as the list names it."""

    edition: str
    version: str
    date: str  # in the report's language
    source: Path


@dataclasses.dataclass
class Edition:
    """One edition of the report, made in memory."""

    config: Config
    outcome: CheckOutcome
    html: str
    pdf: bytes
    pages: int
    changes: list[ActionChange] | None  # the diff against an earlier edition, if one was asked for
    proof: list[Finding] = dataclasses.field(default_factory=list)  # what a proof-reader would mark
    changes_from: Compared | None = None  # the edition the changes are counted from
    history: History | None = None  # the archived editions' statuses, this one's included
    print_pdf: bytes = b""  # the print shop's edition (PDF/X-4), when it was asked for

    @property
    def stem(self) -> str:
        return self.config.report.file_stem

    @property
    def print_name(self) -> str:
        return print_name(self.config)


def print_name(config: Config) -> str:
    """``<name>-tryk.pdf`` (Danish), ``<name>-print.pdf`` (English): the print edition's file."""
    from .configuration.names import slugify
    return f"{config.report.file_stem}-{slugify(config.messages('words.print_file'))}.pdf"


@dataclasses.dataclass
class BuildResult:
    pdf: Path
    html: Path
    web: Path
    pages: int
    actions: int
    result: CheckResult
    config: Config
    proof: list[Finding] = dataclasses.field(default_factory=list)
    data: Path | None = None  # the open data: CSV tables and datapackage.json
    changes_from: Compared | None = None  # the edition the list of changes counts from
    print_pdf: Path | None = None  # the print shop's edition, when it was made


@dataclasses.dataclass(frozen=True)
class Gathered:
    """What an edition is made from, before any page: the checked inputs, the changes since an
    earlier edition (and which), and the archived editions' history with this one in it."""

    outcome: CheckOutcome
    changes: list[ActionChange] | None
    compared: Compared | None
    history: History | None


def gather(config: Config, warnings: list[Finding] | None = None, *, strict: bool = False,
           changes_since: Path | None = None, progress: Progress = silent, history: History | None = None,
           changes: bool = True) -> Gathered:
    """Check the sheets (refusing on errors) and find the changes since an earlier edition: from
    ``changes_since`` (else ``changes_since:`` of the configuration); ``changes`` false: no list."""
    outcome = check_inputs(config, warnings, progress=progress)
    if outcome.result.failed(strict):
        raise InputsError(outcome.result, len(outcome.catalogue.actions))
    progress.stage("render")
    since = (changes_since or config.changes_since_path) if changes else None
    changed, compared = _changes(outcome.catalogue, since)
    if history is not None:
        history = history.including(current_status(outcome.catalogue), config.messages)
    return Gathered(outcome, changed, compared, history)


def make_edition(config: Config, warnings: list[Finding] | None = None, *, strict: bool = False,
                 changes_since: Path | None = None, progress: Progress = silent, pdf: bool = True,
                 history: History | None = None, changes: bool = True, gathered: Gathered | None = None,
                 print_edition: bool = False, helper: Helper | None = None) -> Edition:
    """Check the sheets (refusing on errors; :func:`gather`, unless ``gathered`` has been), render
    the HTML, lay out the pages and proof them, and make the PDF (unless ``pdf`` is false: the proof
    alone); write nothing. The PDF's own checks (PDF/UA-1, :mod:`reportgen.pdf.ua`) join the proof
    when the PDF is made; with ``print_edition`` the print shop's edition is made too
    (:func:`print_edition_of`), and its print checks join it. ``helper``: a :class:`Helper` asks
    the dictionary about the page's words while the pages are laid out (a command that builds once;
    a long-lived preview remembers its answers instead)."""
    from .pdf import fewer_collections, ua, weasyprint_errors, write_pdf, xmp
    from .pdf.attachments import attachments
    from .pdf.proof import proof
    from .render import render_html, template_dirs
    from .render.assets import Assets

    if gathered is None:
        gathered = gather(config, warnings, strict=strict, changes_since=changes_since, progress=progress,
                          history=history, changes=changes)
    outcome, changed, compared, history = (gathered.outcome, gathered.changes, gathered.compared,
                                           gathered.history)
    assets = Assets(config, template_dirs(config))
    html = render_html(outcome.catalogue, changes=changed, assets=assets, history=history, changes_from=compared)
    progress.stage("layout")
    with weasyprint_errors(config.messages), fewer_collections():
        document: Document = _laid_out(html, assets, config.report.language, helper)
        proofed = proof(document, outcome.catalogue, assets.font_files(), config.proof.min_fill)
        if strict and proofed:
            raise InputsError(CheckResult(findings=proofed, files=outcome.result.files),
                              len(outcome.catalogue.actions))
        if not pdf:
            return Edition(config, outcome, html, b"", len(document.pages), changed, proofed, compared, history)
        progress.stage("write")
        written = write_pdf(document, created=config.report.date, finisher=xmp.finisher(config),
                            attachments=attachments(outcome.catalogue, config.source_file, outcome.paths))
        made, problems = xmp.checked(written)  # PDF/UA-1 claimed only when nothing was found
        proofed += ua.findings(problems, config)
        printed, print_findings = print_edition_of(outcome.catalogue, assets, changed, history, compared, progress) \
            if print_edition else (b"", [])
        proofed += print_findings
        if strict and proofed:
            raise InputsError(CheckResult(findings=proofed, files=outcome.result.files),
                              len(outcome.catalogue.actions))
    return Edition(config, outcome, html, made, len(document.pages), changed, proofed, compared, history, printed)


def _laid_out(html: str, assets: Assets, language: str, helper: Helper | None) -> Document:
    """The pages laid out (:func:`reportgen.pdf.lay_out`); with a ``helper``, hyphenation takes what
    the dictionary says of the page's words from it as soon as it is there
    (:func:`reportgen.render.words.knowing`), and asks the dictionary here until then."""
    from .pdf import lay_out
    from .render import words

    words.expect(helper.submit(words.knowing, language, html) if helper is not None else None)
    try:
        return lay_out(html, assets.roots, assets.configured_files())
    finally:
        words.expect(None)


def print_edition_of(catalogue: Catalogue, assets: Assets, changes: list[ActionChange] | None,
                     history: History | None, changes_from: Compared | None,
                     progress: Progress = silent) -> tuple[bytes, list[Finding]]:
    """The print shop's edition (PDF/X-4 with bleed, crop marks and blank pages to a multiple of four:
    :mod:`reportgen.pdf.printshop`) of the pages the screen edition has, and what the print checks
    find in it (:func:`reportgen.pdf.preflight.print_proof`)."""
    from .pdf import lay_out
    from .pdf.preflight import print_proof
    from .pdf.printshop import GEOMETRY, padded, write_print_pdf
    from .render import render_html

    config = catalogue.config
    progress.stage("print")
    html = render_html(catalogue, changes=changes, assets=assets, history=history, changes_from=changes_from,
                       print_edition=GEOMETRY)
    document = padded(lay_out(html, assets.roots, assets.configured_files(), tags=False))
    return (write_print_pdf(document, created=config.report.date, identifier=config.report.file_stem),
            print_proof(document, config, print_name(config)))


def web_edition(catalogue: Catalogue, changes: list[ActionChange] | None = None,
                **extra: object) -> dict[str, bytes | Path]:
    """The standalone web edition: ``index.html`` and every file it uses, by name in its folder
    (``pdf_link``: the name of the PDF beside it, which the page offers for download); its fonts cut
    to the page's characters, as WOFF2."""
    from .render import WEB, render_html, template_dirs
    from .render.assets import Assets
    from .render.webfonts import PREVIEW, cut

    assets = Assets(catalogue.config, template_dirs(catalogue.config), web=True)
    html = render_html(catalogue, WEB, changes=changes, assets=assets, **extra)
    also = frozenset(PREVIEW if extra.get("preview") else ())
    return {"index.html": html.encode("utf-8"), **cut(assets.used, assets.fonts, html, also)}


# The web edition is made while the PDF is laid out, before the PDF's size is known: the page says
# this instead, and the size replaces it once the PDF is made (ASCII: the fonts cut to the page are the same).
LATER_PDF_SIZE = "[[pdf-size]]"


def _web_and_data(gathered: Gathered, pdf_name: str) -> tuple[dict[str, bytes | Path], dict[str, bytes]]:
    """The web edition (its PDF's size still :data:`LATER_PDF_SIZE`) and the open data."""
    catalogue = gathered.outcome.catalogue
    web = web_edition(catalogue, gathered.changes, pdf_link=pdf_name, data_link=opendata.FOLDER,
                      history=gathered.history, changes_from=gathered.compared, pdf_size=LATER_PDF_SIZE)
    return web, opendata.package(catalogue)


class Helper:
    """A process of its own (on the second core, while this one lays out the pages) that makes the
    work handed to it, one piece after another: a module's function, its arguments picklable. A new
    interpreter with this one's import path (not a fork: no lock of this process' threads is copied
    mid-use, and a ``reportgen`` folder where the command runs is never imported instead)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_end_with,
                                         initargs=(os.getpid(),))

    def submit(self, function: Callable[..., T], *args: Any) -> Beside[T]:
        try:
            future = self._pool.submit(function, *args)
        except (BrokenProcessPool, RuntimeError) as error:  # its process died (or the pool is shut)
            future = Future()
            future.set_exception(error)  # the work is made here when its result is asked for
        return Beside(future, function, args)

    def close(self, *, cancel: bool = True) -> None:
        """No more work: the process ends when it has made what it has begun (``cancel``: and
        without what it has not), without waiting for it here."""
        self._pool.shutdown(wait=False, cancel_futures=cancel)


class Beside(Generic[T]):
    """Work made by a :class:`Helper`: ``done()`` says whether its result is there (without
    waiting), ``result()`` gives it once it is (its error if it failed); calling it gives the result,
    waiting for it: if the other process failed or died, the work is made here, so an error is raised
    as it would be without the helper."""

    def __init__(self, future: Future[T], function: Callable[..., T], args: tuple[Any, ...]):
        self._future, self._function, self._args = future, function, args

    def done(self) -> bool:
        return self._future.done()

    def result(self) -> T:
        return self._future.result()

    def __call__(self) -> T:
        try:
            return self._future.result()
        except Exception:  # its own error, or a process that died: made here, where it says what
            log.debug("made beside: failed, made again here", exc_info=True)
            return self._function(*self._args)


def _end_with(parent: int) -> None:
    """In the process made beside: end when the process that asked for it ends, however it ends
    (Linux's parent-death signal). A parent killed outright never reads the result, and the child,
    holding its own pipe's other end, would wait to hand it in for ever."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's normal exit still collects the child
        return
    if os.getppid() != parent:  # the parent ended before the signal was asked for
        os._exit(1)


PR_SET_PDEATHSIG = 1


def _changes(catalogue: Catalogue, since: Path | None) -> tuple[list[ActionChange] | None, Compared | None]:
    """The changes since an earlier edition (its numbers mapped to today's by
    ``history.renumbered``), and which edition that is."""
    if since is None:
        return None, None
    config = catalogue.config
    data = edition_data(Path(since), config)
    found = data.get("report")
    report: dict[str, Any] = found if isinstance(found, dict) else {}
    edition = str(report.get("edition", ""))
    renumber = config.history.renumbered.get(edition, {})
    old = Catalogue(config, [dataclasses.replace(a, number=renumber.get(a.number, a.number))
                             for a in edition_actions(data, Path(since), config.messages)]).to_dict()
    compared = Compared(edition, str(report.get("version", "")), local_date(str(report.get("date", "")),
                                                                            config.messages), Path(since))
    return diff_editions(old, catalogue.to_dict(), config=config), compared


def local_date(iso: str, t: Messages) -> str:
    """A date as the report's language writes it (``2024-05-31``: "31.5.2024" in Danish)."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return t("words.date", day=day.day, month=day.month, year=day.year, iso=iso)


def current_status(catalogue: Catalogue) -> EditionStatus:
    """The edition being made, as the history shows an archived one."""
    report, labels = catalogue.config.report, {s.key: s.label for s in catalogue.config.statuses}
    return EditionStatus(report.edition, report.version, report.date.isoformat(),
                         {a.number: (a.status, labels.get(a.status, a.status)) for a in catalogue.actions},
                         {a.number: a.title for a in catalogue.actions})


def build(config: Config | Path | str | None = None, out_dir: Path | str | None = None, *,
          warnings: list[Finding] | None = None, strict: bool = False, changes_since: Path | None = None,
          progress: Progress = silent, history: History | None = None, changes: bool = True,
          print_edition: bool | None = None) -> BuildResult:
    """Check, make the edition, and write its PDF, its HTML, its web edition and its open data into
    one folder named for the edition, ``out_dir/<slug>-<edition>-v<version>/`` (default ``out_dir``:
    ``build/`` beside the configuration). The folder is written whole under a temporary name and
    swapped in with one rename: a reader sees the last build's set or this one's, never a mix, and
    another edition's folder is never touched. ``config``: a loaded configuration (with its
    ``warnings``) or the path of one. ``print_edition`` (default: ``print_edition:`` of the
    configuration): the print shop's PDF beside the screen PDF, ``<name>-tryk.pdf`` / ``-print.pdf``."""
    from .render import megabytes

    config, warnings = load(config, warnings)
    gathered = gather(config, warnings, strict=strict, changes_since=changes_since, progress=progress,
                      history=history, changes=changes)
    helper = Helper()  # the web edition, the open data and the words' hyphenation, while the pages are laid out
    try:
        web_and_data = helper.submit(_web_and_data, gathered, config.report.pdf_name)
        edition = make_edition(config, warnings, strict=strict, progress=progress, gathered=gathered, helper=helper,
                               print_edition=config.print_edition if print_edition is None else print_edition)
        web, data = web_and_data()
    finally:
        helper.close()
    pdf_name, stem = edition.config.report.pdf_name, edition.stem
    mark = config.messages("words.decimal_mark")
    web["index.html"] = bytes(web["index.html"]).replace(
        LATER_PDF_SIZE.encode(), megabytes(len(edition.pdf), mark).encode())
    web |= {pdf_name: edition.pdf} | {f"{opendata.FOLDER}/{name}": content for name, content in data.items()}
    out = Path(out_dir) if out_dir is not None else config.base_dir / DEFAULT_OUT
    t = config.messages
    folder = inside(out, stem, t)
    files: dict[str, bytes | Path] = {f"{stem}.html": edition.html.encode("utf-8"), pdf_name: edition.pdf}
    files |= {edition.print_name: edition.print_pdf} if edition.print_pdf else {}
    files |= {f"{stem}-web/{name}": content for name, content in web.items()}
    files |= {f"{stem}-data/{name}": content for name, content in data.items()}
    write_folder(folder, files, t)
    return BuildResult(folder / pdf_name, folder / f"{stem}.html", folder / f"{stem}-web", edition.pages,
                       len(edition.outcome.catalogue.actions), edition.outcome.result, edition.config, edition.proof,
                       folder / f"{stem}-data", edition.changes_from,
                       folder / edition.print_name if edition.print_pdf else None)


def load_catalogue(config: Config, source: Path | None = None) -> tuple[Catalogue, CheckResult | None]:
    """The actions of the current inputs (``source`` None, with what check found), or of an
    edition: its data JSON, its published PDF (data embedded), or its archive folder."""
    if source is None:
        outcome = check_inputs(config)
        return outcome.catalogue, outcome.result
    data = edition_data(Path(source), config)
    return Catalogue(config, edition_actions(data, Path(source), config.messages)), None


def edition_actions(data: dict[str, Any], source: Path, t: Messages) -> list[Action]:
    """The actions of an edition's data, by number."""
    try:
        actions = [Action.from_dict(a) for a in data["actions"]]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError([t.finding("edition-unreadable", Severity.ERROR, file=str(source),
                                        detail=t(f"read_problems.{read_problem(exc)}"))]) from None
    return sorted(actions, key=lambda a: a.number)


EDITION_KEYS = ("report", "themes", "fields", "committees", "administrations", "statuses")
OPTIONAL_EDITION_KEYS = ("open_data",)  # carried by editions made since they existed


def edition_config(source: Path, t: Messages | None = None) -> tuple[Config, dict[str, Any]]:
    """The configuration an edition carries (its report, themes, fields, committees,
    administrations and statuses, as its data records them), and its data: what ``reportgen
    diff`` labels an edition with when no configuration is given."""
    t = t or Messages(None)
    data = edition_data(Path(source), t)
    try:
        config = Config.model_validate({key: data[key] for key in EDITION_KEYS}
                                       | {key: data[key] for key in OPTIONAL_EDITION_KEYS if key in data})
    except (KeyError, TypeError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        raise ConfigError([t.finding("edition-unreadable", Severity.ERROR, file=str(source),
                                        detail=t(f"read_problems.{read_problem(exc)}"))]) from None
    return config, data


def merged_config(newer: Config, older: Config) -> Config:
    """The newer edition's configuration, with the statuses, committees, administrations and
    fields of the older one that it no longer has: what a diff between the two names things by."""
    def both(new: list[Any], old: list[Any]) -> list[Any]:
        keys = {item.key for item in new}
        return [*new, *(item for item in old if item.key not in keys)]

    return newer.model_copy(update={kind: both(getattr(newer, kind), getattr(older, kind))
                                    for kind in ("statuses", "committees", "administrations", "fields")})


def edition_data(source: Path, config: Config | Messages) -> dict[str, Any]:
    """The data of an edition: an archive folder (its one PDF; in a bag's ``data/``), a PDF, or a data JSON."""
    from .paths import read_regular_file, version_files
    from .pdf.attachments import parse_data, read_data

    t = config.messages if isinstance(config, Config) else config
    if source.is_dir():
        pdfs = sorted(version_files(source).glob("*.pdf"))
        # a build folder's print edition, <name>-tryk.pdf beside <name>.pdf, carries no data
        pdfs = [pdf for pdf in pdfs if not any(pdf.stem.startswith(f"{other.stem}-") for other in pdfs)]
        if len(pdfs) != 1:
            raise ConfigError([t.finding("edition-folder", Severity.ERROR, file=str(source), count=len(pdfs))])
        source = pdfs[0]
    if source.suffix.lower() == ".pdf":
        return read_data(source, t)
    try:
        raw = read_regular_file(source, MAX_DATA_BYTES)
    except OSError as exc:
        raise ConfigError([t.finding("edition-unreadable", Severity.ERROR, file=str(source),
                                        detail=t(f"read_problems.{read_problem(exc)}"))]) from None
    return parse_data(raw, str(source), t)
