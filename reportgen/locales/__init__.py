"""Message catalogues: one YAML file per language, overridable per report (``labels:``)."""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping

import yaml

from ..findings import Finding, Severity
from ..paths import locales_dir

DEFAULT_LANGUAGE = "da"


@functools.cache
def _catalogue(language: str) -> dict[str, str]:
    path = locales_dir() / f"{language}.yaml"
    if not path.is_file():
        path = locales_dir() / f"{DEFAULT_LANGUAGE}.yaml"
    flat: dict[str, str] = {}

    def walk(node, prefix: str) -> None:
        for key, value in node.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(value, name + ".")
            else:
                flat[name] = str(value)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")), "")
    return flat


class Messages:
    """Texts in one language, with the report's own overrides on top."""

    def __init__(self, language: str | None = None, overrides: Mapping[str, str] | None = None):
        self.language = language or DEFAULT_LANGUAGE
        self._texts = {**_catalogue(self.language), **(overrides or {})}

    def __call__(self, name: str, /, **params) -> str:
        text = self._texts.get(name)
        if text is None:
            return name
        return string.Formatter().vformat(text, (), _Lenient(params))

    def finding(self, code: str, severity: Severity, /, *, file=None, cell=None, action=None, field=None,
                **params) -> Finding:
        return Finding(
            code=code,
            severity=severity,
            message=self(f"findings.{code}.message", **params),
            fix=self(f"findings.{code}.fix", **params),
            file=file,
            cell=cell,
            action=action,
            field=field,
        )


class _Lenient(dict):
    """Format parameters where a missing one shows as {name} instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def messages(language: str | None, overrides: Mapping[str, str] | None = None) -> Messages:
    return Messages(language, overrides)
