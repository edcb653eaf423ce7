"""Tests that fail when the code is wrong: each one kills a plausible bug (a mutant) that once passed
every other test (issue 31; `make mutate` finds such bugs, bench/MUTATION.md lists what it found)."""

from __future__ import annotations

import csv
import dataclasses
import errno
import io
import json
import os
import re
import stat
import zipfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportgen import writers
from reportgen.checks import check
from reportgen.configuration import load_config, slugify
from reportgen.diff import ActionChange, describe_change, diff_editions, word_diff
from reportgen.locales import Messages
from reportgen.mentions import Matcher, Mention, Named, links
from reportgen.model import Catalogue, Role
from reportgen.opendata import export, package, tables
from reportgen.problems import BuildError, ConfigError, Severity
from reportgen.render import WEB, render_html, template_dirs
from reportgen.render.assets import Assets
from reportgen.render.text import (
    BREAK,
    break_long_words,
    hyphenated,
    longest_unbroken,
    plain_words,
    to_html,
    web_links,
    with_breaks,
    with_word_breaks,
)
from reportgen.render.words import SOFT_HYPHEN
from reportgen.sheets.files import SheetFile, _decoded, screen, text_kind
from reportgen.writers import (
    _stage_file,
    _stage_folder,
    exchange,
    inside,
    refuse_overwrite,
    remove_stale_parts,
    write_bytes,
    write_failed,
    write_folder,
    write_problem,
    write_text,
    write_together,
)

from .hostile_files import small_entry, sparse_file, write_zip, zeros_entry

MONTHS = "januar februar marts april maj juni juli august september oktober november december jan feb"


@pytest.mark.parametrize("name", ["../out-evil/a.pdf", "../out2", "../outside/a.pdf", "../out.pdf"])
def test_a_sibling_folder_whose_name_starts_with_the_folders_is_outside(tmp_path, name):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "out-evil").mkdir()
    t = Messages("en")
    with pytest.raises(BuildError) as refused:
        inside(out, name, t)
    [finding] = refused.value.findings
    assert (finding.code, finding.severity, finding.file) == ("path-outside", Severity.ERROR, name)
    assert finding.message == f"The name '{name}' would lead out of the folder {out}."
    assert inside(out, "out-evil/a.pdf", Messages("en")) == out / "out-evil" / "a.pdf"  # a subfolder is inside


def test_names_are_escaped_without_hyphenation_words():
    hostile = 'Teknik & <b onclick="x()">Miljø</b>'
    assert with_word_breaks(hostile, ()) == 'Teknik &amp; &lt;b onclick=&#34;x()&#34;&gt;Miljø&lt;/b&gt;'
    assert with_word_breaks(hostile, (("Miljø", "Mil-jø"),)).count("<b") == 0


def test_a_report_without_hyphenation_prints_committee_names_as_text(three_actions):
    config = three_actions.config
    hostile = 'Teknik & <b class="evil">Miljø</b>'
    committees = [c.model_copy(update={"name": hostile}) if c.key == "teknik" else c for c in config.committees]
    changed = config.model_copy(update={"hyphenation": {}, "committees": committees})
    html = render_html(Catalogue(changed, three_actions.actions))
    assert 'class="evil"' not in html
    assert "Teknik &amp; &lt;b class=&#34;evil&#34;&gt;Miljø&lt;/b&gt;" in html


def test_a_sheet_with_an_upper_case_suffix_is_read(report_dir):
    sheet = report_dir / "sheets" / "07.xlsx"
    sheet.rename(sheet.with_name("07.XLSX"))
    config, _ = load_config(report_dir / "report.yaml")
    outcome = check(config)
    assert outcome.result.findings == [], [f.describe() for f in outcome.result.findings]
    assert [a.number for a in outcome.catalogue.actions] == [1, 7, 25]


@pytest.fixture(scope="module")
def three_actions(sample_config) -> Catalogue:
    """Actions 1, 7 and 25 of the sample (two statuses, three themes, both roles): read in a tenth of
    the time of all fifty, which counts in `make mutate`, where each mutant reads them again."""
    sheets = [next(sample_config.sheets_dir.glob(f"{number:02d}-*.xlsx")) for number in (1, 7, 25)]
    outcome = check(sample_config, sheets)
    assert outcome.result.findings == [] and len(outcome.catalogue.actions) == 3
    return outcome.catalogue


def test_open_data_status_labels_are_the_configured_labels(three_actions):
    config = three_actions.config
    labels = {status.key: status.label for status in config.statuses}
    assert any(key != label for key, label in labels.items())  # else a key in the label column would pass
    name, _, rows = tables(three_actions)[0]
    assert name == "actions" and len(rows) == len(three_actions.actions)
    assert [(r["status"], r["status_label"]) for r in rows] == [(a.status, labels[a.status])
                                                                for a in three_actions.actions]


class _SummaryRows(HTMLParser):
    """The rows of the status summary's table: (row heading, [cell texts])."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self._in_table = self._in_cell = False
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and "summary-table" in (dict(attrs).get("class") or "").split():
            self._in_table = True
        elif self._in_table and tag == "tr":
            self.rows.append(("", []))
        elif self._in_table and tag in ("th", "td"):
            self._in_cell, self._text = True, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        elif self._in_table and self._in_cell and tag in ("th", "td"):
            self._in_cell = False
            heading, cells = self.rows[-1]
            text = self._text.strip()
            self.rows[-1] = (text, cells) if tag == "th" and not heading else (heading, [*cells, text])

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self._text += data


def test_the_status_summary_counts_each_themes_actions(sample_catalogue):
    config = sample_catalogue.config
    parser = _SummaryRows()
    parser.feed(render_html(sample_catalogue))
    rows = {heading: cells for heading, cells in parser.rows if cells}
    keys = [status.key for status in config.statuses]
    for theme in config.themes:
        actions = [a for a in sample_catalogue.actions if a.theme == theme.number]
        counts = Counter(a.status for a in actions)
        cells = rows[f"{theme.number}. {theme.heading}"]
        assert cells[:len(keys) + 1] == [str(counts[key]) for key in keys] + [str(len(actions))], theme.heading
    total = Counter(a.status for a in sample_catalogue.actions)
    assert rows[config.messages("report.total")][:len(keys)] == [str(total[key]) for key in keys]
    themes = [tuple(rows[f"{theme.number}. {theme.heading}"]) for theme in config.themes]
    assert len(set(themes)) == len(themes)  # the themes' counts differ: one count for all would fail above


def test_a_text_that_ends_inside_a_name_names_nothing():
    matcher = Matcher({"teknik": ["Teknik og Miljø"], "kultur": ["Kultur"]})
    assert matcher.find("Spørg Kultur eller Teknik") == [Mention(("kultur",), 6, 12, "Kultur")]
    assert matcher.keys("Teknik og") == []


def test_a_mention_reads_its_words_without_soft_hyphens():
    [mention] = Matcher({"teknik": ["Teknik og Miljø"]}).find("Tek\u00adnik og Mil\u00adjøudvalget")
    assert mention.words == "Teknik og Miljøudvalget" and mention.keys == ("teknik",)


def test_a_linked_field_the_sheet_leaves_out_names_nothing(sample_config):
    [committees, _] = links(sample_config)
    assert committees.named({}) == {}
    named = committees.named({"udvalg": "Teknik og Miljø"})
    assert named == {"teknik": Named("udvalg", Mention(("teknik",), 0, 15, "Teknik og Miljø"))}


# --- writers: what the fast tests did not hold (the builds write for real, but are left out of `make mutate`)


@pytest.mark.parametrize("exc, problem", [
    (OSError(errno.ENOSPC, "full"), "full"), (OSError(errno.EDQUOT, "quota"), "full"),
    (OSError(errno.EFBIG, "too big"), "full"), (OSError(errno.EROFS, "read-only"), "read_only"),
    (OSError(errno.EACCES, "denied"), "permission"), (OSError(errno.EPERM, "not permitted"), "permission"),
    (OSError(errno.ENOTDIR, "a file"), "in_the_way"), (OSError(errno.EEXIST, "exists"), "in_the_way"),
    (OSError(errno.EISDIR, "a folder"), "in_the_way"), (OSError(errno.ENAMETOOLONG, "long"), "name_too_long"),
    (OSError(errno.EIO, "i/o"), "other"), (OSError("no number"), "other")])
def test_each_refused_write_is_told_by_its_cause(exc, problem):
    assert write_problem(exc) == problem
    t = Messages("en")
    [finding] = write_failed("out/a.pdf", exc, t).findings
    assert (finding.code, finding.file) == ("write-failed", "out/a.pdf")
    assert finding.message == t("findings.write-failed.message", detail=t(f"write_problems.{problem}"))


def test_refuse_overwrite_names_the_file_it_keeps(tmp_path):
    t = Messages("en")
    target, sheet = tmp_path / "a.pdf", tmp_path / "07.xlsx"
    refuse_overwrite(target, t, force=False, inputs=[sheet])  # nothing there: nothing to refuse
    for existing in (target, tmp_path / "dangling"):
        if existing == target:
            target.write_bytes(b"%PDF")
        else:
            existing.symlink_to(tmp_path / "nowhere")
        with pytest.raises(ConfigError) as refused:
            refuse_overwrite(existing, t, force=False, inputs=[sheet])
        [finding] = refused.value.findings
        assert (finding.code, finding.severity, finding.file) == ("output-exists", Severity.ERROR, str(existing))
        assert finding.message == t("findings.output-exists.message")
        refuse_overwrite(existing, t, force=True, inputs=[sheet])
    sheet.write_bytes(b"PK")
    (tmp_path / "link.xlsx").symlink_to(sheet)
    for same in (sheet, tmp_path / "link.xlsx"):
        with pytest.raises(ConfigError) as refused:
            refuse_overwrite(same, t, force=True, inputs=[tmp_path / "other.xlsx", str(sheet)])
        [finding] = refused.value.findings
        assert (finding.code, finding.severity, finding.file) == ("output-is-input", Severity.ERROR, str(same))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_together_puts_every_file_and_folder_in_place(tmp_path):
    out = tmp_path / "a" / "b"
    copied = tmp_path / "logo.svg"
    copied.write_bytes(b"<svg/>")
    write_together({out / "r.pdf": b"%PDF-old"}, {out / "web": {"old.html": b"old"}})
    outside = tmp_path / "outside"
    outside.mkdir(mode=0o755)
    (outside / "keep").write_bytes(b"keep")
    (out / ".r.pdf.x1.part").write_bytes(b"half")  # what killed writes leave behind
    (out / ".web.x2.part").mkdir()
    (out / ".web.x2.part" / "index.html").write_bytes(b"half")
    (out / ".web.x3.part").symlink_to(outside)
    write_together({out / "r.pdf": b"%PDF-new", out / "r.html": b"<p>"},
                   {out / "web": {"index.html": b"new", "data/x/y.csv": b"1;2", "logo.svg": copied}})
    assert sorted(p.name for p in out.iterdir()) == ["r.html", "r.pdf", "web"]
    assert (out / "r.pdf").read_bytes() == b"%PDF-new" and (out / "r.html").read_bytes() == b"<p>"
    web = out / "web"
    assert sorted(p.relative_to(web).as_posix() for p in web.rglob("*") if p.is_file()) == [
        "data/x/y.csv", "index.html", "logo.svg"]
    assert (web / "logo.svg").read_bytes() == b"<svg/>" and (web / "data/x/y.csv").read_bytes() == b"1;2"
    assert (_mode(out / "r.pdf"), _mode(web), _mode(web / "index.html")) == (0o644, 0o755, 0o644)
    assert (outside / "keep").read_bytes() == b"keep" and _mode(outside) == 0o755  # a link is not followed
    deep = out / "c" / "d" / "web"
    assert write_folder(str(deep), {"a": b"1"}) == deep and (deep / "a").read_bytes() == b"1"


def test_staged_outputs_have_the_names_a_later_write_clears(tmp_path):
    target = tmp_path / "out" / "r.pdf"
    for staged in (_stage_file(target, b"%PDF"), _stage_folder(target.with_name("web"), {"a": b"1"})):
        stem = "r.pdf" if staged.is_file() else "web"
        assert staged.parent == target.parent and staged.name.startswith(f".{stem}.") and staged.name.endswith(
            ".part"), staged
    assert sorted(p.name for p in target.parent.iterdir() if p.is_file())[0].startswith(".r.pdf.")
    remove_stale_parts(target)
    remove_stale_parts(target.with_name("web"))
    assert list(target.parent.iterdir()) == []


def test_without_an_exchange_the_old_folder_is_moved_aside_then_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(writers, "exchange", lambda first, second: False)  # a system without renameat2
    web = write_folder(tmp_path / "web", {"index.html": b"old", "old.css": b"x"})
    write_folder(web, {"index.html": b"new"})
    assert [p.name for p in tmp_path.iterdir()] == ["web"] and [p.name for p in web.iterdir()] == ["index.html"]
    assert (web / "index.html").read_bytes() == b"new"


def test_exchange_swaps_relative_paths_and_names_what_it_cannot(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("first").write_bytes(b"1")
    Path("second").mkdir()
    assert exchange(Path("first"), Path("second"))
    assert Path("first").is_dir() and Path("second").read_bytes() == b"1"
    for first, code in ((Path("second/x"), errno.ENOTDIR), (Path("missing"), errno.ENOENT)):
        with pytest.raises(OSError) as failed:
            exchange(first, Path("second"))
        assert (failed.value.errno, failed.value.strerror, failed.value.filename) == (
            code, os.strerror(code), "second")
    Path("first/inside").mkdir()
    assert not exchange(Path("first"), Path("first/inside"))  # EINVAL: one the system cannot make
    assert Path("first").is_dir() and Path("second").read_bytes() == b"1"


def test_every_writer_speaks_the_reports_language(tmp_path):
    t = Messages("en")
    (tmp_path / "file").write_bytes(b"in the way")
    (tmp_path / "folder" / "x").mkdir(parents=True)
    pdf, web, folder = tmp_path / "file" / "a.pdf", tmp_path / "file" / "web", tmp_path / "folder"
    writes = [(pdf, lambda: write_bytes(pdf, b"%PDF", t)), (pdf, lambda: write_text(pdf, "<p>", t)),
              (web, lambda: write_folder(web, {"a": b"1"}, t)), (pdf, lambda: write_together({pdf: b"%PDF"}, {}, t)),
              (web, lambda: write_together({}, {web: {"a": b"1"}}, t)),
              (folder, lambda: write_together({folder: b"%PDF"}, {}, t)),  # staged, then refused at the rename
              (folder, lambda: write_together({folder: b"%PDF"}, {tmp_path / "web": {"a": b"1"}}, t))]
    for target, write in writes:
        with pytest.raises(BuildError) as stop:
            write()
        [finding] = stop.value.findings
        assert finding.file == str(target)
        assert finding.message == t("findings.write-failed.message", detail=t("write_problems.in_the_way"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder"]
    assert [p.name for p in folder.iterdir()] == ["x"]


# --- render/text: the forms a milestone's date takes, the cover's web line, the words a reader must find


@pytest.mark.parametrize("line", ["19. april 2017: Godkendt", "Marts 2017: Forelagt", "jan.–marts 2017: Høring",
                                  "1. jan - 3. feb 2017: Høring", "MARTS 2017: Forelagt", "Q3 2017: Udbud",
                                  "3. kvartal 2017: Udbud", "3.kvartal 2017: Udbud", "19.4.2017: Møde",
                                  "1.12.17: Møde", "2017: Vedtaget", "2016-17: Udført", "2016 – 2018: Projekt",
                                  "2016/2017: Forsøg", "Marts 2017 : Forelagt", "september2016: Start"])
def test_each_form_of_a_milestone_date_is_marked(line):
    date, rest = line.split(":", 1)
    assert to_html(line, MONTHS) == f'<p><strong class="milestone">{date}:</strong>{rest}</p>'


@pytest.mark.parametrize("line", ["Marts: Forelagt", "Q5 2017: Udbud", "5. kvartal 2017: Udbud", "17: Møde",
                                  "Efter marts 2017: Forelagt", "2017:Vedtaget", "19.4.2017 blev det: vedtaget",
                                  "123.4.2017: Møde", "Junior 2017: Forløb"])
def test_a_line_that_does_not_open_with_a_date_is_plain(line):
    assert "<strong" not in to_html(line, MONTHS)


def test_a_milestone_on_the_next_line_of_a_paragraph_is_marked():
    assert to_html("Forløb\n2017: Vedtaget\nMarts 2018: Start", MONTHS) == (
        '<p>Forløb<br>\n<strong class="milestone">2017:</strong> Vedtaget<br>\n'
        '<strong class="milestone">Marts 2018:</strong> Start</p>')


def test_the_cover_web_line_links_each_address():
    assert web_links("Se www.jammerbugt.dk/plan, eller https://a.dk/x?y=1 & <b>") == (
        'Se <a class="address" href="https://www.jammerbugt.dk/plan">www.jammerbugt.dk/plan</a>, eller '
        '<a class="address" href="https://a.dk/x?y=1">https://a.dk/x?y=1</a> &amp; &lt;b&gt;')
    assert web_links("http://a.dk") == '<a class="address" href="http://a.dk">http://a.dk</a>'
    assert web_links("ingen adresse") == "ingen adresse"


def test_the_words_a_reader_must_find():
    assert plain_words("• Første  linje\n- punkt -  to\r\n\n*  tre") == ["Første", "linje", "punkt", "to", "tre"]
    assert plain_words("") == []


def test_listed_words_break_only_where_the_list_allows():
    assert with_breaks("Tænketank", "Tænke-tank") == "Tænke\u00adtank"
    assert with_breaks("Jammerbugts", "Jam-mer-bugt") == "Jam\u00admer\u00adbugts"  # the ending follows
    assert with_breaks("Jammerbugtens", "Jammer-bugt") == "Jammer\u00adbugtens"
    assert with_breaks("Kort", "Kortere") == "Kort"
    words = (("Jammerbugt", "Jammer-bugt"), ("Tænketank", "Tænketank"))
    assert with_word_breaks("<Jammerbugts> tænketank & jammerbugt", words) == (  # a span takes its space
        '&lt;<span class="hy">Jammer\u00adbugts</span>&gt;<span class="hy"> tænketank</span> &amp;'
        '<span class="hy"> jammer\u00adbugt</span>')
    assert to_html("Jammerbugts tænketank, ikke Storjammerbugt", "", words) == (
        '<p><span class="hy">Jammer\u00adbugts</span><span class="hy"> tænketank</span>, ikke Storjammerbugt</p>')


# --- opendata: the tables against the catalogue, without a build (the build's tests are left out of `make mutate`)


def _csv(raw: bytes) -> list[list[str]]:
    assert raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\r\n")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_data_package_holds_the_catalogue(three_actions):
    config, t, actions = three_actions.config, three_actions.config.messages, three_actions.actions
    files = package(three_actions)
    assert sorted(files) == ["actions.csv", "administrations.csv", "committees.csv", "datapackage.json"]
    keys = [f.key for f in config.fields]
    headings = {theme.number: theme.heading for theme in config.themes}
    labels = {status.key: status.label for status in config.statuses}
    assert _csv(files["actions.csv"]) == [
        ["number", "title", "theme", "theme_heading", "status", "status_label", "responsible", *keys],
        *[[str(a.number), a.title, str(a.theme), headings[a.theme], a.status, labels[a.status], a.responsible,
           *[a.texts.get(key, "") for key in keys]] for a in actions]]
    names = {c.key: c.name for c in config.committees}
    assert _csv(files["committees.csv"]) == [["number", "committee", "committee_name"], *[
        [str(a.number), key, names[key]] for a in actions for key in a.committees]]
    admins = {a.key: a.name for a in config.administrations}
    assert _csv(files["administrations.csv"]) == [
        ["number", "administration", "administration_name", "role", "role_label"],
        *[[str(a.number), key, admins[key], role.value, t(f"role.{role.value}")]
          for a in actions for key, role in sorted(a.roles.items()) if role is not Role.NONE]]
    assert len(_csv(files["administrations.csv"])) > 1 + len(actions)  # roles of every kind are in the sample
    assert {row[3] for row in _csv(files["administrations.csv"])[1:]} == {"anchoring", "interest"}


def test_the_data_packages_descriptor(three_actions, tmp_path):
    config, t = three_actions.config, three_actions.config.messages
    descriptor = json.loads(package(three_actions)["datapackage.json"])
    report = config.report
    assert {key: descriptor[key] for key in ("profile", "name", "title", "version", "created", "description",
                                             "keywords", "contributors", "sources")} == {
        "profile": "tabular-data-package", "name": "status-paa-handlingskatalog-2017-2.6.2017",
        "title": report.title, "version": "2.6.2017", "created": f"{report.date.isoformat()}T00:00:00Z",
        "description": report.subject, "keywords": list(report.keywords),
        "contributors": [{"title": "Jammerbugt Kommune", "role": "publisher"}],
        "sources": [{"title": "Jammerbugt Kommune", "path": "https://www.jammerbugt.dk"}]}
    assert "licenses" not in descriptor
    actions, committees, administrations = descriptor["resources"]
    for resource, name in zip(descriptor["resources"], ("actions", "committees", "administrations"), strict=True):
        assert {k: v for k, v in resource.items() if k != "schema"} == {
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8-sig", "dialect": {"delimiter": ";"}}
    assert actions["schema"]["primaryKey"] == ["number"] and "foreignKeys" not in actions["schema"]
    assert committees["schema"]["primaryKey"] == ["number", "committee"]
    assert administrations["schema"]["primaryKey"] == ["number", "administration"]
    for resource in (committees, administrations):
        assert resource["schema"]["foreignKeys"] == [{"fields": ["number"],
                                                      "reference": {"resource": "actions", "fields": ["number"]}}]
    fields = {f["name"]: f for f in actions["schema"]["fields"]}
    assert fields["number"] == {"name": "number", "type": "integer", "title": t("report.number")}
    assert fields["status_label"] == {"name": "status_label", "type": "string", "title": t("report.status")}
    field = config.fields[0]
    assert fields[field.key] == {"name": field.key, "type": "string", "title": field.label,
                                 **({"description": field.help} if field.help else {})}
    assert [f["name"] for f in administrations["schema"]["fields"]][-1] == "role_label"
    licensed = config.model_copy(update={"open_data": config.open_data.model_copy(update={
        "licence": "CC-BY-4.0", "licence_title": "", "licence_url": "https://example.org/by"}), "report":
        report.model_copy(update={"slug": "", "subject": ""})})
    descriptor = json.loads(package(Catalogue(licensed, three_actions.actions))["datapackage.json"])
    assert descriptor["licenses"] == [{"name": "CC-BY-4.0", "title": "CC-BY-4.0", "path": "https://example.org/by"}]
    assert descriptor["name"] == f"{slugify(report.title)}-{report.version}".lower()
    unlinked = licensed.model_copy(update={"open_data": licensed.open_data.model_copy(update={"licence_url": ""})})
    raw = package(Catalogue(unlinked, three_actions.actions))["datapackage.json"]
    assert json.loads(raw)["licenses"] == [{"name": "CC-BY-4.0", "title": "CC-BY-4.0"}]
    assert raw.startswith(b'{\n  "profile": ') and raw.endswith(b"\n}\n")  # indented, one object, a last newline
    assert "på".encode() in raw  # UTF-8 as it is, not \u00e5
    assert descriptor["description"] == report.title


def test_the_data_workbook_and_the_exports(three_actions, tmp_path):
    action = three_actions.actions[0]
    catalogue = Catalogue(three_actions.config, [dataclasses.replace(action, title="=1+1"),
                                                    *three_actions.actions[1:]])
    exported = export(catalogue, "xlsx", b"{}")
    [(name, data)] = exported.items()
    assert name == "status-paa-handlingskatalog-2017-data.xlsx"
    (tmp_path / name).write_bytes(data)
    wb = load_workbook(tmp_path / name)
    assert wb.sheetnames == ["actions", "committees", "administrations"]
    for sheet, (_, fields, rows) in zip(wb.worksheets, tables(catalogue), strict=True):
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert values[0] == [f["title"] for f in fields]
        assert values[1:] == [[row[f["name"]] if row[f["name"]] != "" else None for f in fields] for row in rows]
    assert wb["actions"]["B2"].value == "=1+1" and wb["actions"]["B2"].data_type == "s"  # text, never a formula
    assert export(catalogue, "json", b'{"a": 1}') == {"data.json": b'{"a": 1}'}
    assert export(catalogue, "csv", b"{}") == package(catalogue)


# --- sheets/files: telling text, delimited rows and OpenDocument files from standard sheets


@pytest.mark.parametrize("text, whole, kind", [
    ("a;b\nc;d\ne", False, "csv"),        # the last line read may be cut off: left out
    ("a;b\nc;d\ne", True, "text"),        # … but not when the whole file was read
    ("a;b\nc;d", False, "text"),          # one whole line is not rows
    ("a;b\nc;d", True, "csv"), ("a,b,c\n1,2,3", True, "csv"), ("a\tb\n1\t2", True, "csv"),
    ("a;b;c\n1;2", True, "text"), ("a b\nc d", True, "text"), ("Hello\nWorld", True, "text"),
    ("X-ray\nXmas", True, "text"), ("a;b", True, "text"), ("", True, "text"),
    ("a;b\n" * 50 + "c\n", True, "csv"),  # the first 50 rows tell
    ("a;b\n" * 49 + "c\n", True, "text"),
])
def test_text_kind(text, whole, kind):
    assert text_kind(text.encode("utf-8"), whole) == kind


def test_the_head_of_a_text_file_is_decoded():
    rows = "a;b\r\nc;d\r\n"
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):  # Excel's "Unicode text"
        head = bom + rows.encode(codec)
        assert text_kind(head, True) == "csv" and _decoded(head) == rows
        assert _decoded(head + b"a") == rows  # cut inside a character
    assert _decoded("a;b\nc;😀".encode()[:-1]) == "a;b\nc;"  # a character cut off at the end
    assert _decoded("a;ø".encode()[:-1]) == "a;"
    assert _decoded(b"ab\xffcde") == "abÿcde"  # not UTF-8: Windows' code page
    assert _decoded(b"\x81\x8d" + b"a" * 10) is None and text_kind(b"a\x00b", True) is None


def _ods(path: Path, manifest: str | None) -> SheetFile:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
        if manifest is not None:
            zf.writestr("META-INF/manifest.xml", manifest)
    return SheetFile(path, path.name)


def test_an_opendocument_spreadsheet_is_named_as_one(tmp_path, sample_config):
    plain = '<manifest:manifest><manifest:file-entry manifest:full-path="content.xml"/></manifest:manifest>'
    locked = plain.replace("/>", "><manifest:encryption-data manifest:checksum-type='SHA1'/></manifest:file-entry>")
    for name, manifest, code in (("a.ods", None, "file-ods"), ("b.ods", plain, "file-ods"),
                                 ("c.ods", locked, "file-encrypted")):
        finding = screen(_ods(tmp_path / name, manifest), sample_config)
        assert finding is not None and (finding.code, finding.file) == (code, name)


@pytest.mark.parametrize("parts, kind", [({"word/document.xml": "<w/>"}, "Word"),
                                         ({"ppt/presentation.xml": "<p/>"}, "PowerPoint"),
                                         ({"readme.txt": "hello"}, "zip"),
                                         ({"mimetype": "x" * 90 + "spreadsheet"}, "zip")])  # only 100 bytes read
def test_a_zip_that_is_no_spreadsheet_says_what_it_is(tmp_path, sample_config, parts, kind):
    path = tmp_path / "07.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in parts.items():
            zf.writestr(name, content)
    finding = screen(SheetFile(path, path.name), sample_config)
    assert finding is not None and finding.code == "file-not-spreadsheet"
    assert finding.message == sample_config.messages("findings.file-not-spreadsheet.message", suffix=".xlsx",
                                                     kind=kind)


# --- diff: what changed between two editions, and how the report says it


def _edition(*actions: dict) -> dict:
    return {"actions": [{"committees": [], "roles": {}, "texts": {}, "responsible": "", **a} for a in actions]}


def test_diff_editions_lists_what_changed_per_action():
    old = _edition({"number": 1, "title": "Et", "status": "igang", "responsible": "Anne", "committees": ["teknik",
                    "kultur"], "roles": {"boern": "anchoring", "social": "interest"},
                    "texts": {"maal": "a b c", "tid": "2017", "gone": "x"}},
                   {"number": 2, "title": "To", "status": "igang"}, {"number": 4, "title": "Fire", "status": "ikke"})
    new = _edition({"number": 4, "title": "Fire", "status": "ikke"}, {"number": 3, "title": "Tre", "status": "ikke"},
                   {"number": 1, "title": "Et!", "status": "afsluttet", "responsible": "Bo",
                    "committees": ["oekonomi", "teknik"], "roles": {"boern": "interest", "vaekst": "anchoring"},
                    "texts": {"maal": "a x c", "tid": "2017", "ny": "y"}})
    changes = diff_editions(old, new, words=True)
    assert [(c.number, c.kind, c.title) for c in changes] == [(1, "changed", "Et!"), (2, "dropped", "To"),
                                                              (3, "added", "Tre")]
    assert changes[0].to_dict() == {
        "number": 1, "title": "Et!", "kind": "changed", "status": ("igang", "afsluttet"), "responsible": ("Anne", "Bo"),
        "title_change": ("Et", "Et!"), "committees_added": ["oekonomi"], "committees_removed": ["kultur"],
        "roles": {"boern": ("anchoring", "interest"), "social": ("interest", "none"), "vaekst": ("none", "anchoring")},
        "fields": ["maal", "gone", "ny"], "words": {"maal": "a [-b-] {+x+} c", "gone": "[-x-]", "ny": "{+y+}"}}
    assert changes[1].to_dict() == {"number": 2, "title": "To", "kind": "dropped"}
    assert "words" not in diff_editions(old, new)[0].to_dict()
    for key, value in (("status", "igang"), ("responsible", "Eva"), ("title", "Fire!"), ("committees", ["teknik"]),
                       ("committees", []), ("roles", {"boern": "interest"}), ("texts", {"maal": "z"})):
        four = {**old["actions"][2], "committees": ["kultur"]}
        [change] = diff_editions(_edition(four), _edition({**four, key: value}))  # any one change is a change
        assert (change.number, change.kind) == (4, "changed"), key
    assert diff_editions(_edition({"number": 5, "title": "Fem", "roles": {"boern": "none"}}),
                         _edition({"number": 5, "title": "Fem"})) == []


def test_a_change_is_told_in_the_reports_words(sample_config):
    t = sample_config.messages
    assert describe_change(ActionChange(3, "Tre", "added"), sample_config) == t("report.change_added")
    assert describe_change(ActionChange(2, "To", "dropped"), sample_config) == t("report.change_dropped")
    change = ActionChange(1, "Et!", "changed", status=("igang", "afsluttet"), responsible=("Anne", "Bo"),
                          title_change=("Et", "Et!"), committees_added=["oekonomi"], committees_removed=["kultur"],
                          roles={"boern": ("anchoring", "interest"), "x": ("none", "anchoring")},
                          fields=["maal", "tid", "ukendt"])
    assert describe_change(change, sample_config) == "; ".join([
        t("report.change_title", old="Et", new="Et!"), t("report.change_status", old="Igangsat", new="Afsluttet"),
        t("report.change_responsible", old="Anne", new="Bo"),
        t("report.change_committees") + " (+Økonomiudvalget, -Kultur-, Fritids- og Landdistriktsudvalget)",
        t("report.change_roles") + f" (Børne- og Familieforvaltningen: {t('role.anchoring')} → {t('role.interest')}, "
        f"x: {t('role.none')} → {t('role.anchoring')})",
        t("report.change_fields", fields="Mål, Tid, ukendt")])
    only = ActionChange(1, "Et", "changed", status=("igang", "væk"), committees_added=["gl"],
                        committees_removed=["teknik", "gammelt"])  # keys an earlier edition had: said as they are
    assert describe_change(only, sample_config) == "; ".join([
        t("report.change_status", old="Igangsat", new="væk"),
        t("report.change_committees") + " (+gl, -Teknik- og Miljøudvalget, -gammelt)"])


# --- the render context: the matrix's marks and the changes appendix


def test_the_matrix_marks_each_role_and_the_appendix_says_each_change(three_actions):
    config = three_actions.config
    change = ActionChange(7, "Syv", "changed", status=("igang", "afsluttet"))
    html = render_html(three_actions, changes=[change])
    matrix = html.split('<section class="matrix-page responsibility" id="matrix">')[1].split("</section>")[0]
    for action in three_actions.actions:
        row = re.search(rf'<td class="num">{action.number}</td>(.*?)</tr>', matrix, re.S)
        assert row is not None
        marks = re.findall(r'<td class="mark (\w+)"[^>]*>(?:<span>(.*?)</span>)?</td>', row[1])
        expected = {Role.ANCHORING: config.marks.anchoring, Role.INTEREST: config.marks.interest, Role.NONE: ""}
        assert marks == [(action.roles.get(a.key, Role.NONE).value, expected[action.roles.get(a.key, Role.NONE)])
                         for a in config.administrations]
        status = config.status(action.status)
        symbol = f'<span class="symbol" aria-hidden="true">{status.symbol}</span>'
        assert f'<td class="status">{symbol} {status.label}</td>' in row[1]
    assert f"<strong>7. Syv</strong>: {describe_change(change, config)}" in html


def test_word_diff_groups_words_and_keeps_common_ones():
    assert word_diff("a b c d e", "a x y d") == "a [-b c-] {+x y+} d [-e-]"
    many = ["og"] * 199  # a word this common would be junk to difflib's autojunk heuristic
    assert word_diff(" ".join(["x", *many, "slut"]), " ".join(["y", *many, "ende"])) == " ".join(
        ["[-x-]", "{+y+}", *many, "[-slut-]", "{+ende+}"])


def test_literal_emphasis_stays_part_of_the_text_around_it():
    # the * read as emphasis and given back as characters is one text with the address, which is one span
    assert to_html("Se https://a.dk/*plan* nu") == '<p>Se <span class="address">https://a.dk/*plan</span>* nu</p>'
    assert to_html("Se **bilag**2017: ja", MONTHS) == "<p>Se <strong>bilag</strong>2017: ja</p>"  # not a line start


def test_an_edition_without_committees_roles_or_texts_compares_as_empty():
    bare = {"actions": [{"number": 1, "title": "Et", "status": "igang", "responsible": ""}]}
    full = _edition({"number": 1, "title": "Et", "status": "igang", "committees": ["teknik"],
                     "roles": {"boern": "anchoring"}, "texts": {"maal": "nyt"}})
    for old, new, sign in ((bare, full, 1), (full, bare, -1)):
        [change] = diff_editions(old, new)
        assert (change.committees_added, change.committees_removed) == ((["teknik"], []) if sign > 0 else
                                                                          ([], ["teknik"]))
        assert change.roles == {"boern": ("none", "anchoring")[::sign]} and change.fields == ["maal"]
    empty = _edition({"number": 1, "title": "Et", "status": "igang", "roles": {"boern": "none"}, "texts": {"maal": ""}})
    assert diff_editions(bare, empty) == [] and diff_editions(empty, bare) == []


def test_a_cell_with_old_mac_line_ends_reads_as_lines():
    assert to_html("• et\r• to\rEfter") == to_html("• et\n• to\nEfter") == (
        "<ul>\n<li>et</li>\n<li>to</li>\n</ul>\n<p>Efter</p>")


def test_open_data_from_an_edition_with_what_the_configuration_no_longer_has(three_actions):
    """`export --from` an older edition: a theme, status, committee or administration the configuration
    does not have is given by its key (a heading: empty), a field the action lacks is empty."""
    old = dataclasses.replace(three_actions.actions[0], theme=99, status="gammel", committees=("gl",),
                              roles={"x": Role.ANCHORING}, texts={})
    actions, committees, administrations = tables(Catalogue(three_actions.config, [old]))
    [row] = actions[2]
    assert (row["theme_heading"], row["status_label"]) == ("", "gammel")
    assert all(row[f.key] == "" for f in three_actions.config.fields)
    assert committees[2] == [{"number": old.number, "committee": "gl", "committee_name": "gl"}]
    assert administrations[2][0]["administration_name"] == "x"


def test_a_web_edition_without_preview_pdf_or_data_offers_none_of_them(three_actions):
    """The render context gives the web page's optional parts (the preview bar, the PDF's and the data's
    links) as nothing: a template asks for them by name, and an unknown name is an error (StrictUndefined)."""
    config = three_actions.config
    plain = render_html(three_actions, WEB, assets=Assets(config, template_dirs(config), web=True))
    assert 'class="preview"' not in plain and 'class="pdf-link"' not in plain and 'class="data-link"' not in plain
    linked = render_html(three_actions, WEB, assets=Assets(config, template_dirs(config), web=True),
                         pdf_link="r.pdf", data_link="data")
    assert '<p class="pdf-link"><a href="r.pdf" download>' in linked and 'href="data/actions.csv"' in linked


def test_hidden_files_and_the_rounds_file_are_passed_over_in_silence(report_dir, config):
    """A hidden file (.DS_Store, an editor's .07.xlsx) and the round.json `reportgen sheets` writes are
    no one's sheets: no word. LibreOffice's lock file is hidden too, but worth a word."""
    sheets = report_dir / "sheets"
    for name in (".DS_Store", ".07.xlsx", "round.json", ".~lock.07.xlsx#"):
        (sheets / name).write_bytes(b"x")
    outcome = check(config)
    assert [(f.code, f.file, f.severity) for f in outcome.result.findings] == [
        ("file-lock", ".~lock.07.xlsx#", Severity.WARNING)]
    assert [a.number for a in outcome.catalogue.actions] == [1, 7, 25]


@pytest.mark.parametrize("count, refused", [(2000, False), (2001, True), (0xFFFF, False)])
def test_a_zip_is_refused_on_the_count_its_end_record_states(tmp_path, sample_config, count, refused):
    """The end record's count is read before the directory: more than 2,000 entries is refused on it
    alone (this zip holds two); 0xFFFF means "see the Zip64 record", and the directory is counted."""
    path = write_zip(tmp_path / "07.xlsx", {"[Content_Types].xml": small_entry(b"<Types/>"),
                                            "xl/workbook.xml": small_entry(b"<workbook/>")})
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 10:end + 12] = count.to_bytes(2, "little")  # the total; the count on this disk says 2
    path.write_bytes(bytes(data))
    finding = screen(SheetFile(path, path.name), sample_config)
    if not refused:
        assert finding is None
    else:
        assert finding is not None and finding.code == "file-too-large"
        assert finding.message == sample_config.messages(
            "findings.file-too-large.message", detail=sample_config.messages("words.zip_entries", count=count))


def test_a_zip_entry_packed_too_tightly_is_named_a_possible_bomb(tmp_path, sample_config):
    limit = int(sample_config.sheets.max_file_mb * 2**20)
    t = sample_config.messages
    for megabytes, detail in ((2, t("words.zip_ratio")), (limit // 2**20 + 1, f"{limit // 2**20 + 1} MB > "
                                                                              f"{limit // 2**20} MB")):
        path = write_zip(tmp_path / "07.xlsx", {"xl/workbook.xml": zeros_entry(megabytes)})
        finding = screen(SheetFile(path, path.name), sample_config)
        assert finding is not None and finding.message == t("findings.file-too-large.message", detail=detail)


def test_a_zip_larger_than_the_limit_and_its_slack_is_refused_unread(tmp_path, sample_config):
    limit = int(sample_config.sheets.max_file_mb * 2**20)
    t = sample_config.messages
    over = sparse_file(tmp_path / "07.xlsx", limit + 2**20 + 1, b"PK\x03\x04")
    finding = screen(SheetFile(over, over.name), sample_config)
    detail = f"{(limit + 2**20 + 1) // 2**20} MB > {limit // 2**20} MB"
    assert finding is not None and finding.message == t("findings.file-too-large.message", detail=detail)
    within = sparse_file(tmp_path / "25.xlsx", limit + 2**20, b"PK\x03\x04")  # read on: no end record, damaged
    finding = screen(SheetFile(within, within.name), sample_config)
    assert finding is not None and finding.message == t("findings.file-corrupt.message",
                                                        detail=t("words.damaged_zip"))


def test_a_web_heading_breaks_long_words_where_the_dictionary_lets_it():
    """The web edition's headings: pyphen's breaks (three letters at least on either side of one) in a
    word of ten letters or more; a listed word only where the list says; no dictionary, no breaks."""
    s = SOFT_HYPHEN
    assert hyphenated("Kommunikationsstrategi for Bæredygtighedsstrategien & Familieforvaltningen <b>", "da", ()) == (
        f"Kom{s}mu{s}ni{s}ka{s}tions{s}stra{s}tegi for Bære{s}dyg{s}tig{s}heds{s}stra{s}te{s}gien &amp; "
        f"Fami{s}lie{s}for{s}valt{s}nin{s}gen &lt;b&gt;")
    listed = (("Familieforvaltningen", "Familie-forvaltningen"),)
    assert hyphenated("Familieforvaltningens Kommunikationsstrategi", "da", listed) == (
        f'<span class="hy">Familie{s}forvaltningens</span> Kom{s}mu{s}ni{s}ka{s}tions{s}stra{s}tegi')
    assert hyphenated("Kommunikationsstrategi & Familieforvaltningen", "xx", listed) == (
        f'Kommunikationsstrategi &amp;<span class="hy"> Familie{s}forvaltningen</span>')


def test_the_longest_unbroken_part_is_cut_after_hyphens_slashes_and_listed_breaks():
    # "Teknik-" | "Miljøforvaltningen" (18), "Kultur/" | "Fritidsudvalget" (15): never the whole 25 or 22
    assert longest_unbroken("Teknik-Miljøforvaltningen og Kultur/Fritidsudvalget", ()) == 18
    assert longest_unbroken("Kultur/Fritidsudvalget", ()) == 15
    listed = (("Familieforvaltningen", "Familie-forvaltningen"),)
    assert longest_unbroken("Børne- og Familieforvaltningen", listed) == len("forvaltningen")
    assert longest_unbroken("Børne- og Familieforvaltningen", ()) == len("Familieforvaltningen")


def test_a_run_wider_than_a_column_gets_a_break_every_twelve_characters():
    b = BREAK
    assert break_long_words("a" * 40) == "a" * 40  # 40 fits a column: left as it is
    assert break_long_words("Se " + "0123456789" * 4 + "xy og " + "z" * 40) == (
        f"Se 012345678901{b}234567890123{b}456789012345{b}6789xy og " + "z" * 40)
    assert break_long_words("abcdefghijkl" * 4) == b.join(["abcdefghijkl"] * 4)  # 48: no break at its end


def test_a_long_run_in_a_changed_actions_title_breaks_in_the_appendix(three_actions):
    title = "Projekt-" + "x" * 45  # wider than a column: a break every twelve characters, as in the action's own title
    html = render_html(three_actions, changes=[ActionChange(7, title, "changed", status=("igang", "afsluttet"))])
    assert f"<strong>7. {break_long_words(title)}</strong>" in html and title not in html


def test_an_opendocument_manifest_is_searched_only_in_its_first_megabyte(tmp_path, sample_config):
    """The manifest is read in bounds (ODS_SNIFF): encryption data listed after its first MB is not seen."""
    padding = "<manifest:file-entry manifest:full-path='x'/>" * (2**20 // 40)
    late = f"<manifest:manifest>{padding}<manifest:encryption-data/></manifest:manifest>"
    finding = screen(_ods(tmp_path / "late.ods", late), sample_config)
    assert finding is not None and finding.code == "file-ods"


@pytest.mark.parametrize("entries, refused", [(2000, False), (2001, True)])
def test_a_zip_whose_end_record_understates_its_entries_is_counted_by_its_directory(tmp_path, sample_config,
                                                                                   entries, refused):
    parts = {"xl/workbook.xml": small_entry(b"<workbook/>")} | {
        f"xl/{n}.xml": small_entry(b"") for n in range(entries - 1)}
    path = write_zip(tmp_path / "07.xlsx", parts)
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8:end + 12] = (2).to_bytes(2, "little") * 2  # says two, on this disk and in all
    path.write_bytes(bytes(data))
    finding = screen(SheetFile(path, path.name), sample_config)
    if not refused:
        assert finding is None
    else:
        t = sample_config.messages
        assert finding is not None and finding.message == t(
            "findings.file-too-large.message", detail=t("words.zip_entries", count=entries))


def test_a_zips_stated_sizes_are_refused_just_past_their_bounds(tmp_path, sample_config):
    """What the directory states, at the bounds: all entries together at most the file limit; each at most
    200 times its compressed size plus 1 MB (an entry compressed to nothing counts as one byte)."""
    t = sample_config.messages
    limit = int(sample_config.sheets.max_file_mb * 2**20)
    workbook = {"xl/workbook.xml": small_entry(b"<workbook/>")}

    def screened(parts: dict, claimed: dict) -> str | None:
        path = write_zip(tmp_path / "07.xlsx", workbook | parts, claimed=claimed)
        finding = screen(SheetFile(path, path.name), sample_config)
        return None if finding is None else finding.message

    ones = limit // 2**20
    megabytes = {f"xl/{n}.bin": small_entry(b"") for n in range(ones)}
    exact = {name: 2**20 for name in megabytes} | {"xl/workbook.xml": limit - ones * 2**20}
    assert screened(megabytes, exact) is None  # the limit exactly
    over = exact | {"xl/workbook.xml": exact["xl/workbook.xml"] + 1}
    assert screened(megabytes, over) == t("findings.file-too-large.message", detail=f"{ones} MB > {ones} MB")
    ratio = t("findings.file-too-large.message", detail=t("words.zip_ratio"))
    for stream in (b"\x03\x00", b""):  # deflated nothing (2 bytes), and nothing at all
        entry = {"xl/x.bin": (stream, 0, 0)}
        bound = 200 * max(len(stream), 1) + 2**20
        assert screened(entry, {"xl/x.bin": bound}) is None
        assert screened(entry, {"xl/x.bin": bound + 1}) == ratio


def test_a_pipe_given_as_a_sheet_is_named_unreadable_not_read(tmp_path, sample_config):
    pipe = tmp_path / "07.xlsx"
    os.mkfifo(pipe)  # no writer: opened for reading, it would block for ever
    outcome = check(sample_config, [pipe])
    t = sample_config.messages
    [finding] = outcome.result.findings
    assert (finding.code, finding.severity, finding.file) == ("file-unreadable", Severity.ERROR, "07.xlsx")
    assert finding.message == t("findings.file-unreadable.message", detail=t("read_problems.not_regular"))


def test_the_zips_own_end_record_is_the_last_one(tmp_path, sample_config):
    """An empty zip is its end record alone (at offset 0): a zip, not damaged. An entry stored with an end
    record's signature in it is data: the record read is the last in the file."""
    empty = tmp_path / "empty.xlsx"
    zipfile.ZipFile(empty, "w").close()
    finding = screen(SheetFile(empty, empty.name), sample_config)
    assert finding is not None and finding.message == sample_config.messages(
        "findings.file-not-spreadsheet.message", suffix=".xlsx", kind="zip")
    decoy = tmp_path / "07.xlsx"
    with zipfile.ZipFile(decoy, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/media/a.bin", b"PK\x05\x06" + bytes(4) + (3001).to_bytes(2, "little") * 2 + bytes(10))
    assert screen(SheetFile(decoy, decoy.name), sample_config) is None
