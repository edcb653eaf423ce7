"""``reportgen new DIR``: a new report folder that builds at once.

The configuration, a README for the secretariat, the blank standard sheet and one example
action's sheet, all from a folder here per language (``da/``, ``en/``). Refuses a folder that
has files in it.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import yaml

from ..configuration import load_config
from ..locales import Messages
from ..model import Action
from ..problems import ConfigError, Severity
from ..sheets.template import write_template
from ..writers import write_text

CONFIG_NAME = "report.yaml"


def languages() -> list[str]:
    """The languages a new report can start in."""
    return sorted(p.name for p in resources.files(__name__).iterdir() if p.joinpath("report.yaml").is_file())


def new_report(folder: Path | str, today: dt.date | None = None, language: str = "da") -> Path:
    """Start a report in ``folder``; returns the configuration's path."""
    folder = Path(folder)
    t = Messages(language)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ConfigError([t.finding("new-not-empty", Severity.ERROR, file=str(folder))])
    if language not in languages():
        raise ConfigError([t.finding("new-language", Severity.ERROR, language=language, known=", ".join(languages()))])
    today = today or dt.date.today()
    starter = resources.files(__name__).joinpath(language)
    text = starter.joinpath("report.yaml").read_text(encoding="utf-8")
    config_path = write_text(folder / CONFIG_NAME,
                             text.replace("__YEAR__", str(today.year)).replace("__DATE__", today.isoformat()))
    config, _ = load_config(config_path)
    readme = starter.joinpath("README.md").read_text(encoding="utf-8")
    write_text(folder / "README.md", readme.replace("__TITLE__", config.report.title), config.messages)
    write_template(config, folder / config.messages("starter.blank_sheet"))
    example = Action.from_dict(yaml.safe_load(starter.joinpath("example.yaml").read_text(encoding="utf-8")))
    write_template(config, config.sheets_dir / config.messages("starter.example_sheet"), example)
    return config_path
