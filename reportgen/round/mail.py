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
from ..writers import inside, write_bytes

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def draft(config: Config, person: str, sheets: list[Path], link: str | None = None) -> EmailMessage:
    """``link``: the person's own link to the collection desk (``reportgen desk links``), added after the text."""
    t, round_ = config.messages, config.round
    deadline = _date(round_.deadline, config.report.language) if round_.deadline else t("mail.no_deadline")
    params = {"person": person, "title": config.report.title, "deadline": deadline,
              "address": round_.return_address or t("mail.no_address"), "count": len(sheets),
              "organisation": config.report.organisation}
    message = EmailMessage(policy=SMTP)
    message["Subject"] = round_.subject or t("mail.subject", **params)
    if round_.return_address:
        message["From"] = round_.return_address
        message["Reply-To"] = round_.return_address
    message["To"] = round_.people.get(person, "")
    message["X-Unsent"] = "1"
    body = (round_.message or t("mail.body")).format_map(_Keep(params))
    message.set_content(body + ("\n" + t("mail.desk_link", link=link) + "\n" if link else ""))
    digest = hashlib.sha256(person.encode())
    for sheet in sheets:
        data = sheet.read_bytes()
        digest.update(data)
        message.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1], filename=sheet.name)
    if sheets:
        message.set_boundary(f"reportgen-{digest.hexdigest()[:24]}")  # the same draft is the same bytes
    return message


def write_drafts(config: Config, sheets_by_person: dict[str, list[Path]], out_dir: Path,
                 links: dict[str, str] | None = None) -> list[Path]:
    """One draft per person; ``links``: each person's link to the collection desk, if it is used."""
    written = []
    for person, sheets in sorted(sheets_by_person.items()):
        name = slugify(person) or slugify(config.messages("mail.no_person"))
        target = inside(Path(out_dir), f"{name[:80]}.eml", config.messages)
        message = draft(config, person, sheets, (links or {}).get(person))
        written.append(write_bytes(target, message.as_bytes(), config.messages))
    return written


def _date(day: dt.date, language: str) -> str:
    return f"{day.day}.{day.month}.{day.year}" if language == "da" else day.isoformat()


class _Keep(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
