"""Findings and collection status as text for people (and as JSON for machines)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..checks import CheckOutcome
from ..configuration import names
from ..locales import Messages
from ..problems import CheckResult, Finding
from ..round.collection import Collection


def owners(outcome: CheckOutcome) -> Callable[[Finding], str]:
    """Finding -> the responsible person its sheet names (or "?")."""
    people = {file: str(data.cells[names.RESPONSIBLE].value or "").strip()
              for file, data in outcome.sheets.items() if names.RESPONSIBLE in data.cells}
    return lambda f: people.get(f.file or "") or "?"


def findings_text(result: CheckResult, t: Messages, owner: Callable[[Finding], str] | None = None) -> str:
    """Grouped by file (or by person, then file); errors before warnings; cell and fix on each."""
    lines = []
    by_group = owner or (lambda f: "")
    ordered = sorted(result.sorted(), key=lambda f: (by_group(f), f.file or ""))
    for group, in_group in itertools.groupby(ordered, key=by_group):
        if owner:
            lines.append(f"== {group}")
        for file, findings in itertools.groupby(in_group, key=lambda f: f.file or ""):
            lines.append(file or "-")
            for f in sorted(findings, key=lambda f: f.severity.value):
                where = f.cell.removeprefix("line ") if f.cell else ""
                lines.append(f"  {where:>6} {t('severity.' + f.severity.value):<9} {f.code}: {f.message}")
                if f.fix:
                    lines.append(f"  {'':>6} {'':<9} → {f.fix}")
    return "\n".join(lines)


def summary_line(result: CheckResult, t: Messages, actions: int | None, strict: bool) -> str:
    if not result.findings:
        return t("cli.clean")
    line = t("cli.summary", sheets=len(result.files), actions=actions if actions is not None else "?",
             errors=len(result.errors), warnings=len(result.warnings))
    return f"{line} {t('cli.strict')}" if strict and result.warnings else line


def collection_text(collection: Collection, t: Messages) -> str:
    data = collection.to_dict()
    lines = [t("cli.collection", received=data["received"], expected=data["expected"],
               errors=len(collection.with_errors))]
    missing = collection.by_person()
    if missing:
        lines.append(t("cli.missing", count=len(collection.missing)))
        for person, actions in missing.items():
            lines.append(f"  {person}: " + "; ".join(f"{e.number}. {e.title}" for e in actions))
    for number, files in collection.twice.items():
        lines.append(t("cli.twice", number=number, files=", ".join(files)))
    if collection.unexpected:
        lines.append(t("cli.unexpected", numbers=", ".join(map(str, collection.unexpected))))
    return "\n".join(lines)


def check_json(outcome: CheckOutcome, strict: bool, collection: Collection | None,
               feedback: list[Path]) -> dict[str, Any]:
    result = outcome.result
    data: dict[str, Any] = {
        "summary": {"sheets": len(result.files), "actions": len(outcome.catalogue.actions),
                    "errors": len(result.errors), "warnings": len(result.warnings), "ok": not result.failed(strict)},
        "findings": [f.to_dict() for f in result.sorted()],
    }
    if collection:
        data["collection"] = collection.to_dict()
    if feedback:
        data["feedback"] = [str(p) for p in feedback]
    return data
