"""The desk without HTTP: the round's owners and actions, handing in one sheet, the round's status.

Handing in reads and checks the one file exactly as ``reportgen check`` would (screened before
openpyxl sees it, bounded), under a name the desk chooses: nothing of the uploaded file's name is
ever part of a path. A sheet with errors is kept as the owner's draft; a clean one replaces the
action's sheet in the sheets folder atomically, the one it replaces kept in ``.previous/``.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import threading
from pathlib import Path

from ..checks import CheckOutcome, action_number, check
from ..configuration import Config, names, slugify
from ..paths import read_regular_file
from ..problems import ConfigError, Finding, ReportgenError, Severity, read_problem
from ..sheets.feedback import write_feedback
from ..writers import atomic_path, inside, write_bytes, writing
from .building import PREVIEW_FOLDER, PreviewBuilder
from .store import STORE_FILE, Store, Submission, now

MAX_ROUND_BYTES = 16 * 1024 * 1024
DESK_FOLDER = "desk"        # beside round.json: drafts, feedback copies, work
PREVIOUS = ".previous"      # in the sheets folder: the accepted versions replaced (check skips hidden names)
UPLOAD_NAME = "upload.xlsx"
MAX_TROUBLES = 20           # the desk's own failures the coordinator's page lists, newest first


@dataclasses.dataclass(frozen=True)
class RoundAction:
    number: int
    title: str
    owner: str
    file: str  # the pre-filled sheet's name beside round.json, and the accepted sheet's name


@dataclasses.dataclass(frozen=True)
class Round:
    folder: Path
    actions: list[RoundAction]
    deadline: dt.date | None

    @property
    def owners(self) -> list[str]:
        return sorted({a.owner for a in self.actions if a.owner})

    def of(self, owner: str) -> list[RoundAction]:
        return [a for a in self.actions if a.owner == owner]

    def action(self, number: int | None) -> RoundAction | None:
        return next((a for a in self.actions if a.number == number), None)


def read_round(path: Path, config: Config) -> Round:
    """``round.json`` as ``reportgen sheets`` wrote it; a file that cannot be read is a :class:`ConfigError`."""
    t = config.messages
    try:
        data = json.loads(read_regular_file(path, MAX_ROUND_BYTES).decode("utf-8"))
        actions = [RoundAction(int(a["number"]), str(a.get("title", "")), str(a.get("responsible", "")),
                               Path(str(a["file"])).name) for a in data["actions"]]
        written = data.get("deadline")
        deadline = config.round.deadline or (dt.date.fromisoformat(written) if written else None)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise ConfigError([t.finding("expected-unreadable", Severity.ERROR, file=str(path),
                                     detail=t(f"read_problems.{read_problem(exc)}"))]) from None
    return Round(Path(path).parent, actions, deadline)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What handing in one file came to: the log's row, the findings as the owner sees them."""

    submission: Submission
    findings: list[Finding]
    action: RoundAction | None
    refused: bool          # not one of the owner's actions: nothing kept
    feedback: bool         # a feedback workbook is there to download

    @property
    def accepted(self) -> bool:
        return self.submission.accepted


@dataclasses.dataclass(frozen=True)
class Trouble:
    """A hand-in the desk could not keep (a full disk, a log that cannot be written): for the coordinator."""

    at: dt.datetime
    owner: str
    findings: tuple[Finding, ...]


@dataclasses.dataclass(frozen=True)
class ActionStatus:
    action: RoundAction
    state: str             # accepted, errors, missing
    late: bool
    last: Submission | None
    accepted: Submission | None


class Desk:
    def __init__(self, config: Config, round_file: Path):
        self.config = config
        self.t = config.messages
        self.round = read_round(Path(round_file), config)
        self.folder = self.round.folder / DESK_FOLDER
        self.store = Store(self.round.folder / STORE_FILE, self.t)
        self.preview = PreviewBuilder(config, self.round.folder / PREVIEW_FOLDER)  # the coordinator's build
        self._accepting = threading.Lock()  # one acceptance at a time: the sheets folder and the log agree
        self._in_folder: dict[int, set[str]] | None = None  # the sheets folder's files by action number
        self.troubles: collections.deque[Trouble] = collections.deque(maxlen=MAX_TROUBLES)

    def resume(self) -> None:
        """When the server starts: clear what an upload killed half-way left (not when ``desk links``
        makes a Desk beside a running server, whose uploads are under way)."""
        shutil.rmtree(self.folder / "work", ignore_errors=True)

    def sheet(self, action: RoundAction) -> Path:
        """The pre-filled sheet the round sent out."""
        return inside(self.round.folder, action.file, self.t)

    def feedback(self, submission: Submission) -> Path:
        return self.folder / "feedback" / f"{submission.sha256}.xlsx"

    def hand_in(self, owner: str, data: bytes) -> Outcome:
        """Check one uploaded file of ``owner`` and keep it as accepted, as a draft, or not at all."""
        sha = hashlib.sha256(data).hexdigest()
        work = self.folder / "work" / secrets.token_hex(8)
        try:
            upload = work / UPLOAD_NAME
            with writing(upload, self.t):
                work.mkdir(parents=True)
                upload.write_bytes(data)
            outcome = check(self.config, [upload])
            return self._judge(owner, sha, len(data), upload, outcome)
        except ReportgenError as stop:  # a refused write or an unwritable log: the owner is told, and the coordinator
            self.troubles.appendleft(Trouble(now(), owner, tuple(stop.findings)))
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _judge(self, owner: str, sha: str, size: int, upload: Path, outcome: CheckOutcome) -> Outcome:
        read = outcome.sheets.get(UPLOAD_NAME)
        cell = read.cells.get(names.NUMBER) if read is not None else None
        number = action_number(cell.value) if cell is not None else None
        action = self.round.action(number)
        shown = action.file if action else self.t("desk.your_file")
        findings = [dataclasses.replace(f, file=shown) for f in outcome.result.sorted()]
        if read is None:  # not a sheet at all (screened out, or unreadable): nothing kept
            return self._refused(owner, None, sha, size, findings)
        if number is not None and action is None:
            return self._refused(owner, number, sha, size, [self.t.finding(
                "desk-not-in-round", Severity.ERROR, file=shown, action=number, number=number)])
        if action is not None and action.owner != owner:
            return self._refused(owner, number, sha, size, [self.t.finding(
                "desk-not-yours", Severity.ERROR, file=shown, action=number, number=number)])
        if outcome.result.errors or action is None:
            feedback = upload.parent / "feedback"
            with writing(self.folder, self.t):
                write_feedback(self.config, outcome.result, outcome.sheets, feedback, [upload])
                draft = self._keep_draft(owner, action, sha, upload, feedback / UPLOAD_NAME)
            logged = self.store.log(owner, number, sha, size, findings, False, draft)
            return Outcome(logged, findings, action, False, True)
        return self._accept(owner, action, sha, upload.read_bytes(), findings)

    def _refused(self, owner: str, number: int | None, sha: str, size: int, findings: list[Finding]) -> Outcome:
        logged = self.store.log(owner, number, sha, size, findings, False, "")
        return Outcome(logged, findings, None, True, False)

    def _keep_draft(self, owner: str, action: RoundAction | None, sha: str, upload: Path, feedback: Path) -> str:
        drafts = self.folder / "drafts" / (slugify(owner)[:60] or "owner")
        drafts.mkdir(parents=True, exist_ok=True)
        name = f"{action.number:02d}-{sha[:16]}.xlsx" if action else f"{sha[:16]}.xlsx"
        write_bytes(drafts / name, upload.read_bytes(), self.t)
        if feedback.is_file():
            target = self.folder / "feedback" / f"{sha}.xlsx"
            write_bytes(target, feedback.read_bytes(), self.t)
        return f"{drafts.name}/{name}"

    def _accept(self, owner: str, action: RoundAction, sha: str, data: bytes, findings: list[Finding]) -> Outcome:
        sheets = self.config.sheets_dir
        target = inside(sheets, action.file, self.t)
        with self._accepting:
            if target.is_file():  # the accepted version before this one, kept beside
                with atomic_path(inside(sheets / PREVIOUS, action.file, self.t), self.t) as previous:
                    shutil.copyfile(target, previous)
            write_bytes(target, data, self.t)
            self._set_aside(action)
            logged = self.store.log(owner, action.number, sha, len(data), findings, True, action.file)
        return Outcome(logged, findings, action, False, False)

    def _set_aside(self, action: RoundAction) -> None:
        """The action's other sheets in the sheets folder (an earlier round's, under another name) go
        to ``.previous/``, so that the folder holds one sheet per action (no ``number-duplicate``)."""
        sheets = self.config.sheets_dir
        if self._in_folder is None:  # read once, at the first acceptance
            outcome = check(self.config)
            self._in_folder = {}
            for name, read in outcome.sheets.items():
                cell = read.cells.get(names.NUMBER)
                number = action_number(cell.value) if cell is not None else None
                if number is not None and "/" not in name:
                    self._in_folder.setdefault(number, set()).add(name)
        with writing(sheets / PREVIOUS, self.t):
            for name in sorted(self._in_folder.get(action.number, set()) - {action.file}):
                if inside(sheets, name, self.t).is_file():
                    (sheets / PREVIOUS).mkdir(exist_ok=True)
                    os.replace(sheets / name, inside(sheets / PREVIOUS, name, self.t))
        self._in_folder[action.number] = {action.file}

    def status(self, today: dt.date | None = None) -> list[ActionStatus]:
        """Per action of the round: accepted, with errors, or missing; late after the deadline."""
        today = today or now().date()
        by_action: dict[int, list[Submission]] = {}
        for s in self.store.submissions():
            if s.action is not None:
                by_action.setdefault(s.action, []).append(s)
        out = []
        for action in self.round.actions:
            mine = [s for s in by_action.get(action.number, []) if s.owner == action.owner]
            accepted = next((s for s in reversed(mine) if s.accepted), None)
            state = "accepted" if accepted else "errors" if mine else "missing"
            deadline = self.round.deadline
            late = deadline is not None and (accepted.at.date() > deadline if accepted else today > deadline)
            out.append(ActionStatus(action, state, late, mine[-1] if mine else None, accepted))
        return out
