"""The report configuration: one YAML file, loaded into a typed schema.

Everything that differs between editions lives here: the report's metadata and texts, the
themes, the fields of an action, the committees, the administrations and the statuses. The sheet
template, the reader, the checks, the pages and both matrices all derive from this declaration.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from .exceptions import ConfigError
from .findings import Finding, Severity
from .locales import Messages

DEFAULT_CONFIG = Path("inputs/report.yaml")

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,30}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]{0,80}$")]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class _Model(BaseModel):
    # Unknown keys are kept so that they can be reported as warnings (see unknown_keys()).
    model_config = ConfigDict(extra="allow", frozen=True)


class ReportMeta(_Model):
    title: Text = Field(min_length=1)
    edition: str
    version: str
    date: dt.date
    place: Text = ""
    organisation: Text = Field(min_length=1)
    language: str = "da"
    subject: Text = ""
    keywords: list[str] = []
    running_title: Text | None = None
    slug: Slug | None = None

    @field_validator("edition", "version", mode="before")
    @classmethod
    def _to_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) else value

    @property
    def running(self) -> str:
        return self.running_title or self.title.upper()

    @property
    def file_stem(self) -> str:
        return f"{self.slug or slugify(self.title)}-v{self.version}"


class Style(_Model):
    brand: Colour = "#1f4e79"


class Section(_Model):
    heading: Text = Field(min_length=1)
    text: str = ""
    new_page: bool = False


class Cover(_Model):
    heading: Text | None = None
    text: str = ""
    web: Text = ""
    dateline: Text = ""


class Theme(_Model):
    number: int = Field(ge=1, le=99)
    heading: Text = Field(min_length=1)
    subtitle: Text = ""
    intro: str = ""
    colour: Colour = "#2f5d8a"


class ActionField(_Model):
    key: Key
    label: Text = Field(min_length=1)
    required: bool = False
    help: Text = ""
    show_label: bool = True


class Committee(_Model):
    key: Key
    name: Text = Field(min_length=1)
    short: Text | None = None

    @property
    def abbreviation(self) -> str:
        return self.short or self.name


class Administration(Committee):
    pass


class Status(_Model):
    key: Key
    label: Text = Field(min_length=1)
    legend: Text = ""
    colour: Colour
    symbol: Text = Field(min_length=1, max_length=3)


class Marks(_Model):
    committee: Text = "x"
    anchoring: Text = "X"
    interest: Text = "x"


class SheetsSettings(_Model):
    folder: Path = Path("sheets")
    max_file_mb: float = Field(default=10, gt=0, le=500)
    max_rows: int = Field(default=400, ge=50, le=100_000)
    max_seconds: float = Field(default=10, gt=0, le=600)


class Round(_Model):
    """The collection round: what ``reportgen sheets --mail`` tells owners, what ``check`` expects."""

    deadline: dt.date | None = None
    return_address: Text = ""
    subject: Text = ""
    message: str = ""
    expected: Path | None = None            # round.json written by `reportgen sheets`, or a data.json
    people: dict[str, str] = {}             # responsible person -> e-mail address


class Config(_Model):
    report: ReportMeta
    style: Style = Style()
    cover: Cover = Cover()
    front_matter: list[Section] = []
    closing: str = ""
    themes: list[Theme] = Field(min_length=1)
    fields: list[ActionField] = Field(min_length=1)
    committees: list[Committee] = Field(min_length=1)
    administrations: list[Administration] = Field(min_length=1)
    statuses: list[Status] = Field(min_length=1)
    marks: Marks = Marks()
    sheets: SheetsSettings = SheetsSettings()
    round: Round = Round()
    changes_since: Path | None = None       # an earlier edition: adds "Ændringer siden sidste status"
    labels: dict[str, str] = {}
    base_dir: Path = Field(default=Path("."), exclude=True)

    @model_validator(mode="after")
    def _unique(self) -> "Config":
        for name, items, attr in (
            ("themes", self.themes, "number"),
            ("fields", self.fields, "key"),
            ("committees", self.committees, "key"),
            ("administrations", self.administrations, "key"),
            ("statuses", self.statuses, "key"),
        ):
            seen = [getattr(item, attr) for item in items]
            twice = sorted({str(v) for v in seen if seen.count(v) > 1})
            if twice:
                raise ValueError(f"{name}: {attr} used more than once: {', '.join(twice)}")
        return self

    @functools.cached_property
    def messages(self) -> Messages:
        """Texts in the report's language, with the configuration's own ``labels`` on top."""
        return Messages(self.report.language, self.labels)

    # Look-ups used throughout the pipeline.
    def theme(self, number: int) -> Theme | None:
        return next((t for t in self.themes if t.number == number), None)

    def status(self, key: str) -> Status | None:
        return next((s for s in self.statuses if s.key == key), None)

    @property
    def sheets_dir(self) -> Path:
        return self.base_dir / self.sheets.folder

    @property
    def changes_since_path(self) -> Path | None:
        return self.base_dir / self.changes_since if self.changes_since else None

    def signature(self) -> str:
        """A short hash of everything the standard sheet is made from.

        A sheet whose signature differs was made for another configuration (an earlier edition,
        say): it may still read, but it may lack a field or offer outdated choices.
        """
        shape = {
            "fields": [(f.key, f.required) for f in self.fields],
            "themes": [t.number for t in self.themes],
            "committees": [c.key for c in self.committees],
            "administrations": [a.key for a in self.administrations],
            "statuses": [s.key for s in self.statuses],
        }
        blob = json.dumps(shape, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:12]


def slugify(text: str) -> str:
    text = text.lower()
    for danish, ascii_ in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        text = text.replace(danish, ascii_)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# --- Loading ----------------------------------------------------------------------------------


def load_config(path: Path | str | None = None) -> tuple[Config, list[Finding]]:
    """Load and validate the configuration.

    Returns the config and its warnings (unknown keys). Raises :class:`ConfigError` with every
    problem found, each with its key and line, when the file cannot be used.
    """
    path = Path(path or DEFAULT_CONFIG)
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([_config_finding("config-unreadable", where, None, detail=str(exc))]) from None
    try:
        data, lines = _parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        detail = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([_config_finding("config-yaml", where, line, detail=detail)]) from None
    if not isinstance(data, dict):
        raise ConfigError([_config_finding("config-yaml", where, 1, detail="the file must be a mapping of keys")])
    data["base_dir"] = path.parent
    language = _language(data)
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_validation_findings(exc, where, lines, language)) from None
    warnings = [
        _config_finding(
            "config-unknown-key", where, lines.get(loc), Severity.WARNING, language=language, key=_dotted(loc)
        )
        for loc in unknown_keys(config)
    ]
    return config, warnings


def _language(data: dict) -> str | None:
    report = data.get("report")
    return report.get("language") if isinstance(report, dict) else None


def _parse_yaml(text: str) -> tuple[Any, dict[tuple, int]]:
    """Parse YAML, and map every key path (``('themes', 0, 'heading')``) to its line."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}

    def walk(n: yaml.Node, path: tuple) -> None:
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


def _validation_findings(exc: ValidationError, where: str, lines: dict[tuple, int], language) -> list[Finding]:
    findings = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), None)
        detail = error["msg"].removeprefix("Value error, ")
        key = _dotted(loc) or "(top)"
        findings.append(_config_finding("config-invalid", where, line, language=language, key=key, detail=detail))
    return findings


def unknown_keys(model: BaseModel, path: tuple = ()) -> list[tuple]:
    """Key paths present in the YAML that the schema does not know."""
    found = [path + (key,) for key in (model.model_extra or {})]
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            if isinstance(item, BaseModel):
                sub = path + (name,) + ((index,) if index is not None else ())
                found += unknown_keys(item, sub)
    return found


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _config_finding(
    code: str, file: str, line: int | None, severity=Severity.ERROR, language: str | None = None, **params
) -> Finding:
    cell = f"line {line}" if line else None
    return Messages(language).finding(code, severity, file=file, cell=cell, **params)
