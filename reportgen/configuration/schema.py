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

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..fields import KINDS, TEXT
from ..locales import Messages, format_text
from .names import slugify

DEFAULT_CONFIG = Path("inputs/report.yaml")
CONFIG_PLACES = (Path("report.yaml"), DEFAULT_CONFIG)  # where a command looks when -c is not given, in order


def find_config(folder: Path | None = None) -> Path:
    """The configuration a command uses when none is named, as MkDocs finds ``mkdocs.yml``:
    ``report.yaml`` in the working folder (or ``folder``), else ``inputs/report.yaml``."""
    base = folder if folder is not None else Path()
    return next((place for place in CONFIG_PLACES if (base / place).is_file()), DEFAULT_CONFIG)
KeyPath = tuple[str | int, ...]  # where a value is: ("themes", 0, "heading")

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,30}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]{0,80}$")]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class _Model(BaseModel):
    # Unknown keys are kept so that they can be reported as warnings (see unknown_keys()).
    # A docstring under a field is its description: docs/configuration.md is made from them
    # (python -m reportgen.configuration.reference reads them from this file's source; pydantic's
    # use_attribute_docstrings would read them on every import, a tenth of a second).
    model_config = ConfigDict(extra="allow", frozen=True)


def _path_part(value: str) -> str:
    """A name that becomes part of a file or folder name (edition, version): never a path."""
    bad = [ch for ch in value if ch in "/\\" or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")]
    if not value.strip() or value.strip(". ") == "" or ".." in value or bad:
        raise PydanticCustomError("path_part", "not usable as part of a file name: {value}", {"value": value[:80]})
    return value


PathPart = Annotated[str, StringConstraints(max_length=80), AfterValidator(_path_part)]


class ReportMeta(_Model):
    """The report itself: its title, edition and version, date, organisation and language."""

    title: Text = Field(min_length=1)
    """The report's title: on the cover, in the PDF's metadata and (in upper case) in the running line. Example: Status
    of the action catalogue 2018"""
    edition: PathPart
    """The edition: the archive's folder (`archive/<edition>/v<version>`); no `/`, `\\`, `..` or control characters.
    Example: 2018"""
    version: PathPart
    """This version of the edition: in the PDF's file name, the archive folder (`v<version>`) and the running line.
    `v1.0` and `1.0` are the same version (a leading `v` is dropped). Example: 1.0"""
    date: dt.date
    """The edition's date (YYYY-MM-DD): the PDF's creation date, and the date stamped into the sheets reportgen writes.
    Example: 2018-05-31"""
    place: Text = ""
    """Where the report is made. Example: Aabybro"""
    organisation: Text = Field(min_length=1)
    """Who publishes the report: the PDF's author, the signature of the e-mail drafts. Example: Jammerbugt Kommune"""
    language: str = "da"
    """The report's language, `da` or `en`: every word reportgen prints, the sheet's labels and guidance, the messages,
    the PDF's language. Example: en"""
    subject: Text = ""
    """The PDF's subject (metadata)."""
    keywords: list[str] = []
    """The PDF's keywords (metadata). Example: [action catalogue, status]"""
    running_title: Text | None = None
    """The title in the running line; default: the title in upper case."""
    slug: Slug | None = None
    """The output names' start, before `-v<version>` (a-z, 0-9, `.`, `-`); default: made from the title. The edition
    is added after it unless it is already in it (`plan` of edition 2018: `plan-2018-v1.0.pdf`), so one edition's
    files never replace another's. Example: annual-plan-2018"""

    @field_validator("edition", "version", mode="before")
    @classmethod
    def _to_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) else value

    @field_validator("version")
    @classmethod
    def _without_v(cls, value: str) -> str:
        """"v1.0" and "1.0" are the same version: file names, archive folders and the running line
        add their own "v" or "Version", so a leading "v" before a digit is dropped."""
        return value[1:] if len(value) > 1 and value[0] in "vV" and value[1].isdigit() else value

    @property
    def running(self) -> str:
        return self.running_title or self.title.upper()

    @property
    def file_stem(self) -> str:
        """``<slug>-<edition>-v<version>``; the edition left out when the slug already has it."""
        base, edition = self.slug or slugify(self.title), slugify(self.edition)
        if edition and f"-{edition}-" not in f"-{base}-":
            base = f"{base}-{edition}"
        return f"{base}-v{self.version}"

    @property
    def pdf_name(self) -> str:
        return f"{self.file_stem}.pdf"


Length = Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+)?(mm|cm|pt|in)$")]
HyphenWord = Annotated[str, StringConstraints(pattern=r"^[^\W\d_]{2,60}$")]  # one word, letters only
HyphenBreaks = Annotated[str, StringConstraints(pattern=r"^[^\W\d_]+(-[^\W\d_]+)*$")]  # the word, - where it breaks


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
    """The regular face (required): the body text, and the face the others fall back to. Example:
    fonts/House-Regular.ttf"""
    italic: FontFile | None = None
    """The italic face; default: the regular one."""
    semibold: FontFile | None = None
    """The semibold face (headings); default: the bold one."""
    bold: FontFile | None = None
    """The bold face; default: the semibold one, else the regular one."""
    bold_italic: FontFile | None = None
    """The bold italic face; default: the italic one, else the bold one."""

    def faces(self) -> list[tuple[Path, int, str]]:
        """(file, weight, style) for every face the stylesheet declares."""
        bold = self.bold or self.semibold or self.regular
        return [(self.regular, 400, "normal"), (self.italic or self.regular, 400, "italic"),
                (self.semibold or bold, 600, "normal"), (bold, 700, "normal"),
                (self.bold_italic or self.italic or bold, 700, "italic")]


class Margins(_Model):
    """The printed page's margins, as CSS lengths (mm, cm, pt or in)."""

    top: Length = "18mm"
    """The top margin."""
    right: Length = "17mm"
    """The right margin."""
    bottom: Length = "20mm"
    """The bottom margin (the running line is in it)."""
    left: Length = "17mm"
    """The left margin."""

    def css(self) -> str:
        return f"{self.top} {self.right} {self.bottom} {self.left}"


class Style(_Model):
    """The house style: everything a municipality sets without touching a template."""

    brand: Colour = "#1f4e79"
    """The brand colour (#rrggbb): headings, rules and the web edition's accents; white text on it is checked for
    contrast. Example: "#1f4e79\""""
    font: Font | None = None
    """The text font's files (see `style.font`); none: Open Sans, shipped with reportgen."""
    font_size: Length = "9.8pt"
    """The body text's size. Example: 10pt"""
    margins: Margins = Margins()
    """The printed page's margins (see `style.margins`)."""
    logo: ImageFile | None = None
    """A logo (PNG, JPEG or SVG, relative to the configuration): on the cover and at the top of the web edition.
    Example: pictures/logo.svg"""
    running_line: str | None = None
    """The footer line beside the page number, with `{running}`, `{title}`, `{version}`, `{edition}`, `{date}`,
    `{organisation}`; `""` for none; default: `[ {running} ] Version {version}` in the report's language. Example:
    "{organisation} · {title}\""""
    status_line: bool = True
    """Under each action's heading, a line with its status (symbol, label and its colour) and its responsible
    person, in the PDF and the web edition (there also its committees); false leaves the line out. Example: false"""

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
    """A section of the front matter, after the table of contents."""

    heading: Text = Field(min_length=1)
    """The section's heading. Example: About the report"""
    text: str = ""
    """The section's text: paragraphs (an empty line between), bullet lines (`•`, `-` or `*`), `**bold**`."""
    new_page: bool = False
    """Start the section on a new page."""


class _Pictured(_Model):
    @model_validator(mode="after")
    def _described(self) -> _Pictured:
        if getattr(self, "image", None) is not None and not getattr(self, "image_alt", ""):
            raise PydanticCustomError("image_alt_missing", "describe the picture")
        return self


class Cover(_Pictured):
    """The cover page."""

    heading: Text | None = None
    """The cover's heading; default: the report's title."""
    text: str = ""
    """The cover's text (paragraphs, bullets, `**bold**`)."""
    web: Text = ""
    """A line at the foot of the cover, e.g. the web address. Example: Read more at www.example.dk"""
    dateline: Text = ""
    """The cover's dateline. Example: Aabybro, 31 May 2018"""
    image: ImageFile | None = None
    """A picture on the cover (PNG, JPEG or SVG, relative to the configuration). Example: pictures/cover.jpg"""
    image_alt: Text = ""
    """What the picture shows, for screen readers and the tagged PDF: required with an image."""


class Theme(_Pictured):
    """A theme of the catalogue: an opening page, then its actions."""

    number: int = Field(ge=1, le=99)
    """The theme's number (1-99): how the sheets and lists name it, and the report's order. Example: 1"""
    heading: Text = Field(min_length=1)
    """The theme's heading; an earlier edition's theme is carried over by its heading. Example: A good place to live"""
    subtitle: Text = ""
    """A line under the heading."""
    intro: str = ""
    """The introduction on the theme's opening page (paragraphs, bullets, `**bold**`)."""
    colour: Colour = "#2f5d8a"
    """The theme's colour (#rrggbb), behind white text: its opening page and its group rows in the matrices. Example:
    "#1f5f8b\""""
    image: ImageFile | None = None
    """A picture on the theme's opening page (PNG, JPEG or SVG, relative to the configuration)."""
    image_alt: Text = ""
    """What the picture shows: required with an image."""


Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class ActionField(_Model):
    """A field of an action: a row of the standard sheet and a paragraph of the action's page, in this order."""

    key: Key
    """The field's key (a-z, 0-9, `_`, starting with a letter): the sheet's defined name `rg_field_<key>` and the key
    in the edition's data; never printed. Example: goal"""
    label: Text = Field(min_length=1)
    """The label printed before the text, and the field's name in the sheet. Example: Goal"""
    required: bool = False
    """Must the owner fill it in? An empty required field is an error."""
    help: Text = ""
    """The guidance beside the cell in the sheet and in its guide tab. Example: What is the action to achieve?"""
    show_label: bool = True
    """Print the label before the text; `false`: the text alone (as the description under the action's title)."""
    kind: str = TEXT
    """What the field holds, one of the kinds under "Field kinds" below: `text` (paragraphs, bullets) or a typed
    value, checked, printed and typed in the open data its own way. Example: date"""
    total: bool = False
    """An `amount` field: print its sum per theme and in all in the status summary. Example: true"""
    after: Key | None = None
    """A `date` field: the key of the date field it may not come before (an end date after its start); earlier is
    an error. Example: start"""
    done: list[Key] = []
    """A `date` field as a milestone: the statuses (keys) in which its date may have passed; a date before the
    edition's date while the action has another status is a warning. Example: [finished]"""
    choices: list[Phrase] = []
    """A `choice` field: the choices of its drop-down, as printed. Example: [Low, Medium, High]"""

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in KINDS:
            raise PydanticCustomError("field_kind", "not a kind of field: {value}",
                                      {"value": value, "known": ", ".join(KINDS)})
        return value

    @model_validator(mode="after")
    def _options_fit_the_kind(self) -> ActionField:
        taken = KINDS[self.kind].options
        given = {"total": self.total, "after": self.after, "done": self.done, "choices": self.choices}
        wrong = next((option for option, value in given.items() if value and option not in taken), None)
        if wrong:
            raise PydanticCustomError("field_option", "{option} is not for a {kind} field",
                                      {"option": wrong, "kind": self.kind})
        if "choices" in taken and not self.choices:
            raise PydanticCustomError("field_choices", "a choice field needs choices", {})
        return self

    @model_serializer(mode="wrap")
    def _kindless_as_before(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A text field is written as before there were kinds (the edition's data.json, the same bytes)."""
        data: dict[str, Any] = handler(self)
        for key, default in (("kind", TEXT), ("total", False), ("after", None), ("done", []), ("choices", [])):
            if data.get(key, default) == default:
                data.pop(key, None)
        return data

    @property
    def signature(self) -> tuple[object, ...]:
        """What the standard sheet's signature holds of the field: its key and whether it is required, and
        its kind (and choices) when it is not text, so a configuration from before kinds keeps its signature."""
        shape: tuple[object, ...] = (self.key, self.required)
        return shape if self.kind == TEXT else (*shape, self.kind, *self.choices)


class Committee(_Model):
    """A committee: a column of the committee overview."""

    key: Key
    """The key (a-z, 0-9, `_`, starting with a letter): the sheet's defined name (`rg_committee_<key>`,
    `rg_admin_<key>`) and the key in the edition's data. Example: finance"""
    name: Text = Field(min_length=1)
    """The full name: in the sheet, and in the matrix head unless there is a short name. Example: Finance Committee"""
    short: Text | None = None
    """A short name for the matrix head; the full name is then spelt out under the matrix (and is the web edition's
    `<abbr title>`). Example: FC"""
    # Other ways the linked text fields name it ("Teknik og Miljø", "TMU"; for an administration
    # its departments, "Sekretariatet"): see `mentions:` and reportgen.mentions.
    aliases: list[Phrase] = []
    """Other ways the linked text fields name it (see `mentions`). Example: [Finance, FC]"""

    @property
    def abbreviation(self) -> str:
        return self.short or self.name


class Administration(Committee):
    """An administration: a column of the responsibility matrix (the same keys as a committee)."""


class MentionLink(_Model):
    """The text fields that name the items of one matrix, and the phrases that name all of them."""

    fields: list[Key] = []                  # field keys; none: the text is not compared with the marks
    """The keys of the text fields that name this matrix's items; none: the text is not compared with the marks.
    Example: [committees]"""
    all: list[Phrase] = []                  # "alle udvalg", "alle forvaltninger"
    """Phrases that name all of them at once. Example: [all committees]"""


class Mentions(_Model):
    """Which text fields go with the committee overview and with the responsibility matrix."""

    committees: MentionLink = MentionLink()
    """The text fields that go with the committee overview (see `mentions.committees`)."""
    administrations: MentionLink = MentionLink()
    """The text fields that go with the responsibility matrix (see `mentions.administrations`)."""


class Status(_Model):
    """A status of an action: the row's colour, a symbol and a word in the responsibility matrix, a count
    in the summary."""

    key: Key
    """The key (a-z, 0-9, `_`, starting with a letter): the value in the edition's data. Example: ongoing"""
    label: Text = Field(min_length=1)
    """The word owners choose in the sheet and the report prints. Example: Under way"""
    legend: Text = ""
    """Its explanation in the matrix's legend (owners may write it in the sheet too). Example: Under way, on track"""
    colour: Colour
    """The status colour (#rrggbb): a tint behind black text in the matrix; checked for contrast. Example: "#fbe29a\""""
    symbol: Text = Field(min_length=1, max_length=3)
    """One to three characters before the status word, so status never rests on colour alone; each must be in the
    report's fonts (see Symbols). Example: ◐"""


class Marks(_Model):
    """The marks in the matrices' cells."""

    committee: Text = "x"
    """The mark for a committee that is involved (committee overview)."""
    anchoring: Text = "X"
    """The mark for the administration with the administrative anchoring (printed bold)."""
    interest: Text = "x"
    """The mark for an administration with an interest."""


class SheetsSettings(_Model):
    """Where the sheets are, and how much of a sheet reportgen reads."""

    folder: Path = Path("sheets")
    """The sheets' folder, relative to the configuration."""
    max_file_mb: float = Field(default=10, gt=0, le=500)
    """A sheet's largest size (MB): its zip entries together, uncompressed, as the zip's directory states them
    before any entry is read, and the file itself (plus 1 MB). Fixed bounds beside it: at most 2,000 entries, and
    none more than 200 times its compressed size (plus 1 MB). Example: 20"""
    max_rows: int = Field(default=400, ge=50, le=100_000)
    """The last row a named cell may be on. Example: 600"""
    max_seconds: float = Field(default=10, gt=0, le=600)
    """The longest time reading one sheet may take (seconds), from opening the file to its last cached formula
    value. With 8 or more sheets, read in worker processes, a worker still busy 5 seconds after that is stopped.
    Example: 20"""


class Carry(_Model):
    """How ``reportgen sheets --from`` carries an earlier edition's choices into this configuration.

    A theme, committee, administration, status or field is carried over when this configuration has
    the same one (the same key, or the same heading or name); any other is left empty in the sheets
    and named in a warning. Here an old one may be mapped to a new one (by key or name, a theme by
    number or heading), or to ``null``: leave it empty without a warning.
    """

    themes: dict[int | str, int | str | None] = {}
    """Old theme (number or heading) → new theme (number or heading), or `null`. Example: {1: 2, "Dit gode liv": 3}"""
    committees: dict[str, str | None] = {}
    """Old committee (key or name) → new committee (key, name or short name), or `null`. Example: {oekonomi: finance}"""
    administrations: dict[str, str | None] = {}
    """Old administration (key or name) → new administration (key, name or short name), or `null`. Example: {vaekst:
    growth}"""
    statuses: dict[str, str | None] = {}
    """Old status (key or label) → new status (key or label), or `null`. Example: {igang: ongoing}"""
    fields: dict[str, str | None] = {}
    """Old text field (key or label) → new field (key or label), or `null`: the old text goes into the new field.
    Example: {maalopfyldelse: progress}"""


class OpenData(_Model):
    """The edition's open data (CSV and a Frictionless Data Package, beside every PDF)."""

    licence: Text = ""
    """The data's licence, as an SPDX or Open Definition id, stated on the web edition beside the data's links
    (linked to `licence_url`); empty for none stated, and the web edition says so. Example: CC-BY-4.0"""
    licence_title: Text = ""
    """The licence's name as people read it. Example: Creative Commons Attribution 4.0"""
    licence_url: Text = ""
    """Where the licence's text is. Example: https://creativecommons.org/licenses/by/4.0/"""
    source: Text = ""
    """Where the data comes from or is published (a web address). Example: https://www.jammerbugt.dk"""


class HistorySettings(_Model):
    """Each action's status in the editions the archive holds (`reportgen history`)."""

    archive: Path | None = None
    """The archive whose editions the history reads, relative to the configuration; when set, `build`
    shows each action's earlier statuses in the web edition (and with `page`, in the PDF). Example: archive"""
    page: bool = False
    """Add the page "Udvikling siden sidste år" (each action's status per edition) to the PDF."""
    renumbered: dict[str, dict[int, int]] = {}
    """Actions that changed number: per edition, old number → today's. Example: {"2017": {12: 14}}"""


class ProofSettings(_Model):
    """What the proof report marks (``reportgen proof``, and after every build)."""

    min_fill: float = Field(default=0.5, ge=0, le=1)  # a page filled less than this share, not a part's end
    """A page filled less than this share (0-1) is marked by the proof, unless it ends a part."""


# round.message's placeholders
MAIL_FIELDS = ("person", "title", "deadline", "address", "count", "organisation", "origin")


class Round(_Model):
    """The collection round: what ``reportgen sheets --mail`` tells owners, what ``check`` expects."""

    deadline: dt.date | None = None
    """When owners are to return their sheets (in the e-mail drafts). Example: 2018-04-30"""
    return_address: Text = ""
    """The secretariat's address: the drafts' From and Reply-To, where owners send their sheets. Example:
    plan@example.dk"""
    subject: Text = ""
    """The drafts' subject; default: "<title>: your standard sheet" in the report's language."""
    message: str = ""
    """The drafts' text, with `{person}`, `{title}`, `{deadline}`, `{address}`, `{count}`, `{organisation}`, `{origin}`
    (a sentence on where the sheets come from: the last status, an earlier edition, or this year's list); no other
    placeholder (a brace itself is written `{{`); default: the locale's."""
    expected: Path | None = None
    """The actions this round expects (the `round.json` that `reportgen sheets` writes, or an edition's `data.json`),
    relative to the configuration: `check` then says what is still missing. Example: ../out/round.json"""
    people: dict[str, str] = {}
    """Responsible person → e-mail address, for the drafts' To. Example: {Ann Smith: ann.smith@example.dk}"""
    carry: Carry = Carry()
    """How `sheets --from` carries an earlier edition's themes, committees, administrations, statuses and fields over
    (see `round.carry`)."""


class Config(_Model):
    report: ReportMeta
    """The report itself (see `report`)."""
    style: Style = Style()
    """The house style (see `style`)."""
    cover: Cover = Cover()
    """The cover (see `cover`)."""
    front_matter: list[Section] = []
    """The sections after the table of contents (see `front_matter[]`)."""
    closing: str = ""
    """The closing page's text. Example: "**The Municipality**\""""
    themes: list[Theme] = Field(min_length=1)
    """The themes, at least one (see `themes[]`)."""
    fields: list[ActionField] = Field(min_length=1)
    """The action's text fields, at least one, in printed order (see `fields[]`)."""
    committees: list[Committee] = []
    """The committees (see `committees[]`); none: the report has no committee overview."""
    administrations: list[Administration] = []
    """The administrations (see `administrations[]`); none: the responsibility matrix shows each action's responsible
    person and status alone."""
    statuses: list[Status] = Field(min_length=1)
    """The statuses, at least one (see `statuses[]`)."""
    marks: Marks = Marks()
    """The marks in the matrices (see `marks`)."""
    mentions: Mentions = Mentions()         # after `fields`: its validator checks the field keys
    """Which text fields name the committees and administrations, compared with the marks (see `mentions`)."""
    sheets: SheetsSettings = SheetsSettings()
    """The sheets (see `sheets`)."""
    round: Round = Round()
    """The owners' round (see `round`)."""
    proof: ProofSettings = ProofSettings()
    """What the proof marks (see `proof`)."""
    open_data: OpenData = OpenData()
    """The licence and source the open data (CSV and datapackage.json) states (see `open_data`)."""
    history: HistorySettings = HistorySettings()
    """Each action's status in the archived editions (see `history`)."""
    changes_since: Path | None = None
    """An earlier edition (its archive folder, PDF or data.json, relative to the configuration) that the list of
    changes counts from, in place of the last one published in the archive. Example: archive/2024/v1.0"""
    changes: bool = True
    """`build` and `publish` add the list of changes since the last edition published in the archive (`history.archive`,
    or `archive/` beside the configuration; `publish --archive`); false: no list unless `changes_since` or
    `--changes-since` names an edition. Example: false"""
    print_edition: bool = False
    """`build` also writes the print shop's edition beside the screen PDF, `<name>-tryk.pdf` (Danish) or
    `<name>-print.pdf` (English): PDF/X-4 with the FOGRA39 CMYK output intent, 3 mm bleed, crop marks and blank
    pages before the back cover to a multiple of four, checked by the proof's print checks (`build --print` does
    it once); `proof` runs the print checks too (`proof --print` once). The archive keeps the screen edition only.
    Example: true"""
    labels: dict[str, str] = {}
    """Any text reportgen prints, by its key in `reportgen/locales/<language>.yaml`, for this report only. A text may
    use the placeholders of the text it replaces, as plain names (`{title}`, at most an alignment and a width:
    `{count:>3}`); `{0}`, `{x.y}`, `{x[0]}` or a lone brace is an error (a brace itself is written `{{`). Example:
    {report.legend: Key}"""
    hyphenation: dict[HyphenWord, HyphenBreaks] = {}
    """Words the Danish (or English) hyphenation dictionary breaks wrongly, each with the only places it
    may break, marked with `-`; a word written without `-` never breaks. Applied to cell text, intros,
    matrix heads, everywhere, before WeasyPrint hyphenates; a word may have an ending ("Jammerbugtens").
    Example: {Tænketank: Tænke-tank, Jammerbugt: Jammerbugt}"""
    base_dir: Path = Field(default=Path("."), exclude=True)         # set by the loader: the file's folder
    source_file: Path = Field(default=Path("report.yaml"), exclude=True)  # … and the file itself

    @field_validator("mentions")
    @classmethod
    def _mentioned_fields_exist(cls, value: Mentions, info: ValidationInfo) -> Mentions:
        fields = info.data.get("fields")
        known = [f.key for f in fields] if fields is not None else None
        for link in (value.committees, value.administrations):
            unknown = [key for key in link.fields if known is not None and key not in known]
            if unknown:
                raise PydanticCustomError("mentions_field", "not a field: {value}",
                                          {"value": unknown[0], "known": ", ".join(known or [])})
        return value

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

    @model_validator(mode="after")
    def _fields_refer_to_what_exists(self) -> Config:
        dates = [f.key for f in self.fields if f.kind == "date"]
        statuses = [s.key for s in self.statuses]
        for i, field in enumerate(self.fields):  # "at": the key path the finding names (see loading)
            if field.after is not None and (field.after not in dates or field.after == field.key):
                others = ", ".join(key for key in dates if key != field.key)
                raise PydanticCustomError("field_after", "not a date field: {value}",
                                          {"value": field.after, "known": others, "at": ("fields", i, "after")})
            unknown = [key for key in field.done if key not in statuses]
            if unknown:
                raise PydanticCustomError("field_done", "not a status: {value}", {
                    "value": unknown[0], "known": ", ".join(statuses), "at": ("fields", i, "done")})
        return self

    @model_validator(mode="after")
    def _hyphenation_spells_its_word(self) -> Config:
        for word, breaks in self.hyphenation.items():
            if breaks.replace("-", "").casefold() != word.casefold():
                raise PydanticCustomError("hyphenation_mismatch", "{word}: {breaks}", {"word": word, "breaks": breaks})
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
    def history_archive(self) -> Path | None:
        return self.base_dir / self.history.archive if self.history.archive else None

    @property
    def changes_since_path(self) -> Path | None:
        return self.base_dir / self.changes_since if self.changes_since else None

    def running_line(self) -> str:
        """The line in every page footer (besides the page number)."""
        pattern = self.style.running_line
        if pattern is None:
            pattern = "[ {running} ] " + self.messages("report.version") + " {version}"
        r = self.report
        return format_text(pattern, {"title": r.title, "running": r.running, "version": r.version,
                                     "edition": r.edition, "date": r.date.isoformat(), "organisation": r.organisation})

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
            "fields": [f.signature for f in self.fields],
            "themes": [t.number for t in self.themes],
            "committees": [c.key for c in self.committees],
            "administrations": [a.key for a in self.administrations],
            "statuses": [s.key for s in self.statuses],
        }
        blob = json.dumps(shape, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:12]
