"""The desk's store: owners, their hashed links, and every submission, in SQLite beside the round.

A token is shown once (in the owner's mail draft or the coordinator's terminal) and stored only as
its SHA-256; a look-up compares hashes in constant time. A locked or damaged database is a
:class:`ConfigError` worded in the report's language, never a traceback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..locales import Messages
from ..problems import ConfigError, Finding, Severity

STORE_FILE = "desk.sqlite"
COORDINATOR = ""  # the coordinator's row in ``owners``: no owner has an empty name
TIMEOUT_S = 5.0
SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL = 8, 10, 13  # SQLite's primary result codes (sqlite3.h)
IOERR_READING = (266, 522)  # SQLITE_IOERR_READ, SQLITE_IOERR_SHORT_READ: a file that cannot be read
SCHEMA = """
CREATE TABLE IF NOT EXISTS owners (name TEXT PRIMARY KEY, token_hash TEXT NOT NULL, issued TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, action INTEGER, at TEXT NOT NULL,
    sha256 TEXT NOT NULL, size INTEGER NOT NULL, findings TEXT NOT NULL, accepted INTEGER NOT NULL,
    file TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def new_token() -> str:
    """A random token of 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclasses.dataclass(frozen=True)
class Submission:
    id: int
    owner: str
    action: int | None
    at: dt.datetime
    sha256: str
    size: int
    findings: list[dict[str, Any]]
    accepted: bool
    file: str  # where it was kept: the accepted sheet's name, or the draft's

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.get("severity") == "error")


class Store:
    """One SQLite file (WAL); a connection per operation, so any thread may use it."""

    def __init__(self, path: Path, t: Messages, timeout: float = TIMEOUT_S):
        self.path = Path(path)
        self.t = t
        self.timeout = timeout
        with self._db() as db:
            for statement in SCHEMA.split(";"):
                db.execute(statement)

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("BEGIN IMMEDIATE")
                yield db
                if db.in_transaction:
                    db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            finally:
                db.close()
        except sqlite3.Error as exc:
            raise ConfigError([self.problem(exc)]) from None

    def problem(self, exc: sqlite3.Error) -> Finding:
        """Locked (another program holds it), unwritable (a full disk, a read-only folder) or damaged."""
        text = str(exc).lower()
        code = getattr(exc, "sqlite_errorcode", None) or 0
        if "locked" in text or "busy" in text:
            name = "desk-store-locked"
        elif code & 0xFF in (SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL) and code not in IOERR_READING:
            name = "desk-store-unwritable"
        else:
            name = "desk-store-damaged"
        return self.t.finding(name, Severity.ERROR, file=str(self.path))

    # --- tokens ------------------------------------------------------------------------------

    def issue(self, owner: str) -> str:
        """A new link token for ``owner`` (``COORDINATOR``: the coordinator's); the old one stops working."""
        token = new_token()
        with self._db() as db:
            db.execute("INSERT INTO owners (name, token_hash, issued) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE "
                       "SET token_hash = excluded.token_hash, issued = excluded.issued",
                       (owner, token_hash(token), now().isoformat()))
        return token

    def owner_of(self, token: str) -> str | None:
        """Whose token this is (``COORDINATOR`` for the coordinator's), or None. Every stored hash is
        compared, in constant time, so the answer's timing does not depend on which matched."""
        wanted = token_hash(token)
        with self._db() as db:
            rows = db.execute("SELECT name, token_hash FROM owners").fetchall()
        found = None
        for name, stored in rows:
            if hmac.compare_digest(stored, wanted):
                found = name
        return found

    def secret(self, key: str) -> str:
        """A random server secret kept in the store (made on first use)."""
        with self._db() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            if row:
                return str(row[0])
            value = secrets.token_urlsafe(32)
            db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
            return value

    # --- submissions -------------------------------------------------------------------------

    def log(self, owner: str, action: int | None, sha256: str, size: int, findings: list[Finding],
            accepted: bool, file: str, at: dt.datetime | None = None) -> Submission:
        at = at or now()
        data = [f.to_dict() for f in findings]
        with self._db() as db:
            cursor = db.execute(
                "INSERT INTO submissions (owner, action, at, sha256, size, findings, accepted, file) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (owner, action, at.isoformat(), sha256, size, json.dumps(data, ensure_ascii=False), int(accepted),
                 file))
            rowid = int(cursor.lastrowid or 0)
        return Submission(rowid, owner, action, at, sha256, size, data, accepted, file)

    def submissions(self, owner: str | None = None) -> list[Submission]:
        """Every submission (of one owner), oldest first."""
        query = "SELECT id, owner, action, at, sha256, size, findings, accepted, file FROM submissions"
        with self._db() as db:
            rows = (db.execute(query + " WHERE owner = ? ORDER BY id", (owner,)) if owner is not None
                    else db.execute(query + " ORDER BY id")).fetchall()
        return [Submission(r[0], r[1], r[2], dt.datetime.fromisoformat(r[3]), r[4], r[5], json.loads(r[6]),
                           bool(r[7]), r[8]) for r in rows]

    def submission(self, owner: str, number: int) -> Submission | None:
        """One of ``owner``'s submissions by its id."""
        return next((s for s in self.submissions(owner) if s.id == number), None)
