"""Feedback workbooks: for each sheet with problems, a fresh copy for its owner.

The copy is made from the template (so every drop-down is there), filled with what the owner
wrote, valid or not, with the problem cells highlighted and commented and a first sheet that
lists the problems. The owner fixes the copy and sends it back; it reads like any other sheet.
"""

from __future__ import annotations

from pathlib import Path

from ..configuration import Config
from ..problems import CheckResult, Finding
from .reader import SheetData
from .template import write_template

RESOLVED_BY_A_FRESH_COPY = {"template-outdated", "template-other-config"}


def write_feedback(config: Config, result: CheckResult, sheets: dict[str, SheetData], out_dir: Path) -> list[Path]:
    """``result``: what check found; ``sheets``: what each readable file said, by file name."""
    by_file: dict[str, list[Finding]] = {}
    for finding in result.findings:
        if finding.file in sheets and finding.code not in RESOLVED_BY_A_FRESH_COPY:
            by_file.setdefault(finding.file, []).append(finding)
    written = []
    for file, findings in sorted(by_file.items()):
        data = sheets[file]
        values = {name: cell.value for name, cell in data.cells.items() if not cell.error}
        target = Path(out_dir) / Path(file).with_suffix(".xlsx").name
        written.append(write_template(config, target, values=values, feedback=findings))
    return written
