"""A round of the sample's 50 actions through the collection desk, end to end, with no attachment
saved by hand: `reportgen sheets --mail` writes the drafts, `reportgen desk links` puts each owner's
link into them, each of the 20 owners (this script) takes the sheets attached to their draft and
hands each in on their own page, one after another, and the coordinator presses "Build the preview
from what is accepted" and opens the PDF and the web edition. The sheets folder starts empty, so
the report holds only what the desk accepted.

    .venv/bin/python bench/desk_round.py                       # the figures
    .venv/bin/python bench/desk_round.py --screenshots /tmp    # … and the owner's and coordinator's
                                                               #   pages in Chromium at 375 and 1280 px, with axe

What it checks (and prints): every upload answered 200; the build done; the preview's PDF and its
web edition's open data hold the 50 actions; `reportgen check --expect` finds the round complete.
Not a test: the times are figures to record, nothing asserts one.
"""

from __future__ import annotations

import argparse
import csv
import email
import email.policy
import io
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pikepdf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from desk_load import REPORTGEN, ROOT, request, serve  # the load test's helpers


def owner_of(draft: Path) -> tuple[str, list[tuple[str, bytes]]]:
    """The owner's link in their mail draft, and the sheets attached to it."""
    message = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(r"http://[^/]+(/o/[A-Za-z0-9_-]+)", text).group(1)  # type: ignore[union-attr]
    return link, [(part.get_filename() or "", part.get_content()) for part in message.iter_attachments()]


def form_action(page: bytes, to: str) -> str:
    actions = re.findall(r'<form method="post" action="([^"]+)"', page.decode())
    return next(a for a in actions if to in a).replace("&amp;", "&")


def hand_in(address: str, link: str, sheets: list[tuple[str, bytes]]) -> list[tuple[int, float]]:
    """One owner: open the page from the link, hand in each attached sheet. Each answer and its time."""
    _, page, cookie = request(address, "GET", link)
    action = form_action(page, f"{link}?")
    answers = []
    for name, data in sheets:
        boundary = uuid.uuid4().hex
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="sheet"; filename="{name}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + f"\r\n--{boundary}--\r\n".encode())
        start = time.perf_counter()
        status, _, _ = request(address, "POST", action, body,
                               {"Content-Type": f"multipart/form-data; boundary={boundary}"}, cookie)
        answers.append((status, time.perf_counter() - start))
    return answers


def build_preview(address: str, coordinator: str) -> tuple[float, bytes]:
    """The coordinator presses the button and reloads the page until the build has ended: its time, the page."""
    _, page, cookie = request(address, "GET", coordinator)
    start = time.perf_counter()
    status, _, _ = request(address, "POST", form_action(page, "/build?"), b"csrf=x",
                           {"Content-Type": "application/x-www-form-urlencoded"}, cookie)
    assert status == 303, status
    while True:
        _, page, _ = request(address, "GET", coordinator, cookie=cookie)
        if b'class="preview running"' not in page:
            return time.perf_counter() - start, page
        time.sleep(0.5)  # the coordinator reloading the page


def screenshots(address: str, owner: str, coordinator: str, folder: Path) -> None:
    """The owner's page after handing in, and the coordinator's page while a build runs and when it is
    done, at a phone's and a desktop's width, each checked with axe (as tests/test_desk_browser.py)."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from tests.test_web import ARGS, CHROMIUM, axe_violations

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # axe is injected
        page = context.new_page()
        page.goto(f"http://{address}{coordinator}")
        page.get_by_role("button", name=re.compile("forhåndsvisningen")).click()
        page.wait_for_selector("section.preview.running, section.preview.done")
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=folder / f"desk-round-coordinator-building-{width}.png", full_page=True)
        while page.locator("section.preview.running").count():
            page.wait_for_timeout(1000)
            page.reload()
        for path, name in ((coordinator, "coordinator-built"), (owner, "owner")):
            page.goto(f"http://{address}{path}")
            for width in (1280, 375):
                page.set_viewport_size({"width": width, "height": 900})
                found = axe_violations(page)
                wide = page.evaluate("document.documentElement.scrollWidth") > width
                print(f"  {name} at {width} px: axe {len(found)} violations {found or ''}; "
                      f"wider than the window: {wide}")
                page.screenshot(path=folder / f"desk-round-{name}-{width}.png", full_page=True)
        print(f"  screenshots: {folder}/desk-round-*.png")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--screenshots", type=Path, help="Also take the pages' screenshots into this folder.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="desk-round-") as tmp:
        folder = Path(tmp) / "report"
        shutil.copytree(ROOT / "inputs", folder, ignore=shutil.ignore_patterns("build"))
        config, round_file = str(folder / "report.yaml"), str(folder / "udsendt" / "round.json")
        subprocess.run([*REPORTGEN, "sheets", "-q", "-c", config, "--out", str(folder / "udsendt"), "--mail"],
                       check=True)
        for sheet in (folder / "sheets").glob("*.xlsx"):  # a round from nothing: the report holds what is accepted
            sheet.unlink()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        address = f"127.0.0.1:{port}"
        links = subprocess.run([*REPORTGEN, "desk", "links", "-c", config, "--round", round_file, "--url",
                                f"http://{address}"], check=True, capture_output=True, text=True).stdout
        coordinator = re.search(r"/c/[A-Za-z0-9_-]+", links).group(0)  # type: ignore[union-attr]
        owners = [owner_of(d) for d in sorted((folder / "udsendt" / "mail").glob("*.eml"))]
        desk = serve(folder, port)
        try:
            start = time.perf_counter()
            answers = [a for link, sheets in owners for a in hand_in(address, link, sheets)]
            seconds = time.perf_counter() - start
            times = sorted(t for _, t in answers)
            print(f"{len(owners)} owners' drafts, {len(answers)} sheets handed in one after another in "
                  f"{seconds:.1f} s; answers {sorted({s for s, _ in answers})}; "
                  f"per upload median {times[len(times) // 2]:.2f} s, slowest {times[-1]:.2f} s")
            built, page = build_preview(address, coordinator)
            state = re.search(rb'class="preview (\w+)"', page).group(1).decode()  # type: ignore[union-attr]
            print(f"build the preview from what is accepted: {state} after {built:.1f} s (pressed to done)")
            pdf_link = re.search(rb'href="(/c/[^"]+/preview/[^"]+\.pdf)"', page).group(1).decode()  # type: ignore[union-attr]
            _, pdf, _ = request(address, "GET", pdf_link)
            with pikepdf.open(io.BytesIO(pdf)) as document:
                pages = len(document.pages)
            _, actions, _ = request(address, "GET", f"{coordinator}/preview/data/actions.csv")
            rows = list(csv.DictReader(io.StringIO(actions.decode("utf-8-sig")), delimiter=";"))
            print(f"  the preview's PDF: {len(pdf) / 2**20:.1f} MB, {pages} pages; its open data: {len(rows)} actions, "
                  f"numbers {min(int(r['number']) for r in rows)}–{max(int(r['number']) for r in rows)}")
            if args.screenshots:
                screenshots(address, max(owners, key=lambda o: len(o[1]))[0], coordinator, args.screenshots)
        finally:
            desk.terminate()
            desk.wait()
        checked = subprocess.run([*REPORTGEN, "check", "-c", config, "--expect", round_file], capture_output=True,
                                 text=True)
        print(f"  reportgen check --expect: exit {checked.returncode}, {checked.stdout.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
