"""The shipped sample: the 2017 report, every word of every action in the PDF, matrices that agree."""

from __future__ import annotations

import re

from pypdf import PdfReader

from reportgen.model import Role
from reportgen.render.text import plain_words

from .built_report import BuiltReport
from .conftest import pdftotext
from .test_build import normalise_pdf_text, pdf_words


def test_sample_has_fifty_actions_in_five_themes(sample_catalogue):
    assert [a.number for a in sample_catalogue.actions] == list(range(1, 51))
    sizes = [len(g.actions) for g in sample_catalogue.groups()]
    assert sizes == [6, 10, 3, 5, 26]


def test_every_word_of_every_action_is_in_the_pdf(sample_build, sample_catalogue):
    words = pdf_words(sample_build.pdf)
    raw = normalise_pdf_text(pdftotext(sample_build.pdf, "-raw"))
    for action in sample_catalogue.actions:
        assert f"{action.number}. {action.title}" in raw
        for key, value in action.texts.items():
            missing = [w for w in plain_words(value) if w not in words]
            assert not missing, (action.number, key, missing[:5])


def test_page_count_and_outline(sample_build):
    reader = PdfReader(sample_build.pdf)
    assert 50 <= len(reader.pages) <= 70  # the published report has 60
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    for heading in ("Indhold", "Vision", "Attraktiv bosætningskommune", "Dit gode liv", "Ansvar og status"):
        assert heading in top
    actions = [item for group in reader.outline if isinstance(group, list) for item in group]
    assert len(actions) == 50


def test_running_line_and_closing_page(sample_build):
    pages = [pdftotext(sample_build.pdf, "-f", str(n), "-l", str(n)) for n in (5, 20)]
    for number, page in zip((5, 20), pages, strict=True):
        assert f"{number}" in page and "[ STATUS PÅ HANDLINGSKATALOG 2017 ] Version 2.6.2017" in page
    last = pdftotext(sample_build.pdf, "-f", str(sample_build.pages), "-l", str(sample_build.pages))
    assert "Jammerbugt Kommune" in last and "maj 2017" in last
    assert "STATUS PÅ HANDLINGSKATALOG" not in last


def test_matrices_agree_with_the_action_pages(sample_build, sample_catalogue, sample_config):
    tables = BuiltReport()
    tables.feed(sample_build.html.read_text(encoding="utf-8"))
    committees = [c.name for c in sample_config.committees]
    overview = {int(r[0]): r for r in tables.tables["overview"] if r[0].isdigit()}
    matrix = {int(r[0]): r for r in tables.tables["matrix"] if r[0].isdigit()}
    header = [cell.replace("\u00ad", "") for cell in tables.tables["overview"][0]]  # soft hyphens: allowed breaks
    assert header[2:] == committees
    marks = {Role.ANCHORING: "X", Role.INTEREST: "x", Role.NONE: ""}
    for action in sample_catalogue.actions:
        row = overview[action.number]
        assert row[1] == action.title
        marked = [name for name, cell in zip(committees, row[2:], strict=True) if cell == "x"]
        assert marked == [c.name for c in sample_config.committees if c.key in action.committees]
        row = matrix[action.number]
        status = sample_config.status(action.status)
        assert row[1:4] == [action.title, action.responsible, f"{status.symbol} {status.label}"]
        assert row[4:] == [marks[action.roles[a.key]] for a in sample_config.administrations]
        assert row[4:].count("X") == 1


def test_matrix_rows_in_the_pdf_carry_the_same_marks(sample_build, sample_catalogue):
    """Each row as laid out in the PDF: its number, title, and as many marks as the action has."""
    text = pdftotext(sample_build.pdf, "-layout", "-f", str(sample_build.pages - 6), "-l", str(sample_build.pages))
    overview = text.split("Ansvar og status")[0]
    rows = {}
    for line in overview.splitlines():
        match = re.match(r"^\s*(\d{1,2})\s{2,}(.*?)\s*((?:\s+x)+)\s*$", line)
        if match:
            rows[int(match[1])] = match[3].split()
    by_number = {a.number: a for a in sample_catalogue.actions}
    assert set(rows) == set(by_number)
    for number, marks in rows.items():
        assert len(marks) == len(by_number[number].committees), number


def test_status_at_a_glance(sample_build, sample_catalogue, sample_config):
    """The summary page: per theme and in total, the count of each status, beside a drawn bar."""
    html = sample_build.html.read_text(encoding="utf-8")
    counts = {s.key: sum(a.status == s.key for a in sample_catalogue.actions) for s in sample_config.statuses}
    assert counts == {"afsluttet": 4, "igang": 43, "ikke": 3}
    page = pdftotext(sample_build.pdf, "-layout", "-f", "5", "-l", "5")
    assert "Status på handlingerne" in page
    total_line = next(line for line in page.splitlines() if line.strip().startswith("I alt") and "50" in line)
    assert total_line.split()[2:] == ["4", "43", "3", "50"]
    assert html.count('class="status-bar"') == len(sample_config.themes)
