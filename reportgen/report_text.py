"""Findings as text for people: grouped by file, errors before warnings, with the fix."""

from __future__ import annotations

import itertools

from .findings import CheckResult
from .locales import Messages


def findings_text(result: CheckResult, t: Messages) -> str:
    lines = []
    ordered = sorted(result.sorted(), key=lambda f: f.file or "")
    for file, group in itertools.groupby(ordered, key=lambda f: f.file or ""):
        lines.append(file or "-")
        for f in sorted(group, key=lambda f: f.severity.value):
            where = f.cell.removeprefix("line ") if f.cell else ""
            where = f"{where:>6} " if where else "       "
            lines.append(f"  {where}{f.severity.value:<7} {f.code}: {f.message}")
            if f.fix:
                lines.append(f"         {' ' * 7} → {f.fix}")
    return "\n".join(lines)


def summary_line(result: CheckResult, t: Messages, actions: int | None, strict: bool) -> str:
    if not result.findings:
        return t("cli.clean")
    line = t("cli.summary", sheets=len(result.files), actions=actions if actions is not None else "?",
             errors=len(result.errors), warnings=len(result.warnings))
    return f"{line} {t('cli.strict')}" if strict and result.warnings else line
