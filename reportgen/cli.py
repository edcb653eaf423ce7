"""The ``reportgen`` command: a thin layer over the library.

Exit codes (scripts may rely on them):
  0  done, no problems (or only warnings)
  1  the sheets have errors (or warnings, with --strict); nothing was written
  2  wrong usage, or a configuration that cannot be used
  3  the build failed for another reason (rendering, a broken template, writing files)
  4  refused: this version is already published
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.logging import RichHandler

from . import __version__
from .commands.check import run_check
from .commands.template import make_template
from .config import DEFAULT_CONFIG, load_config
from .collection import collection_status, load_expected
from .exceptions import ConfigError, InputsError, ReportgenError
from .findings import CheckResult
from .locales import Messages
from .progress import Progress
from .report_text import check_json, collection_text, findings_text, owners, summary_line
from .sheets.feedback import write_feedback

out = Console(highlight=False, soft_wrap=True, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = RichHandler(console=err, show_time=False, show_path=False, markup=False)
    logging.basicConfig(level=level, handlers=[handler], format="%(message)s", force=True)
    # WeasyPrint reports every CSS property it ignores; that is for -v, not for every build.
    logging.getLogger("weasyprint").setLevel({0: logging.ERROR, 1: logging.WARNING}.get(verbose, logging.DEBUG))
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def common_options(func):
    @click.option("--config", "-c", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                  default=DEFAULT_CONFIG, show_default=True, help="The report configuration (YAML).")
    @click.option("--strict", is_flag=True, help="Treat warnings as errors.")
    @click.option("-v", "--verbose", count=True, help="Say more (-vv: debug).")
    @click.option("-q", "--quiet", is_flag=True, help="Say only what went wrong.")
    @functools.wraps(func)
    def wrapper(*args, verbose: int, quiet: bool, **kwargs):
        _setup_logging(verbose, quiet)
        try:
            return func(*args, quiet=quiet, **kwargs)
        except ConfigError as exc:
            for finding in exc.findings:
                err.print(finding.describe())
            sys.exit(exc.exit_code)
        except InputsError as exc:
            _print_findings(exc.result, exc.messages or Messages(None), quiet=False, strict=kwargs.get("strict", False))
            sys.exit(exc.exit_code)
        except ReportgenError as exc:
            err.print(f"reportgen: {exc}")
            sys.exit(exc.exit_code)
    return wrapper


class ConsoleProgress(Progress):
    """Shows each stage on stderr: a live status on a terminal, plain lines elsewhere."""

    LABELS = {"read": "Reading sheets", "render": "Rendering HTML", "layout": "Laying out pages (WeasyPrint)",
              "write": "Writing files"}

    def __init__(self, quiet: bool):
        self.quiet, self.status, self.count = quiet, None, 0

    def stage(self, name: str, total: int | None = None) -> None:
        if self.quiet:
            return
        label = self.LABELS.get(name, name)
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
            self.status.update(f"Reading sheets ({self.count}): {detail}")

    def close(self) -> None:
        if self.status is not None:
            self.status.stop()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def cli() -> None:
    """Build the status report of an action catalogue from its standard sheets."""


@cli.command("build")
@common_options
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Folder for the PDF, its HTML and the web edition.")
@click.option("--changes-since", type=click.Path(exists=True, path_type=Path),
              help="An earlier edition (archive folder, PDF or data JSON): adds the list of changes.")
def build_command(config_path: Path, strict: bool, quiet: bool, out_dir: Path, changes_since: Path | None) -> None:
    """Check the sheets, then write the report as PDF and as a web edition."""
    from .commands.build import build

    progress = ConsoleProgress(quiet)
    try:
        result = build(config_path, out_dir, strict=strict, changes_since=changes_since, progress=progress)
    finally:
        progress.close()
    t = result.config.messages
    if result.result.findings and not quiet:
        _print_findings(result.result, t, quiet=True, strict=strict)
    if not quiet:
        err.print(t("cli.html_written", path=result.html))
        err.print(t("cli.web_written", path=result.web / "index.html"))
        err.print(f"{result.pages} pages, {result.actions} actions")
    out.print(t("cli.written", path=result.pdf))


@cli.command("check")
@common_options
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--by", "group", type=click.Choice(["file", "person"]), default="file", show_default=True,
              help="Group the problems by file or by responsible person.")
@click.option("--expect", "expect", type=click.Path(dir_okay=False, path_type=Path),
              help="The actions this round expects (round.json from `reportgen sheets`); default: round.expected.")
@click.option("--feedback", "feedback_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write a feedback workbook for each sheet with problems into this folder.")
def check_command(config_path: Path, strict: bool, quiet: bool, paths: tuple[Path, ...], fmt: str, group: str,
                  expect: Path | None, feedback_dir: Path | None) -> None:
    """Read every sheet (default: the configured folder) and report every problem."""
    config, outcome = run_check(config_path, list(paths) or None)
    result, t = outcome.result, config.messages
    expected_file = expect or (config.base_dir / config.round.expected if config.round.expected else None)
    collection = collection_status(outcome, load_expected(expected_file)) if expected_file else None
    written = write_feedback(config, outcome, feedback_dir) if feedback_dir else []
    if fmt == "json":
        out.print_json(json.dumps(check_json(outcome, strict, collection, written), ensure_ascii=False))
    else:
        _print_findings(result, t, quiet=quiet, strict=strict, actions=len(outcome.catalogue.actions),
                        owner=owners(outcome) if group == "person" else None)
        if collection and not quiet:
            out.print(collection_text(collection, t))
        for path in written:
            err.print(t("cli.feedback_written", path=path))
    sys.exit(1 if result.failed(strict) else 0)


@cli.command("sheets")
@common_options
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the sheets (and round.json).")
@click.option("--from", "source", type=click.Path(exists=True, path_type=Path),
              help="An edition to start from: its data JSON, its PDF, or its archive folder. Default: the inputs.")
@click.option("--mail", is_flag=True, help="Also write one e-mail draft (.eml) per responsible person.")
def sheets_command(config_path: Path, strict: bool, quiet: bool, out_dir: Path, source: Path | None,
                   mail: bool) -> None:
    """Write one pre-filled standard sheet per action for the next round."""
    from .commands.sheets import write_round

    result = write_round(config_path, out_dir, source, mail)
    t = result.config.messages
    if result.source_check and result.source_check.findings and not quiet:
        _print_findings(result.source_check, t, quiet=True, strict=strict)
    if result.drafts and not quiet:
        err.print(t("cli.drafts_written", count=len(result.drafts), path=result.drafts[0].parent))
    out.print(t("cli.sheets_written", count=len(result.sheets), path=out_dir))


@cli.command("template")
@common_options
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the blank sheet (.xlsx).")
def template_command(config_path: Path, strict: bool, quiet: bool, out_file: Path) -> None:
    """Write the blank standard sheet for the configuration."""
    config, _ = load_config(config_path)
    path = make_template(config_path, out_file)
    out.print(config.messages("cli.template_written", path=path))


def _print_findings(result: CheckResult, t: Messages, *, quiet: bool, strict: bool, actions: int | None = None,
                    owner=None) -> None:
    text = findings_text(result, t, owner)
    if text:
        out.print(text)
    if not quiet:
        out.print(summary_line(result, t, actions, strict))


def main() -> None:
    from . import cli_archive, cli_tools  # noqa: F401 - register their commands

    cli(prog_name="reportgen")


if __name__ == "__main__":
    main()
