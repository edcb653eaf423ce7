"""``reportgen template``: the blank standard sheet for the configuration."""

from __future__ import annotations

from pathlib import Path

from ..config import load_config
from ..sheets.template import write_template


def make_template(config_path: Path | str | None, out: Path | str) -> Path:
    config, _ = load_config(config_path)
    return write_template(config, Path(out))
