"""One address per action in the web edition, and printing it, in a real headless Chromium: a link to
an action lands on it with and without JavaScript and keeps its fragment, also in a filtered view; a
filter value the address asks for that no option has is named; the printed page has both matrices
whole and no controls (issue 27)."""

from __future__ import annotations

import re
import subprocess

from reportgen import check, load_config
from reportgen.pipeline import web_edition
from reportgen.starter import new_report

from .test_web import address_ends, axe_violations, browser, page  # noqa: F401 - the fixtures


def _visible(page) -> list[int]:  # noqa: F811
    # Shown: neither it nor its theme hidden (an action of a theme with none shown waits in it).
    return page.evaluate("""Array.from(document.querySelectorAll('article.action'))
                              .filter(a => a.checkVisibility()).map(a => parseInt(a.id.split('-')[1]))""")


def _lands_on(page, number: int) -> bool:  # noqa: F811
    """The action's top is at the top of the window (where a browser puts a fragment's target)."""
    top = page.evaluate(f"document.getElementById('action-{number}').getBoundingClientRect().top")
    return -2 <= top <= 2 and page.evaluate("window.scrollY") > 0


def test_a_link_to_an_action_lands_on_it_with_and_without_javascript(sample_build, browser):  # noqa: F811
    for javascript in (True, False):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
        tab = context.new_page()
        tab.goto((sample_build.web / "index.html").as_uri() + "#action-17")
        assert tab.evaluate("location.hash") == "#action-17", javascript
        assert _lands_on(tab, 17), javascript
        assert tab.locator("article.action:not([hidden])").count() == 50
        context.close()


def test_a_link_into_a_filtered_view_lands_and_keeps_both(sample_build, sample_catalogue, page):  # noqa: F811
    url = (sample_build.web / "index.html").as_uri()
    statuses = {a.number: a.status for a in sample_catalogue.actions}
    assert statuses[17] == "ikke"
    page.goto(url + "?status=afsluttet#action-17")
    finished = sorted(n for n, s in statuses.items() if s == "afsluttet")
    # The filter holds, and the action the link points to is shown too, saying why.
    assert _visible(page) == sorted(finished + [17])
    assert _lands_on(page, 17)
    note = page.locator("#action-17 .filter-linked")
    assert note.is_visible() and "handling 17" in note.inner_text()
    assert page.locator(".filter-linked").count() == 1
    assert page.locator(".filter-count").inner_text() == f"Viser {len(finished) + 1} af 50 handlinger"
    assert axe_violations(page) == []

    # A change to the filter keeps the fragment in the address.
    page.get_by_role("checkbox", name="Igangsat").check()
    assert address_ends(page, "?status=afsluttet,igang#action-17")
    # The page hides its own links to the actions the filter hides (the contents' entry too); a link
    # from elsewhere in the same tab (a changed fragment) to one lands on it as well.
    hidden = next(n for n, s in statuses.items() if s == "ikke" and n != 17)
    assert page.locator(f"nav.toc a[href='#action-{hidden}']").is_hidden()
    page.evaluate(f"location.hash = '#action-{hidden}'")
    assert page.evaluate("location.hash") == f"#action-{hidden}"
    assert page.locator(f"#action-{hidden}").is_visible() and _lands_on(page, hidden)
    assert page.locator(f"#action-{hidden} .filter-linked").count() == 1
    assert page.locator("#action-17").is_hidden()  # no longer linked: the filter decides again
    assert address_ends(page, f"?status=afsluttet,igang#action-{hidden}")


def test_an_unknown_filter_value_in_the_address_is_named(sample_build, page):  # noqa: F811
    url = (sample_build.web / "index.html").as_uri()
    page.goto(url + "?status=igangsat")
    notice = page.locator(".filter-unknown")
    assert notice.is_visible()
    assert notice.inner_text() == ("Adressen beder om et filter, der ikke findes, og som derfor ikke er brugt: "
                                   "Status »igangsat«.")
    assert len(_visible(page)) == 50

    page.goto(url + "?theme=2,9&status=<b>x</b>")  # the known part is used; the rest named, as text
    assert notice.inner_text().endswith("Tema »9«, Status »<b>x</b>«.")
    assert page.locator(".filter-unknown b").count() == 0
    assert page.get_by_role("checkbox", name="2. Mere gang i erhverv og turisme").is_checked()
    assert len(_visible(page)) == 10
    assert axe_violations(page) == []
    page.get_by_role("checkbox", name="Afsluttet").check()  # a new choice: the address says what is shown
    assert notice.is_hidden() and address_ends(page, "?theme=2&status=afsluttet")

    page.goto(url + "?status=igang")  # a right value: no notice
    assert notice.is_hidden()


def test_the_notice_speaks_english_in_an_english_report(tmp_path, page):  # noqa: F811
    config, _ = load_config(new_report(tmp_path / "report", language="en"))
    files = web_edition(check(config).catalogue)
    for name, content in files.items():
        target = tmp_path / "web" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.read_bytes())
    page.goto((tmp_path / "web" / "index.html").as_uri() + "?status=nope")
    assert page.locator(".filter-unknown").inner_text() == (
        "The address asks for a filter that does not exist, so it is not used: Status “nope”.")


def test_a_group_with_no_options_is_not_shown_and_still_names_a_value(tmp_path, page):  # noqa: F811
    """A plan without committees (the council's shape): no empty "Committees" heading in the filter, and
    an address that asks for a committee is still told that it does not exist."""
    from .shapes import council, write_report
    config, _ = load_config(write_report(tmp_path / "report", council()))
    assert config.committees == [] and config.administrations
    for name, content in web_edition(check(config).catalogue).items():
        target = tmp_path / "web" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.read_bytes())
    page.goto((tmp_path / "web" / "index.html").as_uri() + "?committee=planning")
    assert page.locator("fieldset[data-group=committee]").is_hidden()
    assert page.locator("fieldset[data-group=administration]").is_visible()
    assert page.locator(".filter-unknown").inner_text() == (
        "The address asks for a filter that does not exist, so it is not used: Committees “planning”.")


def _pages(pdf) -> list[str]:
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                            text=True, check=True).stdout)[1])
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, count + 1)]


def test_the_printed_web_edition_has_both_matrices_whole_and_no_controls(
        sample_build, sample_catalogue, sample_config, page, tmp_path):  # noqa: F811
    page.goto((sample_build.web / "index.html").as_uri())
    assert page.locator("form.filter").is_visible()
    pdf = tmp_path / "web.pdf"
    page.pdf(path=str(pdf), format="A4")
    pages = _pages(pdf)
    text = "\n".join(pages)
    assert "Find handlinger" not in text and "Vis alle" not in text  # no filter form
    row = re.compile(r"^\s*(\d{1,2})\s+\S", re.M)
    numbers = [a.number for a in sample_catalogue.actions]
    for heading, marks in (("Oversigt over handlinger", sum(len(a.committees) for a in sample_catalogue.actions)),
                           ("Ansvar og status", len(sample_catalogue.actions))):
        # The matrix's pages: its heading's (not the contents' entry), then those its head row repeats on.
        first = max(i for i, p in enumerate(pages) if re.search(rf"^{heading}\s*$", p, re.M))
        span = [first] + [i for i in range(first + 1, len(pages)) if re.search(r"^Nr\. +Handling", pages[i], re.M)]
        body = "\n".join(pages[i] for i in span)
        if heading == "Oversigt over handlinger":
            body = body.split("Ansvar og status")[0]
        assert sorted(int(n) for n in row.findall(body)) == numbers, heading  # every row
        assert len(span) > 1 and span == list(range(first, first + len(span)))  # it flows on; its head repeats
        # Every column: each committee mark (overview), each anchoring mark (responsibility) is printed,
        # on its row's first line (the cells are set from the top).
        mark = sample_config.marks.committee if heading.startswith("Oversigt") else sample_config.marks.anchoring
        rows = [line for line in body.splitlines() if row.match(line)]
        assert sum(len(re.findall(rf"(?<=\s){re.escape(mark)}(?=\s|$)", line)) for line in rows) == marks, heading
