"""Which earlier edition a build's list of changes counts from.

By default the last edition published in the archive before this one (another edition, or an
earlier version of this one), verified first: a damaged version is reported and the one before it
used. ``--changes-since`` (or ``changes_since:``) names another; ``--no-changes`` (or
``changes: false``) asks for no list. Nothing is left out silently: the caller says which one it is,
or why there is none.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..configuration import Config
from ..problems import Finding, Severity
from .store import editions, verify_version


@dataclasses.dataclass(frozen=True)
class ChangesSource:
    """What the list of changes compares with (``source``; None: no list) and why (``reason``:
    ``given``, ``configured``, ``archive``, ``none_in_archive`` or ``off``)."""

    source: Path | None
    reason: str
    problems: list[Finding] = dataclasses.field(default_factory=list)


def changes_source(config: Config, archive: Path, given: Path | None = None, off: bool = False) -> ChangesSource:
    """The earlier edition the list of changes of ``config``'s edition counts from."""
    if off:
        return ChangesSource(None, "off")
    if given is not None:
        return ChangesSource(given, "given")
    if config.changes_since_path is not None:
        return ChangesSource(config.changes_since_path, "configured")
    if not config.changes:
        return ChangesSource(None, "off")
    report, t = config.report, config.messages
    this = (report.date.isoformat(), report.version)
    problems: list[Finding] = []
    earlier = [p for p in editions(archive) if isinstance(p.manifest.get("pdf"), dict)
               and (str(p.manifest.get("edition")), str(p.manifest.get("version"))) != (report.edition, report.version)
               and (str(p.manifest.get("date", "")), str(p.manifest.get("version", ""))) < this]
    for published in sorted(earlier, key=lambda p: (str(p.manifest.get("date")), str(p.manifest.get("version"))),
                            reverse=True):
        damaged = verify_version(published.folder, t)
        if not damaged:
            return ChangesSource(published.folder, "archive", problems)
        problems.append(t.finding("changes-edition-left-out", Severity.WARNING, file=str(published.folder),
                                  count=len(damaged)))
    return ChangesSource(None, "none_in_archive", problems)
