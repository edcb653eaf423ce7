"""The web edition for everyone, in a real headless Chromium (Debian's chromium through Playwright,
axe-core from the npm registry, as tests/test_web.py): axe finds nothing at a phone's, a tablet's
and a desktop's width; the matrices can be read whole at each (the window's width, a head row and
an action column that stay in place, a list per action on a phone); every link and control is
reached with the keyboard alone, in order; and the parts come in the PDF's order."""

from __future__ import annotations

import pikepdf
import pytest

from .test_web import axe_violations, browser  # noqa: F401 - the fixtures and axe, shared

WIDTHS = (375, 768, 1280)
MATRICES = ("#overview", "#matrix")
# What a keyboard reaches, in the order the browser's Tab key must visit it.
TABBABLE = """Array.from(document.querySelectorAll(
    'a[href], [tabindex]:not([tabindex="-1"]), button, input, select, textarea'))
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')"""


@pytest.fixture
def at_width(browser, sample_build):  # noqa: F811 - the fixture imported above
    """Open the sample's web edition in a window ``width`` pixels wide: the page."""
    contexts = []

    def open_page(width: int):
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto((sample_build.web / "index.html").as_uri())
        return page

    yield open_page
    for context in contexts:
        context.close()


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_nothing_at_each_width(at_width, width):
    page = at_width(width)
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the window


def test_on_a_desktop_the_matrices_use_the_windows_width_and_show_every_column(at_width):
    page = at_width(1280)
    for matrix in MATRICES:
        wrap = page.locator(f"{matrix} .table-wrap")
        assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")  # every column, without scrolling sideways
        assert wrap.bounding_box()["width"] > 1100  # not the text column's 50rem
        assert page.locator(f"{matrix} .matrix-list").is_hidden()


def test_on_a_tablet_the_head_row_and_the_action_column_stay_while_the_matrix_scrolls(at_width):
    page = at_width(768)
    for matrix in MATRICES:
        wrap = page.locator(f"{matrix} .table-wrap")
        wrap.scroll_into_view_if_needed()
        assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")  # too wide for a tablet: it scrolls
        head, title = f"{matrix} thead th.title", f"{matrix} tbody tr:not(.group) th.title"
        before = {selector: box(page, selector) for selector in (head, title)}
        wrap.focus()  # the keyboard scrolls it: a focusable region
        for key in ["ArrowRight"] * 12 + ["ArrowDown"] * 8:
            page.keyboard.press(key)
        page.wait_for_function("w => w.scrollLeft > 100 && w.scrollTop > 100", arg=wrap.element_handle())
        after = {selector: box(page, selector) for selector in (head, title)}
        assert after[head] == pytest.approx(before[head], abs=1)  # the head row and its action column
        assert after[title]["x"] == pytest.approx(before[title]["x"], abs=1)  # the action column, sideways
        group = page.locator(f"{matrix} tr.group .group-name").first.bounding_box()
        assert group["x"] >= wrap.bounding_box()["x"]  # a theme's name stays in view too


def test_on_a_phone_each_action_is_read_as_a_list_instead_of_a_table(at_width, sample_catalogue):
    page = at_width(375)
    actions = sample_catalogue.actions
    for matrix in MATRICES:
        assert page.locator(f"{matrix} .table-wrap").is_hidden()
        items = page.locator(f"{matrix} .matrix-list li")
        assert items.count() == len(actions) == 50
        items.first.scroll_into_view_if_needed()  # laid out when near the screen (content-visibility)
        assert all(item.is_visible() for item in items.all()[:3])
    seven = page.locator("#matrix .matrix-list li", has_text="7. Videreudvikle stærke feriedestinationer")
    text = seven.inner_text()
    assert "Ansvarlig" in text and "Status" in text and "Administrativ forankring" in text
    action = next(a for a in actions if a.number == 7)
    names = {c.key: c.name for c in sample_catalogue.config.committees}
    committees = page.locator("#overview .matrix-list li", has_text="7. Videreudvikle").inner_text()
    assert all(names[key] in committees for key in action.committees)


@pytest.mark.parametrize("width", (375, 1280))
def test_the_keyboard_reaches_every_link_and_control_in_order(at_width, width):
    page = at_width(width)
    expected = page.evaluate(f"() => {TABBABLE}.map((e, i) => {{ e.dataset.tabStop = i; return i; }}).length")
    reached = []
    for _ in range(expected):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.dataset.tabStop"))
    assert reached == [str(i) for i in range(expected)]
    stops = page.evaluate(f"() => {TABBABLE}.map(e => e.className || e.getAttribute('href'))")
    download = page.locator(".cover-pdf a").get_attribute("href")
    assert stops[:2] == ["skip-link", download] and download.endswith(".pdf")  # the PDF: the second stop
    regions = page.locator("[role=region][tabindex='0']:visible").count()
    assert stops.count("table-wrap") == regions == (1 if width == 375 else 3)  # on a phone: the summary only
    # The first stop, the skip link, shows itself and takes the reader to the content.
    page.locator(".skip-link").focus()
    assert box(page, ".skip-link")["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_the_cover_links_the_web_address_and_offers_the_pdf_at_the_top(at_width, sample_build):
    page = at_width(1280)
    assert page.locator(".cover-web a").get_attribute("href") == "https://www.jammerbugt.dk"
    download = page.locator(".cover-pdf a")
    assert download.get_attribute("href") == sample_build.pdf.name and download.get_attribute("download") is not None
    assert box(page, ".cover-pdf a")["y"] < 900  # in the first screen


def test_the_parts_come_in_the_pdfs_order(at_width, sample_build):
    """What a screen reader reads, top to bottom, is the printed order: the parts (their anchors)
    in the DOM come in the order their destinations have in the PDF, under the same headings."""
    page = at_width(1280)
    parts = page.evaluate("""() => Array.from(document.querySelectorAll('main section[id]')).map(s => [s.id,
        (s.querySelector('h2') || {textContent: ''}).textContent.replace(/\\u00ad/g, '')  // the soft hyphens
                                                                  .replace(/\\s+/g, ' ').trim()])""")
    with pikepdf.open(sample_build.pdf) as pdf, pdf.open_outline() as outline:
        places = {name: _place(pdf, name) for name, _ in parts}
        bookmarks = [item.title for item in outline.root]
    assert [name for name, _ in parts] == sorted(places, key=places.__getitem__)
    assert len(parts) > 8 and parts[-2:] == [["overview", "Oversigt over handlinger"], ["matrix", "Ansvar og status"]]
    headings = [heading for _, heading in parts]
    assert [title for title in bookmarks if title in headings] == headings


def _place(pdf, name: str) -> tuple[int, float]:
    """Where a named destination is: its page, and how far down (PDF's y grows upwards)."""
    names = pdf.Root.Names.Dests.Names
    target = next(names[i + 1] for i in range(0, len(names), 2) if str(names[i]) == name)
    page = next(number for number, p in enumerate(pdf.pages) if p.objgen == target[0].objgen)
    return page, -float(target[3])
