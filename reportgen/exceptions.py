"""The few exceptions reportgen raises to its callers.

Every problem a user can cause (a bad configuration, a broken sheet) is reported as data
(:class:`reportgen.findings.Finding`); these exceptions only carry such findings, or say that
something outside the user's inputs went wrong.
"""

from __future__ import annotations


class ReportgenError(Exception):
    """Base class: anything reportgen reports to a user without a traceback."""

    exit_code = 3


class ConfigError(ReportgenError):
    """The configuration cannot be used; ``findings`` says every reason."""

    exit_code = 2

    def __init__(self, findings):
        self.findings = list(findings)
        super().__init__("\n".join(f.describe() for f in self.findings))


class InputsError(ReportgenError):
    """The sheets have errors (or warnings under ``strict``); nothing was written."""

    exit_code = 1

    def __init__(self, result, messages=None):
        self.result, self.messages = result, messages  # messages: in the report's language
        super().__init__(f"{len(result.errors)} error(s) in the inputs")


class BuildError(ReportgenError):
    """Rendering or writing the report failed."""

    exit_code = 3
