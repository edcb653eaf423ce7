"""docs/configuration.md is made from the schema and must say what the schema says; docs/round.md
names every defined name of the sheet's naming contract."""

from __future__ import annotations

import re

from reportgen.configuration import names
from reportgen.configuration.reference import DOCUMENT, reference, undescribed
from reportgen.configuration.schema import Config

from .conftest import ROOT

REGENERATE = "run: python -m reportgen.configuration.reference --write"


def test_every_key_of_the_schema_has_a_meaning():
    assert undescribed() == [], "describe each key with a docstring under it in schema.py"


def test_the_reference_is_what_the_schema_says():
    assert DOCUMENT == ROOT / "docs" / "configuration.md"
    assert DOCUMENT.read_text(encoding="utf-8") == reference(), REGENERATE


def test_the_reference_lists_every_key_with_type_and_default():
    text = reference()
    keys = set(re.findall(r"^\| `([a-z_.\[\]]+)` \|", text, re.MULTILINE))
    assert set(Config.model_fields) - {"base_dir", "source_file"} <= keys
    for key in ("report.version", "style.running_line", "committees[].short", "fields[].show_label",
                "sheets.max_rows", "round.carry.themes", "statuses[].symbol", "labels"):
        assert key in keys, key
    row = next(line for line in text.splitlines() if line.startswith("| `sheets.max_rows` |"))
    assert "whole number; ≥ 50, ≤ 100000" in row and "`400`" in row
    assert "| ⏸ | U+23F8 |" in text


def test_the_round_page_names_the_whole_naming_contract():
    text = (ROOT / "docs" / "round.md").read_text(encoding="utf-8")
    constants = [getattr(names, n) for n in dir(names) if n.isupper() and isinstance(getattr(names, n), str)
                 and getattr(names, n).startswith(names.PREFIX)]
    patterns = [names.committee("<key>"), names.administration("<key>"), names.field("<key>"),
                names.choice_list("*")]
    missing = [name for name in constants + patterns if f"`{name}" not in text and name != names.PREFIX]
    assert missing == []
    for command in ("sheets --actions", "sheets --from", "check --expect", "publish", "round.carry"):
        assert command in text
