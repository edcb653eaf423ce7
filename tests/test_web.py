"""The web edition and the live preview, in a real headless Chromium (Debian's chromium, driven by
Playwright; axe-core from the npm registry). All installed by `make test`."""

from __future__ import annotations

import fcntl
import shutil
import socket
import struct
import threading
from pathlib import Path

import pytest

from reportgen.preview.server import serve

from .conftest import ROOT, set_cells

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
# As root in a closed network: no sandbox, and no background calls to Google's hosts.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WAIT_MS = 30_000  # a rebuild of three sheets takes about two seconds; the watcher waits for saves to settle


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is missing: `make test` installs it"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def address_ends(page, end: str) -> bool:
    """The page's own address (``location.href``) ends so, once its script has set it: ``page.url``
    can still hold the address before the page's last ``history.replaceState``."""
    page.wait_for_function("end => location.href.endsWith(end)", arg=end, timeout=5000)
    return True


def axe_violations(page) -> list[dict]:
    assert AXE.exists(), "axe-core is missing: `make test` installs it (npm ci in tests/browser)"
    # The web edition leaves what is off screen unrendered (content-visibility: auto); axe reads the
    # colours behind such text wrongly (dequelabs/axe-core#2768, open): it sees everything rendered.
    page.add_style_tag(content="* { content-visibility: visible !important; }")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async (tags) => {
             const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
             return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                 nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
           }""", WCAG)


# --- The web edition ------------------------------------------------------------------------


def test_web_edition_is_one_folder_that_asks_no_other_server(sample_build, page):
    index = sample_build.web / "index.html"
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(index.as_uri())
    assert page.locator("article.action").count() == sample_build.actions == 50
    assert page.locator("html").get_attribute("lang") == "da"
    outside = [url for url in requests if not url.startswith(sample_build.web.as_uri())]
    assert outside == []
    # The PDF beside the page, offered for download: the same bytes as the build's PDF.
    link = page.locator(".pdf-link a")
    assert link.get_attribute("href") == sample_build.pdf.name
    assert (sample_build.web / sample_build.pdf.name).read_bytes() == sample_build.pdf.read_bytes()
    fonts = sorted(p.name for p in (sample_build.web / "assets" / "fonts").iterdir())
    assert "OpenSans-Regular.woff2" in fonts
    assert page.evaluate("document.fonts.check('12px \"Report Sans\"')")


def test_web_edition_passes_the_automated_accessibility_check(sample_build, page):
    page.goto((sample_build.web / "index.html").as_uri())
    assert axe_violations(page) == []
    # Landmarks and heading order the check relies on.
    assert page.locator("header.cover h1").count() == 1
    assert page.locator("nav.toc").count() == 1 and page.locator("main#main").count() == 1
    # Status never by colour alone: every row of the responsibility matrix says it in words.
    rows = page.locator(".responsibility tbody tr[class^='status-'] td.status")
    assert rows.count() == 50
    assert all(text.strip() for text in rows.all_inner_texts())


def test_web_edition_reads_on_a_phone(sample_build, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto((sample_build.web / "index.html").as_uri())
    # Nothing wider than the screen: the wide tables scroll inside their own (focusable) boxes.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".table-wrap[tabindex='0']").count() == 3
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.field p')).fontSize)")
    assert size >= 16
    context.close()


# --- The live preview -----------------------------------------------------------------------


@pytest.fixture
def preview_server(report_dir):
    """``reportgen serve`` on the report folder, on a free port, for one test: the running server."""
    servers = []
    ready = threading.Event()

    def on_ready(server):
        servers.append(server)
        ready.set()

    thread = threading.Thread(target=serve, args=(report_dir / "report.yaml", 0), kwargs={"on_ready": on_ready},
                              daemon=True)
    thread.start()
    assert ready.wait(60), "the preview did not start"
    yield servers[0]
    servers[0].shutdown()
    thread.join(10)


@pytest.fixture
def live(preview_server, report_dir):
    """The preview's address and the report folder it shows."""
    return preview_server.url, report_dir


def test_preview_shows_the_report_and_follows_every_save(live, page):
    url, folder = live
    sheets = folder / "sheets"
    page.goto(url)
    assert page.locator("article.action").count() == 3
    assert page.locator(".preview-problems").count() == 0
    assert page.locator("a.preview-pdf").get_attribute("href") == "/report.pdf"
    assert axe_violations(page) == []  # the preview bar too

    # An owner's sheet is saved: the open page shows the new text by itself.
    set_cells(sheets / "07.xlsx", rg_title="Feriedestinationer i forhåndsvisningen")
    page.locator("#action-7 h3", has_text="Feriedestinationer i forhåndsvisningen").wait_for(timeout=WAIT_MS)

    # A broken sheet: the report stays, with the problem on top, naming the file.
    (sheets / "25.xlsx").write_bytes(b"this is not a spreadsheet")
    problems = page.locator(".preview-problems")
    problems.wait_for(timeout=WAIT_MS)
    assert "25.xlsx" in problems.text_content()
    assert page.locator("article.action").count() == 2

    # An error in an action's sheet: the action is left out until it is fixed, and the page says so.
    set_cells(sheets / "07.xlsx", rg_status="Ukendt")
    page.locator(".preview-problems li", has_text="Ukendt").wait_for(state="attached", timeout=WAIT_MS)
    assert "udeladt" in page.locator(".preview-problems li", has_text="Ukendt").text_content()
    assert page.locator("#action-7").count() == 0


def test_preview_survives_a_yaml_typo_and_builds_the_pdf(live, page):
    url, folder = live
    config = folder / "report.yaml"
    good = config.read_text(encoding="utf-8")
    page.goto(url)
    assert page.locator("article.action").count() == 3

    config.write_text(good.replace("title: Status på handlingskatalog 2017", "title: [Status", 1), encoding="utf-8")
    errors = page.locator(".preview-errors")
    errors.wait_for(timeout=WAIT_MS)
    assert "report.yaml:" in errors.inner_text()
    assert axe_violations(page) == []

    config.write_text(good, encoding="utf-8")
    page.locator("article.action").first.wait_for(timeout=WAIT_MS)
    assert page.locator("article.action").count() == 3

    response = page.request.get(url + "report.pdf", timeout=120_000)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        'inline; filename="status-paa-handlingskatalog-2017-v2.6.2017.pdf"')
    assert response.body().startswith(b"%PDF-")


SIOCGIFADDR = 0x8915  # <linux/sockios.h>: an interface's IPv4 address


def local_ipv4_addresses() -> set[str]:
    """This machine's own IPv4 addresses, one per interface that has one (Linux: SIOCGIFADDR)."""
    found = set()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            try:
                answer = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, struct.pack("256s", name.encode()[:15]))
            except OSError:  # an interface without an IPv4 address
                continue
            found.add(socket.inet_ntoa(answer[20:24]))
    return found


def connects(address: str, port: int) -> bool:
    """Whether a TCP connection to the address and port is accepted (refused, or no answer: no)."""
    try:
        socket.create_connection((address, port), timeout=5).close()
    except OSError:
        return False
    return True


def test_preview_listens_on_loopback_only(preview_server):
    host, port = preview_server.socket.getsockname()
    assert host == "127.0.0.1" and preview_server.server_address == (host, port)
    assert preview_server.url == f"http://127.0.0.1:{port}/"
    assert connects("127.0.0.1", port)
    # Every other address of this machine is refused: 127.0.0.2 (the loopback network is all
    # local on Linux) and each interface's own, when the machine has one.
    others = (local_ipv4_addresses() | {"127.0.0.2"}) - {"127.0.0.1"}
    assert {address: connects(address, port) for address in sorted(others)} == dict.fromkeys(sorted(others), False)


def test_preview_links_problems_to_their_actions(live, page):
    url, folder = live
    page.goto(url)
    shutil.copy(folder / "sheets" / "07.xlsx", folder / "sheets" / "07-kopi.xlsx")  # sent twice
    item = page.locator(".preview-problems li", has_text="07-kopi.xlsx")
    item.wait_for(state="attached", timeout=WAIT_MS)
    page.locator(".preview-problems summary").click()  # the list opens from its count
    link = item.locator("a[href='#action-7']")
    assert link.count() == 1
    link.click()
    assert page.evaluate("location.hash") == "#action-7"


def test_preview_shows_a_broken_template_and_recovers(report_dir):
    from reportgen.preview.state import Preview

    preview = Preview(report_dir / "report.yaml")
    (report_dir / "templates").mkdir()
    broken = report_dir / "templates" / "_action.html.j2"
    broken.write_text("{{ action.no_such_field }}", encoding="utf-8")
    assert preview.rebuild() is None
    page = preview.files["index.html"].decode("utf-8")
    assert "_action.html.j2:1" in page and "preview-errors" in page
    assert preview.version == 1 and len(preview.problems) == 1
    broken.unlink()
    outcome = preview.rebuild()
    assert outcome is not None and len(outcome.catalogue.actions) == 3
    assert preview.problems == [] and 'id="action-25"' in preview.files["index.html"].decode("utf-8")
    assert preview.wait_for_change(preview.version - 1, timeout=0) == 2


# --- Light on a phone, and a preview that helps (issue 27) ---------------------------------------


def test_the_sample_page_transfers_at_most_400_kb(sample_build, page):
    """What a reader's browser fetches (the PDF download and the open data aside): the page
    gzip-compressed, as a web server sends it, and every file it loads; the fonts cut to the page."""
    import gzip

    web = sample_build.web
    loaded = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    page.goto((web / "index.html").as_uri())
    page.evaluate("document.fonts.ready.then(() => true)")
    files = [Path(url.removeprefix("file://")) for url in loaded if url != (web / "index.html").as_uri()]
    assert files and all(f.suffix == ".woff2" for f in files if "/fonts/" in f.as_posix())
    sizes = {f.name: f.stat().st_size for f in files}
    total = len(gzip.compress((web / "index.html").read_bytes(), 9)) + sum(sizes.values())
    assert total <= 400_000, sizes
    # Every file the folder has besides the page, the PDF and the data, all of them, is within it too.
    rest = [p for p in web.rglob("*") if p.is_file() and p.suffix != ".pdf" and "data" not in p.relative_to(web).parts
            and p.name != "index.html"]
    assert len(gzip.compress((web / "index.html").read_bytes(), 9)) + sum(p.stat().st_size for p in rest) <= 400_000


def test_the_closing_links_all_open_data_and_says_the_pdfs_size_and_licence(sample_build, page):
    page.goto((sample_build.web / "index.html").as_uri())
    links = page.locator(".data-link a")
    assert [links.nth(n).get_attribute("href") for n in range(links.count())] == [
        "data/actions.csv", "data/committees.csv", "data/administrations.csv", "data/datapackage.json"]
    for n in range(links.count()):
        assert (sample_build.web / links.nth(n).get_attribute("href")).is_file()
    size = sample_build.pdf.stat().st_size / 1_000_000
    assert page.locator(".pdf-link a").inner_text().endswith(f"(PDF, {size:.1f} MB)".replace(".", ","))
    assert page.locator(".data-licence").inner_text() == "Der er ikke angivet nogen licens for dataene."


def test_the_filter_box_is_centred_with_the_text_at_1280(sample_build, page):
    page.goto((sample_build.web / "index.html").as_uri())
    box = page.locator(".filter").bounding_box()
    text = page.locator(".summary").bounding_box()
    centre = lambda b: b["x"] + b["width"] / 2  # noqa: E731
    assert abs(centre(box) - centre(text)) < 1 and abs(centre(box) - 640) < 10  # in the column of 50rem, not flush left


def _twelve_problems(folder: Path) -> None:
    for n in range(1, 13):
        (folder / "sheets" / f"{n + 50:02d}-ark-der-ikke-er-et-regneark.xlsx").write_bytes(b"not a spreadsheet")


@pytest.mark.parametrize(("width", "height"), [(375, 667), (1280, 800)])
def test_the_preview_panel_takes_at_most_a_fifth_of_the_window(live, browser, width, height):
    url, folder = live
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(url)
    _twelve_problems(folder)
    summary = page.locator(".preview-problems summary", has_text="12 fejl")
    summary.wait_for(timeout=WAIT_MS)
    share = "document.querySelector('.preview').getBoundingClientRect().height / innerHeight"
    assert page.evaluate(share) <= 0.2  # closed: one line or two, with the count
    title = page.locator("h1.cover-title").bounding_box()
    assert title["y"] >= page.locator(".preview").bounding_box()["height"]  # the cover's title shows
    summary.click()
    assert page.locator(".preview-problems li").count() == 12
    assert page.evaluate(share) <= 0.2  # open: the list scrolls inside the bar
    assert axe_violations(page) == []
    # Each problem says its sheet; it stays open across the reload after the next save.
    assert "ark-der-ikke-er-et-regneark.xlsx" in page.locator(".preview-problems li").first.inner_text()
    (folder / "sheets" / "51-ark-der-ikke-er-et-regneark.xlsx").unlink()
    page.locator(".preview-problems summary", has_text="11 fejl").wait_for(timeout=WAIT_MS)
    assert page.locator(".preview-problems li").first.is_visible()
    context.close()


def test_the_pdf_refused_is_a_page_in_the_reports_language(live, page):
    url, folder = live
    set_cells(folder / "sheets" / "07.xlsx", rg_status="Ukendt")
    page.goto(url)
    page.locator(".preview-problems summary", has_text="1 fejl").wait_for(timeout=WAIT_MS)
    page.goto("about:blank")  # away from the preview, whose reload after a second change event would abort the next
    response = page.goto(url + "report.pdf")
    assert response.status == 409 and response.headers["content-type"] == "text/html; charset=utf-8"
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("h1").inner_text() == "PDF'en kan ikke bygges endnu"
    problem = page.locator(".preview-errors li").first.inner_text()
    assert "Handling 7" in problem and "07.xlsx, celle" in problem and "Ukendt" in problem
    assert page.locator("a[href='/']").count() == 1
    assert axe_violations(page) == []


MID_WORD_BREAKS = """(selector) => Array.from(document.querySelectorAll(selector)).flatMap(heading => {
    const chars = [], walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        if (rects.length) chars.push([node.data[i], rects[rects.length - 1].top]);  // at a break, its last line
      }
    }
    const found = [];  // a line that starts inside a word whose last line did not end with a hyphen
    for (let i = 1; i < chars.length; i++) {
      if (chars[i][1] > chars[i - 1][1] + 2 && /\\p{L}/u.test(chars[i][0]) && /\\p{L}/u.test(chars[i - 1][0])) {
        found.push(chars.slice(Math.max(0, i - 6), i + 4).map(c => c[0]).join(""));
      }
    }
    return found;
  })"""


@pytest.mark.parametrize("width", [320, 375])
def test_theme_headings_break_a_word_only_with_a_hyphen_on_a_phone(sample_config, browser, tmp_path, width):
    from reportgen.checks import check
    from reportgen.pipeline import web_edition

    for name, content in web_edition(check(sample_config).catalogue).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content if isinstance(content, bytes) else Path(content).read_bytes())
    context = browser.new_context(viewport={"width": width, "height": 667})
    page = context.new_page()
    page.goto((tmp_path / "index.html").as_uri())
    page.evaluate("document.fonts.ready.then(() => true)")
    # "Attraktiv bosætningskommune" is wider than a phone: it breaks, with a hyphen, where Danish allows.
    assert page.locator("#theme-1 h2").bounding_box()["height"] > 60  # two lines or more
    assert page.evaluate(MID_WORD_BREAKS, ".theme-band h2") == []
    context.close()


def test_a_configured_licence_is_stated_and_linked(config):
    from reportgen.checks import check
    from reportgen.configuration.schema import OpenData
    from reportgen.pipeline import web_edition

    licence = OpenData(licence="CC-BY-4.0", licence_title="Creative Commons Attribution 4.0",
                       licence_url="https://creativecommons.org/licenses/by/4.0/")
    page = web_edition(check(config.model_copy(update={"open_data": licence})).catalogue, data_link="data")
    assert ('<p class="data-licence">Dataenes licens: <a href="https://creativecommons.org/licenses/by/4.0/">'
            'Creative Commons Attribution 4.0</a>.</p>') in page["index.html"].decode("utf-8")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_proof_page_passes_the_accessibility_check(browser, width):
    """The proof page as the preview sends it, with a finding (the pages' layout is test_proof's)."""
    from reportgen.locales import Messages
    from reportgen.preview.state import _templates, proof_items
    from reportgen.problems import Severity

    t = Messages("da")
    found = [t.finding("proof-forced-break", Severity.WARNING, file="r.pdf", cell="page 6", action=2,
                       word="erhvervsuddannelsesinstitutionssamarbejderne", where="handling 2")]
    page_html = "".join(_templates().get_template("preview_proof.html.j2").generate(
        t=t, language="da", steps=lambda: iter(["read", "layout"]), version=1, events_url="/_events",
        result=lambda: {"made": True, "problems": [], "items": proof_items(found)}))
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_content(page_html)
    assert page.locator("a[href='/#action-2']").inner_text() == "Handling 2"
    assert axe_violations(page) == []
    context.close()
