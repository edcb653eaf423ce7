"""The one channel for problems: findings as data, and the exceptions that carry them.

A :class:`Finding` is what frictionless-py calls an error: a stable code, a severity, a
message and a fix in the report's language, and where it is (file, cell or line, action). Every
problem a user can see is one: the checker collects them all in one pass, the configuration's
loader reports each invalid key as one, and a build, a publish or an archive check that has to
stop raises a :class:`ReportgenError` that carries them. The CLI prints them, ``--format json``
dumps them, the preview page and the owners' feedback workbooks show them.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from typing import Any


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
    language: str | None = dataclasses.field(default=None, compare=False, repr=False)  # what it is worded in

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

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        del data["language"]
        data["severity"] = self.severity.value
        data["location"] = self.location
        return data


@dataclasses.dataclass
class CheckResult:
    """Everything ``check`` found, plus what it could read."""

    findings: list[Finding] = dataclasses.field(default_factory=list)
    files: list[str] = dataclasses.field(default_factory=list)
    summary: str = "cli.summary"  # the locale key of its summary line: sheets read, or a list's rows

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


def _cell_key(cell: str | None) -> tuple[int, str]:
    if not cell:
        return (0, "")
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits or 0), letters)


class ReportgenError(Exception):
    """Stops a run; carries the findings that say why (worded in the report's language).

    The exit code tells scripts what kind of stop it was (see :mod:`reportgen.cli`)."""

    exit_code = 3

    def __init__(self, findings: Iterable[Finding]):
        self.findings = list(findings)
        super().__init__("\n".join(f.describe() for f in self.findings))


class ConfigError(ReportgenError):
    """The configuration (or another file given on the command line) cannot be used."""

    exit_code = 2


class InputsError(ReportgenError):
    """The sheets have errors (or warnings under ``strict``); nothing was written."""

    exit_code = 1

    def __init__(self, result: CheckResult, actions: int | None = None):
        self.result, self.actions = result, actions  # actions: how many were read without errors
        super().__init__(result.findings)


class BuildError(ReportgenError):
    """Rendering or writing the report failed."""

    exit_code = 3


class AlreadyPublished(ReportgenError):
    """This version of the edition is in the archive already."""

    exit_code = 4


def read_problem(exc: BaseException) -> str:
    """Why a file could not be read, as a locale key under ``read_problems`` (the operating
    system's own words are English)."""
    kind = type(exc).__name__
    if kind in ("NotRegularFile", "FileTooLarge"):  # reportgen.paths' own
        return "not_regular" if kind == "NotRegularFile" else "too_large"
    if isinstance(exc, FileNotFoundError):
        return "missing"
    if isinstance(exc, IsADirectoryError):
        return "directory"
    if isinstance(exc, PermissionError):
        return "permission"
    if isinstance(exc, UnicodeDecodeError):
        return "encoding"
    if isinstance(exc, (ValueError, KeyError, TypeError, RecursionError)):
        return "format"
    return "other"
