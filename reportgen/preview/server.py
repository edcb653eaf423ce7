"""``reportgen serve``: the live preview on a local web server.

A :class:`reportgen.preview.Preview` holds the page; a watcher thread (watchfiles) makes it again
when a sheet, the configuration, a template or an asset is saved, and tells the open pages over
server-sent events, which reload themselves. The server listens on the loopback address only.
"""

from __future__ import annotations

import contextlib
import http.server
import logging
import mimetypes
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import watchfiles

from ..locales import Messages
from .state import EVENTS_URL, PDF_URL, PROOF_URL, Preview, relevant

log = logging.getLogger(__name__)
HOST = "127.0.0.1"
KEEPALIVE_SECONDS = 15
IDLE_SECONDS = 30.0  # a connection that sends no request for this long is closed
BACKLOG = 256  # connections the system holds while the server is busy accepting others


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = BACKLOG

    def __init__(self, preview: Preview, port: int = 8000, idle_seconds: float = IDLE_SECONDS):
        self.preview, self.idle_seconds = preview, idle_seconds
        super().__init__((HOST, port), _Handler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def hosts(self) -> set[str]:
        """The ``Host`` headers this server answers: its own address. A page elsewhere that points
        its own name at 127.0.0.1 (DNS rebinding) sends its name, and is refused."""
        port = self.server_address[1]
        return {f"{HOST}:{port}", f"localhost:{port}"}


class _Handler(http.server.BaseHTTPRequestHandler):
    server: PreviewServer

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.idle_seconds)  # a request line not sent in time: closed

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        preview = self.server.preview
        t = preview.config.messages if preview.config else Messages(None)
        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1 or (not hosts and self.request_version != "HTTP/1.0"):
            # RFC 9112, 3.2: more than one Host line (or none in HTTP/1.1) is a bad request; which one
            # would count is exactly what a proxy and this server could disagree on.
            self.close_connection = True
            return self._send(400, t("preview.host_count").encode("utf-8"), "text/plain; charset=utf-8")
        if (hosts[0] if hosts else "").strip().lower() not in self.server.hosts():
            return self._send(403, t("preview.host_refused").encode("utf-8"), "text/plain; charset=utf-8")
        if path == EVENTS_URL:
            return self._events(preview)
        if path == PDF_URL:
            return self._pdf(preview)
        if path == PROOF_URL:
            return self._stream(preview.proof_page(), "text/html; charset=utf-8")
        files = preview.files
        name = "index.html" if path == "/" else path.lstrip("/")
        if name not in files:
            return self._send(404, b"Not found", "text/plain; charset=utf-8")
        content = files[name]
        data = content if isinstance(content, bytes) else Path(content).read_bytes()
        mime = "text/html; charset=utf-8" if name.endswith(".html") else mimetypes.guess_type(name)[0]
        self._send(200, data, mime or "application/octet-stream")

    def _send(self, status: int, data: bytes, mime: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", mime)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, chunks: Iterator[bytes], mime: str) -> None:
        """A page sent as it is made (no length: the connection's end ends it), so the browser shows
        its first part while the rest is worked out."""
        self.send_response(200)
        self.send_header("Content-Type", mime)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        with contextlib.suppress(OSError):  # the reader went away
            for chunk in chunks:
                self.wfile.write(chunk)
                self.wfile.flush()

    def _events(self, preview: Preview) -> None:
        """Server-sent events: the page's version now, then after every change."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        version = preview.version
        with contextlib.suppress(OSError):
            self.wfile.write(f"data: {version}\n\n".encode())
            self.wfile.flush()
            while True:  # until the page goes away and the write fails
                new = preview.wait_for_change(version, KEEPALIVE_SECONDS)
                message = f"data: {new}\n\n" if new != version else ": keep-alive\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                version = new

    def _pdf(self, preview: Preview) -> None:
        edition, problems = preview.edition()
        if edition is not None:
            pdf = edition.pdf
            name = re.sub(r"[^A-Za-z0-9._-]", "_", preview.config.report.pdf_name if preview.config else "report.pdf")
            return self._send(200, pdf, "application/pdf", {"Content-Disposition": f'inline; filename="{name}"'})
        self._send(409, preview.pdf_refused_page(problems), "text/html; charset=utf-8")

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)


def watch(preview: Preview, stop: threading.Event, on_rebuild: Callable[[Preview], None] = lambda p: None) -> None:
    """Make the page again after every relevant change, until ``stop`` is set. Watches the
    folders the current configuration names; when they change, watches the new ones."""
    while not stop.is_set():
        folders = preview.watched()
        for _changes in watchfiles.watch(*folders, watch_filter=lambda _change, path: relevant(path),
                                         stop_event=stop, debounce=400, step=100, rust_timeout=1000,
                                         yield_on_timeout=False):
            preview.rebuild()
            on_rebuild(preview)
            if preview.watched() != folders:
                break


def serve(config_path: Path | str | None = None, port: int = 8000,
          on_ready: Callable[[PreviewServer], None] = lambda s: None,
          on_rebuild: Callable[[Preview], None] = lambda p: None) -> None:
    """Run the live preview until interrupted (Ctrl+C)."""
    preview = Preview(config_path)
    preview.rebuild()
    server = PreviewServer(preview, port)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, stop, on_rebuild), name="watch", daemon=True)
    watcher.start()
    on_ready(server)
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        stop.set()
        server.server_close()
