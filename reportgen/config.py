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
import string
import unicodedata
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError,
                      field_validator, model_validator)

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

    @property
    def pdf_name(self) -> str:
        return f"{self.file_stem}.pdf"


Length = Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+)?(mm|cm|pt|in)$")]


def _kind(*suffixes: str) -> AfterValidator:
    def check(path: Path) -> Path:
        if path.suffix.lower() not in suffixes:
            raise ValueError(f"{path}: expected a {', '.join(suffixes)} file")
        return path
    return AfterValidator(check)


FontFile = Annotated[Path, _kind(".ttf", ".otf", ".woff", ".woff2")]
ImageFile = Annotated[Path, _kind(".png", ".jpg", ".jpeg", ".svg")]
RUNNING_FIELDS = ("title", "running", "version", "edition", "date", "organisation")


class Font(_Model):
    """The text font's files, relative to the configuration; a missing face falls back to a near one."""

    regular: FontFile
    italic: FontFile | None = None
    semibold: FontFile | None = None
    bold: FontFile | None = None
    bold_italic: FontFile | None = None

    def faces(self) -> list[tuple[Path, int, str]]:
        """(file, weight, style) for every face the stylesheet declares."""
        bold = self.bold or self.semibold or self.regular
        return [(self.regular, 400, "normal"), (self.italic or self.regular, 400, "italic"),
                (self.semibold or bold, 600, "normal"), (bold, 700, "normal"),
                (self.bold_italic or self.italic or bold, 700, "italic")]


class Margins(_Model):
    top: Length = "18mm"
    right: Length = "17mm"
    bottom: Length = "20mm"
    left: Length = "17mm"

    def css(self) -> str:
        return f"{self.top} {self.right} {self.bottom} {self.left}"


class Style(_Model):
    """The house style: everything a municipality sets without touching a template."""

    brand: Colour = "#1f4e79"
    font: Font | None = None                # None: Open Sans, shipped with reportgen
    font_size: Length = "9.8pt"
    margins: Margins = Margins()
    logo: ImageFile | None = None           # on the cover and at the top of the web edition
    running_line: str | None = None         # e.g. "[ {running} ] Version {version}"; "" for none

    @field_validator("running_line")
    @classmethod
    def _fields_known(cls, value: str | None) -> str | None:
        try:
            fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(value or "")
                      if name is not None]
        except ValueError as exc:  # a lone brace
            raise ValueError(f"{exc} (write {{{{ and }}}} for braces)") from None
        for name, spec, conversion in fields:
            if name not in RUNNING_FIELDS or spec or conversion:  # plain names only: no attributes, no formats
                raise ValueError(f"unknown placeholder {{{name}}} (known: {', '.join(RUNNING_FIELDS)})")
        return value


class Section(_Model):
    heading: Text = Field(min_length=1)
    text: str = ""
    new_page: bool = False


class _Pictured(_Model):
    @model_validator(mode="after")
    def _described(self):
        if getattr(self, "image", None) is not None and not self.image_alt:
            raise ValueError("image_alt: describe the picture for readers who cannot see it (screen readers, "
                             "the tagged PDF)")
        return self


class Cover(_Pictured):
    heading: Text | None = None
    text: str = ""
    web: Text = ""
    dateline: Text = ""
    image: ImageFile | None = None
    image_alt: Text = ""                    # required with an image: what it shows


class Theme(_Pictured):
    number: int = Field(ge=1, le=99)
    heading: Text = Field(min_length=1)
    subtitle: Text = ""
    intro: str = ""
    colour: Colour = "#2f5d8a"
    image: ImageFile | None = None          # on the theme's opening page
    image_alt: Text = ""


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

    def running_line(self) -> str:
        """The line in every page footer (besides the page number)."""
        pattern = self.style.running_line
        if pattern is None:
            pattern = "[ {running} ] " + self.messages("report.version") + " {version}"
        r = self.report
        return pattern.format(title=r.title, running=r.running, version=r.version, edition=r.edition,
                              date=r.date.isoformat(), organisation=r.organisation)

    def file_refs(self) -> list[tuple[tuple, Path]]:
        """The files the configuration names (fonts, logo, pictures): key path and the path as written."""
        named: list[tuple[tuple, Path | None]] = [(("style", "logo"), self.style.logo),
                                                  (("cover", "image"), self.cover.image)]
        if self.style.font:
            named += [(("style", "font", face), getattr(self.style.font, face)) for face in Font.model_fields]
        named += [(("themes", i, "image"), theme.image) for i, theme in enumerate(self.themes)]
        return [(loc, Path(path)) for loc, path in named if path is not None]

    def files(self) -> list[tuple[tuple, Path]]:
        """The files the configuration names: key path and where the file is."""
        return [(loc, self.base_dir / path) for loc, path in self.file_refs()]

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
    missing = [_config_finding("config-file-missing", where, lines.get(loc), language=language, key=_dotted(loc),
                               path=str(path)) for loc, path in config.files() if not _usable_file(path)]
    if missing:
        raise ConfigError(missing)
    return config, warnings + _contrast_warnings(config, where, lines, language)


MAX_ASSET_BYTES = 20 * 1024 * 1024


def _usable_file(path: Path) -> bool:
    return path.is_file() and path.stat().st_size <= MAX_ASSET_BYTES


def _contrast_warnings(config: Config, where: str, lines: dict, language) -> list[Finding]:
    """WCAG 2.1 AA asks 4.5:1 for text: white on theme colours, black on status tints."""
    pairs = [(("style", "brand"), config.style.brand, "#ffffff")]
    pairs += [(("themes", i, "colour"), t.colour, "#ffffff") for i, t in enumerate(config.themes)]
    pairs += [(("statuses", i, "colour"), s.colour, "#1d1d1b") for i, s in enumerate(config.statuses)]
    return [_config_finding("config-contrast", where, lines.get(loc), Severity.WARNING, language=language,
                            key=_dotted(loc), ratio=f"{contrast(a, b):.1f}")
            for loc, a, b in pairs if contrast(a, b) < 4.5]


def contrast(colour_a: str, colour_b: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(colour_a), luminance(colour_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


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
