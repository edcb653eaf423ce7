"""The owners' round: sheets out, and changes to a running round."""

from __future__ import annotations

from pathlib import Path

import click

from ..configuration import Config
from ..pipeline import load
from ..problems import ConfigError, Severity
from ..round.change import Changed, RoundChange
from ..round.sheets import write_round
from ..sheets.layout import MAX_ACTION_NUMBER
from .common import common_options, err, out, print_findings


@click.command("sheets")
@common_options
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the sheets (and round.json).")
@click.option("--from", "source", type=click.Path(exists=True, path_type=Path),
              help="An edition to start from: its data JSON, its PDF, or its archive folder. Default: the inputs. "
                   "With --actions: what each listed action carries over.")
@click.option("--actions", "actions_list", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A list of the new edition's actions (CSV or a one-sheet .xlsx, a header row, one row per "
                   "action): number, title, theme, responsible, and optionally status, previous (its number in "
                   "the --from edition) and text fields.")
@click.option("--mail", is_flag=True, help="Also write one e-mail draft (.eml) per responsible person.")
def sheets_command(config_path: Path, strict: bool, quiet: bool, out_dir: Path, source: Path | None,
                   actions_list: Path | None, mail: bool) -> None:
    """Write one pre-filled standard sheet per action for the next round."""
    config, warnings = load(config_path)
    t = config.messages
    if warnings and not quiet:
        err.print("\n".join(t.describe(w) for w in warnings))
    result = write_round(config, out_dir, source, mail, actions_list=actions_list, strict=strict)
    if quiet:
        return
    if result.source_check and result.source_check.findings:
        print_findings(result.source_check, t, quiet=True, strict=strict)
    if result.dropped:
        err.print(t("cli.round_dropped", edition=result.edition, count=len(result.dropped)))
        for number, title in result.dropped:
            err.print(f"  {number}. {title}")
    if result.drafts:
        err.print(t("cli.drafts_written", count=len(result.drafts), path=result.drafts[0].parent))
    out.print(t("cli.sheets_written", count=len(result.sheets), path=out_dir))


@click.group("round")
def round_group() -> None:
    """Change a running round: add or drop an action, move one to another person, issue a person's
    sheets again. round.json, the sheets and the e-mail drafts are kept in step."""


ROUND_OPTION = click.option("--round", "round_file", type=click.Path(dir_okay=False, path_type=Path),
                            help="The round's round.json.  [default: round.expected of the configuration]")


def _change(config: Config, round_file: Path | None) -> RoundChange:
    found = round_file or (config.base_dir / config.round.expected if config.round.expected else None)
    if found is None:
        raise ConfigError([config.messages.finding("round-not-given", Severity.ERROR)])
    return RoundChange(config, found)


def _said(config: Config, changed: Changed, quiet: bool) -> None:
    if not quiet:
        out.print(config.messages("cli.round_changed", path=changed.round_file, written=len(changed.written),
                                  removed=len(changed.removed), drafts=len(changed.drafts)))


@round_group.command("add")
@common_options
@ROUND_OPTION
@click.argument("number", type=click.IntRange(1, MAX_ACTION_NUMBER))
@click.option("--title", required=True, help="The action's title.")
@click.option("--theme", required=True, help="Its theme: number or heading.")
@click.option("--responsible", required=True, help="Who answers for it.")
def round_add(config_path: Path, strict: bool, quiet: bool, round_file: Path | None, number: int, title: str,
              theme: str, responsible: str) -> None:
    """Add an action to the round: a sheet blank but for number, title, theme and person."""
    config, _ = load(config_path)
    _said(config, _change(config, round_file).add(number, title, theme, responsible), quiet)


@round_group.command("drop")
@common_options
@ROUND_OPTION
@click.argument("number", type=click.IntRange(1, MAX_ACTION_NUMBER))
def round_drop(config_path: Path, strict: bool, quiet: bool, round_file: Path | None, number: int) -> None:
    """Drop an action from the round: its sheet is removed and it is no longer expected."""
    config, _ = load(config_path)
    _said(config, _change(config, round_file).drop(number), quiet)


@round_group.command("move")
@common_options
@ROUND_OPTION
@click.argument("number", type=click.IntRange(1, MAX_ACTION_NUMBER))
@click.option("--to", "responsible", required=True, help="The person who answers for it now.")
def round_move(config_path: Path, strict: bool, quiet: bool, round_file: Path | None, number: int,
               responsible: str) -> None:
    """Move an action to another person: its sheet under their name, in their e-mail draft."""
    config, _ = load(config_path)
    _said(config, _change(config, round_file).move(number, responsible), quiet)


@round_group.command("reissue")
@common_options
@ROUND_OPTION
@click.argument("person")
def round_reissue(config_path: Path, strict: bool, quiet: bool, round_file: Path | None, person: str) -> None:
    """Make a person's sheets and e-mail draft again (from the current configuration)."""
    config, _ = load(config_path)
    _said(config, _change(config, round_file).reissue(person), quiet)
