"""Feedback workbooks: for each sheet with problems, a fresh copy for its owner.

The copy is made from the template (so every drop-down is there), filled with what the owner
wrote, valid or not, with the problem cells highlighted and commented and a first sheet that
lists the problems. The owner fixes the copy and sends it back; it reads like any other sheet.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..configuration import Config
from ..problems import CheckResult, ConfigError, Finding, Severity
from ..writers import refuse_overwrite
from .reader import SheetData
from .template import write_template

RESOLVED_BY_A_FRESH_COPY = {"template-outdated", "template-other-config"}


def write_feedback(config: Config, result: CheckResult, sheets: dict[str, SheetData], out_dir: Path,
                   inputs: Iterable[Path] = ()) -> list[Path]:
    """``result``: what check found; ``sheets``: what each readable file said, by file name;
    ``inputs``: the files and folders that were checked. A feedback copy never lands among them
    (it would replace an owner's sheet, or be read as one next time): that is refused, before
    anything is written."""
    inputs = list(inputs)
    folders = {(path if path.is_dir() else path.parent).resolve() for path in map(Path, inputs)}
    if Path(out_dir).resolve() in folders:
        raise ConfigError([config.messages.finding("feedback-in-inputs", Severity.ERROR, file=str(out_dir))])
    by_file: dict[str, list[Finding]] = {}
    for finding in result.findings:
        if finding.file in sheets and finding.code not in RESOLVED_BY_A_FRESH_COPY:
            by_file.setdefault(finding.file, []).append(finding)
    targets = {file: Path(out_dir) / Path(file).with_suffix(".xlsx").name for file in by_file}
    for target in targets.values():
        refuse_overwrite(target, config.messages, force=True, inputs=inputs)
    written = []
    for file, findings in sorted(by_file.items()):
        values = {name: cell.value for name, cell in sheets[file].cells.items() if not cell.error}
        written.append(write_template(config, targets[file], values=values, feedback=findings))
    return written
