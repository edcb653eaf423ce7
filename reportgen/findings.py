"""Problems found in the inputs, as data.

A :class:`Finding` is what frictionless-py calls an error: a stable code, a severity, a
message and a fix in the report's language, and where it is (file, cell, action). The checker
collects them all in one pass; the CLI prints them, ``--format json`` dumps them, and later a
preview page or a feedback workbook can show them.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclasses.dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    fix: str = ""
    file: str | None = None
    cell: str | None = None
    action: int | None = None
    field: str | None = None  # the sheet item (defined name) the finding is about

    @property
    def location(self) -> str:
        """``07-feriedestinationer.xlsx!B12``, or just the file, or nothing."""
        if self.file and self.cell:
            sep = ":" if self.cell.startswith("line ") else "!"
            return f"{self.file}{sep}{self.cell.removeprefix('line ')}"
        return self.file or ""

    def describe(self) -> str:
        where = f"{self.location}: " if self.location else ""
        fix = f" {self.fix}" if self.fix else ""
        return f"{where}{self.severity.value} [{self.code}] {self.message}{fix}"

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["severity"] = self.severity.value
        data["location"] = self.location
        return data


@dataclasses.dataclass
class CheckResult:
    """Everything ``check`` found, plus what it could read."""

    findings: list[Finding] = dataclasses.field(default_factory=list)
    files: list[str] = dataclasses.field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def sorted(self) -> list[Finding]:
        """Errors before warnings, then by file, action and cell."""
        order = {Severity.ERROR: 0, Severity.WARNING: 1}
        return sorted(
            self.findings,
            key=lambda f: (order[f.severity], f.file or "", f.action or 0, _cell_key(f.cell), f.code),
        )


def _cell_key(cell: str | None) -> tuple:
    if not cell:
        return (0, "")
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits or 0), letters)
