"""``reportgen sheets``: pre-filled standard sheets for the next round, and e-mail drafts."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from ..config import Config, load_config, slugify
from ..findings import CheckResult
from ..mail import write_drafts
from ..model import Action
from ..sheets.files import ROUND_FILE
from ..sheets.template import write_template
from ..sources import load_catalogue
from ..writers import write_text


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


def write_round(config_path: Path | str | None, out_dir: Path | str, source: Path | None = None,
                mail: bool = False) -> SheetsResult:
    config, _ = load_config(config_path)
    catalogue, source_check = load_catalogue(config, source)
    out = Path(out_dir)
    sheets, by_person = [], {}
    for action in catalogue.actions:
        path = write_template(config, out / sheet_file_name(action), action)
        sheets.append(path)
        by_person.setdefault(action.responsible, []).append(path)
    round_file = write_text(out / ROUND_FILE, json.dumps(_round(config, catalogue.actions, sheets),
                                                         ensure_ascii=False, indent=2) + "\n")
    drafts = write_drafts(config, by_person, out / "mail") if mail else []
    return SheetsResult(sheets, round_file, drafts, source_check, config)


def _round(config: Config, actions: list[Action], sheets: list[Path]) -> dict:
    return {
        "report": config.report.title,
        "version": config.report.version,
        "deadline": config.round.deadline.isoformat() if config.round.deadline else None,
        "actions": [{"number": a.number, "title": a.title, "responsible": a.responsible, "file": p.name}
                    for a, p in zip(actions, sheets)],
    }
