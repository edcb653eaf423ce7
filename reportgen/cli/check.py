"""``reportgen check``: read every sheet and report every problem (its own module: it imports no
more than reading and checking need)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..pipeline import check_inputs, load
from ..round.collection import collection_status, load_expected
from ..sheets.feedback import write_feedback
from .common import common_options, err, out, print_findings
from .text import check_json, collection_text, owners


@click.command("check")
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
    config, warnings = load(config_path)
    outcome = check_inputs(config, warnings, list(paths) or None)
    result, t = outcome.result, config.messages
    expected_file = expect or (config.base_dir / config.round.expected if config.round.expected else None)
    collection = collection_status(outcome, load_expected(expected_file, t)) if expected_file else None
    checked = [*outcome.paths.values(), *(paths or [config.sheets_dir])]
    written = write_feedback(config, result, outcome.sheets, feedback_dir, checked) if feedback_dir else []
    if fmt == "json":
        out.print_json(json.dumps(check_json(outcome, strict, collection, written), ensure_ascii=False))
    else:
        print_findings(result, t, quiet=quiet, strict=strict, actions=len(outcome.catalogue.actions),
                       owner=owners(outcome) if group == "person" else None)
        if collection and not quiet:
            out.print(collection_text(collection, t))
        if not quiet:
            for path in written:
                err.print(t("cli.feedback_written", path=path))
    sys.exit(1 if result.failed(strict) else 0)
