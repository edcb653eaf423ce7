"""Loading the configuration: YAML with a line for every key, validated against the schema.

Every problem becomes a finding with the key, the line and a fix in the report's language:
YAML errors, pydantic's errors (mapped from their type to the locale's words), unknown keys
(warnings), files the configuration names that are missing, and colours with too little contrast.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..locales import Messages
from ..paths import read_regular_file
from ..problems import ConfigError, Finding, Severity, read_problem
from .schema import DEFAULT_CONFIG, Config, KeyPath

MAX_ASSET_BYTES = 20 * 1024 * 1024
MAX_CONFIG_BYTES = 5 * 1024 * 1024



def load_config(path: Path | str | None = None) -> tuple[Config, list[Finding]]:
    """Load and validate the configuration.

    Returns the config and its warnings (unknown keys, weak contrast). Raises
    :class:`ConfigError` with every problem found, each with its key and line, when the file
    cannot be used.
    """
    path = Path(path or DEFAULT_CONFIG)
    where = str(path)
    data, lines = _read(path, where)
    language = _language(data)
    data["base_dir"], data["source_file"] = path.parent, path
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_validation_findings(exc, where, lines, language)) from None
    warnings = [_finding("config-unknown-key", where, lines.get(loc), Severity.WARNING, language, key=_dotted(loc))
                for loc in unknown_keys(config)]
    missing = [_finding("config-file-missing", where, lines.get(loc), Severity.ERROR, language, key=_dotted(loc),
                        path=str(file)) for loc, file in config.files() if not _usable_file(file)]
    if missing:
        raise ConfigError(missing)
    return config, warnings + _contrast_warnings(config, where, lines, language)


def _read(path: Path, where: str) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    try:
        text = read_regular_file(path, MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        detail = Messages(None)(f"read_problems.{read_problem(exc)}")
        raise ConfigError([_finding("config-unreadable", where, None, Severity.ERROR, None, detail=detail)]) from None
    try:
        data, lines = _parse_yaml(text)
    except _AliasRefused as exc:
        raise ConfigError([_finding("config-yaml-alias", where, exc.line, Severity.ERROR,
                                    _sniff_language(text))]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        language = _sniff_language(text)
        raise ConfigError([_finding("config-yaml", where, line, Severity.ERROR, language,
                                    detail=_yaml_problem(getattr(exc, "problem", None) or "", language))]) from None
    if not isinstance(data, dict):
        raise ConfigError([_finding("config-not-mapping", where, 1, Severity.ERROR, _sniff_language(text))])
    return data, lines


def _usable_file(path: Path) -> bool:
    return path.is_file() and path.stat().st_size <= MAX_ASSET_BYTES


def _contrast_warnings(config: Config, where: str, lines: dict[KeyPath, int], language: str | None) -> list[Finding]:
    """WCAG 2.1 AA asks 4.5:1 for text: white on theme colours, black on status tints."""
    pairs: list[tuple[KeyPath, str, str]] = [(("style", "brand"), config.style.brand, "#ffffff")]
    pairs += [(("themes", i, "colour"), t.colour, "#ffffff") for i, t in enumerate(config.themes)]
    pairs += [(("statuses", i, "colour"), s.colour, "#1d1d1b") for i, s in enumerate(config.statuses)]
    return [_finding("config-contrast", where, lines.get(loc), Severity.WARNING, language, key=_dotted(loc),
                     ratio=f"{contrast(a, b):.1f}")
            for loc, a, b in pairs if contrast(a, b) < 4.5]


def contrast(colour_a: str, colour_b: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(colour_a), luminance(colour_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _language(data: Mapping[str, Any]) -> str | None:
    report = data.get("report")
    language = report.get("language") if isinstance(report, dict) else None
    return language if isinstance(language, str) else None


# PyYAML's own words (English) for the mistakes people make, mapped to the locale's.
_YAML_PROBLEMS = {
    "mapping values are not allowed here": "colon", "could not find expected ':'": "colon",
    "found character '\\t' that cannot start any token": "tab", "found unexpected end of stream": "quote",
    "found duplicate anchor": "other", "expected <block end>, but found": "indent",
    "did not find expected key": "indent", "did not find expected '-' indicator": "indent",
}


def _yaml_problem(problem: str, language: str | None) -> str:
    kind = next((k for text, k in _YAML_PROBLEMS.items() if problem.startswith(text)), "other")
    return Messages(language)(f"yaml_problems.{kind}")


def _sniff_language(text: str) -> str | None:
    """The report's language from a file that is not valid YAML, so its errors are in it too."""
    match = re.search(r"^\s+language:\s*[\"']?([a-z]{2})\b", text, re.MULTILINE)
    return match[1] if match else None


class _AliasRefused(yaml.YAMLError):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: a configuration needs none, and aliases can make a small
    file expand without bound (the "billion laughs")."""

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _AliasRefused(event.start_mark.line + 1 if event.start_mark else 0)
        return super().compose_node(parent, index)


def _parse_yaml(text: str) -> tuple[Any, dict[KeyPath, int]]:
    """Parse YAML, and map every key path (``('themes', 0, 'heading')``) to its line."""
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}

    def walk(n: yaml.Node, path: KeyPath) -> None:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            for key_node, value_node in n.value:
                walk(value_node, path + (key_node.value,))
                lines[path + (key_node.value,)] = key_node.start_mark.line + 1
        elif isinstance(n, yaml.SequenceNode):
            for index, item in enumerate(n.value):
                walk(item, path + (index,))

    if node is not None:
        walk(node, ())
    return data, lines


# pydantic's error types that mean the same to a user share one message.
_ERROR_KINDS = {
    "missing": "missing", "string_too_short": "empty", "too_short": "empty", "string_too_long": "too_long",
    "too_long": "too_long", "string_pattern_mismatch": "pattern", "int_parsing": "number", "int_type": "number",
    "int_from_float": "number", "float_parsing": "number", "float_type": "number", "greater_than": "range",
    "greater_than_equal": "range", "less_than": "range", "less_than_equal": "range", "bool_parsing": "bool",
    "bool_type": "bool", "date_parsing": "date", "date_from_datetime_parsing": "date", "date_type": "date",
    "date_from_datetime_inexact": "date", "string_type": "text", "list_type": "list", "dict_type": "mapping",
    "model_type": "mapping", "model_attributes_type": "mapping", "path_type": "text",
    "path_part": "path_part", "file_kind": "file_kind", "running_line_brace": "running_line_brace",
    "running_line_placeholder": "running_line_placeholder", "image_alt_missing": "image_alt_missing",
    "not_unique": "not_unique",
}


def _validation_findings(exc: ValidationError, where: str, lines: dict[KeyPath, int],
                         language: str | None) -> list[Finding]:
    t = Messages(language)
    findings = []
    for error in exc.errors():
        loc: KeyPath = tuple(error["loc"])
        line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), None)
        findings.append(_finding("config-invalid", where, line, Severity.ERROR, language, key=_dotted(loc) or "(top)",
                                 detail=_detail(t, error)))
    return findings


def _detail(t: Messages, error: ErrorDetails) -> str:
    """What is wrong with a value, in the report's language (pydantic's words are English)."""
    kind = _ERROR_KINDS.get(error["type"], "other")
    context = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    value = error.get("input")
    shown = str(value)[:60] if isinstance(value, (str, int, float)) else ""
    return t(f"config_errors.{kind}", **({"value": shown} | context))


def unknown_keys(model: BaseModel, path: KeyPath = ()) -> list[KeyPath]:
    """Key paths present in the YAML that the schema does not know."""
    found: list[KeyPath] = [path + (key,) for key in (model.model_extra or {})]
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            if isinstance(item, BaseModel):
                sub = path + (name,) + ((index,) if index is not None else ())
                found += unknown_keys(item, sub)
    return found


def _dotted(loc: KeyPath) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _finding(code: str, file: str, line: int | None, severity: Severity, language: str | None,
             **params: Any) -> Finding:
    cell = f"line {line}" if line else None
    return Messages(language).finding(code, severity, file=file, cell=cell, **params)
