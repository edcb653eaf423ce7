"""The editions as data: export."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.table import Table

from .. import opendata
from ..archive.history import read_history
from ..pdf.attachments import edition_data
from ..pipeline import check_inputs, current_status, edition_config, load, load_catalogue
from ..problems import InputsError
from ..writers import inside, write_bytes
from .common import common_options, err, out


@click.command("export")
@common_options
@click.option("--format", "fmt", type=click.Choice(opendata.FORMATS), default="csv", show_default=True,
              help="csv: the tables and datapackage.json; json: the edition's data; xlsx: one workbook.")
@click.option("--from", "source", type=click.Path(exists=True, path_type=Path),
              help="An edition (its archive folder, PDF or data JSON), read with the configuration it carries. "
                   "Default: the inputs.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The folder to write into.")
def export_command(config_path: Path, strict: bool, quiet: bool, fmt: str, source: Path | None,
                   out_dir: Path) -> None:
    """Write an edition's data as open data: CSV with a data package, JSON, or a workbook."""
    if source is not None:
        config, _ = edition_config(source)
        catalogue, _ = load_catalogue(config, source)
    else:
        config, warnings = load(config_path)
        outcome = check_inputs(config, warnings)
        if outcome.result.failed(strict):
            raise InputsError(outcome.result, len(outcome.catalogue.actions))
        catalogue = outcome.catalogue
    t = config.messages
    for name, content in opendata.export(catalogue, fmt, edition_data(catalogue)).items():
        path = write_bytes(inside(out_dir, name, t), content, t)
        if not quiet:
            out.print(t("cli.exported", path=path))


@click.command("history")
@common_options
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The archive folder. Default: history.archive, or archive/ beside the configuration.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def history_command(config_path: Path, strict: bool, quiet: bool, archive_dir: Path | None, fmt: str) -> None:
    """Each action's status in every archived edition and in the current inputs (when they have no
    errors), and the edition in which it last changed."""
    config, warnings = load(config_path)
    t = config.messages
    archive = archive_dir or config.history_archive or config.base_dir / "archive"
    found = read_history(archive, config)
    outcome = check_inputs(config, warnings)
    if outcome.result.errors:  # not a guess: the edition in the making is left out, and said so
        err.print(t("cli.history_inputs_left_out", errors=len(outcome.result.errors)))
    elif outcome.catalogue.actions:
        found = found.including(current_status(outcome.catalogue), t)
    if fmt == "json":
        out.print_json(json.dumps(found.to_dict(), ensure_ascii=False))
    else:
        table = Table(t("report.number"), t("report.action"), *(e.label for e in found.editions),
                      t("cli.history_changed"))
        for number in found.numbers():
            cells = [e.statuses[number][1] if number in e.statuses else "–" for e in found.editions]
            table.add_row(str(number), found.title(number), *cells, found.changed(number) or "")
        out.print(table)
    for problem in found.problems:
        err.print(t.describe(problem))
    sys.exit(1 if found.problems and strict else 0)
