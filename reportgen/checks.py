"""Checking: from what the sheets say to validated actions, with every problem as a finding.

``check`` reads every sheet and reports all problems in one pass; an action that has errors is
left out of the catalogue (and ``build`` stops before writing anything).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .configuration import Config, names
from .fields import Edition, Problem, kind_of
from .mentions import Link, links
from .model import MAX_LINE, MAX_WORD, Action, Catalogue, Role
from .problems import CheckResult, Finding, Severity
from .sheets.files import discover
from .sheets.layout import MAX_ACTION_NUMBER, MAX_CELL_TEXT, TEMPLATE_VERSION, Item, Kind, choices, items
from .sheets.parallel import read_all
from .sheets.reader import CellValue, SheetData

_YES = {"x", "ja", "yes", "1", "true"}
_NO = {"", "nej", "no", "0", "false", "-"}


@dataclasses.dataclass
class CheckOutcome:
    result: CheckResult
    catalogue: Catalogue
    sheets: dict[str, SheetData] = dataclasses.field(default_factory=dict)  # what each readable file said
    paths: dict[str, Path] = dataclasses.field(default_factory=dict)        # where each readable file is


def check(config: Config, paths: list[Path] | None = None,
          progress: Callable[[str], None] | None = None) -> CheckOutcome:
    """Read and check every sheet; never raises for anything a user can put in the folder."""
    files, findings = discover(config, paths)
    result = CheckResult(findings=findings, files=[f.name for f in files])
    actions: list[Action] = []
    sheets: dict[str, SheetData] = {}
    where_read: dict[str, Path] = {}
    rules = Rules.of(config)
    for file, (data, read_problems) in read_all(files, config, progress):
        result.extend(read_problems)
        if data is not None:
            sheets[file.name] = data
            where_read[file.name] = file.path
            action, sheet_findings = check_sheet(data, config, rules)
            result.extend(sheet_findings)
            if action:
                actions.append(action)
    result.extend(_duplicates(actions, config))
    if not files and not findings:
        where = ", ".join(str(p) for p in paths) if paths else str(config.sheets_dir)
        result.findings.append(config.messages.finding("inputs-empty", Severity.ERROR, path=where))
    unique = {a.number: a for a in reversed(actions)}  # the first sheet of a duplicated number
    return CheckOutcome(result, Catalogue(config, sorted(unique.values(), key=lambda a: a.number)), sheets,
                        where_read)


def _duplicates(actions: list[Action], config: Config) -> list[Finding]:
    out = []
    by_number: dict[int, list[Action]] = {}
    for action in actions:
        by_number.setdefault(action.number, []).append(action)
    for number, same in by_number.items():
        for action in same[1:] if len(same) > 1 else []:
            other = ", ".join(a.source for a in same if a is not action)
            out.append(config.messages.finding(
                "number-duplicate", Severity.ERROR, file=action.source, action=number, number=number, other=other))
    return out


@dataclasses.dataclass(frozen=True)
class Rules:
    """What every sheet is checked against, derived from the configuration once per check."""

    items: list[Item]
    choices: dict[Kind, list[str]]
    links: list[Link]
    signature: str

    @classmethod
    def of(cls, config: Config) -> Rules:
        return cls(items(config), choices(config), links(config), config.signature())


def check_sheet(data: SheetData, config: Config, rules: Rules | None = None) -> tuple[Action | None, list[Finding]]:
    return _SheetCheck(data, config, rules or Rules.of(config)).run()


class _SheetCheck:
    """Turns one sheet's cells into an Action, collecting findings as it goes."""

    def __init__(self, data: SheetData, config: Config, rules: Rules):
        self.data, self.config, self.t = data, config, config.messages
        self.findings: list[Finding] = []
        self.number: int | None = None
        self.rules = rules

    def report(self, code: str, item: Item | None = None, severity: Severity = Severity.ERROR,
               **params: Any) -> None:
        cell = self.data.cells.get(item.name) if item else None
        self.findings.append(self.t.finding(
            code, severity, file=self.data.file, cell=cell.cell if cell else None, action=self.number,
            field=item.name if item else None, **params))

    def run(self) -> tuple[Action | None, list[Finding]]:
        self._check_template()
        layout = self.rules.items
        values = {item.name: self._value(item) for item in layout}
        by_kind = {item.name: item for item in layout}
        committees = tuple(c.key for c in self.config.committees if values[names.committee(c.key)])
        roles = {a.key: values[names.administration(a.key)] or Role.NONE for a in self.config.administrations}
        self._check_marks(committees, roles, by_kind)
        self._check_mentions(values, committees, roles, by_kind)
        self._check_fields(values, by_kind)
        if any(f.severity is Severity.ERROR for f in self.findings):
            return None, self.findings
        action = Action(
            number=values[names.NUMBER], title=values[names.TITLE], theme=values[names.THEME],
            status=values[names.STATUS], responsible=values[names.RESPONSIBLE], committees=committees,
            roles=roles, texts={f.key: values[names.field(f.key)] or "" for f in self.config.fields},
            source=self.data.file,
        )
        return action, self.findings

    def _check_template(self) -> None:
        found = self.data.template_version
        if found is None or str(found).strip() != str(TEMPLATE_VERSION):
            self.report("template-outdated", found=found if found is not None else "?", current=TEMPLATE_VERSION)
        signature = self.rules.signature
        if self.data.signature and str(self.data.signature) != signature:
            self.report("template-other-config", severity=Severity.WARNING, found=self.data.signature,
                        current=signature)

    def _value(self, item: Item) -> Any:
        cell = self.data.cells.get(item.name)
        if cell is None:
            what = item.kind.value if item.kind in (Kind.YES_NO, Kind.ROLE) else "field"
            self.report("field-absent", label=item.label, what=self.t(f"words.absent_{what}", label=item.label))
            return None
        if cell.error:
            self.report("formula-no-value" if cell.error == "formula" else "cell-error", item, value=cell.error)
            return None
        reported = len(self.findings)
        value = self._convert(item, cell)
        if item.kind is Kind.NUMBER and value is not None:
            self.number = value
        if item.required and value in (None, "") and len(self.findings) == reported:
            self.report("required-missing", item, label=item.label)
        return value

    def _convert(self, item: Item, cell: CellValue) -> Any:
        text = _as_text(cell.value, self.config.report.language)
        if item.kind is Kind.NUMBER:
            return self._number(item, cell.value, text)
        if item.field is not None and not kind_of(item.field).long:
            read, problems = kind_of(item.field).read(cell.value, text, item.field, self.t)
            self._problems(item, problems)
            return read
        if item.kind in (Kind.TEXT, Kind.LONG_TEXT):
            return self._text(item, text)
        if not text:
            return None
        lookup = {
            Kind.THEME: self._theme, Kind.STATUS: self._status, Kind.YES_NO: self._yes_no, Kind.ROLE: self._role,
        }[item.kind]
        return lookup(item, text)

    def _text(self, item: Item, text: str) -> str:
        """A text within its bounds: a cell's (Excel's own), a line's (a title: 300 characters), and
        a word's (100 characters without a space: a warning; it is printed broken anywhere)."""
        if item.kind is Kind.TEXT:
            text = " ".join(text.split())
        if len(text) > MAX_CELL_TEXT:
            self.report("text-too-long", item, length=len(text), limit=MAX_CELL_TEXT)
        elif item.kind is Kind.TEXT and len(text) > MAX_LINE:
            self.report("line-too-long", item, label=item.label, length=len(text), limit=MAX_LINE)
        longest = max(text.split(), key=len, default="") if len(text) > MAX_WORD else ""
        if len(longest) > MAX_WORD:
            self.report("word-too-long", item, Severity.WARNING, label=item.label, length=len(longest),
                        limit=MAX_WORD, start=longest[:40])
        return text

    def _number(self, item: Item, raw: object, text: str) -> int | None:
        if not text:
            return None
        number = action_number(raw)
        if number is None:
            self.report("number-invalid", item, value=text, limit=MAX_ACTION_NUMBER)
        return number

    def _theme(self, item: Item, text: str) -> int | None:
        for theme, choice in zip(self.config.themes, self.rules.choices[Kind.THEME], strict=True):
            candidates = {choice, str(theme.number), theme.heading}
            if text.casefold() in {c.casefold() for c in candidates} or text.rstrip(".") == str(theme.number):
                return theme.number
        self.report("theme-unknown", item, value=text)
        return None

    def _status(self, item: Item, text: str) -> str | None:
        for status in self.config.statuses:
            if text.casefold() in {status.label.casefold(), status.key.casefold(), status.legend.casefold()}:
                return status.key
        self.report("status-unknown", item, value=text, choices=", ".join(self.rules.choices[Kind.STATUS]))
        return None

    def _yes_no(self, item: Item, text: str) -> bool:
        folded = text.casefold()
        if folded in _YES | {self.t("choice.yes").casefold()}:
            return True
        if folded in _NO | {self.t("choice.no").casefold()}:
            return False
        self.report("choice-unknown", item, value=text, label=item.label,
                    choices=", ".join(self.rules.choices[Kind.YES_NO]))
        return False

    def _role(self, item: Item, text: str) -> Role | None:
        marks = self.config.marks
        exact = {marks.anchoring: Role.ANCHORING, marks.interest: Role.INTEREST}
        if text in exact:
            return exact[text]
        for role in Role:
            if text.casefold() == self.t(f"role.{role.value}").casefold() or text.casefold() == role.value:
                return role
        if text.casefold() in _NO:
            return Role.NONE
        self.report("choice-unknown", item, value=text, label=item.label,
                    choices=", ".join(self.rules.choices[Kind.ROLE]))
        return None

    def _problems(self, item: Item, problems: list[Problem]) -> None:
        for problem in problems:
            self.report(problem.code, item, problem.severity, **problem.params)

    def _check_fields(self, values: dict[str, Any], by_name: dict[str, Item]) -> None:
        """Each field read without problems, against the action's other fields and the edition (an end
        date before its start, a milestone passed while the action is open): its kind says what is wrong."""
        flagged = {f.field for f in self.findings}
        fields = [f for f in self.config.fields if names.field(f.key) not in flagged and values.get(names.field(f.key))]
        edition = Edition({f.key: kind_of(f).value(values[names.field(f.key)]) for f in fields},
                          values.get(names.STATUS), self.config.report.date,
                          {f.key: f.label for f in self.config.fields})
        for f in fields:
            self._problems(by_name[names.field(f.key)], kind_of(f).relate(values[names.field(f.key)], f, edition))

    def _check_marks(self, committees: tuple[str, ...], roles: dict[str, Role], by_name: dict[str, Item]) -> None:
        if self.config.committees and not committees and all(
                names.committee(c.key) in self.data.cells for c in self.config.committees):
            first = by_name[names.committee(self.config.committees[0].key)]
            self.report("committee-none", first, yes=self.t("choice.yes"))
        anchored = [key for key, role in roles.items() if role is Role.ANCHORING]
        params: dict[str, Any] = {"anchoring": self.t("role.anchoring"), "interest": self.t("role.interest")}
        if not anchored and self.config.administrations:
            first = by_name[names.administration(self.config.administrations[0].key)]
            self.report("anchoring-none", first, **params)
        elif len(anchored) > 1:
            named = ", ".join(a.name for a in self.config.administrations if a.key in anchored)
            self.report("anchoring-many", by_name[names.administration(anchored[1])], count=len(anchored),
                        names=named, **params)


    def _check_mentions(self, values: dict[str, Any], committees: tuple[str, ...], roles: dict[str, Role],
                        by_name: dict[str, Item]) -> None:
        """The linked text fields and the marks must agree: an item named but not marked, or marked
        but not named, is a warning (``mentions:`` in the configuration; nothing by default)."""
        flagged = {f.field for f in self.findings}
        for link in self.rules.links:
            cell = names.committee if link.kind == "committee" else names.administration
            texts = {key: values.get(names.field(key)) for key in link.fields}
            if any(text is None or names.field(key) in flagged for key, text in texts.items()):
                continue  # a linked field is missing or unreadable: nothing to compare with
            if not any(texts.values()):
                continue  # nothing written yet: an empty required field is reported already
            if any(cell(item.key) in flagged or cell(item.key) not in self.data.cells for item in link.items):
                continue  # the marks are missing or have an error already (none, too many, not a choice)
            named = link.named({key: str(text) for key, text in texts.items()})
            marked = set(committees) if link.kind == "committee" else {
                key for key, role in roles.items() if role is not Role.NONE}
            for item in link.items:
                name = cell(item.key)
                if item.key in named and item.key not in marked:
                    where = named[item.key]
                    self.report(f"{link.kind}-not-marked", by_name[name], Severity.WARNING, name=item.name,
                                label=self._label(where.field), words=where.mention.words, yes=self.t("choice.yes"),
                                anchoring=self.t("role.anchoring"), interest=self.t("role.interest"))
                elif item.key in marked and item.key not in named:
                    role = roles.get(item.key, Role.NONE) if link.kind == "administration" else Role.NONE
                    self.report(f"{link.kind}-not-named", by_name[name], Severity.WARNING, name=item.name,
                                labels=self._labels(link), role=self.t(f"role.{role.value}"),
                                no=self.t("choice.no"), none=self.t("role.none"))

    def _label(self, field_key: str) -> str:
        return next(f.label for f in self.config.fields if f.key == field_key)

    def _labels(self, link: Link) -> str:
        """ "Adm. forankring eller Interessenter" """
        labels = [self._label(key) for key in link.fields]
        head = ", ".join(labels[:-1])
        return f"{head} {self.t('words.or')} {labels[-1]}" if head else labels[-1]


def action_number(raw: object) -> int | None:
    """The action number a cell holds (7, 7.0, "7", "7."), or None if it holds none: a whole
    number from 1 to 9999 written with the digits 0-9 (not TRUE, ², ① or 1e300)."""
    number: int | None = None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float) and raw.is_integer() and abs(raw) <= MAX_ACTION_NUMBER:
        number = int(raw)
    elif isinstance(raw, int):
        number = raw
    else:
        cleaned = _as_text(raw, "en").rstrip(".").strip()
        if cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= len(str(MAX_ACTION_NUMBER)):
            number = int(cleaned)
    return number if number is not None and 1 <= number <= MAX_ACTION_NUMBER else None


def _as_text(value: object, language: str) -> str:
    """A cell's value as the text an owner sees in the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):  # a date with a time: both, written as the report's language writes them
            clock = value.strftime("%H:%M:%S" if value.second else "%H:%M")
            return f"{_as_text(value.date(), language)} {clock}"
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.day}.{value.month}.{value.year}" if language == "da" else value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))
