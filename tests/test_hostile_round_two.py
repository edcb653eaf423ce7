"""Hostile input, round two (issue 26): format strings in what the configuration overrides, giant
words and titles, what the configuration says, links and odd names in the sheets folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.configuration import load_config
from reportgen.locales import Messages, format_text
from reportgen.problems import ConfigError


def _edit(report_dir: Path, after: str, text: str) -> Path:
    """The configuration with ``text`` inserted after the line ``after``."""
    path = report_dir / "report.yaml"
    before = path.read_text(encoding="utf-8")
    assert after in before
    path.write_text(before.replace(after, after + text, 1), encoding="utf-8")
    return path


def _line_of(path: Path, start: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.strip().startswith(start))


# --- Never a raw Python error from a format string -----------------------------------------------


def test_overridden_texts_may_use_only_their_own_plain_placeholders(report_dir):
    _edit(report_dir, "labels:\n",
          "  report.version: \"Version {0}\"\n"
          "  report.legend: \"{x.__class__.__init__.__globals__}\"\n"
          "  mail.subject: \"{title:>1500000000}\"\n"
          "  mail.no_person: \"{person[0]}\"\n"
          "  report.contents: \"Indhold {\"\n")
    path = _edit(report_dir, "  deadline: 2017-05-01\n", "  message: \"Kære {person!r}, {unknown}\"\n")
    with pytest.raises(ConfigError) as stop:
        load_config(path)
    said = {f.message.split(":")[0]: f for f in stop.value.findings}
    assert {f.code for f in said.values()} == {"config-placeholder"}
    assert set(said) == {"round.message", "labels.report.version", "labels.report.legend", "labels.mail.subject",
                         "labels.mail.no_person", "labels.report.contents"}
    for key, finding in said.items():
        assert finding.cell == f"line {_line_of(path, key.split('.', 1)[1] + ':')}", key
    version = said["labels.report.version"].message
    assert "{0}" in version and "ingen pladsholdere" in version
    assert "slå op" in said["labels.report.legend"].message
    assert "højst 200" in said["labels.mail.subject"].message and "bruge {title}" in said["labels.mail.subject"].message
    assert "{person!r}" in said["round.message"].message
    assert "{address}, {count}, {deadline}, {organisation}, {person}, {title}" in said["round.message"].message
    assert "står alene" in said["labels.report.contents"].message


def test_plain_placeholders_in_overrides_are_filled(report_dir):
    path = _edit(report_dir, "labels:\n", "  mail.subject: \"{title:>3} – dit ark\"\n")
    config, _ = load_config(path)
    assert config.messages("mail.subject", title="T") == "  T – dit ark"


@pytest.mark.parametrize("text", ["{0}", "{}", "{x.__class__.__init__.__globals__}", "{a[0]}", "{title!r}",
                                  "{title:>1500000000}", "{title:{title}}", "{", "}"])
def test_the_formatter_never_raises_nor_looks_anything_up(text):
    """What the load-time check refuses never reaches a user as a Python error either: the text
    is shown as written."""
    assert Messages("da", {"mail.subject": text})("mail.subject", title="T") == text
    assert format_text(text, {"title": "T", "x": "s"}) == text
