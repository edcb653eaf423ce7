"""Each action's history across the archived editions, read only from what the archive holds.

Every version folder is verified first (its hashes, its manifest, the data its PDF carries); an
edition that is missing, damaged or tampered with is reported as a finding and left out, never
guessed over. An action keeps its number from edition to edition, or the configuration maps old
numbers to new (``history.renumbered``).
"""

from __future__ import annotations

from pathlib import Path

from ..configuration import Config
from ..history import EditionStatus, History
from ..locales import Messages
from ..pdf.attachments import read_data
from ..problems import ConfigError, Severity
from .store import Published, editions, verify_version


def read_history(archive: Path, config: Config) -> History:
    """The history of every action across the archive's editions, oldest first."""
    t = config.messages
    if not Path(archive).is_dir():
        raise ConfigError([t.finding("archive-missing", Severity.ERROR, file=str(archive))])
    found, problems = [], []
    for published in editions(archive):
        damaged = verify_version(published.folder, t)
        if damaged:
            problems.append(t.finding("history-edition-left-out", Severity.WARNING, file=str(published.folder),
                                      count=len(damaged)))
            problems += damaged
            continue
        found.append(_edition(published, config, t))
    found.sort(key=lambda e: (e.date, e.version))
    return History(found, problems).labelled(t)


def _edition(published: Published, config: Config, t: Messages) -> EditionStatus:
    data = read_data(published.files / published.manifest["pdf"]["file"], t)
    report = data.get("report", {})
    labels = {s["key"]: s["label"] for s in data.get("statuses", []) if isinstance(s, dict)}
    edition = str(report.get("edition", published.manifest.get("edition", "")))
    renumber = {int(old): int(new) for old, new in config.history.renumbered.get(edition, {}).items()}
    statuses, titles = {}, {}
    for action in data.get("actions", []):
        number = renumber.get(int(action["number"]), int(action["number"]))
        statuses[number] = (str(action["status"]), labels.get(str(action["status"]), str(action["status"])))
        titles[number] = str(action.get("title", ""))
    return EditionStatus(edition, str(report.get("version", "")), str(report.get("date", "")), statuses, titles)
