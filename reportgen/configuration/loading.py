"""Loading the configuration: YAML with a line for every key, validated against the schema.

Every problem becomes a finding with the key, the line and a fix in the report's language:
YAML errors, pydantic's errors (mapped from their type to the locale's words), unknown keys
(warnings), files the configuration names that are missing, and colours with too little contrast.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..locales import Messages, catalogue_placeholders, placeholder_problem
from ..paths import open_regular_file, read_head, read_regular_file
from ..problems import ConfigError, Finding, Severity, read_problem
from .glyphs import missing_glyphs
from .matching import KINDS, find
from .schema import MAIL_FIELDS, Config, KeyPath, find_config

MAX_ASSET_BYTES = 20 * 1024 * 1024
MAX_CONFIG_BYTES = 5 * 1024 * 1024



def load_config(path: Path | str | None = None) -> tuple[Config, list[Finding]]:
    """Load and validate the configuration.

    Returns the config and its warnings (unknown keys, weak contrast). Raises
    :class:`ConfigError` with every problem found, each with its key and line, when the file
    cannot be used.
    """
    path = Path(path or find_config())
    where = str(path)
    data, lines, numbers = _read(path, where)
    language = _language(data)
    logging.getLogger("reportgen").info(Messages(language)("cli.config_used", path=path.absolute()))
    data["base_dir"], data["source_file"] = path.parent, path
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_validation_findings(exc, where, lines, language)) from None
    warnings = [_unknown_key(config, loc, where, lines.get(loc), language) for loc in unknown_keys(config)]
    unusable_files = [(loc, file, problem) for loc, file in config.files() if (problem := _file_problem(file))]
    if unusable_files:
        raise ConfigError([_finding(problem, where, lines.get(loc), Severity.ERROR, language, key=_dotted(loc),
                                    path=str(file)) for loc, file, problem in unusable_files])
    unusable = (_placeholder_problems(config, where, lines, language) + _carry_problems(config, where, lines, language)
                + _glyph_problems(config, where, lines, language))
    if unusable:
        raise ConfigError(unusable)
    return config, (warnings + _number_warnings(config, numbers, where, lines, language)
                    + _contrast_warnings(config, where, lines, language)
                    + _greyscale_warnings(config, where, lines, language))


def _number_warnings(config: Config, numbers: dict[KeyPath, str], where: str, lines: dict[KeyPath, int],
                     language: str | None) -> list[Finding]:
    """Text that YAML read as a number and that the schema took back as text: ``version: 1.10``
    becomes the number 1.1, then the text "1.1". Said, with the line, so it can be quoted."""
    found = []
    for loc, written in numbers.items():
        value = _value_at(config, loc)
        if isinstance(value, str) and value != written and value.lstrip("vV") != written.lstrip("vV"):
            found.append(_finding("config-number-text", where, lines.get(loc), Severity.WARNING, language,
                                  key=_dotted(loc), written=written, read=value))
    return found


def _value_at(model: Any, loc: KeyPath) -> Any:
    """The validated value at a key path of the configuration, or None."""
    for part in loc:
        if isinstance(model, BaseModel) and isinstance(part, str):
            model = getattr(model, part, None)
        elif isinstance(model, (list, tuple)) and isinstance(part, int) and 0 <= part < len(model):
            model = model[part]
        elif isinstance(model, dict):
            model = model.get(part)
        else:
            return None
    return model


def _line(lines: dict[KeyPath, int], loc: KeyPath) -> int | None:
    """The line of a key path, or of the nearest key above it that has one."""
    return next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), None)


def _placeholder_problems(config: Config, where: str, lines: dict[KeyPath, int],
                          language: str | None) -> list[Finding]:
    """Every text the configuration gives that reportgen fills in (``labels:``, ``round.message``)
    may use only the placeholders of the text it replaces, as plain names (``{title}``): never
    ``{0}``, ``{x.__class__}``, ``{a[0]}``, ``!r`` or a width of a billion."""
    t = Messages(language)
    texts: list[tuple[KeyPath, str, set[str]]] = [(("round", "message"), config.round.message, set(MAIL_FIELDS))]
    for key, text in config.labels.items():
        allowed = catalogue_placeholders(key)
        if allowed is not None:  # a key no text has is never filled in
            texts.append((("labels", key), text, allowed))
    found = []
    for loc, text, allowed in texts:
        problem = placeholder_problem(text, allowed)
        if problem is not None:
            named = ", ".join("{" + name + "}" for name in sorted(allowed)) or t("placeholder_problems.none_allowed")
            found.append(_finding("config-placeholder", where, _line(lines, loc), Severity.ERROR, language,
                                  key=_dotted(loc), problem=t(f"placeholder_problems.{problem.problem}"),
                                  placeholder=problem.placeholder, allowed=named))
    return found


def _carry_problems(config: Config, where: str, lines: dict[KeyPath, int], language: str | None) -> list[Finding]:
    """``round.carry`` may map an old item only to one this configuration has (or to null)."""
    t = Messages(language)
    found = []
    for kind in KINDS:
        for old, new in getattr(config.round.carry, kind).items():
            if new is not None and find(config, kind, new) is None:
                loc: KeyPath = ("round", "carry", kind, str(old))
                found.append(_finding("config-carry-unknown", where, _line(lines, loc), Severity.ERROR, language,
                                      key=_dotted(loc), value=new, kinds=t(f"words.kinds_{kind}")))
    return found


def _glyph_problems(config: Config, where: str, lines: dict[KeyPath, int], language: str | None) -> list[Finding]:
    """A printed text with a character none of the report's fonts has would print as nothing."""
    return [_finding("config-glyph-missing", where, _line(lines, gap.key), Severity.ERROR, language,
                     key=_dotted(gap.key), char=gap.char, point=gap.code, fonts=", ".join(gap.fonts))
            for gap in missing_glyphs(config)]


def _read(path: Path, where: str) -> tuple[dict[str, Any], dict[KeyPath, int], dict[KeyPath, str]]:
    try:
        text = read_regular_file(path, MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = read_problem(exc)
        if problem == "too_large":
            raise ConfigError([_too_large(path, where)]) from None
        detail = Messages(None)(f"read_problems.{problem}")
        raise ConfigError([_finding("config-unreadable", where, None, Severity.ERROR, None, detail=detail)]) from None
    try:
        data, lines, numbers = _parse_yaml(text)
    except _AliasRefused as exc:
        raise ConfigError([_finding("config-yaml-alias", where, exc.line, Severity.ERROR,
                                    _sniff_language(text))]) from None
    except _DuplicateKey as exc:
        raise ConfigError([_finding("config-duplicate-key", where, exc.second, Severity.ERROR, _sniff_language(text),
                                    key=_dotted(exc.key), first=exc.first, second=exc.second)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        language = _sniff_language(text)
        raise ConfigError([_finding("config-yaml", where, line, Severity.ERROR, language,
                                    detail=_yaml_problem(getattr(exc, "problem", None) or "", language))]) from None
    if not isinstance(data, dict):
        raise ConfigError([_finding("config-not-mapping", where, 1, Severity.ERROR, _sniff_language(text))])
    return data, lines, numbers


def _too_large(path: Path, where: str) -> Finding:
    """A configuration over 5 MB: its size and the limit, in its language if its first 64 kB say it."""
    try:
        size, head = path.stat().st_size, read_head(path, 65536).decode("utf-8", "replace")
    except OSError:
        size, head = MAX_CONFIG_BYTES + 1, ""
    language = _sniff_language(head)
    shown = f"{size / 2**20:.1f}"
    return _finding("config-too-large", where, None, Severity.ERROR, language,
                    size=shown if language == "en" else shown.replace(".", ","), limit=MAX_CONFIG_BYTES // 2**20)


_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf", b"wOFF", b"wOF2")
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")  # a PNG named .jpg still shows: the content decides
_MAGIC = {".png": _IMAGE_MAGIC, ".jpg": _IMAGE_MAGIC, ".jpeg": _IMAGE_MAGIC,
          ".ttf": _FONT_MAGIC, ".otf": _FONT_MAGIC, ".woff": _FONT_MAGIC, ".woff2": _FONT_MAGIC}
SNIFF_BYTES = 8192


def _file_problem(path: Path) -> str | None:
    """Why a file the configuration names cannot be used (a finding's code), or None. It must be a
    regular file (wherever a link leads) of at most 20 MB whose content is what its name says: a
    font, a PNG, a JPEG or an SVG. A logo that links to /etc/passwd is not embedded in the PDF."""
    try:
        with open_regular_file(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(SNIFF_BYTES)
    except OSError:
        return "config-file-missing"
    if size > MAX_ASSET_BYTES:
        return "config-file-missing"
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return None if b"<svg" in head and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else "config-file-kind"
    return None if head.startswith(_MAGIC.get(suffix, ())) else "config-file-kind"


def _contrast_warnings(config: Config, where: str, lines: dict[KeyPath, int], language: str | None) -> list[Finding]:
    """WCAG 2.1 AA asks 4.5:1 for text: white on theme colours, black on status tints."""
    pairs: list[tuple[KeyPath, str, str]] = [(("style", "brand"), config.style.brand, "#ffffff")]
    pairs += [(("themes", i, "colour"), t.colour, "#ffffff") for i, t in enumerate(config.themes)]
    pairs += [(("statuses", i, "colour"), s.colour, "#1d1d1b") for i, s in enumerate(config.statuses)]
    return [_finding("config-contrast", where, lines.get(loc), Severity.WARNING, language, key=_dotted(loc),
                     ratio=f"{contrast(a, b):.1f}")
            for loc, a, b in pairs if contrast(a, b) < 4.5]


def luminance(colour: str) -> float:
    """The relative luminance of a #rrggbb colour (WCAG): how light it prints in grey."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(colour_a: str, colour_b: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""
    high, low = sorted((luminance(colour_a), luminance(colour_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


MIN_GREY_STEP = 0.06  # luminance between two status tints, so a grey print still tells them apart


def _greyscale_warnings(config: Config, where: str, lines: dict[KeyPath, int], language: str | None) -> list[Finding]:
    """Status tints that print as the same grey (a black-and-white copy): the symbol and the word
    still tell them apart, but the rows of the matrix no longer do."""
    statuses = list(enumerate(config.statuses))
    return [_finding("config-greyscale", where, lines.get(("statuses", j, "colour")), Severity.WARNING, language,
                     key=f"statuses[{j}].colour", first=a.label, second=b.label)
            for n, (i, a) in enumerate(statuses) for j, b in statuses[n + 1:]
            if abs(luminance(a.colour) - luminance(b.colour)) < MIN_GREY_STEP]


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


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: KeyPath, first: int, second: int):
        super().__init__(key)
        self.key, self.first, self.second = key, first, second


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: a configuration needs none, and aliases can make a small
    file expand without bound (the "billion laughs"). A date that is no date (2026-02-30) stays the
    text it is, for the schema to refuse with its line."""

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _AliasRefused(event.start_mark.line + 1 if event.start_mark else 0)
        return super().compose_node(parent, index)

    def construct_lenient_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp", _NoAliasLoader.construct_lenient_timestamp)
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def _parse_yaml(text: str) -> tuple[Any, dict[KeyPath, int], dict[KeyPath, str]]:
    """Parse YAML; map every key path (``('themes', 0, 'heading')``) to its line, and every plain
    number to the text it was written as. A key given twice in one mapping is refused."""
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    numbers: dict[KeyPath, str] = {}

    def walk(n: yaml.Node, path: KeyPath) -> None:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            for key_node, value_node in n.value:
                key = path + (key_node.value,)
                if key in lines:
                    raise _DuplicateKey(key, lines[key], key_node.start_mark.line + 1)
                walk(value_node, key)
                lines[key] = key_node.start_mark.line + 1
        elif isinstance(n, yaml.SequenceNode):
            for index, item in enumerate(n.value):
                walk(item, path + (index,))
        elif n.tag in _NUMBER_TAGS and isinstance(n, yaml.ScalarNode) and not n.style:
            numbers[path] = str(n.value)

    if node is not None:
        walk(node, ())
    return data, lines, numbers


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
    "not_unique": "not_unique", "hyphenation_mismatch": "hyphenation_mismatch", "mentions_field": "mentions_field",
    "field_kind": "field_kind", "field_option": "field_option", "field_choices": "field_choices",
    "field_after": "field_after", "field_done": "field_done",
}


def _validation_findings(exc: ValidationError, where: str, lines: dict[KeyPath, int],
                         language: str | None) -> list[Finding]:
    t = Messages(language)
    findings = []
    for error in exc.errors():
        loc: KeyPath = tuple(error["loc"]) + tuple((error.get("ctx") or {}).get("at", ()))  # a model's rule says where
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


def _unknown_key(config: Config, loc: KeyPath, where: str, line: int | None, language: str | None) -> Finding:
    """The unknown-key warning, with the known key of the same place it is most like ("color":
    did you mean "colour"?), found with difflib among the schema's keys there."""
    found = _finding("config-unknown-key", where, line, Severity.WARNING, language, key=_dotted(loc))
    parent: Any = config
    for part in loc[:-1]:
        parent = parent[part] if isinstance(part, int) else getattr(parent, part)
    known = [name for name, info in type(parent).model_fields.items() if not info.exclude]
    like = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
    if not like:
        return found
    return dataclasses.replace(found, fix=Messages(language)("config_errors.did_you_mean",
                                                             key=_dotted((*loc[:-1], like[0]))))


def _dotted(loc: KeyPath) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _finding(code: str, file: str, line: int | None, severity: Severity, language: str | None,
             **params: Any) -> Finding:
    cell = f"line {line}" if line else None
    return Messages(language).finding(code, severity, file=file, cell=cell, **params)
