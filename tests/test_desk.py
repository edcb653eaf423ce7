"""The collection desk (reportgen desk): a real uvicorn server on a free port, real sheets written by
``write_template`` (through ``reportgen sheets``), real HTTP; the owner's page in real Chromium with
axe (tests/test_desk_browser.py)."""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from click.testing import CliRunner

from reportgen.checks import check
from reportgen.cli import cli
from reportgen.desk.app import MULTIPART_SLACK, create_app
from reportgen.desk.service import Desk
from reportgen.desk.serving import HEAD_SECONDS, server_config
from reportgen.desk.store import COORDINATOR, STORE_FILE, Store, token_hash
from reportgen.locales import Messages
from reportgen.problems import ConfigError
from reportgen.round.sheets import write_round

from .conftest import set_cells
from .hostile_files import MB, write_zip, zeros_entry

JAKOB, MARTIN = "Jakob Kruuse", "Martin Storgaard"  # actions 1 and 7 of the small report


@pytest.fixture
def desk(report_dir, config) -> Desk:
    """A running round of the small report: its three sheets sent out (round/), the sheets folder
    empty, a link for each owner and the coordinator."""
    result = write_round(config, report_dir / "round")
    for sheet in (report_dir / "sheets").iterdir():
        sheet.unlink()
    desk = Desk(config, result.round_file)
    desk.links = {owner: desk.store.issue(owner) for owner in desk.round.owners}  # type: ignore[attr-defined]
    desk.links[COORDINATOR] = desk.store.issue(COORDINATOR)  # type: ignore[attr-defined]
    return desk


@contextlib.contextmanager
def running(app, head_seconds: float = HEAD_SECONDS) -> Iterator[str]:
    """The app under uvicorn as `desk serve` runs it, on a free port of 127.0.0.1, in a thread: its address."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(server_config(app, log_level="warning", head_seconds=head_seconds, lifespan="off",
                                          timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.01)  # waiting for the server to listen, not for a result
    try:
        yield f"127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


@pytest.fixture
def server(desk) -> Iterator[str]:
    with running(create_app(desk)) as address:
        yield address


class Client:
    """HTTP as a browser does it: the CSRF cookie kept, the form's address read from the page."""

    def __init__(self, address: str):
        self.address = address
        self.cookie = ""

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        conn = http.client.HTTPConnection(self.address, timeout=30)
        headers = {**(headers or {}), **({"Cookie": self.cookie} if self.cookie else {})}
        conn.request(method, path, body=body if method == "POST" else None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        cookie = response.getheader("set-cookie")
        if cookie:
            self.cookie = cookie.split(";")[0]
        return response, data

    def form_action(self, path: str, to: str = "") -> str:
        """The address of the page's (first) form whose address holds ``to``."""
        response, page = self.request("GET", path)
        assert response.status == 200
        actions = re.findall(r'<form method="post" action="([^"]+)"', page.decode())
        return next(a for a in actions if to in a).replace("&amp;", "&")

    def upload(self, token: str, data: bytes, action: str | None = None, name: str = "sheet.xlsx"):
        action = action or self.form_action(f"/o/{token}")
        body, content_type = multipart({"csrf": "x"}, ("sheet", name, data))
        return self.request("POST", action, body, {"Content-Type": content_type})


def multipart(fields: dict[str, str], file: tuple[str, str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    field, name, data = file
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def sheet_of(desk: Desk, number: int) -> bytes:
    return desk.sheet(desk.round.action(number)).read_bytes()


def stored(desk: Desk) -> list[str]:
    """Everything the desk has kept: the sheets folder and its drafts, feedback and work folders."""
    folders = [desk.config.sheets_dir, desk.folder]
    return sorted(str(p.relative_to(f)) for f in folders if f.exists() for p in f.rglob("*") if p.is_file())


def test_a_clean_sheet_is_accepted_atomically_with_a_receipt(desk, server):
    client, token = Client(server), desk.links[JAKOB]
    response, page = client.upload(token, sheet_of(desk, 1), name="../../etc/passwd\x00.xlsx")
    assert response.status == 200, page.decode()
    data = sheet_of(desk, 1)
    sha = hashlib.sha256(data).hexdigest()
    target = desk.config.sheets_dir / desk.round.action(1).file
    assert target.read_bytes() == data
    assert sha in page.decode() and "Godkendt: arket for handling 1" in page.decode()
    [row] = desk.store.submissions()
    assert (row.owner, row.action, row.sha256, row.accepted, row.file) == (JAKOB, 1, sha, True, target.name)
    assert stored(desk) == [target.name]  # no draft, no work file, no temporary part left
    # Handed in again, changed: the accepted version before it is kept beside.
    changed = target.parent.parent / "changed.xlsx"
    changed.write_bytes(data)
    set_cells(changed, rg_field_handling="Nu er det gjort.")
    response, _ = client.upload(token, changed.read_bytes())
    assert response.status == 200
    assert (target.parent / ".previous" / target.name).read_bytes() == data
    assert target.read_bytes() == changed.read_bytes()


def test_a_sheet_with_errors_is_kept_as_a_draft_with_its_findings_and_feedback(desk, server, tmp_path):
    sheet = tmp_path / "mine.xlsx"
    sheet.write_bytes(sheet_of(desk, 1))
    set_cells(sheet, rg_status="måske")
    client = Client(server)
    response, page = client.upload(desk.links[JAKOB], sheet.read_bytes())
    text = page.decode()
    assert response.status == 422
    assert "Ikke godkendt: arket har 1 fejl" in text
    assert re.search(rf"{re.escape(desk.round.action(1).file)}!B\d+", text)  # the cell
    assert "Det skal du gøre" in text  # and the fix, in Danish
    assert not desk.config.sheets_dir.joinpath(desk.round.action(1).file).exists()
    [row] = desk.store.submissions()
    assert not row.accepted and row.errors == 1 and (desk.folder / "drafts" / row.file).is_file()
    link = re.search(r'href="(/o/[^"]+/feedback/\d+)"', text).group(1)
    response, workbook = client.request("GET", link)
    assert response.status == 200 and workbook[:2] == b"PK"
    assert "tilbagemelding" in response.getheader("content-disposition")


def test_another_owners_action_is_refused_and_nothing_kept(desk, server):
    response, page = Client(server).upload(desk.links[JAKOB], sheet_of(desk, 7))
    assert response.status == 409
    assert "Arket er til handling 7, som ikke er en af dine." in page.decode()
    assert stored(desk) == []
    assert [(s.owner, s.action, s.accepted, s.file) for s in desk.store.submissions()] == [(JAKOB, 7, False, "")]
    # Nothing of another owner is visible: the page lists only the owner's own actions.
    response, page = Client(server).request("GET", f"/o/{desk.links[JAKOB]}")
    assert desk.round.action(1).title in page.decode() and desk.round.action(7).title not in page.decode()


def test_a_wrong_token_is_refused_with_nothing_stored(desk, server):
    client = Client(server)
    for path in (f"/o/{secrets.token_urlsafe(32)}", f"/c/{desk.links[JAKOB]}", f"/o/{desk.links[COORDINATOR]}",
                 f"/o/{desk.links[JAKOB]}/sheet/7"):
        response, page = client.request("GET", path)
        assert response.status == 404, path
        assert "Linket er ikke (længere) gyldigt" in page.decode()
    action = client.form_action(f"/o/{desk.links[JAKOB]}")
    response, _ = client.upload("x", sheet_of(desk, 1), action=action.replace(desk.links[JAKOB], "x" * 43))
    assert response.status == 404
    assert stored(desk) == [] and desk.store.submissions() == []


def test_a_form_without_its_csrf_token_is_refused(desk, server):
    client = Client(server)
    action = client.form_action(f"/o/{desk.links[JAKOB]}")
    for replayed in (action.split("?")[0], action.split("?")[0] + "?csrf=" + "A" * 32):
        response, page = client.upload("", sheet_of(desk, 1), action=replayed)
        assert response.status == 403
        assert "Formularen er udløbet" in page.decode()
    planted = Client(server)  # a cookie the desk did not make is replaced, not put into the form
    planted.cookie = "desk_csrf=x&csrf=y"
    replanted = planted.form_action(f"/o/{desk.links[JAKOB]}")
    assert re.fullmatch(r"desk_csrf=[A-Za-z0-9_-]{32}", planted.cookie)
    assert replanted.endswith("?csrf=" + planted.cookie.split("=", 1)[1])
    stranger = Client(server)  # the form's own address, from a browser without the page's cookie
    response, _ = stranger.upload("", sheet_of(desk, 1), action=action)
    assert response.status == 403
    assert stored(desk) == [] and desk.store.submissions() == []


def test_an_oversized_body_is_refused_before_it_is_read(desk, server):
    client = Client(server)
    action = client.form_action(f"/o/{desk.links[JAKOB]}")
    too_large = int(desk.config.sheets.max_file_mb * 2**20) + MULTIPART_SLACK + 1
    conn = http.client.HTTPConnection(server, timeout=10)  # a desk that waited for the body would time out
    conn.putrequest("POST", action)
    for name, value in (("Content-Type", "multipart/form-data; boundary=x"), ("Content-Length", str(too_large)),
                        ("Cookie", client.cookie)):
        conn.putheader(name, value)
    conn.endheaders()  # and not one byte of the body: the answer comes all the same
    response = conn.getresponse()
    assert response.status == 413
    assert "Filen er for stor" in response.read().decode()
    conn.close()
    assert stored(desk) == [] and desk.store.submissions() == []


def test_every_answer_carries_the_security_headers(desk, server):
    for path in (f"/o/{desk.links[JAKOB]}", "/o/nobody", "/desk.css", f"/c/{desk.links[COORDINATOR]}"):
        response, _ = Client(server).request("GET", path)
        csp = response.getheader("content-security-policy")
        assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp and "unsafe-inline" not in csp
        assert response.getheader("x-content-type-options") == "nosniff"
        assert response.getheader("referrer-policy") == "no-referrer"


def test_requests_are_limited_per_link_and_per_address(desk):
    with running(create_app(desk, per_address=6, per_link=2)) as address:
        client = Client(address)
        action = client.form_action(f"/o/{desk.links[MARTIN]}")
        answers = [client.upload("", b"not a sheet", action=action)[0].status for _ in range(3)]
        assert answers == [409, 409, 429]  # not a sheet: refused; the third: too many
        answers = [client.request("GET", f"/o/{desk.links[JAKOB]}")[0].status for _ in range(3)]
        assert answers == [200, 200, 429]  # six requests from this address in all


def test_the_coordinator_sees_the_round_and_reissues_a_link(desk, server):
    client = Client(server)
    Client(server).upload(desk.links[JAKOB], sheet_of(desk, 1))
    coordinator = f"/c/{desk.links[COORDINATOR]}"
    response, page = client.request("GET", coordinator)
    text = page.decode()
    rows = re.findall(r'<tr class="(\w+)( late)?">', text)
    assert rows == [("accepted", " late"), ("missing", " late"), ("missing", " late")]  # the deadline was 2017
    action = client.form_action(coordinator, "/reissue?")
    response, page = client.request("POST", action, f"owner={MARTIN.replace(' ', '+')}".encode(),
                                    {"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 200
    new = re.search(r'<code class="link">http://[^/]+/o/([^<]+)</code>', page.decode()).group(1)
    assert client.request("GET", f"/o/{desk.links[MARTIN]}")[0].status == 404  # the old link stops working
    assert client.request("GET", f"/o/{new}")[0].status == 200


def test_the_log_survives_a_restart_and_tokens_are_stored_hashed(desk, config):
    Desk(config, desk.round.folder / "round.json").hand_in(JAKOB, sheet_of(desk, 1))
    again = Desk(config, desk.round.folder / "round.json")
    assert [(s.owner, s.action, s.accepted) for s in again.store.submissions()] == [(JAKOB, 1, True)]
    assert again.store.owner_of(desk.links[JAKOB]) == JAKOB
    raw = (desk.round.folder / STORE_FILE).read_bytes()
    assert desk.links[JAKOB].encode() not in raw and token_hash(desk.links[JAKOB]).encode() in raw


def test_a_damaged_or_locked_database_is_a_clear_finding(tmp_path):
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"this is not a database" * 300)
    with pytest.raises(ConfigError) as info:
        Store(damaged, Messages("en"))
    assert [f.code for f in info.value.findings] == ["desk-store-damaged"]
    assert "damaged" in info.value.findings[0].message
    store = Store(tmp_path / "locked.sqlite", Messages("da"), timeout=0.05)
    holder = sqlite3.connect(tmp_path / "locked.sqlite")
    holder.execute("BEGIN EXCLUSIVE")
    with pytest.raises(ConfigError) as info:
        store.issue("Ann")
    holder.rollback()
    holder.close()
    assert [f.code for f in info.value.findings] == ["desk-store-locked"]
    assert "låst" in info.value.findings[0].message


def test_desk_links_writes_each_owners_link_into_their_mail_draft(desk, server):
    config = str(desk.config.base_dir / "report.yaml")
    ran = CliRunner().invoke(cli, ["desk", "links", "-c", config, "--round", str(desk.round.folder / "round.json"),
                                   "--url", f"http://{server}"], catch_exceptions=False)
    assert ran.exit_code == 0, ran.output
    assert "Koordinatorens link" in ran.output
    drafts = sorted((desk.round.folder / "mail").glob("*.eml"))
    assert len(drafts) == 3
    text = next(d for d in drafts if "jakob" in d.name).read_text()
    token = re.search(rf"http://{re.escape(server)}/o/([A-Za-z0-9_-]+)", text.replace("=\n", "")).group(1)
    assert Client(server).request("GET", f"/o/{token}")[0].status == 200
    assert Client(server).request("GET", f"/o/{desk.links[JAKOB]}")[0].status == 404  # the old links are gone


def _hostile(tmp_path: Path, sheet: bytes) -> dict[str, bytes]:
    bomb = write_zip(tmp_path / "bomb.xlsx", {"[Content_Types].xml": zeros_entry(200)})
    return {"pdf": b"%PDF-1.7\n" + bytes(2000), "empty": b"", "old-xls": bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600),
            "csv": b"nummer;titel\n1;x\n", "truncated": sheet[: len(sheet) // 2], "bomb": bomb.read_bytes(),
            "html": b"<html><script>alert(1)</script></html>"}


@pytest.mark.parametrize("kind", ["pdf", "empty", "old-xls", "csv", "truncated", "bomb", "html"])
def test_hostile_uploads_are_answered_with_a_finding_and_nothing_kept(desk, tmp_path, kind):
    data = _hostile(tmp_path, sheet_of(desk, 1))[kind]
    assert len(data) < MB
    outcome = desk.hand_in(JAKOB, data)
    assert outcome.refused and not outcome.accepted and outcome.findings
    assert all(f.file == "din fil" and f.message and f.fix for f in outcome.findings)
    assert stored(desk) == []
    assert [(s.accepted, s.file) for s in desk.store.submissions()] == [(False, "")]


def test_a_sheet_of_an_action_outside_the_round_is_refused(desk, tmp_path):
    sheet = tmp_path / "99.xlsx"
    sheet.write_bytes(sheet_of(desk, 1))
    set_cells(sheet, rg_number="99")
    outcome = desk.hand_in(JAKOB, sheet.read_bytes())
    assert outcome.refused and [f.code for f in outcome.findings] == ["desk-not-in-round"]
    assert stored(desk) == []


def test_what_a_killed_upload_left_is_cleared_when_the_desk_starts(desk, config):
    left = desk.folder / "work" / "0123456789abcdef" / "upload.xlsx"
    left.parent.mkdir(parents=True)
    left.write_bytes(b"PK half")
    Desk(config, desk.round.folder / "round.json")  # as `desk links` beside a running desk: its uploads stay
    assert left.exists()
    create_app(Desk(config, desk.round.folder / "round.json"))  # the server starts
    assert not (desk.folder / "work").exists()


def test_desk_serve_answers_on_127_0_0_1_in_the_reports_language(desk, tmp_path):
    """The command itself, in a process of its own, for an English report."""
    config_file = desk.config.base_dir / "report.yaml"
    config_file.write_text(config_file.read_text(encoding="utf-8").replace("language: da", "language: en"),
                           encoding="utf-8")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    served = subprocess.Popen([sys.executable, "-m", "reportgen", "desk", "serve", "-c", str(config_file), "--round",
                               str(desk.round.folder / "round.json"), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = served.stdout.readline()  # the desk says where it answers once it is about to listen
        assert f"The desk answers at http://127.0.0.1:{port}" in line
        wait_until_listening(served, port)
        response, page = Client(f"127.0.0.1:{port}").request("GET", f"/o/{desk.links[JAKOB]}")
        text = page.decode()
        assert response.status == 200 and '<html lang="en">' in text and "Your sheets, Jakob Kruuse" in text
        assert "Aflevér" not in text and "Dine" not in text
    finally:
        served.terminate()
        served.wait(timeout=30)


def test_an_earlier_sheet_of_the_action_under_another_name_is_set_aside(desk, config, small_sheets):
    """The sheets folder of a round holds last round's sheets, perhaps named otherwise: the accepted
    sheet replaces the action's, and the folder reads without a duplicated number."""
    earlier = config.sheets_dir / "01.xlsx"
    earlier.write_bytes((small_sheets / "01.xlsx").read_bytes())
    (config.sheets_dir / "07.xlsx").write_bytes((small_sheets / "07.xlsx").read_bytes())
    assert desk.hand_in(JAKOB, sheet_of(desk, 1)).accepted
    assert sorted(p.name for p in config.sheets_dir.iterdir()) == sorted(
        [".previous", "07.xlsx", desk.round.action(1).file])
    assert (config.sheets_dir / ".previous" / "01.xlsx").is_file()
    outcome = check(config)
    assert outcome.result.errors == [] and [a.number for a in outcome.catalogue.actions] == [1, 7]


def test_a_slow_upload_is_cut_off_with_nothing_stored(desk):
    with running(create_app(desk, body_seconds=0.5)) as address:
        client = Client(address)
        action = client.form_action(f"/o/{desk.links[JAKOB]}")
        conn = http.client.HTTPConnection(address, timeout=10)
        conn.putrequest("POST", action)
        for name, value in (("Content-Type", "multipart/form-data; boundary=x"), ("Content-Length", "100000"),
                            ("Cookie", client.cookie)):
            conn.putheader(name, value)
        conn.endheaders(b"--x\r\nContent-Disposition: form-data; ")  # and then nothing more
        response = conn.getresponse()
        assert response.status == 408
        assert "Afleveringen tog for lang tid" in response.read().decode()
        conn.close()
    assert stored(desk) == [] and desk.store.submissions() == []


def disconnected(sock: socket.socket, trickle: bytes) -> bytes:
    """Send ``trickle`` a byte at a time, a fifth of a second apart, until the desk closes the
    connection (or the trickle is all sent): what the desk answered before it closed."""
    sock.settimeout(60)  # a desk that never closes fails the test here, after a minute
    answered = bytearray()
    done = threading.Event()

    def drip() -> None:
        with contextlib.suppress(OSError):
            for byte in trickle:
                if done.wait(0.2):
                    return
                sock.send(bytes([byte]))

    dripping = threading.Thread(target=drip, daemon=True)
    dripping.start()
    try:
        while chunk := sock.recv(65536):  # until EOF: the desk closed the connection
            answered += chunk
    finally:
        done.set()
        dripping.join()
    return bytes(answered)


def test_a_slow_loris_head_is_cut_off_with_nothing_stored(desk):
    """A request head sent a byte at a time (uvicorn alone waits for ever): the connection is closed
    once the head has taken longer than the bound, on a new connection and on a kept-alive one."""
    with running(create_app(desk), head_seconds=1.0) as address:
        action = Client(address).form_action(f"/o/{desk.links[JAKOB]}")
        head = (f"POST {action} HTTP/1.1\r\nHost: {address}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                + "X-Slow: " + "a" * 300 + "\r\n").encode()
        with socket.create_connection(address.split(":")) as sock:
            sock.sendall(head[:20])
            assert disconnected(sock, head[20:]) == b""  # closed, unanswered
        with socket.create_connection(address.split(":")) as sock:  # one request answered, then a slow one
            sock.sendall(f"GET /o/{desk.links[JAKOB]} HTTP/1.1\r\nHost: {address}\r\n\r\n".encode())
            answered = disconnected(sock, head)
            assert answered.startswith(b"HTTP/1.1 200") and answered.count(b"HTTP/1.1") == 1
    assert stored(desk) == [] and desk.store.submissions() == []


def test_a_refused_write_is_a_clear_message_and_nothing_is_logged(desk, server, caplog):
    """A full disk, a read-only folder, a file in the way: the owner is told, the coordinator's log
    says it too, and the log does not claim an acceptance."""
    sheets = desk.config.sheets_dir
    sheets.rmdir()
    sheets.write_bytes(b"a file where the sheets folder should be")
    response, page = Client(server).upload(desk.links[JAKOB], sheet_of(desk, 1))
    assert response.status == 503
    assert "Filen kan ikke skrives: en fil eller mappe af samme navn står i vejen" in page.decode()
    assert any("write-failed" in record.getMessage() for record in caplog.records)
    assert desk.store.submissions() == []


def desk_command(desk: Desk, port: int, max_file_bytes: int) -> list[str]:
    """`reportgen desk serve` in a process whose files may not grow past ``max_file_bytes``
    (``prlimit --fsize``: the kernel refuses a write beyond it, EFBIG, as a full disk refuses one with ENOSPC)."""
    return ["prlimit", f"--fsize={max_file_bytes}", sys.executable, "-m", "reportgen", "desk", "serve", "-q",
            "-c", str(desk.config.base_dir / "report.yaml"), "--round", str(desk.round.folder / "round.json"),
            "--port", str(port)]


def test_a_full_disk_is_a_clear_message_to_the_owner_and_the_coordinator(desk):
    """Writes refused by the operating system (no file may grow past 4 KB): the sheet cannot be kept,
    then the log cannot be written. The owner is told, the coordinator's page says it, nothing is kept;
    a desk started on a full disk says so and stops."""
    coordinator = f"/c/{desk.links[COORDINATOR]}"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = subprocess.run(desk_command(desk, port, 4096), capture_output=True, text=True, timeout=60)
    assert started.returncode == 2 and "Skrivebordets database kan ikke skrives: disken er fuld" in started.stderr
    holder = sqlite3.connect(desk.round.folder / STORE_FILE)  # holds the log's shared-memory file (32 KB) open:
    holder.execute("SELECT count(*) FROM owners").fetchall()  # the desk can use its log, but not keep a sheet
    served = subprocess.Popen(desk_command(desk, port, 4096), stderr=subprocess.DEVNULL)
    try:
        wait_until_listening(served, port)
        address = f"127.0.0.1:{port}"
        response, page = Client(address).upload(desk.links[JAKOB], sheet_of(desk, 1))
        assert response.status == 503
        assert "Filen kan ikke skrives: disken er fuld" in page.decode()
        response, page = Client(address).request("GET", coordinator)
        text = page.decode()
        assert response.status == 200 and "Skrivebordet kunne ikke gemme det afleverede" in text
        troubles = text[text.index('id="troubles-heading"'):text.index('id="status-heading"')]
        assert f"{JAKOB} afleverede et ark" in troubles and "disken er fuld" in troubles
        holder.close()  # the last one out removes the shared-memory file: now the log cannot be written either
        for path in (f"/o/{desk.links[JAKOB]}", coordinator):
            response, page = Client(address).request("GET", path)
            assert response.status == 503
            assert "Skrivebordets database kan ikke skrives: disken er fuld" in page.decode()
    finally:
        holder.close()
        served.terminate()
        served.wait(timeout=30)
    assert stored(desk) == [] and desk.store.submissions() == []


def test_owners_handing_in_at_once_are_each_accepted_once(desk, server):
    """Every owner of the round, twice each, all at once: the sheets folder and the log agree."""
    jobs = [(owner, a.number) for owner in desk.round.owners for a in desk.round.of(owner)] * 2
    answers: list[int] = []

    def hand_in(owner: str, number: int) -> None:
        answers.append(Client(server).upload(desk.links[owner], sheet_of(desk, number))[0].status)

    threads = [threading.Thread(target=hand_in, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * len(jobs)
    accepted = [s for s in desk.store.submissions() if s.accepted]
    assert sorted(s.action for s in accepted) == sorted(number for _, number in jobs)
    in_folder = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in desk.config.sheets_dir.glob("*.xlsx")}
    assert in_folder == {s.file: s.sha256 for s in accepted}


def test_the_rate_limit_forgets_idle_keys(monkeypatch):
    from reportgen.desk import app

    monkeypatch.setattr(app, "MAX_KEYS", 3)
    limit = app.RateLimit(1, window=0.0)  # every window is over at once: every key is idle
    assert all(limit.allow(f"10.0.0.{n}") for n in range(20))
    assert len(limit._events) <= 4


def preview_state(client: Client, coordinator: str) -> str:
    """The preview's state as the coordinator's page shows it, once no build is running (a build of
    the small report takes seconds; the generous bound only keeps a broken desk from hanging the test)."""
    deadline = time.monotonic() + 300
    while True:
        response, page = client.request("GET", coordinator)
        text = page.decode()
        state = re.search(r'<section aria-labelledby="preview-heading" class="preview (\w+)">', text).group(1)
        if state != "running" or time.monotonic() > deadline:
            return text
        time.sleep(0.2)  # polling the page until the build has ended, not waiting in place of it


def test_the_coordinator_builds_the_preview_from_what_is_accepted(desk, server):
    """The button runs `reportgen build` of the sheets folder into preview/ beside the round: a
    failure is shown with the build's findings in Danish; the PDF and the web edition are served to
    the coordinator only, each file chosen among those the build made."""
    client, coordinator = Client(server), f"/c/{desk.links[COORDINATOR]}"
    assert "Der er endnu ikke bygget nogen forhåndsvisning" in client.request("GET", coordinator)[1].decode()
    broken = desk.config.sheets_dir / desk.round.action(7).file  # last round's sheet, with an error
    broken.write_bytes(sheet_of(desk, 7))
    set_cells(broken, rg_status="måske")
    build = client.form_action(coordinator, "/build?")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response, _ = client.request("POST", build.split("?")[0], b"csrf=x", form)
    assert response.status == 403  # without its CSRF token: refused, nothing started
    assert desk.preview.state.state == "none"
    response, _ = client.request("POST", build, b"csrf=x", form)
    assert response.status == 303 and response.getheader("location").startswith(coordinator)
    text = preview_state(client, coordinator)
    assert "Forhåndsvisningen kunne ikke bygges" in text
    assert "Status &#39;måske&#39; findes ikke" in text and desk.round.action(7).file in text
    assert not (desk.round.folder / "preview").exists() or not any((desk.round.folder / "preview").rglob("*.pdf"))
    for owner, number in ((JAKOB, 1), (MARTIN, 7)):  # two of the three hand in: the preview has what is accepted
        assert client.upload(desk.links[owner], sheet_of(desk, number))[0].status == 200
    client.request("POST", build, b"csrf=x", form)
    text = preview_state(client, coordinator)
    assert "Forhåndsvisningen blev bygget" in text, text
    pdf_link = re.search(rf'href="({re.escape(coordinator)}/preview/[^"]+\.pdf)"', text).group(1)
    response, pdf = client.request("GET", pdf_link)
    assert response.status == 200 and response.getheader("content-type") == "application/pdf" and pdf[:5] == b"%PDF-"
    assert "default-src" not in response.getheader("content-security-policy")  # the browser's PDF viewer may draw
    words = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert desk.round.action(7).title.split()[0] in words and "måske" not in words
    built = list((desk.round.folder / "preview").rglob("*.pdf"))
    assert len(built) == 2 and all(p.read_bytes() == pdf for p in built)  # the edition's PDF and the web edition's
    response, index = client.request("GET", f"{coordinator}/preview/")
    assert response.status == 200 and response.getheader("content-type") == "text/html; charset=utf-8"
    [policy] = [v for k, v in response.getheaders() if k.lower() == "content-security-policy"]
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", policy) and "frame-ancestors 'none'" in policy
    font = re.search(rb'url\("?([^")]+\.woff2)', index).group(1).decode()
    response, _ = client.request("GET", f"{coordinator}/preview/{font}")
    assert response.status == 200 and response.getheader("content-type") == "font/woff2"
    for wrong in (f"{coordinator}/preview/../../desk.sqlite", f"{coordinator}/preview/%2e%2e/round.json",
                  f"{coordinator}/preview//etc/passwd", f"/c/{desk.links[JAKOB]}/preview/",
                  f"/o/{desk.links[JAKOB]}/preview/"):
        assert client.request("GET", wrong)[0].status == 404, wrong


def wait_until_listening(served: subprocess.Popen, port: int) -> None:
    """Until the desk started as ``served`` takes connections on ``port`` (it must not have ended)."""
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert served.poll() is None
            time.sleep(0.05)  # waiting for the server to listen, not for a result
