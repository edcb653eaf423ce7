"""Sheets out: one pre-filled standard sheet per action for the next round, and e-mail drafts.

Three starts: the current inputs (the same configuration), an earlier edition (``--from``: its
choices carried over only where this configuration has the same ones, see :mod:`.carry`), or a list
of the new edition's actions (``--actions``: a CSV file or a one-sheet workbook, see
:mod:`.action_list`), or both: the list's actions, each carried from the edition where it has it (the
next year). What the round expects is written to ``round.json`` (:mod:`.plan`). Everything is
checked before the first sheet is written: a list with an error writes nothing.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from ..configuration import Config, slugify
from ..model import Action
from ..pipeline import edition_actions, edition_data, load, load_catalogue
from ..problems import CheckResult, InputsError, Severity
from ..sheets.template import sheet_values, write_template
from ..writers import inside
from .action_list import ListedAction, read_action_list
from .carry import Carrier
from .plan import RoundPlan


@dataclasses.dataclass(frozen=True)
class RoundSheet:
    """One sheet the round sends out: the action's number, title and owner, its cells, and where
    they come from (``origin``: ``last`` the inputs' last status, ``carried`` from an earlier
    edition, ``new`` a listed action that starts blank)."""

    number: int
    title: str
    responsible: str
    values: dict[str, object]
    origin: str = "last"
    previous: int | None = None  # its number in the edition carried from, where it changed


@dataclasses.dataclass(frozen=True)
class Start:
    """What the round's sheets are made from, and what that start found."""

    sheets: list[RoundSheet]
    found: CheckResult | None
    edition: str = ""  # the edition carried from, if any
    dropped: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # its actions not on the list


@dataclasses.dataclass
class SheetsResult:
    sheets: list[Path]
    round_file: Path
    drafts: list[Path]
    source_check: CheckResult | None   # what reading the start found (the inputs' check, carry or list warnings)
    config: Config
    dropped: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # the edition's actions not listed
    edition: str = ""


def file_name(number: int, title: str, responsible: str) -> str:
    """``07-videreudvikle-staerke-feriedestinationer-martin-storgaard.xlsx``"""
    short = "-".join(slugify(title).split("-")[:4])
    person = slugify(responsible)
    return f"{number:02d}-{short}{'-' + person if person else ''}.xlsx"


def sheet_file_name(action: Action) -> str:
    return file_name(action.number, action.title, action.responsible)


def round_sheets(config: Config, source: Path | None = None, actions_list: Path | None = None,
                 strict: bool = False) -> Start:
    """What the round sends out, and what was found on the way; raises :class:`InputsError`
    (nothing written) when the list of actions has errors. With both ``source`` and
    ``actions_list``: the list's actions, each carried from the edition where it has it."""
    if actions_list is not None:
        listed, findings = read_action_list(Path(actions_list), config)
        result = CheckResult(findings=findings, files=[Path(actions_list).name], summary="cli.summary_list")
        if result.failed(strict):
            raise InputsError(result, len(listed))
        if source is not None:
            return _carried(config, Path(source), listed, result)
        sheets = [RoundSheet(a.number, a.title, a.responsible, a.sheet_values(config), "new") for a in listed]
        return Start(sheets, result)
    if source is not None:
        data = edition_data(Path(source), config)
        carrier = Carrier(config, data, str(source))
        sheets = [RoundSheet(a.number, a.title, a.responsible, carrier.values(a), "carried")
                  for a in edition_actions(data, Path(source), config.messages)]
        carried = carrier.findings()
        return Start(sheets, CheckResult(findings=carried, files=[]) if carried else None, _edition_of(data))
    catalogue, checked = load_catalogue(config)
    return Start([RoundSheet(a.number, a.title, a.responsible, sheet_values(config, a)) for a in catalogue.actions],
                 checked)


def _edition_of(data: dict[str, Any]) -> str:
    report = data.get("report")
    return str(report.get("edition", "")) if isinstance(report, dict) else ""


def _carried(config: Config, source: Path, listed: list[ListedAction], result: CheckResult) -> Start:
    """This year's list, each action carried from the edition: found by the list's ``previous``
    number, else ``history.renumbered`` of that edition, else its own number. The list's values
    (title, theme, person, and a status or text it gives) win; the edition's actions that no
    row takes are the dropped ones."""
    data = edition_data(source, config)
    edition = _edition_of(data)
    carrier = Carrier(config, data, str(source))
    old = {a.number: a for a in edition_actions(data, source, config.messages)}
    renumbered = {new: was for was, new in config.history.renumbered.get(edition, {}).items()}
    sheets, taken = [], set()
    for row in listed:
        was = row.previous or renumbered.get(row.number, row.number)
        before = old.get(was)
        listed_values = row.sheet_values(config)
        if before is None:
            sheets.append(RoundSheet(row.number, row.title, row.responsible, listed_values, "new"))
            continue
        taken.add(was)
        values = carrier.values(before) | {k: v for k, v in listed_values.items() if v not in (None, "")}
        sheets.append(RoundSheet(row.number, row.title, row.responsible, values, "carried",
                                 was if was != row.number else None))
    result.findings.extend(carrier.findings())
    dropped = [(n, a.title) for n, a in sorted(old.items()) if n not in taken]
    return Start(sheets, result, edition, dropped)


def write_round(config: Config | Path | str, out_dir: Path | str, source: Path | None = None, mail: bool = False, *,
                actions_list: Path | None = None, strict: bool = False) -> SheetsResult:
    """Write the round's sheets into ``out_dir``, from the current inputs, an edition (``source``)
    or a list of actions (``actions_list``). ``config``: a loaded configuration or the path of one."""
    config, _ = load(config)
    start = round_sheets(config, source, actions_list, strict)
    sheets, found = start.sheets, start.found
    out = Path(out_dir)
    t = config.messages
    if not sheets:  # nothing to send: a new edition starts from a list (--actions) or an earlier edition (--from)
        nothing = CheckResult(findings=[*(found.findings if found else []), t.finding("sheets-none", Severity.ERROR)],
                              files=found.files if found else [])
        raise InputsError(nothing, 0)
    targets = [inside(out, file_name(s.number, s.title, s.responsible), t) for s in sheets]  # all, before writing
    written = [write_template(config, target, values=sheet.values) for sheet, target in zip(sheets, targets,
                                                                                              strict=True)]
    plan = RoundPlan.made(config, start, written, source)
    round_file = plan.write(out, t)
    drafts = plan.write_drafts(config, out) if mail else []
    return SheetsResult(written, round_file, drafts, found, config, start.dropped, start.edition)
