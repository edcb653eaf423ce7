"""Commands for the archive: publish, archive list/verify/bag, extract, diff."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from click.core import ParameterSource
from rich.table import Table

from ..archive.migrate import bag_version, versions
from ..archive.previous import changes_source
from ..archive.store import DEFAULT_ARCHIVE, editions, extract, publish, refuse_if_published, verify
from ..diff import after_title, describe_change, diff_editions
from ..model import Catalogue
from ..pipeline import edition_actions, edition_config, load, load_catalogue, merged_config
from ..problems import ReportgenError, Severity
from .common import (
    ConsoleProgress,
    changes_options,
    common_options,
    config_option,
    err,
    history_for,
    language_of,
    out,
    say_changes,
    stops,
)
from .text import printable

ARCHIVE_OPTION = click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path),
                              help="The archive folder.  [default: archive/ beside the configuration]")


def archive_of(archive_dir: Path | None, config_path: Path) -> Path:
    """The archive given on the command line (relative to the working folder), or the one beside
    the configuration."""
    return archive_dir if archive_dir is not None else config_path.parent / DEFAULT_ARCHIVE


@click.command("publish")
@common_options
@ARCHIVE_OPTION
@changes_options
def publish_command(config_path: Path, strict: bool, quiet: bool, archive_dir: Path | None,
                    changes_since: Path | None, no_changes: bool) -> None:
    """Build the report, with the changes since the last edition published in the archive, and
    file it there as a version that never changes."""
    config, warnings = load(config_path)
    archive = archive_dir if archive_dir is not None else config.base_dir / DEFAULT_ARCHIVE
    refuse_if_published(config, archive)  # before anything is read, said or built
    history = history_for(config, quiet, strict)
    since = changes_source(config, archive, changes_since, no_changes)
    say_changes(since, archive, config.messages, quiet)
    progress = ConsoleProgress(quiet, config.messages)
    try:
        folder = publish(config, archive, warnings=warnings, strict=strict, progress=progress, history=history,
                         changes_since=since.source, changes=since.source is not None)
    finally:
        progress.close()
    if not quiet:
        out.print(config.messages("cli.published", path=folder))


@click.group("archive")
def archive_group() -> None:
    """The published editions: list them, verify them, make old ones BagIt bags."""


@archive_group.command("list")
@ARCHIVE_OPTION
@config_option
def archive_list(archive_dir: Path | None, config_path: Path) -> None:
    """Show every published edition and version."""
    t = language_of(config_path)
    table = Table(*(t(f"cli.list_{column}") for column in ("edition", "version", "date", "pages", "actions", "pdf",
                                                           "sha256")))
    for published in editions(archive_of(archive_dir, config_path)):
        m = published.manifest
        pdf = m.get("pdf", {}) if isinstance(m.get("pdf"), dict) else {}
        table.add_row(*(printable(str(value)) for value in (
            m.get("edition", "?"), m.get("version", published.folder.name), m.get("date", "?"), pdf.get("pages", "?"),
            m.get("actions", "?"), pdf.get("file", "?"), str(pdf.get("sha256", "?"))[:16])))
    out.print(table)


@archive_group.command("verify")
@ARCHIVE_OPTION
@config_option
def archive_verify(archive_dir: Path | None, config_path: Path) -> None:
    """Recompute every hash; report any file that changed or is missing (exit 1)."""
    t = language_of(config_path)
    with stops(config_path=config_path):
        report = verify(archive_of(archive_dir, config_path), t)
    damaged = {folder for folder, problems in report.items() if any(p.severity is Severity.ERROR for p in problems)}
    for folder, problems in report.items():
        out.print(t("cli.verify_damaged" if folder in damaged else "cli.verify_ok", path=folder))
        for problem in problems:
            out.print(f"  - {t.describe(problem)}")
    sys.exit(1 if damaged else 0)


@archive_group.command("bag")
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@ARCHIVE_OPTION
@config_option
def archive_bag(folders: tuple[Path, ...], archive_dir: Path | None, config_path: Path) -> None:
    """Make versions published before versions were BagIt bags into bags: their files move into
    data/, not a byte changed (FOLDERS: version folders; default: every version of the archive).
    A damaged version is refused (exit 2)."""
    t = language_of(config_path)
    with stops(config_path=config_path):
        chosen = versions(archive_of(archive_dir, config_path), folders, t)
    code = 0
    for folder in chosen:
        try:
            bagged = bag_version(folder, t)
        except ReportgenError as stop:
            code = max(code, stop.exit_code)
            for problem in stop.findings:
                out.print(t.describe(problem))
            continue
        out.print(t("cli.bag_done" if bagged.done else "cli.bag_already", path=folder, files=len(bagged.files)))
    sys.exit(code)


@click.command("extract")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--force", is_flag=True, help="Replace files that exist already (never the PDF itself).")
@config_option
def extract_command(pdf: Path, out_dir: Path, force: bool, config_path: Path) -> None:
    """Get an edition's data and original inputs back out of its PDF."""
    with stops(config_path=config_path):
        for path in extract(pdf, out_dir, language_of(config_path), force=force):
            out.print(str(path))


@click.command("diff")
@common_options
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path), required=False)
@click.option("--words", is_flag=True, help="Show a word-level diff of each changed text field.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def diff_command(config_path: Path, strict: bool, quiet: bool, old: Path, new: Path | None, words: bool,
                 fmt: str) -> None:
    """What changed per action between two editions (archive folders, PDFs or data JSON);
    without NEW, between OLD and the current inputs. Two editions are named in the words of the
    configuration they carry, unless -c names one."""
    given = click.get_current_context().get_parameter_source("config_path") is not ParameterSource.DEFAULT
    if new is not None and not given:
        old_config, old_data = edition_config(old)
        new_config, new_data = edition_config(new, old_config.messages)
        config = merged_config(new_config, old_config)
        before = Catalogue(old_config, edition_actions(old_data, old, old_config.messages))
        after, result = Catalogue(new_config, edition_actions(new_data, new, new_config.messages)), None
    else:
        config, _ = load(config_path)
        before, _ = load_catalogue(config, old)
        after, result = load_catalogue(config, new)
    t = config.messages
    if result is not None and result.errors and not quiet:
        err.print(t("cli.diff_inputs_errors", errors=len(result.errors)))
    changes = diff_editions(before.to_dict(), after.to_dict(), words=words, config=after.config)
    if fmt == "json":
        out.print_json(json.dumps([c.to_dict() for c in changes], ensure_ascii=False))
        return
    labels = {f.key: f.label for f in config.fields}
    for change in changes:
        out.print(f"{change.number:>3}. {change.title}{after_title(change.title)}{describe_change(change, config)}")
        for key, text in change.words.items():
            out.print(f"    {labels.get(key, key)}: {text}")
    if not changes:
        out.print(t("report.no_changes"))
