"""Message catalogues: one YAML file per language, overridable per report (``labels:``)."""

from __future__ import annotations

import functools
import logging
import os
import re
import string
from collections.abc import Iterable, Mapping, Sequence
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
        return format_text(text, params)

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


MAX_WIDTH = 200  # the widest a placeholder's format may make its value ("{count:>3}")
_SPEC = re.compile(r"(?:[^{}]?[<>^])?(?P<width>\d{1,3})?")  # an alignment and a width: fits text and numbers


class UnsafePlaceholder(ValueError):
    """A placeholder the restricted formatter does not fill: ``problem`` is a locale key under
    ``placeholder_problems``, ``placeholder`` the text between the braces."""

    def __init__(self, problem: str, placeholder: str):
        super().__init__(problem, placeholder)
        self.problem, self.placeholder = problem, placeholder


class _SafeFormatter(string.Formatter):
    """``str.format`` for text a user may override (``labels:``, ``round.message``): named
    placeholders only, no attribute or index look-up (``{x.__class__}``, ``{0}``, ``{a[0]}``), no
    conversion (``!r``), no format but an alignment and a width of at most 200 (``{count:>3}``)."""

    def get_field(self, field_name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> tuple[Any, str]:
        if not field_name:
            raise UnsafePlaceholder("positional", "{}")
        if not field_name.isidentifier():
            raise UnsafePlaceholder("positional" if field_name[0].isdigit() else "lookup", "{" + field_name + "}")
        return kwargs[field_name], field_name

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion is not None:
            raise UnsafePlaceholder("format", "!" + conversion)
        return value

    def format_field(self, value: Any, format_spec: str) -> Any:
        match = _SPEC.fullmatch(format_spec)
        if not match or int(match["width"] or 0) > MAX_WIDTH:
            raise UnsafePlaceholder("format", ":" + format_spec)
        return format(value, format_spec)


_SAFE = _SafeFormatter()


def format_text(text: str, params: Mapping[str, Any]) -> str:
    """``text`` with its ``{name}`` placeholders filled from ``params`` by the restricted formatter;
    a name not given stays ``{name}``. Never raises: text it cannot fill is returned as written
    (the configuration's check reports such text when it is loaded)."""
    try:
        return _SAFE.vformat(text, (), _Lenient(params))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError):
        return text


def placeholder_problem(text: str, allowed: Iterable[str]) -> UnsafePlaceholder | None:
    """What keeps ``text`` from being a format this key can use, or None: a lone brace, a
    placeholder that is not a plain name, a format the formatter refuses, a name not ``allowed``."""
    known = set(allowed)
    try:
        parsed = list(_SAFE.parse(text))
    except ValueError:
        return UnsafePlaceholder("brace", "{" if "{" in text else "}")
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        shown = "{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
        try:
            _SAFE.get_field(name, (), {name: ""})
            _SAFE.convert_field("", conversion)
            _SAFE.format_field("", spec or "")
        except UnsafePlaceholder as problem:
            return UnsafePlaceholder(problem.problem, shown)
        except (ValueError, TypeError):
            return UnsafePlaceholder("format", shown)
        if name not in known:
            return UnsafePlaceholder("unknown", shown)
    return None


def placeholders(text: str) -> set[str]:
    """The plain names a (valid) text's placeholders use."""
    try:
        return {name for _, name, _, _ in _SAFE.parse(text) if name}
    except ValueError:
        return set()


class _Lenient(dict[str, Any]):
    """Format parameters where a missing one shows as {name} instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def catalogue_keys(language: str) -> set[str]:
    """Every key of one language's catalogue (the tests compare the languages)."""
    return set(_catalogue(language))


def catalogue_placeholders(name: str) -> set[str] | None:
    """The names the shipped texts of a key use (in either language), or None for a key no
    catalogue has."""
    texts = [_catalogue(language).get(name) for language in ("da", "en")]
    if all(text is None for text in texts):
        return None
    return set().union(*(placeholders(text) for text in texts if text is not None))
