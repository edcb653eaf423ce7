"""Layouts that fit the configuration's shape: each action's status line, the status summary, the
contents, for a plan unlike the sample (English, six long statuses, long theme names, three- and
four-digit numbers, 200-character titles), read from the laid-out pages."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml

from reportgen.configuration import load_config
from reportgen.model import Action, Role
from reportgen.sheets.template import write_template
from reportgen.starter import new_report

from .conftest import pdftotext

STATUSES = ["Phase not given", "Not started", "Planning under way", "Delivery under way — on track",
            "Delivery under way — delayed", "Completed"]
COLOURS = ["#ffffff", "#f4c7c0", "#fbe29a", "#a6d99a", "#d9a3e6", "#5c9fd1"]
SYMBOLS = ["–", "○", "◔", "◑", "◕", "●"]
THEMES = ["Climate-resilient communities, coastlines and catchments for a biodiversity-positive future",
          "Renewable energy transition and service delivery across the council's own operations",
          "Sustainable transport, active travel and low-emission vehicle infrastructure",
          "Circular economy, resource recovery and waste avoidance",
          "Water security, urban cooling and greening"]
WORDS = ("service delivery biodiversity council stormwater infrastructure community partnership emissions "
         "renewable procurement adaptation resilience catchment vegetation canopy").split()


def english_shape(folder: Path, numbers: list[int]) -> Path:
    """A new English report folder in another organisation's shape, with an action per number."""
    path = new_report(folder, language="en")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["statuses"] = [{"key": f"s{i}", "label": label, "legend": label + ".", "colour": colour, "symbol": symbol}
                        for i, (label, colour, symbol) in enumerate(zip(STATUSES, COLOURS, SYMBOLS, strict=True))]
    data["themes"] = [{"number": i + 1, "heading": name, "colour": "#1f5f8b", "intro": "The theme's introduction."}
                      for i, name in enumerate(THEMES)]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for sheet in (folder / "sheets").glob("*.xlsx"):
        sheet.unlink()
    config, _ = load_config(path)
    rng = random.Random(24)
    for index, number in enumerate(numbers):
        title = " ".join(rng.choice(WORDS) for _ in range(40))[:200].rsplit(" ", 1)[0].capitalize()
        title = title[:190] + ("…" if index % 3 == 0 else "?" if index % 3 == 1 else ".")
        texts = {f.key: " ".join(rng.choice(WORDS) for _ in range(30)).capitalize() + "." for f in config.fields}
        action = Action(number=number, title=title, theme=index % len(THEMES) + 1, status=f"s{index % 6}",
                        responsible="Alexandra Papadopoulos-Whitfield", committees=(config.committees[0].key,),
                        roles={config.administrations[0].key: Role.ANCHORING}, texts=texts)
        write_template(config, folder / "sheets" / f"{number:04d}.xlsx", action)
    return path


@pytest.fixture(scope="module")
def shape(tmp_path_factory):
    """The English shape laid out (no PDF): its catalogue and its pages."""
    from reportgen.pdf import lay_out
    from reportgen.pipeline import check_inputs, load
    from reportgen.render import render_html, template_dirs
    from reportgen.render.assets import Assets

    path = english_shape(tmp_path_factory.mktemp("shape") / "report", [101, 102, 117, 150, 188, 214, 999, 9999])
    config, warnings = load(path)
    outcome = check_inputs(config, warnings)
    assets = Assets(config, template_dirs(config))
    document = lay_out(render_html(outcome.catalogue, assets=assets), assets.roots, assets.configured_files())
    return outcome.catalogue, document


def boxes(box, ancestors=()):
    """Every box under ``box``, with the elements it is in."""
    element = getattr(box, "element", None)
    new = element is not None and (not ancestors or ancestors[-1] is not element)
    here = (*ancestors, element) if new else ancestors
    yield box, here
    for child in getattr(box, "children", ()):
        yield from boxes(child, here)


def classes(element) -> set[str]:
    return set((element.get("class") or "").split()) if element is not None else set()


def text_of(box) -> str:
    return "".join(b.text for b, _ in boxes(box) if type(b).__name__ == "TextBox")


def test_contents_page_numbers_end_on_one_edge_and_never_stand_alone(shape):
    """Titles of 200 characters ending in "…", "?" or ".", numbers of up to four digits: each page
    number ends on its column's right edge, on a line that also has the title's last word, and the
    title's own punctuation is not followed by a leader's dot."""
    _, document = shape
    page = document.pages[1]
    numbers = []
    for line, within in boxes(page._page_box):
        if type(line).__name__ != "LineBox" or not any(e.tag == "nav" for e in within):
            continue
        texts = [b for b, _ in boxes(line) if type(b).__name__ == "TextBox" and b.text.strip()]
        if texts and texts[-1].text.strip().isdigit():  # a line that ends in a page number
            words = [w for w in re.split(r"[\s.\u2002]+", text_of(line)) if w and not w.isdigit()]
            assert words, f"a page number alone on a line: {text_of(line)!r}"
            numbers.append(texts[-1].position_x + texts[-1].width)
    assert len(numbers) >= 8 + 5  # every action and every theme
    edges = sorted({round(edge, 1) for edge in numbers})
    assert len(edges) <= 2, edges  # one right edge per column
    assert max(edges) <= page.width - 17 / 25.4 * 72 + 0.5  # inside the right margin
    text = pdftotext_of(document, 2)
    assert "…." not in text and "?." not in text and "..." not in text.replace("…", ""), text


def pdftotext_of(document, number: int) -> str:
    return "\n".join(text_of(line) for line, _ in boxes(document.pages[number - 1]._page_box)
                     if type(line).__name__ == "LineBox")


def test_status_summary_fits_six_long_statuses_and_long_theme_names(shape):
    """Six statuses with long labels, five long theme names: the summary stays on its page, within the
    page's width, every word whole, each status spelt out in the key above the table."""
    catalogue, document = shape
    pages = {number for number, page in enumerate(document.pages, start=1) for box, within in boxes(page._page_box)
             if any("summary" in classes(e) for e in within) and type(box).__name__ == "TextBox"}
    assert len(pages) == 1, pages
    page = document.pages[pages.pop() - 1]
    right = page.width - 17 / 25.4 * 72
    for box, within in boxes(page._page_box):
        if type(box).__name__ != "TextBox" or not any("summary" in classes(e) for e in within):
            continue
        assert box.position_x + box.width <= right + 0.5, box.text
    key = pdftotext_of(document, document.pages.index(page) + 1)
    for label in STATUSES:
        assert label in key
    forced = [line for line, _ in boxes(page._page_box) if type(line).__name__ == "LineBox"
              and 0 < len(text_of(line).strip()) <= 2 and text_of(line).strip().isalpha()]
    assert not forced, [text_of(line) for line in forced]  # no word set a letter or two a line


def test_each_action_shows_its_status_and_responsible_person(sample_build, sample_catalogue, sample_config):
    """Under each action's heading: its status (symbol and label) and its responsible person; on the
    web, its committees too."""
    text = pdftotext(sample_build.pdf, "-raw")
    statuses = {s.key: s for s in sample_config.statuses}
    for action in sample_catalogue.actions[:12]:
        status = statuses[action.status]
        line = f"{status.symbol} {status.label} Ansvarlig: {action.responsible}"
        assert line in text.replace("\u2009", " "), (action.number, line)
    web = (sample_build.web / "index.html").read_text(encoding="utf-8")
    seven = web[web.index('id="action-7"'):web.index('id="action-8"')]
    meta = seven[seven.index('class="action-meta"'):seven.index("</p>", seven.index('class="action-meta"'))]
    assert "Igangsat" in meta and "Martin Storgaard" in meta and "Udvalg:" in meta
    names = [c.name for c in sample_config.committees if c.key in sample_catalogue.actions[6].committees]
    assert names and all(name in meta for name in names)


def test_the_status_line_can_be_left_out(copy_report):
    from reportgen.pipeline import check_inputs, load
    from reportgen.render import render_html

    path = copy_report / "report.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    catalogue = check_inputs(*load(path)).catalogue
    assert 'class="action-meta"' in render_html(catalogue)
    data.setdefault("style", {})["status_line"] = False
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    catalogue = check_inputs(*load(path)).catalogue
    assert 'class="action-meta"' not in render_html(catalogue)


def lines_of(document) -> list[str]:
    return [text_of(line) for page in document.pages for line, _ in boxes(page._page_box)
            if type(line).__name__ == "LineBox"]


@pytest.mark.parametrize("numbers", [(7, 8, 9), (16, 17, 18)])
def test_no_word_is_broken_with_room_to_spare_before_a_listed_word(sample_config, numbers):
    """Actions 7 and 17 of the sample: a line that fitted only without its final space, before a word
    of the `hyphenation:` list, was broken at its first word ("Gen-" / "nem ambitiøse …") or
    before its last ("dia-" / "log med såvel VÆKST Jammerbugt …")."""
    from reportgen.pdf import lay_out
    from reportgen.pipeline import check_inputs
    from reportgen.render import render_html, template_dirs
    from reportgen.render.assets import Assets

    outcome = check_inputs(sample_config, [])
    small = type(outcome.catalogue)(sample_config, [a for a in outcome.catalogue.actions if a.number in numbers])
    assets = Assets(sample_config, template_dirs(sample_config))
    lines = lines_of(lay_out(render_html(small, assets=assets), assets.roots, assets.configured_files()))
    assert "Gennem ambitiøse udviklingsprojekter understøtter" in [line.strip() for line in lines] or 7 not in numbers
    lone = [line for line in lines if line.strip().endswith("-") and len(line.strip()) <= 6]
    assert not lone, lone
    assert not [line for line in lines if line.startswith("log med")]


def page_of(pdf: Path, pages: int, text: str) -> int:
    return next(n for n in range(1, pages + 1) if text in pdftotext(pdf, "-f", str(n), "-l", str(n)))


def test_the_status_legend_stands_with_its_matrix(sample_build):
    """The legend is on the matrix's first page, above the table, not alone on a page after it."""
    page = page_of(sample_build.pdf, sample_build.pages, "Signaturforklaring")
    text = pdftotext(sample_build.pdf, "-f", str(page), "-l", str(page))
    assert "Ansvar og status" in text and "Kampagner om at bosætte sig i Jammerbugt Kommune" in text
    assert text.index("Signaturforklaring") < text.index("Kampagner om at bosætte")


def test_a_long_list_of_a_themes_actions_stays_whole_on_its_opening_page(sample_build):
    """Theme 5 has 26 actions: its list, with its heading, on the theme's opening page, in the same
    size as the other themes' lists."""
    opening = page_of(sample_build.pdf, sample_build.pages, "Målet er at skabe rammer for dit gode liv")
    text = " ".join(pdftotext(sample_build.pdf, "-f", str(opening), "-l", str(opening)).split())
    assert "HANDLINGER I TEMAET" in text
    for start in ("25. Styrke det tværgående", "37. Øget anvendelse af online", "50. Sommerkunstskole på Bratskov"):
        assert start in text, start
    html = sample_build.html.read_text(encoding="utf-8")
    assert html.count('<div class="theme-list') == 5


def test_english_is_hyphenated_from_an_english_dictionary_and_danish_from_danish(shape, sample_build):
    """The HTML's lang is the report's language; English words break where an English dictionary
    of good patterns allows ("bio-di-ver-sity", never "biod-iversity"), short words not at all."""
    from reportgen.render import render_html

    catalogue, document = shape
    assert render_html(catalogue).startswith('<!DOCTYPE html>\n<html lang="en">')
    ends = [line.strip().split()[-1] for line in lines_of(document) if line.strip().endswith("-")
            and not line.strip().endswith(" -") and line.strip()[-2].isalpha()]
    assert ends, "nothing hyphenated: the test tells nothing"
    wrong = {"biod-", "ser-", "resi-", "veget-", "adapt-"}  # pyphen's British patterns, and a short word
    assert not [end for end in ends if end.split("-")[-2] + "-" in wrong], ends
    danish = sample_build.html.read_text(encoding="utf-8")  # hyphenated with pyphen's Danish, from its lang
    assert danish.startswith('<!DOCTYPE html>\n<html lang="da">') and "-weasy-lang" not in danish


NAMES = ["Infrastructure", "Sustainability and Environmental Strategy", "Community Development", "Corporate Services",
         "Planning and Regulatory Services", "Parks, Gardens and Open Space", "Waterways", "Economic Development",
         "Arts, Culture and Heritage", "Library Services", "Youth Services", "Aged and Disability Services",
         "Transport Strategy", "Procurement", "Finance", "Governance", "Customer Experience", "Information Technology",
         "People and Culture", "Property and Assets"]


def test_matrices_of_twenty_columns_four_digit_numbers_and_long_titles_proof_clean(tmp_path):
    """20 committees and 20 administrations with long names, numbers up to 9999, 250-character titles:
    each matrix fits the page's width (lettered heads, spelt out in the key above), every title
    readable, and the proof finds nothing."""
    from reportgen.pipeline import load, make_edition

    path = new_report(tmp_path / "wide", language="en")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["administrations"] = [{"key": f"a{i}", "name": f"{name} Department"} for i, name in enumerate(NAMES)]
    data["committees"] = [{"key": f"c{i}", "name": f"{name} Committee"} for i, name in enumerate(NAMES)]
    data["themes"] = [{"number": 1, "heading": THEMES[0], "colour": "#1f5f8b", "intro": "Intro."}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (tmp_path / "wide" / "sheets" / "01-example.xlsx").unlink()
    config, _ = load_config(path)
    rng = random.Random(3)
    for number in (7, 101, 999, 9999):
        title = " ".join(rng.choice(WORDS) for _ in range(50))[:250].rsplit(" ", 1)[0].capitalize()
        roles = {f"a{i}": Role.ANCHORING if i == 0 else Role.INTEREST if i % 2 else Role.NONE for i in range(20)}
        action = Action(number=number, title=title, theme=1, status=config.statuses[0].key,
                        responsible="Alexandra Papadopoulos-Whitfield",
                        committees=tuple(f"c{i}" for i in range(0, 20, 2)), roles=roles,
                        texts={f.key: "Text " * 30 for f in config.fields})
        write_template(config, tmp_path / "wide" / "sheets" / f"{number:04d}.xlsx", action)
    edition = make_edition(*load(path), pdf=False)
    assert edition.proof == [], [f.message for f in edition.proof][:5]
    assert edition.pages <= 14, edition.pages  # each matrix on one or two pages, not a page per row
    assert "<strong>T</strong> = Property and Assets Department" in edition.html
