"""A link (the council's decision, a project page): an http or https address, printed short (its host
and a shortened path) and live (a real link in the PDF and the web edition), a Table Schema ``string``
of format ``uri``. Any other scheme (``javascript:``, ``file:``, ``mailto:``) is refused."""

from __future__ import annotations

import urllib.parse
from typing import ClassVar

from ..locales import Messages
from .base import FieldKind, Problem, Spec, register

MAX_LINK = 2000  # characters: what browsers and servers take
SHORT = 40       # the printed form's characters, at most


def address(text: str) -> str | None:
    """An http(s) address as the report links it ("www.x.dk/…" becomes "https://www.x.dk/…"), or None."""
    text = text.strip()
    if text.lower().startswith("www."):
        text = "https://" + text
    if not text or len(text) > MAX_LINK or any(ch.isspace() or ord(ch) < 32 or ch in '<>"\\' for ch in text):
        return None
    try:
        parts = urllib.parse.urlsplit(text)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or "." not in host or parts.username is not None:
        return None
    return text


def short(link: str) -> str:
    """The host without "www." and the path, shortened to its first and last part when it is long
    ("jammerbugt.dk/politik/…/byraadet-2018-03-22")."""
    parts = urllib.parse.urlsplit(link)
    host = (parts.hostname or "").removeprefix("www.")
    steps = [step for step in parts.path.split("/") if step]
    shown = "/".join([host, *steps])
    if len(shown) > SHORT and len(steps) > 1:
        shown = "/".join([host, steps[0], "…", steps[-1]])
    return shown if len(shown) <= SHORT else shown[:SHORT - 1] + "…"


@register
class Link(FieldKind):
    name = "link"
    table_format: ClassVar[str | None] = "uri"

    def read(self, raw: object, text: str, spec: Spec, t: Messages) -> tuple[str, list[Problem]]:
        if not text:
            return "", []
        link = address(text)
        if link is None:
            return "", [Problem("link-invalid", {"value": text[:80], "label": spec.label})]
        return link, []

    def printed(self, text: str, t: Messages) -> str:
        link = address(text)
        return short(link) if link else text

    def href(self, text: str) -> str | None:
        return address(text)

    def help(self, spec: Spec, t: Messages) -> str:
        return t("fields.link_help")
