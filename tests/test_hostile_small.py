"""Small things users see, and the right reasons for odd files (issue 19): what is skipped is said,
names and cells reach the terminal as the characters they are, cells are prose, numbers YAML made
of text are pointed out, a configured file is what its name says, the preview answers only its
own address, and every odd spreadsheet gets its own true reason."""

from __future__ import annotations

import http.client
import logging
import os
import selectors
import shutil
import socket
import threading
import zipfile
from pathlib import Path

import pytest

from reportgen.checks import check
from reportgen.configuration import load_config
from reportgen.pipeline import web_edition
from reportgen.preview.server import PreviewServer
from reportgen.preview.state import Preview
from reportgen.problems import ConfigError
from reportgen.render.text import to_html
from reportgen.sheets.files import SheetFile, discover, screen
from reportgen.sheets.reader import read_sheet

from .conftest import set_cells
from .hostile_files import run_reportgen, small_entry, write_zip


def test_what_is_named_like_a_sheet_but_is_none_is_a_warning(report_dir, config):
    sheets = report_dir / "sheets"
    (sheets / "folder.xlsx").mkdir()
    os.mkfifo(sheets / "pipe.xlsx")
    (sheets / "gone.xlsx").symlink_to(sheets / "nowhere.xlsx")
    (sheets / "ring.xlsx").symlink_to(sheets / "ring.xlsx")
    (sheets / "notes").mkdir()  # a folder not named like a sheet: no word
    files, findings = discover(config, None)
    assert sorted(f.name for f in files) == ["01.xlsx", "07.xlsx", "25.xlsx"]
    said = {f.file: (f.code, f.severity.value, f.message) for f in findings}
    assert set(said) == {"folder.xlsx", "pipe.xlsx", "gone.xlsx", "ring.xlsx"}
    assert {code for code, _, _ in said.values()} == {"file-skipped"}
    assert {severity for _, severity, _ in said.values()} == {"warning"}
    assert "det er en mappe" in said["folder.xlsx"][2] and "ikke en almindelig fil" in said["pipe.xlsx"][2]
    assert "der ikke findes" in said["gone.xlsx"][2] and "i ring" in said["ring.xlsx"][2]


def test_file_names_and_cells_reach_the_terminal_as_characters(report_dir):
    """An escape sequence in a file name, a right-to-left override, a rich :emoji: code and
    [markup] in a cell: printed as the characters they are, never as colours, a cleared screen,
    reversed text or a smiley. (XML keeps escape characters out of cells themselves.)"""
    sheets = report_dir / "sheets"
    odd = "\x1b[2J\x1b[31mrød.xlsx"
    shutil.copyfile(sheets / "07.xlsx", sheets / odd)
    (sheets / "07.xlsx").unlink()
    set_cells(sheets / odd, rg_status="\u202e:smile: [bold]x[/bold]")
    run = run_reportgen("check", "-c", str(report_dir / "report.yaml"))
    assert run.returncode == 1
    assert "\x1b" not in run.stdout + run.stderr and "\u202e" not in run.stdout
    assert "\\x1b[2J\\x1b[31mrød.xlsx" in run.stdout
    assert "\\u202e:smile: [bold]x[/bold]" in run.stdout and "😄" not in run.stdout


@pytest.mark.parametrize(("cell", "html"), [
    ("config.__class__ og __init__", "<p>config.__class__ og __init__</p>"),
    ("file_name_x og _y_", "<p>file_name_x og _y_</p>"),
    ("2*3*4 og *ikke kursiv*", "<p>2*3*4 og *ikke kursiv*</p>"),
    ("**fed** og __ikke fed__", "<p><strong>fed</strong> og __ikke fed__</p>"),
])
def test_cells_are_prose_only_bold_is_markup(cell, html):
    assert str(to_html(cell)) == html


def test_the_web_edition_wraps_a_word_wider_than_the_screen(config):
    outcome = check(config)
    files = web_edition(outcome.catalogue)
    page = files["index.html"]
    assert isinstance(page, bytes) and b"overflow-wrap: anywhere" in page  # the stylesheet is in the page


def _config_text(report_dir: Path) -> str:
    return (report_dir / "report.yaml").read_text(encoding="utf-8")


def _replace_line(report_dir: Path, start: str, new: str) -> int:
    lines = _config_text(report_dir).splitlines()
    at = next(n for n, line in enumerate(lines) if line.strip().startswith(start))
    lines[at] = new
    (report_dir / "report.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


def test_a_version_yaml_read_as_a_number_is_pointed_out(report_dir):
    line = _replace_line(report_dir, "version:", "  version: 1.10")
    config, warnings = load_config(report_dir / "report.yaml")
    assert config.report.version == "1.1"
    (warning,) = [w for w in warnings if w.code == "config-number-text"]
    assert warning.cell == f"line {line}" and "1.10" in warning.message and "'1.10'" in warning.fix
    _replace_line(report_dir, "version:", "  version: '1.10'")
    config, warnings = load_config(report_dir / "report.yaml")
    assert config.report.version == "1.10" and not [w for w in warnings if w.code == "config-number-text"]


def test_a_key_given_twice_is_an_error_with_both_lines(report_dir):
    first = _replace_line(report_dir, "organisation:", "  organisation: Jammerbugt Kommune\n  organisation: Et andet")
    with pytest.raises(ConfigError) as stop:
        load_config(report_dir / "report.yaml")
    (finding,) = stop.value.findings
    assert finding.code == "config-duplicate-key" and finding.cell == f"line {first + 1}"
    assert f"linje {first} og {first + 1}" in finding.message and "report.organisation" in finding.message


def test_a_configured_file_must_be_what_its_name_says(report_dir, tmp_path):
    (report_dir / "logo.png").symlink_to("/etc/passwd")
    text = _config_text(report_dir)
    style = "style:\n"
    assert style in text
    (report_dir / "report.yaml").write_text(text.replace(style, style + "  logo: logo.png\n", 1), encoding="utf-8")
    with pytest.raises(ConfigError) as stop:
        load_config(report_dir / "report.yaml")
    assert [(f.code, f.message.split(":")[0]) for f in stop.value.findings] == [("config-file-kind", "style.logo")]
    (report_dir / "logo.png").unlink()
    (report_dir / "logo.png").write_bytes(b"\xff\xd8\xff\xe0 a JPEG named .png")
    load_config(report_dir / "report.yaml")  # the content decides between images


@pytest.fixture
def server(report_dir):
    preview = Preview(report_dir / "report.yaml")
    running = PreviewServer(preview, port=0, idle_seconds=0.5)
    thread = threading.Thread(target=running.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def _get(server: PreviewServer, host: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    connection.putrequest("GET", "/", skip_host=True)
    connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read()


def test_the_preview_answers_only_its_own_address(server):
    port = server.server_address[1]
    status, body = _get(server, "rebound.example.com")
    assert status == 403 and "kun på sin egen adresse".encode() in body
    assert _get(server, f"attacker.example:{port}")[0] == 403
    assert _get(server, f"localhost:{port}")[0] != 403
    assert _get(server, f"127.0.0.1:{port}")[0] != 403


def _raw(server: PreviewServer, head: str) -> bytes:
    """The whole answer to a request written byte for byte (http.client would not send two Hosts)."""
    with socket.create_connection(server.server_address, timeout=10) as client:
        client.sendall(head.encode("latin-1") + b"\r\n")
        answer = b""
        while chunk := client.recv(65536):  # the server closes after a bad request
            answer += chunk
    return answer


def test_the_preview_refuses_a_request_with_two_hosts(server):
    """RFC 9112, 3.2: more than one Host line is answered 400, whichever comes first; so is an
    HTTP/1.1 request without one."""
    own = f"127.0.0.1:{server.server_address[1]}"
    for hosts in ([own, "attacker.example"], ["attacker.example", own], [own, own]):
        answer = _raw(server, "GET / HTTP/1.1\r\n" + "".join(f"Host: {h}\r\n" for h in hosts)
                      + "Connection: close\r\n")
        assert answer.startswith(b"HTTP/1.0 400 ") and "præcis én Host-linje".encode() in answer, (hosts, answer[:80])
    assert _raw(server, "GET / HTTP/1.1\r\nConnection: close\r\n").startswith(b"HTTP/1.0 400 ")
    one = _raw(server, f"GET / HTTP/1.1\r\nHost: {own}\r\nConnection: close\r\n")
    assert one.split(b" ")[1] not in (b"400", b"403")  # one Host, its own: served (404: nothing built yet)


def test_the_preview_closes_an_idle_connection(server):
    with socket.create_connection(server.server_address, timeout=10) as idle:
        idle.sendall(b"GET / HTTP/1.1\r\n")  # and then nothing more
        assert idle.recv(1024) == b""  # closed by the server (a hang guard: the socket's own timeout)


def test_the_preview_holds_200_connections_at_once(report_dir):
    """Two hundred browsers' connections while the server is busy: the system queues them
    (listen backlog) instead of dropping all but a handful."""
    server = PreviewServer(Preview(report_dir / "report.yaml"), port=0)  # not accepting yet
    selector = selectors.DefaultSelector()
    clients = []
    try:
        for _ in range(200):
            client = socket.socket()
            client.setblocking(False)
            client.connect_ex(server.server_address)
            selector.register(client, selectors.EVENT_WRITE)
            clients.append(client)
        connected: set[socket.socket] = set()
        for _ in range(50):  # a bounded wait (hang guard), left as soon as all are connected
            for key, _ in selector.select(timeout=0.1):
                if key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:  # type: ignore[union-attr]
                    connected.add(key.fileobj)  # type: ignore[arg-type]
                selector.unregister(key.fileobj)
            if len(connected) == len(clients):
                break
        assert len(connected) == 200
    finally:
        for client in clients:
            client.close()
        server.server_close()


# --- Right reasons for odd files ------------------------------------------------------------------


def _repacked(source: Path, target: Path, rename: dict[str, str] | None = None,
              replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> Path:
    rename, replace = rename or {}, replace or {}
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(rename.get(info.filename, info.filename), replace.get(info.filename, zin.read(info)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return target


def _screened(path: Path, config) -> str | None:
    problem = screen(SheetFile(path, path.name), config)
    return problem.code if problem else None


def test_an_xlsb_is_called_an_xlsb(tmp_path, config):
    xlsb = write_zip(tmp_path / "binary.xlsb", {"[Content_Types].xml": small_entry(b"<Types/>"),
                                                 "xl/workbook.bin": small_entry(b"\x83\x01\x00")})
    assert _screened(xlsb, config) == "file-xlsb"
    assert _screened(xlsb.rename(tmp_path / "binary.xlsx"), config) == "file-xlsb"


def test_a_text_file_is_called_text_and_a_csv_a_csv(tmp_path, config):
    text = tmp_path / "handling.xlsx"
    text.write_text("Dette er ikke et regneark, bare en tekst, som en ejer har gemt.\n", encoding="utf-8")
    assert len(text.read_bytes()) < 100 and _screened(text, config) == "file-text"
    rows = tmp_path / "handling.csv"
    rows.write_text("Nr;Titel;Status\n7;Ferie;Igang\n8;Natur;Afsluttet\n", encoding="utf-8")
    assert _screened(rows, config) == "file-csv"
    assert _screened(rows.rename(tmp_path / "rows.xlsx"), config) == "file-csv"


def test_an_encrypted_ods_is_called_encrypted(tmp_path, config):
    mimetype = b"application/vnd.oasis.opendocument.spreadsheet"
    manifest = (b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                b'<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data '
                b'manifest:checksum-type="SHA1"/></manifest:file-entry></manifest:manifest>')
    ods = write_zip(tmp_path / "kode.ods", {"mimetype": small_entry(mimetype),
                                             "META-INF/manifest.xml": small_entry(manifest)})
    assert _screened(ods, config) == "file-encrypted"
    plain = write_zip(tmp_path / "plain.ods", {"mimetype": small_entry(mimetype)})
    assert _screened(plain, config) == "file-ods"


def test_parts_are_found_as_excel_finds_them(report_dir, config, tmp_path):
    """A part named in another case than the workbook names it (xl/SharedStrings.xml), and a
    workbook with a calculation chain: Excel opens both, and so does reportgen."""
    sheet = report_dir / "sheets" / "07.xlsx"
    expected, _ = read_sheet(SheetFile(sheet, sheet.name), config)
    assert expected is not None
    with zipfile.ZipFile(sheet) as zf:
        names = zf.namelist()
    renamed = {name: name.replace("sharedStrings", "SharedStrings").replace("worksheets/sheet1", "worksheets/Sheet1")
               for name in names}
    assert renamed != {name: name for name in names}
    calc_chain = (b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                  b'<c r="B5" i="1"/></calcChain>')
    for odd in (_repacked(sheet, tmp_path / "case.xlsx", rename=renamed),
                _repacked(sheet, tmp_path / "chain.xlsx", add={"xl/calcChain.xml": calc_chain})):
        assert _screened(odd, config) is None
        data, findings = read_sheet(SheetFile(odd, odd.name), config)
        assert findings == [] and data is not None and data.cells == expected.cells


def test_openpyxls_warnings_are_logged_with_the_file_name(report_dir, config, recwarn, caplog):
    sheet = report_dir / "sheets" / "07.xlsx"
    bare = b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    odd = _repacked(sheet, report_dir / "styleless.xlsx", replace={"xl/styles.xml": bare})
    with caplog.at_level(logging.INFO, logger="reportgen.sheets.reader"):
        data, findings = read_sheet(SheetFile(odd, odd.name), config)
    assert data is not None and findings == []
    assert len(recwarn) == 0  # nothing printed on stderr without a name
    assert any(record.getMessage().startswith("styleless.xlsx: ") for record in caplog.records)
