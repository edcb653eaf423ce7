"""``reportgen new DIR``: a new report folder that builds at once.

The configuration, a README for the secretariat, the blank standard sheet and one example
action's sheet, all from :mod:`reportgen.starter` in the report's language (a folder there per
language). Refuses a folder that has files in it.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import yaml

from ..config import load_config
from ..exceptions import ReportgenError
from ..model import Action
from ..sheets.template import write_template
from ..starter import languages
from ..writers import write_text

CONFIG_NAME = "report.yaml"


class FolderNotEmpty(ReportgenError):
    exit_code = 2


def new_report(folder: Path | str, today: dt.date | None = None, language: str = "da") -> Path:
    """Start a report in ``folder``; returns the configuration's path."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise FolderNotEmpty(str(folder))
    if language not in languages():
        raise ReportgenError(f"no starter for the language {language!r} (there is: {', '.join(languages())})")
    today = today or dt.date.today()
    starter = resources.files("reportgen.starter").joinpath(language)
    text = starter.joinpath("report.yaml").read_text(encoding="utf-8")
    config_path = write_text(folder / CONFIG_NAME,
                             text.replace("__YEAR__", str(today.year)).replace("__DATE__", today.isoformat()))
    config, _ = load_config(config_path)
    readme = starter.joinpath("README.md").read_text(encoding="utf-8")
    write_text(folder / "README.md", readme.replace("__TITLE__", config.report.title))
    write_template(config, folder / config.messages("starter.blank_sheet"))
    example = Action.from_dict(yaml.safe_load(starter.joinpath("example.yaml").read_text(encoding="utf-8")))
    write_template(config, config.sheets_dir / config.messages("starter.example_sheet"), example)
    return config_path
