"""What every command shares: the consoles, logging, the common options, progress, and how a
stop (a :class:`ReportgenError` and its findings) is printed in the report's language."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.logging import RichHandler
from rich.status import Status

from ..configuration import find_config
from ..locales import Messages
from ..pipeline import load
from ..problems import BuildError, CheckResult, Finding, InputsError, ReportgenError, Severity
from ..progress import Progress
from ..writers import write_problem
from .text import findings_text, printable, summary_line

if TYPE_CHECKING:  # the archive's modules load with the commands that use them, not with check
    from ..archive.previous import ChangesSource
    from ..configuration import Config
    from ..history import History


class _Console(Console):
    """A console that prints text literally: no markup, no ``:emoji:`` codes, and control
    characters from file names and cells escaped (:func:`printable`), never sent to the terminal."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(printable(o) if isinstance(o, str) else o for o in objects), **kwargs)


out = _Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = _Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
F = TypeVar("F", bound=Callable[..., Any])


def setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = RichHandler(console=err, show_time=False, show_path=False, markup=False)
    logging.basicConfig(level=level, handlers=[handler], format="%(message)s", force=True)
    # WeasyPrint reports every CSS property it ignores; that is for -v, not for every build.
    logging.getLogger("weasyprint").setLevel({0: logging.ERROR, 1: logging.WARNING}.get(verbose, logging.DEBUG))
    logging.getLogger("fontTools").setLevel(logging.ERROR)


config_option = click.option(
    "--config", "-c", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=find_config,
    show_default="report.yaml here, else inputs/report.yaml", help="The report configuration (YAML).")


def common_options(func: F) -> F:
    """-c/--config, --strict, -v, -q; and a stop printed as findings with its exit code."""
    @config_option
    @click.option("--strict", is_flag=True, help="Treat warnings as errors.")
    @click.option("-v", "--verbose", count=True, help="Say more (-vv: debug).")
    @click.option("-q", "--quiet", is_flag=True, help="Say only what went wrong.")
    @functools.wraps(func)
    def wrapper(*args: Any, verbose: int, quiet: bool, **kwargs: Any) -> Any:
        setup_logging(verbose, quiet)
        with stops(strict=kwargs.get("strict", False), config_path=kwargs.get("config_path")):
            return func(*args, quiet=quiet, **kwargs)
    return wrapper  # type: ignore[return-value]


def changes_options(func: F) -> F:
    """--changes-since and --no-changes, for the commands that make an edition (build, publish)."""
    func = click.option("--no-changes", is_flag=True,
                        help="No list of changes (by default: since the last edition published in the archive).")(func)
    return click.option("--changes-since", type=click.Path(exists=True, path_type=Path),
                        help="The earlier edition the list of changes counts from (archive folder, PDF or data JSON). "
                             "Default: the last one published in the archive.")(func)


def history_for(config: Config, quiet: bool, strict: bool) -> History | None:
    """The history a build shows (``history.archive``): None when none is configured, or when the
    archive has no edition yet (the first year), which is said."""
    from ..archive.history import read_history

    archive = config.history_archive
    if archive is None:
        return None
    if not archive.is_dir():
        if not quiet:
            err.print(config.messages("cli.history_no_archive", path=archive))
        return None
    history = read_history(archive, config)
    if history.problems and not quiet:
        print_findings(CheckResult(findings=history.problems), config.messages, quiet=True, strict=strict)
    return history


def say_changes(found: ChangesSource, archive: Path, t: Messages, quiet: bool) -> None:
    """Which edition the list of changes counts from, or why there is none: never left out silently."""
    if quiet:
        return
    for problem in found.problems:
        err.print(t.describe(problem))
    err.print(t(f"cli.changes_{found.reason}", path=found.source or archive))


class stops:  # noqa: N801 - used as a context manager, like contextlib's
    """Prints a :class:`ReportgenError`'s findings (in the language they are worded in) and exits
    with its code; nothing else a user did reaches them as a traceback. The last safety net: an
    :class:`OSError` no library function turned into a finding is one here (exit 3), naming its file
    in the words of ``config_path``'s report."""

    def __init__(self, strict: bool = False, config_path: Path | None = None):
        self.strict, self.config_path = strict, config_path

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, OSError):
            exc = self._os_error(exc)
        if not isinstance(exc, ReportgenError):
            return
        t = messages_of(exc.findings)
        if isinstance(exc, InputsError):
            print_findings(exc.result, t, quiet=False, strict=self.strict, actions=exc.actions)
            err.print(t("cli.stopped"))
        else:
            err.print(findings_text(CheckResult(findings=exc.findings), t))
        sys.exit(exc.exit_code)


    def _os_error(self, exc: OSError) -> BuildError:
        logging.getLogger(__name__).debug("stopped by an operating system error", exc_info=exc)
        t = language_of(self.config_path) if self.config_path is not None else Messages(None)
        where = exc.filename if isinstance(exc.filename, (str, Path)) else None
        return BuildError([t.finding("io-failed", Severity.ERROR, file=str(where) if where else None,
                                     detail=t(f"write_problems.{write_problem(exc)}"))])


def messages_of(findings: list[Finding]) -> Messages:
    """The messages of the language the findings are worded in."""
    return Messages(next((f.language for f in findings if f.language), None))


def language_of(config_path: Path) -> Messages:
    """For commands that need only the report's language: the configuration's, if it loads."""
    try:
        return load(config_path)[0].messages
    except ReportgenError as exc:
        return messages_of(exc.findings)


def print_findings(result: CheckResult, t: Messages, *, quiet: bool, strict: bool, actions: int | None = None,
                   owner: Callable[[Finding], str] | None = None) -> None:
    text = findings_text(result, t, owner)
    if text:
        out.print(text)
    if not quiet:
        out.print(summary_line(result, t, actions, strict))


class ConsoleProgress(Progress):
    """Shows each stage on stderr, in the report's language: a live status on a terminal, plain
    lines elsewhere."""

    def __init__(self, quiet: bool, t: Messages):
        self.quiet, self.t = quiet, t
        self.status: Status | None = None
        self.count = 0

    def stage(self, name: str, total: int | None = None) -> None:
        if self.quiet:
            return
        label = self.t(f"progress.{name}")
        if err.is_terminal:
            if self.status is None:
                self.status = err.status(label)
                self.status.start()
            self.status.update(label)
        else:
            err.print(f"… {label}")
        self.count = 0

    def step(self, detail: str = "") -> None:
        self.count += 1
        if self.status is not None:
            self.status.update(self.t("progress.reading", count=self.count, file=detail))

    def close(self) -> None:
        if self.status is not None:
            self.status.stop()

