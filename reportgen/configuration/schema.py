"""The configuration's typed schema: every key, its type, its default and its rules.

Everything that differs between editions lives here: the report's metadata and texts, the
themes, the fields of an action, the committees, the administrations and the statuses. The sheet
template, the reader, the checks, the pages and both matrices all derive from this declaration.
Rules that fail raise pydantic errors of reportgen's own types (:class:`PydanticCustomError`),
which :mod:`reportgen.configuration.loading` words from the locale.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import hashlib
import json
import string
import unicodedata
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..locales import Messages
from .names import slugify

DEFAULT_CONFIG = Path("inputs/report.yaml")
KeyPath = tuple[str | int, ...]  # where a value is: ("themes", 0, "heading")

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,30}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]{0,80}$")]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class _Model(BaseModel):
    # Unknown keys are kept so that they can be reported as warnings (see unknown_keys()).
    model_config = ConfigDict(extra="allow", frozen=True)


def _path_part(value: str) -> str:
    """A name that becomes part of a file or folder name (edition, version): never a path."""
    bad = [ch for ch in value if ch in "/\\" or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")]
    if not value.strip() or value.strip(". ") == "" or ".." in value or bad:
        raise PydanticCustomError("path_part", "not usable as part of a file name: {value}", {"value": value[:80]})
    return value


PathPart = Annotated[str, StringConstraints(max_length=80), AfterValidator(_path_part)]


class ReportMeta(_Model):
    title: Text = Field(min_length=1)
    edition: PathPart
    version: PathPart
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
            raise PydanticCustomError("file_kind", "expected a {kinds} file", {"kinds": ", ".join(suffixes)})
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
        except ValueError:  # a lone brace
            raise PydanticCustomError("running_line_brace", "a lone brace") from None
        for name, spec, conversion in fields:
            if name not in RUNNING_FIELDS or spec or conversion:  # plain names only: no attributes, no formats
                raise PydanticCustomError("running_line_placeholder", "unknown placeholder {name}",
                                          {"name": name, "known": ", ".join(RUNNING_FIELDS)})
        return value


class Section(_Model):
    heading: Text = Field(min_length=1)
    text: str = ""
    new_page: bool = False


class _Pictured(_Model):
    @model_validator(mode="after")
    def _described(self) -> _Pictured:
        if getattr(self, "image", None) is not None and not getattr(self, "image_alt", ""):
            raise PydanticCustomError("image_alt_missing", "describe the picture")
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
    base_dir: Path = Field(default=Path("."), exclude=True)         # set by the loader: the file's folder
    source_file: Path = Field(default=Path("report.yaml"), exclude=True)  # … and the file itself

    @model_validator(mode="after")
    def _unique(self) -> Config:
        for name, items, attr in (
            ("themes", self.themes, "number"),
            ("fields", self.fields, "key"),
            ("committees", self.committees, "key"),
            ("administrations", self.administrations, "key"),
            ("statuses", self.statuses, "key"),
        ):
            counts = collections.Counter(getattr(item, attr) for item in items)
            twice = sorted(str(v) for v, n in counts.items() if n > 1)
            if twice:
                raise PydanticCustomError("not_unique", "used more than once",
                                          {"list": name, "attr": attr, "values": ", ".join(twice)})
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

    def file_refs(self) -> list[tuple[KeyPath, Path]]:
        """The files the configuration names (fonts, logo, pictures): key path and the path as written."""
        named: list[tuple[KeyPath, Path | None]] = [(("style", "logo"), self.style.logo),
                                                  (("cover", "image"), self.cover.image)]
        if self.style.font:
            named += [(("style", "font", face), getattr(self.style.font, face)) for face in Font.model_fields]
        named += [(("themes", i, "image"), theme.image) for i, theme in enumerate(self.themes)]
        return [(loc, Path(path)) for loc, path in named if path is not None]

    def files(self) -> list[tuple[KeyPath, Path]]:
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
