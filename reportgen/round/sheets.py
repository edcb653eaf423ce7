"""Sheets out: one pre-filled standard sheet per action for the next round, and e-mail drafts.

Three starts: the current inputs (the same configuration), an earlier edition (``--from``: its
choices carried over only where this configuration has the same ones, see :mod:`.carry`), or a list
of the new edition's actions (``--actions``: a CSV file or a one-sheet workbook, see
:mod:`.action_list`). Everything is checked before the first sheet is written: a list with an error
writes nothing.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from ..configuration import Config, slugify
from ..model import Action
from ..pipeline import edition_actions, edition_data, load, load_catalogue
from ..problems import CheckResult, InputsError, Severity
from ..sheets.files import ROUND_FILE
from ..sheets.template import sheet_values, write_template
from ..writers import inside, write_text
from .action_list import read_action_list
from .carry import Carrier
from .mail import write_drafts


@dataclasses.dataclass(frozen=True)
class RoundSheet:
    """One sheet the round sends out: the action's number, title and owner, and its cells."""

    number: int
    title: str
    responsible: str
    values: dict[str, object]


@dataclasses.dataclass
class SheetsResult:
    sheets: list[Path]
    round_file: Path
    drafts: list[Path]
    source_check: CheckResult | None   # what reading the start found (the inputs' check, carry or list warnings)
    config: Config


def file_name(number: int, title: str, responsible: str) -> str:
    """``07-videreudvikle-staerke-feriedestinationer-martin-storgaard.xlsx``"""
    short = "-".join(slugify(title).split("-")[:4])
    person = slugify(responsible)
    return f"{number:02d}-{short}{'-' + person if person else ''}.xlsx"


def sheet_file_name(action: Action) -> str:
    return file_name(action.number, action.title, action.responsible)


def round_sheets(config: Config, source: Path | None = None, actions_list: Path | None = None,
                 strict: bool = False) -> tuple[list[RoundSheet], CheckResult | None]:
    """What the round sends out, and what was found on the way; raises :class:`InputsError`
    (nothing written) when the list of actions has errors."""
    if actions_list is not None:
        listed, findings = read_action_list(Path(actions_list), config)
        result = CheckResult(findings=findings, files=[Path(actions_list).name])
        if result.failed(strict):
            raise InputsError(result, len(listed))
        return [RoundSheet(a.number, a.title, a.responsible, a.sheet_values(config)) for a in listed], result
    if source is not None:
        data = edition_data(Path(source), config)
        carrier = Carrier(config, data, str(source))
        sheets = [RoundSheet(a.number, a.title, a.responsible, carrier.values(a))
                  for a in edition_actions(data, Path(source), config.messages)]
        carried = carrier.findings()
        return sheets, CheckResult(findings=carried, files=[]) if carried else None
    catalogue, checked = load_catalogue(config)
    return [RoundSheet(a.number, a.title, a.responsible, sheet_values(config, a)) for a in catalogue.actions], checked


def write_round(config: Config | Path | str, out_dir: Path | str, source: Path | None = None, mail: bool = False, *,
                actions_list: Path | None = None, strict: bool = False) -> SheetsResult:
    """Write the round's sheets into ``out_dir``, from the current inputs, an edition (``source``)
    or a list of actions (``actions_list``). ``config``: a loaded configuration or the path of one."""
    config, _ = load(config)
    sheets, found = round_sheets(config, source, actions_list, strict)
    out = Path(out_dir)
    t = config.messages
    if not sheets:  # nothing to send: a new edition starts from a list (--actions) or an earlier edition (--from)
        nothing = CheckResult(findings=[*(found.findings if found else []), t.finding("sheets-none", Severity.ERROR)],
                              files=found.files if found else [])
        raise InputsError(nothing, 0)
    targets = [inside(out, file_name(s.number, s.title, s.responsible), t) for s in sheets]  # all, before writing
    written: list[Path] = []
    by_person: dict[str, list[Path]] = {}
    for sheet, target in zip(sheets, targets, strict=True):
        path = write_template(config, target, values=sheet.values)
        written.append(path)
        by_person.setdefault(sheet.responsible, []).append(path)
    round_file = write_text(inside(out, ROUND_FILE, t), json.dumps(_round(config, sheets, written),
                                                                   ensure_ascii=False, indent=2) + "\n", t)
    drafts = write_drafts(config, by_person, out / "mail") if mail else []
    return SheetsResult(written, round_file, drafts, found, config)


def _round(config: Config, sheets: list[RoundSheet], paths: list[Path]) -> dict[str, object]:
    return {
        "report": config.report.title,
        "version": config.report.version,
        "deadline": config.round.deadline.isoformat() if config.round.deadline else None,
        "actions": [{"number": s.number, "title": s.title, "responsible": s.responsible, "file": p.name}
                    for s, p in zip(sheets, paths, strict=True)],
    }
