"""The web edition's filter, in a real headless Chromium: several filters at once, counts that agree
with the data, the filter kept in the address, the keyboard, axe, and every action without JavaScript."""

from __future__ import annotations

from .test_web import address_ends, axe_violations, browser, page  # noqa: F401 - the fixtures


def _visible(page) -> list[int]:  # noqa: F811
    # Shown: neither it nor its theme hidden (an action of a theme with none shown waits in it).
    return page.evaluate("""Array.from(document.querySelectorAll('article.action'))
                              .filter(a => a.checkVisibility()).map(a => parseInt(a.id.split('-')[1]))""")


def test_filter_by_committee_and_status_counts_agree_with_the_data(sample_build, sample_catalogue, page):  # noqa: F811
    url = (sample_build.web / "index.html").as_uri()
    page.goto(url)
    assert page.locator("form.filter").is_visible()
    page.get_by_role("checkbox", name="Teknik- og Miljøudvalget").check()
    page.get_by_role("checkbox", name="Igangsat").check()
    expected = sorted(a.number for a in sample_catalogue.actions if "teknik" in a.committees and a.status == "igang")
    assert 0 < len(expected) < 50
    assert _visible(page) == expected
    assert page.locator(".filter-count").inner_text() == f"Viser {len(expected)} af 50 handlinger"
    assert address_ends(page, "?committee=teknik&status=igang")
    assert axe_violations(page) == []

    page.goto(url + "?theme=3&administration=boern")  # a shared address gives the same view
    expected = sorted(a.number for a in sample_catalogue.actions
                      if a.theme == 3 and a.roles.get("boern") is not None and a.roles["boern"].value != "none")
    assert _visible(page) == expected
    assert page.get_by_role("checkbox", name="3. Flere unge får uddannelse").is_checked()
    hidden_themes = page.evaluate("Array.from(document.querySelectorAll('section.theme')).filter(s => s.hidden).length")
    assert hidden_themes == 4

    page.get_by_role("button", name="Vis alle").click()  # and back, with the keyboard only
    page.wait_for_function("Array.from(document.querySelectorAll('article.action')).every(a => a.checkVisibility())")
    page.locator("input[name=status][value=afsluttet]").focus()
    page.keyboard.press("Space")
    expected = sorted(a.number for a in sample_catalogue.actions if a.status == "afsluttet")
    assert _visible(page) == expected


def test_without_javascript_every_action_is_shown_and_no_filter(sample_build, browser):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto((sample_build.web / "index.html").as_uri() + "?status=ikke")
    assert plain.locator("article.action").count() == 50
    assert plain.locator("article.action[hidden]").count() == 0
    assert not plain.locator("form.filter").is_visible()
    context.close()
