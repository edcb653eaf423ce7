"""CLI commands for the archive: publish, archive list/verify, extract, diff."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.table import Table

from .archive.attachments import extract
from .archive.diff import diff_editions
from .cli import ConsoleProgress, cli, common_options, err, out
from .config import load_config
from .sources import load_catalogue

ARCHIVE_OPTION = click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path),
                              default=Path("archive"), show_default=True, help="The archive folder.")


@cli.command("publish")
@common_options
@ARCHIVE_OPTION
def publish_command(config_path: Path, strict: bool, quiet: bool, archive_dir: Path) -> None:
    """Build the report and file it in the archive as a version that never changes."""
    from .archive.store import publish

    progress = ConsoleProgress(quiet)
    try:
        folder = publish(config_path, archive_dir, strict=strict, progress=progress)
    finally:
        progress.close()
    out.print(f"Published: {folder}")


@cli.group("archive")
def archive_group() -> None:
    """The published editions: list them, verify them."""


@archive_group.command("list")
@ARCHIVE_OPTION
def archive_list(archive_dir: Path) -> None:
    """Show every published edition and version."""
    from .archive.store import editions

    table = Table("edition", "version", "date", "pages", "actions", "PDF", "SHA-256")
    for published in editions(archive_dir):
        m = published.manifest
        pdf = m.get("pdf", {})
        table.add_row(str(m.get("edition", "?")), str(m.get("version", published.folder.name)), m.get("date", "?"),
                      str(pdf.get("pages", "?")), str(m.get("actions", "?")), pdf.get("file", "?"),
                      pdf.get("sha256", "?")[:16])
    out.print(table)


@archive_group.command("verify")
@ARCHIVE_OPTION
def archive_verify(archive_dir: Path) -> None:
    """Recompute every hash; report any file that changed or is missing (exit 1)."""
    from .archive.store import verify

    report = verify(archive_dir)
    for folder, problems in report.items():
        out.print(f"{folder}: {'OK' if not problems else 'DAMAGED'}")
        for problem in problems:
            out.print(f"  - {problem}")
    sys.exit(1 if any(report.values()) else 0)


@cli.command("extract")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
def extract_command(pdf: Path, out_dir: Path) -> None:
    """Get an edition's data and original inputs back out of its PDF."""
    for path in extract(pdf, out_dir):
        out.print(str(path))


@cli.command("diff")
@common_options
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path), required=False)
@click.option("--words", is_flag=True, help="Show a word-level diff of each changed text field.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def diff_command(config_path: Path, strict: bool, quiet: bool, old: Path, new: Path | None, words: bool,
                 fmt: str) -> None:
    """What changed per action between two editions (archive folders, PDFs or data JSON);
    without NEW, between OLD and the current inputs."""
    config, _ = load_config(config_path)
    before, _ = load_catalogue(config, old)
    after, result = load_catalogue(config, new)
    if result is not None and result.errors:
        err.print(f"note: the current inputs have {len(result.errors)} error(s); their actions are left out")
    changes = diff_editions(before.to_dict(), after.to_dict(), words=words)
    if fmt == "json":
        out.print_json(json.dumps([c.to_dict() for c in changes], ensure_ascii=False))
        return
    labels = {f.key: f.label for f in config.fields}
    for change in changes:
        out.print(_change_line(change, labels, config))
        for key, text in change.words.items():
            out.print(f"    {labels.get(key, key)}: {text}")
    if not changes:
        out.print(config.messages("report.no_changes"))


def _change_line(change, labels: dict, config) -> str:
    t = config.messages
    head = f"{change.number:>3}. {change.title}: "
    if change.kind != "changed":
        return head + t(f"report.change_{change.kind}")
    status = {x.key: x.label for x in config.statuses}
    committee = {c.key: c.abbreviation for c in config.committees}
    admin = {a.key: a.abbreviation for a in config.administrations}
    parts = []
    if change.status:
        old, new = (status.get(k, k) for k in change.status)
        parts.append(t("report.change_status", old=old, new=new))
    if change.responsible:
        parts.append(t("report.change_responsible", old=change.responsible[0], new=change.responsible[1]))
    if change.title_change:
        parts.append(t("report.change_title", old=change.title_change[0], new=change.title_change[1]))
    if change.committees_added or change.committees_removed:
        moved = [f"+{committee.get(k, k)}" for k in change.committees_added]
        moved += [f"-{committee.get(k, k)}" for k in change.committees_removed]
        parts.append(t("report.change_committees") + " (" + ", ".join(moved) + ")")
    if change.roles:
        roles = [f"{admin.get(k, k)}: {t('role.' + a)} → {t('role.' + b)}" for k, (a, b) in change.roles.items()]
        parts.append(t("report.change_roles") + " (" + ", ".join(roles) + ")")
    if change.fields:
        parts.append(t("report.change_fields", fields=", ".join(labels.get(k, k) for k in change.fields)))
    return head + "; ".join(parts)
