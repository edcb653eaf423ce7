"""The web edition's search and filter find things, in a real headless Chromium (issue 27): a search
over the titles and texts works from the folder alone (file://) and together with the filter; each
option counts what it would show with the other choices; the results come right under the controls;
the contents, the themes' lists, the summary and both matrices follow; no visible link points to
something hidden; axe finds nothing at five widths with the filter in use. The web edition is made
once for the module, without the PDF."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest

from reportgen.model import Catalogue, Role
from reportgen.pipeline import web_edition

from .test_web import axe_violations, browser, page  # noqa: F401 - the fixtures

GROUPS = ("theme", "committee", "administration", "status")


@pytest.fixture(scope="module")
def web(sample_catalogue, tmp_path_factory):
    """The sample's web edition (no PDF): its index.html's address."""
    folder = tmp_path_factory.mktemp("find-web")
    for name, content in web_edition(sample_catalogue, pdf_link="report.pdf", data_link="data").items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.read_bytes())
    return (folder / "index.html").as_uri()


def fold(text: str) -> str:
    """As the page's search reads a text: case, soft hyphens, å æ ø as aa ae oe, accents."""
    text = text.lower().replace("\u00ad", "").replace("å", "aa").replace("æ", "ae").replace("ø", "oe")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def values(action) -> dict[str, set[str]]:
    return {"theme": {str(action.theme)}, "status": {action.status}, "committee": set(action.committees),
            "administration": {key for key, role in action.roles.items() if role != Role.NONE}}


def found(catalogue, query: str = "", skip: str = "", **chosen: str) -> list:
    """The actions the search and the choices (``status="igang,afsluttet"``) show, ``skip`` one group."""
    terms = fold(query).split()
    return [a for a in catalogue.actions
            if all(term in fold(" ".join([a.title, *a.texts.values()])) for term in terms)
            and all(values(a)[g] & set(wanted.split(",")) for g, wanted in chosen.items() if g != skip)]


def shown(page, selector: str = "article.action") -> list[int]:  # noqa: F811
    """The actions whose ``selector`` element is shown (its data-action, or its id's number)."""
    return page.evaluate("""(selector) => Array.from(document.querySelectorAll(selector))
        .filter(e => e.checkVisibility()).map(e => parseInt(e.dataset.action || e.id.split('-')[1]))""", selector)


def test_search_finds_skole_and_aabybro_from_the_folder_alone(web, sample_catalogue, page):  # noqa: F811
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(web)
    assert [url for url in requests if not url.startswith("file://")] == []
    search = page.get_by_role("searchbox", name="Søg i titler og tekster")
    for query in ("skole", "Aabybro", "AABYBRO skole"):
        search.fill(query)
        expected = [a.number for a in found(sample_catalogue, query)]
        assert 0 < len(expected) < 50, query
        assert shown(page) == expected, query
        assert shown(page, ".filter-results-list li") == expected  # the results, right under the controls
        assert page.locator(".filter-count").inner_text() == f"Viser {len(expected)} af 50 handlinger"
    assert page.evaluate("location.href").endswith("?q=AABYBRO%20skole")
    search.fill("skole")  # together with the filter: both hold
    page.get_by_role("checkbox", name="Igangsat").check()
    expected = [a.number for a in found(sample_catalogue, "skole", status="igang")]
    assert shown(page) == expected and 0 < len(expected) < 16
    assert page.evaluate("location.href").endswith("?q=skole&status=igang")
    page.goto(web + "?q=aabybro&theme=1")  # a shared address gives the same view
    assert search.input_value() == "aabybro"
    assert shown(page) == [a.number for a in found(sample_catalogue, "aabybro", theme="1")]
    search.fill("skole kvantefysik")  # nothing found: said, with what to do
    assert shown(page) == [] and page.locator(".filter-none").is_visible()
    page.get_by_role("button", name="Vis alle").click()
    assert len(shown(page)) == 50 and page.locator(".filter-none").is_hidden() and search.input_value() == ""


@pytest.mark.parametrize("choice", [{}, {"status": "igang"}, {"q": "skole", "committee": "teknik"},
                                    {"theme": "1,4", "administration": "boern", "status": "afsluttet,ikke"}])
def test_each_option_counts_what_it_would_show_with_the_other_choices(web, sample_catalogue, page, choice):  # noqa: F811
    query = "&".join(f"{name}={value}" for name, value in choice.items())
    page.goto(web + "?" + query)
    chosen = {g: v for g, v in choice.items() if g != "q"}
    counts = page.evaluate("""() => Array.from(document.querySelectorAll('.filter input[type=checkbox]'))
        .map(b => [b.name, b.value, b.parentNode.querySelector('.filter-n').textContent, b.disabled])""")
    assert len(counts) == 5 + 3 + len(sample_catalogue.config.committees) + len(sample_catalogue.config.administrations)
    for group, value, text, disabled in counts:
        expected = len([a for a in found(sample_catalogue, choice.get("q", ""), skip=group, **chosen)
                        if value in values(a)[group]])
        assert text == f"({expected})", (group, value)
        # one that would show nothing waits, unless it is ticked (it can always be unticked)
        assert disabled == (expected == 0 and value not in chosen.get(group, "").split(",")), (group, value)
    assert any(disabled for *_, disabled in counts) == (len(choice) > 1)  # the narrow choices leave some at none
    visible = found(sample_catalogue, choice.get("q", ""), **chosen)
    assert page.locator(".filter-count").inner_text() == f"Viser {len(visible)} af 50 handlinger"


def test_contents_lists_summary_and_matrices_follow_the_filter(web, sample_catalogue, page):  # noqa: F811
    page.goto(web + "?theme=2,5&status=igang")
    expected = [a.number for a in found(sample_catalogue, theme="2,5", status="igang")]
    assert 0 < len(expected) < 50
    assert shown(page) == expected
    for where in ("nav.toc li", ".theme-list li", "#overview tbody tr", "#matrix tbody tr"):
        assert shown(page, where + "[data-action]") == expected, where
    for where in ("#overview .matrix-list li", "#matrix .matrix-list li"):  # the phone's lists, kept in step
        assert page.evaluate(f"""Array.from(document.querySelectorAll('{where}'))
            .filter(e => !e.hidden && !e.closest('[hidden]')).map(e => parseInt(e.dataset.action))""") == expected
    themes = page.evaluate("""Array.from(document.querySelectorAll('section.theme'))
                                .filter(s => s.checkVisibility()).map(s => s.id)""")
    assert themes == ["theme-2", "theme-5"]
    # The summary counts the actions shown, per theme and status, and says so; the bars wait.
    cells = page.evaluate("""Array.from(document.querySelectorAll('[data-summary-theme] td[data-status]'))
        .map(td => [td.parentNode.dataset.summaryTheme, td.dataset.status, parseInt(td.textContent)])""")
    actions = [a for a in sample_catalogue.actions if a.number in expected]
    for theme, status, number in cells:
        assert number == sum((theme == "all" or str(a.theme) == theme) and status in ("", a.status)
                             for a in actions), (theme, status)
    assert page.locator(".summary-filtered").is_visible()
    assert page.locator(".summary .status-bar").first.is_hidden()
    page.get_by_role("button", name="Vis alle").click()  # and back: all of it, as printed
    assert len(shown(page, "#matrix tbody tr[data-action]")) == 50 and page.locator(".summary-filtered").is_hidden()
    assert page.locator("[data-summary-theme=all] td.total").text_content() == "50"


def test_no_visible_link_points_to_something_hidden(web, page):  # noqa: F811
    dead = """() => Array.from(document.querySelectorAll('a[href^="#"]')).filter(a => a.checkVisibility())
        .map(a => a.getAttribute('href')).filter(h => h.length > 1)
        .filter(h => { const t = document.getElementById(h.slice(1)); return !t || !t.checkVisibility(); })"""
    for address in ("", "?status=ikke", "?theme=3", "?q=skole&committee=teknik", "?q=kvantefysik"):
        page.goto(web + address)
        assert page.evaluate(dead) == [], address
    page.goto(web + "?status=ikke")  # a result's link lands on its action
    first = page.locator(".filter-results-list li:visible a").first
    target = first.get_attribute("href")
    first.click()
    assert page.evaluate("location.hash") == target
    assert page.evaluate(f"document.querySelector('{target}').getBoundingClientRect().top") == pytest.approx(0, abs=2)


def test_a_link_into_a_search_keeps_both(web, sample_catalogue, page):  # noqa: F811
    assert 2 not in [a.number for a in found(sample_catalogue, "skole")]
    page.goto(web + "?q=skole#action-2")
    assert shown(page) == sorted([a.number for a in found(sample_catalogue, "skole")] + [2])
    assert page.locator("#action-2 .filter-linked").is_visible()
    page.get_by_role("searchbox").fill("skoler")
    assert page.evaluate("location.href").endswith("?q=skoler#action-2")


@pytest.mark.parametrize("width", (320, 375, 768, 1280, 1920))
def test_axe_finds_nothing_with_the_search_and_filter_in_use(web, browser, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.goto(web + "?q=skole&status=igang,ikke")
    assert tab.locator(".filter-results").is_visible()
    assert axe_violations(tab) == []
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    # The results come right under the controls: the first result within a screen of the search box.
    gap = tab.evaluate("""document.querySelector('.filter-results-list li:not([hidden])').getBoundingClientRect().top
                          - document.querySelector('.filter').getBoundingClientRect().bottom""")
    assert 0 <= gap < 200
    # An option of two lines goes on under its words, not under its box (at 320 px several wrap).
    starts = tab.evaluate("""Array.from(document.querySelectorAll('.filter fieldset label')).map(label => {
        const range = document.createRange(); range.selectNodeContents(label.lastElementChild);
        const lines = {};  // each line's start: the leftmost of its boxes
        for (const r of range.getClientRects()) {
            const top = Math.round(r.top); lines[top] = Math.min(lines[top] ?? 1e9, Math.round(r.left)); }
        return Object.values(lines); })""")
    if width <= 375:
        assert any(len(set(lefts)) == 1 and len(lefts) > 1 for lefts in starts)
    assert all(max(lefts) - min(lefts) <= 1 for lefts in starts if lefts)
    context.close()


def test_without_javascript_no_controls_no_results_and_every_action(web, browser):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(web + "?q=skole")
    assert plain.locator("article.action:visible").count() == 50
    assert plain.locator(".finder").is_hidden() and plain.locator(".filter-results-list li:visible").count() == 0
    assert plain.locator("[data-summary-theme=all] td.total").text_content() == "50"
    context.close()


@pytest.fixture(scope="module")
def long_web(sample_catalogue, tmp_path_factory):
    """A web edition of 200 actions (the sample's, four times, renumbered), made in memory."""
    actions = [dataclasses.replace(a, number=copy * 50 + a.number)
               for copy in range(4) for a in sample_catalogue.actions]
    folder = tmp_path_factory.mktemp("long-web")
    for name, content in web_edition(Catalogue(sample_catalogue.config, actions)).items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.read_bytes())
    return (folder / "index.html").as_uri()


@pytest.mark.parametrize("javascript", (False, True))
def test_a_link_to_a_late_action_of_a_long_catalogue_lands_on_it(long_web, browser, javascript):  # noqa: F811
    """What is off screen is laid out only when it comes near (content-visibility): the browser must
    still know where an action is before anything above it has been laid out."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
    tab = context.new_page()
    for fragment in ("#action-187", "#action-60", "#matrix"):
        tab.goto(long_web + fragment)
        tab.wait_for_function("document.readyState === 'complete'")
        top = tab.evaluate(f"document.getElementById('{fragment[1:]}').getBoundingClientRect().top")
        assert -2 <= top <= 2, (fragment, top)
    context.close()


def test_the_results_list_the_first_fifty_found_and_count_the_rest(long_web, sample_catalogue, browser):  # noqa: F811
    """At 200 actions the results list 50 lines (what a reader scans; each line laid out costs every
    change of the filter), then say how many more the report below shows; fewer found, all listed."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(long_web)
    lines = tab.locator(".filter-results-list li")
    listed = "Array.from(document.querySelectorAll('.filter-results-list li')).map(li => li.dataset.action)"
    shown_ = """Array.from(document.querySelectorAll('article.action')).filter(a => a.checkVisibility())
                .map(a => a.id.slice(7))"""
    assert len(tab.evaluate(shown_)) == 200
    assert tab.evaluate(listed) == tab.evaluate(shown_)[:50]  # the first 50 in the report's order
    assert tab.locator(".filter-more").inner_text() == "… og 150 til, som vises i rapporten nedenfor. " \
                                                      "Søg eller vælg for at få færre på listen."
    igang = 4 * len(found(sample_catalogue, status="igang"))
    assert igang > 50
    tab.get_by_role("checkbox", name="Igangsat").check()
    assert len(tab.evaluate(shown_)) == igang and tab.evaluate(listed) == tab.evaluate(shown_)[:50]
    assert tab.locator(".filter-more").inner_text().startswith(f"… og {igang - 50} til")
    tab.locator("input[name=theme][value='1']").check()
    assert 0 < len(tab.evaluate(shown_)) < 50
    assert tab.evaluate(listed) == tab.evaluate(shown_)
    assert tab.locator(".filter-more").is_hidden()
    tab.get_by_role("button", name="Vis alle").click()
    assert lines.count() == 50 and tab.locator(".filter-more").inner_text().startswith("… og 150 til")
    context.close()


def test_the_contents_two_lists_side_by_side_balanced_one_column_on_a_phone(web, browser):  # noqa: F811
    """From 48rem the contents read in two columns made as two lists (a multi-column box is laid out
    whole at each change of the filter: bench/WEB.md), split where their heights balance; every entry
    once, in order; on a phone one column."""
    entries = "Array.from(document.querySelectorAll('nav.toc a')).map(a => a.getAttribute('href'))"
    for width, columns in ((1280, 2), (375, 1)):
        context = browser.new_context(viewport={"width": width, "height": 900})
        tab = context.new_page()
        tab.goto(web)
        tab.add_style_tag(content=".toc .toc-theme { content-visibility: visible !important; }")
        lists = tab.evaluate("""Array.from(document.querySelectorAll('nav.toc .toc-columns > ul'))
            .map(ul => { const r = ul.getBoundingClientRect(); return [r.left, r.top, r.height]; })""")
        assert len(lists) == 2
        assert tab.evaluate("getComputedStyle(document.querySelector('nav.toc ul')).columnCount") == "auto"
        hrefs = tab.evaluate(entries)
        assert len(hrefs) == len(set(hrefs)) and hrefs[0] == "#front-1" and hrefs[-1] == "#matrix"
        if columns == 2:
            assert lists[0][0] < lists[1][0] and lists[0][1] == lists[1][1]
            assert abs(lists[0][2] - lists[1][2]) < 0.2 * max(lists[0][2], lists[1][2])
        else:
            assert lists[0][0] == lists[1][0] and lists[1][1] >= lists[0][1] + lists[0][2]
        context.close()
