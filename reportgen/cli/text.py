"""Findings and collection status as text for people (and as JSON for machines)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..checks import CheckOutcome
from ..configuration import names
from ..locales import Messages
from ..problems import CheckResult, Finding
from ..round.collection import Collection

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text as it may reach a terminal: control characters (an escape sequence in a file name, a
    right-to-left override) written out as ``\\x1b``, ``\\u202e``; bytes of a file name that are not
    UTF-8 as ``\\xff``. Line breaks and tabs stay."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


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
                where = _where(f.cell, t)
                lines.append(f"  {where:>6} {t('severity.' + f.severity.value):<9} {f.code}: {f.message}")
                if f.fix:
                    lines.append(f"  {'':>6} {'':<9} → {f.fix}")
    return "\n".join(lines)


def _where(cell: str | None, t: Messages) -> str:
    """A finding's place in its file: a cell (B12), a line of the configuration, a page of the PDF."""
    if not cell:
        return ""
    if cell.startswith("page "):
        return t("cli.page", page=cell.removeprefix("page "))
    return cell.removeprefix("line ")


def summary_line(result: CheckResult, t: Messages, actions: int | None, strict: bool) -> str:
    if not result.findings:
        return t("cli.clean")
    line = t(result.summary, sheets=len(result.files), file=", ".join(result.files),
             actions=actions if actions is not None else "?", errors=len(result.errors), warnings=len(result.warnings))
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
