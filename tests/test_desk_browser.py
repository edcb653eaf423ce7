"""The collection desk in real Chromium (as tests/test_web.py): an owner hands in a sheet with an
error and a clean one and sees the findings and the receipt; axe finds nothing on the owner's and
the coordinator's pages at a phone's and a desktop's width; a sheet dropped on the form. The desk's CSP
allows only its own script file, so axe is injected with the page's CSP bypassed."""

from __future__ import annotations

import re
import time

import pytest

from reportgen.desk.store import COORDINATOR

from .conftest import set_cells
from .test_desk import JAKOB, MARTIN, desk, server, sheet_of  # noqa: F401 - the fixtures, shared
from .test_web import axe_violations, browser  # noqa: F401 - the fixtures and axe, shared

WIDTHS = (375, 1280)


@pytest.fixture
def open_page(browser, server):  # noqa: F811 - the fixtures imported above
    contexts = []

    def opened(path: str, width: int, bypass_csp: bool = True):
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"http://{server}{path}")
        return page

    yield opened
    for context in contexts:
        context.close()


def hand_in(page, path) -> None:
    page.set_input_files("#sheet", str(path))
    page.get_by_role("button", name="Aflevér").click()
    page.wait_for_selector("#result-heading")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_owner_hands_in_a_sheet_and_sees_the_findings_then_the_receipt(open_page, desk, tmp_path,  # noqa: F811
                                                                          width):
    wrong = tmp_path / "mit-ark.xlsx"
    wrong.write_bytes(sheet_of(desk, 1))
    set_cells(wrong, rg_status="måske")
    page = open_page(f"/o/{desk.links[JAKOB]}", width)
    assert page.locator("html").get_attribute("lang") == "da"
    hand_in(page, wrong)
    result = page.locator("section.result")
    assert result.locator("h2").inner_text() == "Ikke godkendt: arket har 1 fejl"
    finding = result.locator(".finding.error").first
    assert re.search(r"!B\d+", finding.inner_text()) and "Det skal du gøre" in finding.inner_text()
    assert result.get_by_role("link", name=re.compile("tilbagemeldingsarket")).is_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=f"/tmp/desk-owner-errors-{width}.png", full_page=True)
    right = tmp_path / "rettet.xlsx"
    right.write_bytes(sheet_of(desk, 1))
    hand_in(page, right)
    assert result.locator("h2").inner_text() == "Godkendt: arket for handling 1"
    assert len(result.locator("code.hash").inner_text()) == 64
    assert axe_violations(page) == []
    page.screenshot(path=f"/tmp/desk-owner-receipt-{width}.png", full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_coordinators_page_passes_axe(open_page, desk, tmp_path, width):  # noqa: F811
    wrong = tmp_path / "mit-ark.xlsx"
    wrong.write_bytes(sheet_of(desk, 1))
    set_cells(wrong, rg_status="måske", rg_theme="17")
    desk.hand_in(JAKOB, wrong.read_bytes())  # with errors: the page shows them
    assert desk.preview.start()  # the sheets folder holds nothing accepted: the build fails, and says why
    assert not desk.preview.start()  # one build at a time: pressed again while it runs, nothing more starts
    while desk.preview.state.state == "running":
        time.sleep(0.1)  # polling until the build has ended
    page = open_page(f"/c/{desk.links[COORDINATOR]}", width)
    assert page.locator("tbody tr").count() == 3
    assert page.locator("tbody tr.errors .finding").count() == 2
    assert "inputs-empty" not in page.locator(".preview.failed").inner_text()  # worded, not a code
    assert page.locator(".preview.failed .finding.error").count() == 1
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=f"/tmp/desk-coordinator-{width}.png", full_page=True)


def test_a_sheet_dropped_on_the_form_is_handed_in(open_page, desk):  # noqa: F811
    page = open_page(f"/o/{desk.links[JAKOB]}", 1280, bypass_csp=False)  # the desk's own CSP lets its script run
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    dropped = page.evaluate_handle("""(bytes) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], "ark.xlsx"));
        return data;
    }""", list(sheet_of(desk, 1)))
    page.dispatch_event("form[data-drop]", "drop", {"dataTransfer": dropped})
    page.wait_for_selector("#result-heading", timeout=10_000)
    assert page.locator("#result-heading").inner_text() == "Godkendt: arket for handling 1"
    assert errors == []


def test_the_coordinator_builds_the_preview_and_opens_it(open_page, desk):  # noqa: F811
    """The button, the running state, the built preview's links, at a desktop's and a phone's width;
    the web edition opens under its own policy (its inline script allowed by its hash)."""
    for owner, number in ((JAKOB, 1), (MARTIN, 7)):
        assert desk.hand_in(owner, sheet_of(desk, number)).accepted
    page = open_page(f"/c/{desk.links[COORDINATOR]}", 1280)
    page.get_by_role("button", name="Byg forhåndsvisningen af det godkendte").click()
    page.wait_for_selector("section.preview.running, section.preview.done")
    page.screenshot(path="/tmp/desk-coordinator-building-1280.png", full_page=True)
    while page.locator("section.preview.running").count():
        page.wait_for_timeout(300)  # polling until the build has ended, reloading as the page says
        page.reload()
    assert page.locator("section.preview.done").count() == 1
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=f"/tmp/desk-coordinator-built-{width}.png", full_page=True)
    link = page.get_by_role("link", name="Åbn forhåndsvisningens webudgave").get_attribute("href")
    web = open_page(link, 375, bypass_csp=False)  # under the preview's own policy, as the coordinator's browser
    refused = []
    web.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
           else None)
    web.reload()
    assert desk.round.action(7).title in (web.locator("main").text_content() or "")  # innerText skips parts off screen
    assert web.locator("#filter").is_visible()  # its inline script ran: allowed by its hash
    assert refused == []
    web.screenshot(path="/tmp/desk-preview-web-375.png")
