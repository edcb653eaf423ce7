"""Tests that fail when the code is wrong: each one kills a plausible bug (a mutant) that once passed
every other test (issue 31; `make mutate` finds such bugs, bench/MUTATION.md lists what it found)."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest

from reportgen.checks import check
from reportgen.configuration import load_config
from reportgen.locales import Messages
from reportgen.mentions import Matcher, Mention, Named, links
from reportgen.model import Catalogue
from reportgen.opendata import tables
from reportgen.problems import BuildError
from reportgen.render import render_html
from reportgen.render.text import with_word_breaks
from reportgen.writers import inside


@pytest.mark.parametrize("name", ["../out-evil/a.pdf", "../out2", "../outside/a.pdf", "../out.pdf"])
def test_a_sibling_folder_whose_name_starts_with_the_folders_is_outside(tmp_path, name):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "out-evil").mkdir()
    with pytest.raises(BuildError) as refused:
        inside(out, name, Messages("en"))
    assert refused.value.findings[0].code == "path-outside"
    assert inside(out, "out-evil/a.pdf", Messages("en")) == out / "out-evil" / "a.pdf"  # a subfolder is inside


def test_names_are_escaped_without_hyphenation_words():
    hostile = 'Teknik & <b onclick="x()">Miljø</b>'
    assert with_word_breaks(hostile, ()) == 'Teknik &amp; &lt;b onclick=&#34;x()&#34;&gt;Miljø&lt;/b&gt;'
    assert with_word_breaks(hostile, (("Miljø", "Mil-jø"),)).count("<b") == 0


def test_a_report_without_hyphenation_prints_committee_names_as_text(sample_catalogue):
    config = sample_catalogue.config
    hostile = 'Teknik & <b class="evil">Miljø</b>'
    committees = [c.model_copy(update={"name": hostile}) if c.key == "teknik" else c for c in config.committees]
    changed = config.model_copy(update={"hyphenation": {}, "committees": committees})
    html = render_html(Catalogue(changed, sample_catalogue.actions))
    assert 'class="evil"' not in html
    assert "Teknik &amp; &lt;b class=&#34;evil&#34;&gt;Miljø&lt;/b&gt;" in html


def test_a_sheet_with_an_upper_case_suffix_is_read(report_dir):
    sheet = report_dir / "sheets" / "07.xlsx"
    sheet.rename(sheet.with_name("07.XLSX"))
    config, _ = load_config(report_dir / "report.yaml")
    outcome = check(config)
    assert outcome.result.findings == [], [f.describe() for f in outcome.result.findings]
    assert [a.number for a in outcome.catalogue.actions] == [1, 7, 25]


def test_open_data_status_labels_are_the_configured_labels(sample_catalogue):
    config = sample_catalogue.config
    labels = {status.key: status.label for status in config.statuses}
    assert any(key != label for key, label in labels.items())  # else a key in the label column would pass
    name, _, rows = tables(sample_catalogue)[0]
    assert name == "actions" and len(rows) == len(sample_catalogue.actions)
    assert [(r["status"], r["status_label"]) for r in rows] == [(a.status, labels[a.status])
                                                                for a in sample_catalogue.actions]


class _SummaryRows(HTMLParser):
    """The rows of the status summary's table: (row heading, [cell texts])."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self._in_table = self._in_cell = False
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("class", "summary-table") in attrs:
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
