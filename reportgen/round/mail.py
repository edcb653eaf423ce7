"""E-mail drafts (.eml) for the collection round: one per responsible person, sheets attached.

The drafts carry ``X-Unsent: 1`` so that Outlook opens them ready to send; Thunderbird and Apple
Mail open them as messages to forward or edit. Nothing is sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from ..configuration import Config, slugify
from ..locales import Messages, format_text
from ..writers import inside, write_bytes

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def origin_text(t: Messages, origins: list[str], edition: str) -> str:
    """Where a person's sheets come from, in words that fit: the last status, what an earlier
    edition said (carried), or new this year from the list of actions (fresh), or some of each."""
    carried = sum(o == "carried" for o in origins)
    new = sum(o == "new" for o in origins)
    if new and carried:
        return t("mail.origin_mixed", carried=carried, new=new, edition=edition)
    if new:
        return t("mail.origin_new")
    return t("mail.origin_carried", edition=edition) if carried and edition else t("mail.origin_last")


def draft(config: Config, person: str, sheets: list[Path], origins: list[str] | None = None,
          edition: str = "", link: str | None = None) -> EmailMessage:
    """``link``: the person's own link to the collection desk (``reportgen desk links``), added after the text."""
    t, round_ = config.messages, config.round
    deadline = _date(round_.deadline, config.report.language) if round_.deadline else t("mail.no_deadline")
    params = {"person": person, "title": config.report.title, "deadline": deadline,
              "address": round_.return_address or t("mail.no_address"), "count": len(sheets),
              "organisation": config.report.organisation,
              "origin": origin_text(t, origins or ["last"] * len(sheets), edition)}
    message = EmailMessage(policy=SMTP)
    message["Subject"] = round_.subject or t("mail.subject", **params)
    if round_.return_address:
        message["From"] = round_.return_address
        message["Reply-To"] = round_.return_address
    message["To"] = round_.people.get(person, "")
    message["X-Unsent"] = "1"
    body = format_text(round_.message, params) if round_.message else t("mail.body", **params)
    message.set_content(body + ("\n" + t("mail.desk_link", link=link) + "\n" if link else ""))
    digest = hashlib.sha256(person.encode())
    for sheet in sheets:
        data = sheet.read_bytes()
        digest.update(data)
        message.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1], filename=sheet.name)
    if sheets:
        message.set_boundary(f"reportgen-{digest.hexdigest()[:24]}")  # the same draft is the same bytes
    return message


def draft_path(config: Config, out_dir: Path, person: str) -> Path:
    """Where a person's draft is: ``mail/<person>.eml``."""
    name = slugify(person) or slugify(config.messages("mail.no_person"))
    return inside(Path(out_dir), f"{name[:80]}.eml", config.messages)


def write_drafts(config: Config, sheets_by_person: dict[str, list[tuple[Path, str]]], out_dir: Path,
                 edition: str = "", links: dict[str, str] | None = None) -> list[Path]:
    """One draft per person, with their sheets (each with its origin: ``last``, ``carried`` or ``new``);
    ``links``: each person's link to the collection desk, if it is used."""
    written = []
    for person, sheets in sorted(sheets_by_person.items()):
        message = draft(config, person, [p for p, _ in sheets], [o for _, o in sheets], edition,
                        (links or {}).get(person))
        written.append(write_bytes(draft_path(config, out_dir, person), message.as_bytes(), config.messages))
    return written


def _date(day: dt.date, language: str) -> str:
    return f"{day.day}.{day.month}.{day.year}" if language == "da" else day.isoformat()
