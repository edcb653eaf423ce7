"""The owners' round: sheets out."""

from __future__ import annotations

from pathlib import Path

import click

from ..pipeline import load
from ..problems import ConfigError, Severity
from ..round.sheets import write_round
from .common import common_options, err, out, print_findings


@click.command("sheets")
@common_options
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the sheets (and round.json).")
@click.option("--from", "source", type=click.Path(exists=True, path_type=Path),
              help="An edition to start from: its data JSON, its PDF, or its archive folder. Default: the inputs.")
@click.option("--actions", "actions_list", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A list of the new edition's actions (CSV or a one-sheet .xlsx, a header row, one row per "
                   "action): number, title, theme, responsible, and optionally status and text fields.")
@click.option("--mail", is_flag=True, help="Also write one e-mail draft (.eml) per responsible person.")
def sheets_command(config_path: Path, strict: bool, quiet: bool, out_dir: Path, source: Path | None,
                   actions_list: Path | None, mail: bool) -> None:
    """Write one pre-filled standard sheet per action for the next round."""
    config, warnings = load(config_path)
    t = config.messages
    if source is not None and actions_list is not None:
        raise ConfigError([t.finding("sheets-two-starts", Severity.ERROR)])
    if warnings and not quiet:
        err.print("\n".join(t.describe(w) for w in warnings))
    result = write_round(config, out_dir, source, mail, actions_list=actions_list, strict=strict)
    if quiet:
        return
    if result.source_check and result.source_check.findings:
        print_findings(result.source_check, t, quiet=True, strict=strict)
    if result.drafts:
        err.print(t("cli.drafts_written", count=len(result.drafts), path=result.drafts[0].parent))
    out.print(t("cli.sheets_written", count=len(result.sheets), path=out_dir))
