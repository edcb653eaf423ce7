"""``reportgen check``: read every sheet and report every problem, writing nothing."""

from __future__ import annotations

from pathlib import Path

from ..checks import CheckOutcome, check
from ..config import Config, load_config
from ..progress import Progress, silent


def run_check(config_path: Path | str | None = None, paths: list[Path] | None = None,
              progress: Progress = silent) -> tuple[Config, CheckOutcome]:
    """Load the configuration and check the sheets. Config warnings join the findings.

    Raises :class:`reportgen.exceptions.ConfigError` when the configuration cannot be used.
    """
    config, warnings = load_config(config_path)
    progress.stage("read", total=None)
    outcome = check(config, paths, progress=progress.step)
    outcome.result.findings[:0] = warnings
    return config, outcome
