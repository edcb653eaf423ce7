"""Hostile input, round two (issue 26): format strings in what the configuration overrides, giant
words and titles, what the configuration says, links and odd names in the sheets folder."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from reportgen.archive.store import extract
from reportgen.checks import check
from reportgen.configuration import load_config
from reportgen.locales import Messages, format_text
from reportgen.model import MAX_WORD
from reportgen.pdf import attachments
from reportgen.pipeline import build
from reportgen.problems import ConfigError
from reportgen.render import render_html
from reportgen.render.text import BREAK, break_long_words, to_html, with_word_breaks

from .conftest import cell_of, pdftotext, set_cells
from .test_hostile_faults import pdf_with_attachments


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
    allowed = "{address}, {count}, {deadline}, {organisation}, {origin}, {person}, {title}"
    assert allowed in said["round.message"].message
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


# --- Bounded work: giant words and titles --------------------------------------------------------


def _one_sheet(report_dir: Path) -> Path:
    """The report folder with action 7's sheet only (a one-action report)."""
    for other in ("01.xlsx", "25.xlsx"):
        (report_dir / "sheets" / other).unlink()
    return report_dir / "sheets" / "07.xlsx"


def _said(config, sheet: Path) -> dict[str, tuple[str, str | None, str]]:
    outcome = check(config)
    return {f.code: (f.severity.value, f.cell, f.message) for f in outcome.result.findings}


def test_a_title_has_300_characters_and_a_word_100(report_dir, config):
    sheet = _one_sheet(report_dir)
    title_cell, field_cell = cell_of(sheet, "rg_title"), cell_of(sheet, "rg_field_beskrivelse")
    words = ("Handlingskatalog for en attraktiv bosætningskommune " * 6)[:250].strip()
    set_cells(sheet, rg_title=words, rg_field_beskrivelse="Se " + "x" * MAX_WORD + " og " + "y" * 40)
    assert _said(config, sheet) == {}  # a title of 250 characters, a word of 100: fine
    set_cells(sheet, rg_title=(words + " ") * 2, rg_field_beskrivelse="Se https://" + "x" * 32_000)
    said = _said(config, sheet)
    assert said["line-too-long"][:2] == ("error", title_cell)
    assert "Titel er 501 tegn" in said["line-too-long"][2] and "højst være 300" in said["line-too-long"][2]
    assert said["word-too-long"][:2] == ("warning", field_cell)
    assert "Beskrivelse har et ord på 32008 tegn" in said["word-too-long"][2]
    set_cells(sheet, rg_title="T" * 32_767, rg_field_beskrivelse="kort")
    said = _said(config, sheet)
    assert said["line-too-long"][:2] == ("error", title_cell) and said["word-too-long"][:2] == ("warning", title_cell)


def test_a_run_without_spaces_wider_than_a_column_may_break_every_few_characters():
    """A 32,767-character word took WeasyPrint 48 s to set (it searched it for a break, laying out
    the rest of the paragraph each time); with a break opportunity every 12 characters it sets as
    fast as prose. Words of real text are left as they are."""
    html = str(to_html("Se " + "x" * 32_767 + " og www.example.dk/" + "a" * 50))
    runs = re.findall(rf"[^\s{BREAK}]+", re.sub(r"<[^>]*>", " ", html))  # the text, without its tags
    assert max(len(run) for run in runs) <= 12 and "x" * 12 + BREAK + "x" * 12 in html
    assert str(to_html("Beskæftigelsesforvaltningen og Fjerritslev-Svinkløv-Slettestrand.")) == \
        "<p>Beskæftigelsesforvaltningen og Fjerritslev-Svinkløv-Slettestrand.</p>"
    assert BREAK in str(with_word_breaks("T" * 300, ()))
    assert break_long_words(break_long_words("z" * 100)) == break_long_words("z" * 100)


def test_a_long_title_and_a_giant_word_print(report_dir, config, tmp_path):
    """The title (250 characters) goes into the contents, the bookmarks, both matrices and the
    running heads; a 32,767-character word into its column: both set, broken where they must."""
    sheet = _one_sheet(report_dir)
    title = ("Handlingskatalog for en attraktiv bosætningskommune " * 6)[:250].strip()
    set_cells(sheet, rg_title=title, rg_field_beskrivelse="Start " + "q" * 32_767 + " slut")
    html = render_html(check(config).catalogue)
    # the action and both matrices; the contents hold the title's last word with its page number
    assert "q" * 13 not in html and html.count(title) >= 3 and html.count(title.rsplit(" ", 1)[0]) >= 4
    result = build(config, tmp_path / "out")
    assert [f.code for f in result.result.findings] == ["word-too-long"]
    text = pdftotext(result.pdf).replace(BREAK, "")
    assert "attraktiv bosætningskommune" in text and "Start" in text and "slut" in text


# --- Bounded work: extract ------------------------------------------------------------------------


def test_extract_lists_each_folder_once_not_once_per_file(tmp_path, monkeypatch):
    """5,000 attachments took 14 s (59 s on a busy machine): each write listed the whole folder
    for what a killed write left. Now each folder is listed once, and such leftovers still go."""
    names = {f"sheets/{n:04d}.xlsx": b"sheet %d" % n for n in range(300)}
    pdf = pdf_with_attachments(tmp_path / "edition.pdf", names | {"report.yaml": b"report: {}"})
    out = tmp_path / "out"
    (out / "sheets").mkdir(parents=True)
    (out / "sheets" / ".0007.xlsx.k1ll3d.part").write_bytes(b"half")  # a killed write's leftover
    listed: list[str] = []
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        listed.append(os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    written = extract(pdf, out, Messages("da"))
    monkeypatch.undo()
    assert len(written) == 301 and (out / "sheets" / "0299.xlsx").read_bytes() == b"sheet 299"
    assert sorted(p.name for p in (out / "sheets").iterdir()) == sorted(Path(n).name for n in names)
    assert len(listed) <= 4, f"{len(listed)} listings of {sorted(set(listed))}"


def test_extract_refuses_more_attachments_than_an_edition_has(tmp_path, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_ATTACHMENTS", 20)
    pdf = pdf_with_attachments(tmp_path / "edition.pdf", {f"sheets/{n}.xlsx": b"x" for n in range(21)})
    with pytest.raises(ConfigError) as stop:
        extract(pdf, tmp_path / "out", Messages("en"))
    (finding,) = stop.value.findings
    assert finding.code == "edition-too-many-files" and "21 attached files" in finding.message
    assert "at most 20" in finding.message and not (tmp_path / "out").exists()


# --- The configuration says what it means ---------------------------------------------------------


@pytest.mark.parametrize(("language", "said"), [("da", "for stor: 10,0 MB; grænsen er 5 MB"),
                                                ("en", "too large: 10.0 MB; the limit is 5 MB")])
def test_a_configuration_over_5_mb_is_called_too_large(report_dir, language, said):
    path = report_dir / "report.yaml"
    text = path.read_text(encoding="utf-8").replace("  language: da", f"  language: {language}")
    comments = ("# " + "en lang kommentar " * 5 + "\n").encode()
    path.write_bytes(text.encode() + comments * ((10 * 2**20 - len(text.encode())) // len(comments) + 1))
    with pytest.raises(ConfigError) as stop:
        load_config(path)
    (finding,) = stop.value.findings
    assert finding.code == "config-too-large" and said in finding.message
    assert "UTF-8" not in finding.fix


def test_an_impossible_deadline_is_an_error_with_its_line(report_dir):
    """As the report's date is (tests/test_hostile_faults.py): the loader keeps a date that does not
    exist as text, and the schema refuses it with the line."""
    path = report_dir / "report.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  deadline: 2017-05-01", "  deadline: 2017-02-30"),
                    encoding="utf-8")
    with pytest.raises(ConfigError) as stop:
        load_config(path)
    (finding,) = stop.value.findings
    assert finding.code == "config-invalid" and finding.cell == f"line {_line_of(path, 'deadline:')}"
    assert "round.deadline" in finding.message and "2017-02-30" in finding.message


# --- Files are what they are -------------------------------------------------------------------------


def test_a_link_in_the_sheets_folder_is_refused_not_followed(report_dir, config):
    sheets = report_dir / "sheets"
    (sheets / "passwd.xlsx").symlink_to("/etc/passwd")
    (sheets / "26.xlsx").symlink_to(sheets / "25.xlsx")  # even to a real sheet: never followed
    (sheets / "notes.txt").symlink_to("/etc/hostname")
    outcome = check(config)
    said = {f.file: (f.code, f.severity.value, f.message) for f in outcome.result.findings}
    assert said == {
        "passwd.xlsx": ("file-link", "error", said["passwd.xlsx"][2]),
        "26.xlsx": ("file-link", "error", said["26.xlsx"][2]),
        "notes.txt": ("file-link", "warning", said["notes.txt"][2]),
    }
    assert "et link (symbolsk link) til /etc/passwd" in said["passwd.xlsx"][2]
    assert [a.number for a in outcome.catalogue.actions] == [1, 7, 25] and "passwd.xlsx" not in outcome.sheets


def test_a_name_that_is_not_utf8_stops_only_what_it_may_be(report_dir, config):
    """A sheet with such a name is an error (its action would be missing), another file a warning
    (it would be skipped anyway); every other sheet is still checked in the same pass."""
    sheets = os.fsencode(report_dir / "sheets")
    shutil.copyfile(report_dir / "sheets" / "07.xlsx", os.path.join(sheets, b"07-k\xf8pi.xlsx"))
    Path(os.fsdecode(os.path.join(sheets, b"m\xf8de.txt"))).write_bytes(b"notes")
    (report_dir / "sheets" / "25.xlsx").write_bytes(b"not a workbook")
    outcome = check(config)
    said = sorted((f.file, f.code, f.severity.value) for f in outcome.result.findings)
    assert said == [("07-k\\xf8pi.xlsx", "file-name-encoding", "error"), ("25.xlsx", "file-text", "error"),
                    ("m\\xf8de.txt", "file-name-encoding", "warning")]
    assert [a.number for a in outcome.catalogue.actions] == [1, 7]
