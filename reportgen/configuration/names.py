"""The naming contract: how the standard sheet's cells and reportgen's files are named.

The workbook's defined names are the contract between the sheet reportgen writes, the reader,
the checks, the collection status and anyone who fills sheets by script: every value cell has
one, made here from a configuration key and nowhere else.

    rg_number, rg_title, rg_theme, rg_status, rg_responsible   the action itself
    rg_committee_<committee key>                               yes / no per committee
    rg_admin_<administration key>                              the administration's role
    rg_field_<field key>                                       a text field
"""

from __future__ import annotations

import re
import unicodedata

PREFIX = "rg_"
NUMBER = PREFIX + "number"
TITLE = PREFIX + "title"
THEME = PREFIX + "theme"
STATUS = PREFIX + "status"
RESPONSIBLE = PREFIX + "responsible"
META_VERSION = PREFIX + "template_version"
META_SIGNATURE = PREFIX + "config_signature"
LIST_PREFIX = PREFIX + "list_"


def committee(key: str) -> str:
    return f"{PREFIX}committee_{key}"


def administration(key: str) -> str:
    return f"{PREFIX}admin_{key}"


def field(key: str) -> str:
    return f"{PREFIX}field_{key}"


def choice_list(kind: str) -> str:
    """The named range behind a drop-down (``rg_list_themes`` …)."""
    return LIST_PREFIX + kind


def slugify(text: str) -> str:
    """Text as a file-name part: lower case ASCII, Danish letters spelt out, words joined by -."""
    text = text.lower()
    for danish, ascii_ in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        text = text.replace(danish, ascii_)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
