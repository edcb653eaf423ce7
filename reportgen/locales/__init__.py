"""Message catalogues: one YAML file per language, overridable per report (``labels:``)."""

from __future__ import annotations

import functools
import logging
import os
import string
from collections.abc import Mapping
from typing import Any

import yaml

from ..paths import locales_dir
from ..problems import Finding, Severity

DEFAULT_LANGUAGE = "da"
STRICT_ENV = "REPORTGEN_STRICT_MESSAGES"  # set by the tests: a missing key fails instead of printing the key
log = logging.getLogger(__name__)


class MissingMessage(KeyError):
    """A message key that no catalogue has (raised only under ``REPORTGEN_STRICT_MESSAGES``)."""


@functools.cache
def _catalogue(language: str) -> dict[str, str]:
    path = locales_dir() / f"{language}.yaml"
    if not path.is_file():
        path = locales_dir() / f"{DEFAULT_LANGUAGE}.yaml"
    flat: dict[str, str] = {}

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(value, name + ".")
            else:
                flat[name] = str(value)

    # libyaml's safe loader where PyYAML has it (a tenth of the time: the catalogues are read by
    # every command, `check` included); the same safe loader in Python otherwise.
    walk(yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), "")
    return flat


class Messages:
    """Texts in one language, with the report's own overrides on top."""

    def __init__(self, language: str | None = None, overrides: Mapping[str, str] | None = None):
        self.language = language or DEFAULT_LANGUAGE
        self._texts = {**_catalogue(self.language), **(overrides or {})}

    def __call__(self, name: str, /, **params: Any) -> str:
        text = self._texts.get(name)
        if text is None:
            if os.environ.get(STRICT_ENV):
                raise MissingMessage(f"{self.language}: {name}")
            log.warning("no text for %s in the %s messages", name, self.language)
            return name
        return string.Formatter().vformat(text, (), _Lenient(params))

    def describe(self, finding: Finding) -> str:
        """One finding on one line, in this language: ``file!B12: fejl [code] message fix``."""
        where = f"{finding.location}: " if finding.location else ""
        fix = f" {finding.fix}" if finding.fix else ""
        return f"{where}{self('severity.' + finding.severity.value)} [{finding.code}] {finding.message}{fix}"

    def has(self, name: str) -> bool:
        return name in self._texts

    def finding(self, code: str, severity: Severity, /, *, file: str | None = None, cell: str | None = None,
                action: int | None = None, field: str | None = None, **params: Any) -> Finding:
        return Finding(
            code=code,
            severity=severity,
            message=self(f"findings.{code}.message", **params),
            fix=self(f"findings.{code}.fix", **params),
            file=file,
            cell=cell,
            action=action,
            field=field,
            language=self.language,
        )


class _Lenient(dict[str, Any]):
    """Format parameters where a missing one shows as {name} instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def catalogue_keys(language: str) -> set[str]:
    """Every key of one language's catalogue (the tests compare the languages)."""
    return set(_catalogue(language))
