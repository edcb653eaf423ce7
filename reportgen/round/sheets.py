"""Sheets out: one pre-filled standard sheet per action for the next round, and e-mail drafts."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from ..configuration import Config, slugify
from ..model import Action
from ..pipeline import load_catalogue
from ..problems import CheckResult
from ..sheets.files import ROUND_FILE
from ..sheets.template import write_template
from ..writers import inside, write_text
from .mail import write_drafts


@dataclasses.dataclass
class SheetsResult:
    sheets: list[Path]
    round_file: Path
    drafts: list[Path]
    source_check: CheckResult | None
    config: Config


def sheet_file_name(action: Action) -> str:
    """``07-videreudvikle-staerke-feriedestinationer-martin-storgaard.xlsx``"""
    title = "-".join(slugify(action.title).split("-")[:4])
    person = slugify(action.responsible)
    return f"{action.number:02d}-{title}{'-' + person if person else ''}.xlsx"


def write_round(config: Config, out_dir: Path | str, source: Path | None = None, mail: bool = False) -> SheetsResult:
    """Write the round's sheets into ``out_dir``, from the current inputs or an edition (``source``)."""
    catalogue, source_check = load_catalogue(config, source)
    out = Path(out_dir)
    sheets: list[Path] = []
    by_person: dict[str, list[Path]] = {}
    for action in catalogue.actions:
        path = write_template(config, inside(out, sheet_file_name(action), config.messages), action)
        sheets.append(path)
        by_person.setdefault(action.responsible, []).append(path)
    round_file = write_text(out / ROUND_FILE, json.dumps(_round(config, catalogue.actions, sheets),
                                                         ensure_ascii=False, indent=2) + "\n")
    drafts = write_drafts(config, by_person, out / "mail") if mail else []
    return SheetsResult(sheets, round_file, drafts, source_check, config)


def _round(config: Config, actions: list[Action], sheets: list[Path]) -> dict[str, object]:
    return {
        "report": config.report.title,
        "version": config.report.version,
        "deadline": config.round.deadline.isoformat() if config.round.deadline else None,
        "actions": [{"number": a.number, "title": a.title, "responsible": a.responsible, "file": p.name}
                    for a, p in zip(actions, sheets, strict=True)],
    }
