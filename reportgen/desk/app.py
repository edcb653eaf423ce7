"""The desk's web application (Starlette): the owner's page, the coordinator's page, and their guards.

Every answer carries the security headers; every form carries a CSRF token (double submit: a
cookie and the form's address must agree, checked before the body is read); the upload's size is
bounded by its Content-Length before anything of the body is read; requests are limited per
address and per link. Every word is from the locales, in the report's language.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import hashlib
import hmac
import logging
import re
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..problems import Finding, ReportgenError, Severity
from .service import Desk, Outcome
from .store import COORDINATOR

log = logging.getLogger(__name__)
CSRF_COOKIE = "desk_csrf"
CSRF_FORM = re.compile(r"[A-Za-z0-9_-]{32}")  # secrets.token_urlsafe(24)
BODY_SECONDS = 120.0          # an upload's body must arrive within this (a slow-loris upload is cut off)
MAX_KEYS = 10_000              # addresses and links the rate limit remembers before it forgets the idle ones
MULTIPART_SLACK = 64 * 1024   # the form's own bytes around the file
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
PREVIEW_TYPES = {  # the preview's files by suffix (fixed here, whatever the system's mime.types says)
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript",
    ".pdf": PDF, ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf",
    ".json": "application/json", ".csv": "text/csv; charset=utf-8", ".svg": "image/svg+xml",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".txt": "text/plain; charset=utf-8",
}
HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
}
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class SecurityHeaders:
    """ASGI middleware: the same security headers on every answer, errors included."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":  # an answer that set its own policy keeps it
                own = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *((k.encode(), v.encode()) for k, v in
                                                                     HEADERS.items() if k.encode() not in own)]
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


class RateLimit:
    """At most ``limit`` events per key within ``window`` seconds (a sliding window, in memory)."""

    def __init__(self, limit: int, window: float = 60.0):
        self.limit, self.window = limit, window
        self._events: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        moment = time.monotonic()
        with self._lock:
            if len(self._events) > MAX_KEYS:  # forget the keys whose window is over (memory stays bounded)
                self._events = {k: e for k, e in self._events.items() if e and e[-1] > moment - self.window}
            events = self._events.setdefault(key, collections.deque())
            while events and events[0] <= moment - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(moment)
            return True


class DeskApp:
    """The routes over one :class:`Desk`."""

    def __init__(self, desk: Desk, per_address: int = 600, per_link: int = 20, body_seconds: float = BODY_SECONDS):
        self.desk = desk
        self.body_seconds = body_seconds
        self.t = desk.t
        self.by_address = RateLimit(per_address)
        self.by_link = RateLimit(per_link)
        self.max_bytes = int(desk.config.sheets.max_file_mb * 2**20)
        self.pages = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                                        autoescape=True, undefined=jinja2.StrictUndefined)

    def starlette(self) -> Starlette:
        routes = [
            Route("/desk.css", self.css),
            Route("/desk.js", self.js),
            Route("/o/{token}", self.owner_page, methods=["GET"]),
            Route("/o/{token}", self.upload, methods=["POST"]),
            Route("/o/{token}/sheet/{number:int}", self.sheet),
            Route("/o/{token}/feedback/{id:int}", self.feedback),
            Route("/c/{token}", self.coordinator_page, methods=["GET"]),
            Route("/c/{token}/reissue", self.reissue, methods=["POST"]),
            Route("/c/{token}/build", self.build, methods=["POST"]),
            Route("/c/{token}/preview/{name:path}", self.preview_file, methods=["GET"]),
        ]
        app = Starlette(routes=routes, exception_handlers={ReportgenError: self.stopped,
                                                           404: self.not_found, 405: self.not_found})
        return app

    # --- pages ------------------------------------------------------------------------------

    def page(self, name: str, request: Request, status: int = 200, **context: Any) -> HTMLResponse:
        sent = request.cookies.get(CSRF_COOKIE, "")
        csrf = sent if CSRF_FORM.fullmatch(sent) else secrets.token_urlsafe(24)  # only a token the desk could have made
        html = self.pages.get_template(name).render(t=self.t, lang=self.t.language, csrf=csrf,
                                                    title=self.desk.config.report.title, **context)
        response = HTMLResponse(html, status_code=status)
        if sent != csrf:
            response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict",
                                secure=request.url.scheme == "https", path="/")
        return response

    def refusal(self, request: Request, status: int, key: str) -> HTMLResponse:
        return self.page("desk_refused.html.j2", request, status, message=self.t(f"desk.refused.{key}"), findings=[])

    async def not_found(self, request: Request, exc: Exception) -> Response:
        return self.refusal(request, 404, "not_found")

    async def stopped(self, request: Request, exc: Exception) -> Response:
        findings = exc.findings if isinstance(exc, ReportgenError) else []
        for finding in findings:  # the coordinator sees it too, where the desk runs
            log.error("%s", self.t.describe(finding))
        return self.page("desk_refused.html.j2", request, 503, message=self.t("desk.refused.stopped"),
                         findings=findings)

    async def css(self, request: Request) -> Response:
        return FileResponse(Path(__file__).parent / "templates" / "desk.css", media_type="text/css")

    async def js(self, request: Request) -> Response:
        return FileResponse(Path(__file__).parent / "templates" / "desk.js", media_type="text/javascript")

    # --- guards -----------------------------------------------------------------------------

    def who(self, request: Request, coordinator: bool = False) -> str | Response:
        """Whose link this is, or the refusal: too many requests, or a link that is not (or no longer) valid."""
        address = request.client.host if request.client else "?"
        if not self.by_address.allow(address):
            return self.refusal(request, 429, "too_many")
        owner = self.desk.store.owner_of(request.path_params["token"])
        if owner is None or (owner == COORDINATOR) != coordinator or \
                (not coordinator and owner not in self.desk.round.owners):
            return self.refusal(request, 404, "not_found")
        return owner

    def guard_post(self, request: Request, link_key: str) -> Response | None:
        """A form's POST: its CSRF token (in the form's address) must match the cookie; at most so
        many per link. Checked before anything of the body is read."""
        cookie, sent = request.cookies.get(CSRF_COOKIE, ""), request.query_params.get("csrf", "")
        if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
            return self.refusal(request, 403, "csrf")
        if not self.by_link.allow(link_key):
            return self.refusal(request, 429, "too_many")
        return None

    def too_large(self, request: Request) -> Response | None:
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            return self.refusal(request, 411, "no_length")
        if int(length) > self.max_bytes + MULTIPART_SLACK:
            return self.refusal(request, 413, "too_large")
        return None

    # --- the owner's page -------------------------------------------------------------------

    async def owner_page(self, request: Request) -> Response:
        owner = self.who(request)
        return owner if isinstance(owner, Response) else await self.owner_view(request, owner)

    async def owner_view(self, request: Request, owner: str, outcome: Outcome | None = None,
                         status: int = 200) -> Response:
        handed_in = await run_in_threadpool(self.desk.store.submissions, owner)
        return self.page("desk_owner.html.j2", request, status, owner=owner, actions=self.desk.round.of(owner),
                         token=request.path_params["token"], outcome=outcome, handed_in=handed_in[::-1],
                         accepted={s.action for s in handed_in if s.accepted},
                         max_mb=self.desk.config.sheets.max_file_mb,
                         feedback_ok=lambda s: self.desk.feedback(s).is_file())

    async def upload(self, request: Request) -> Response:
        owner = self.who(request)
        if isinstance(owner, Response):
            return owner
        refused = self.guard_post(request, "o:" + request.path_params["token"]) or self.too_large(request)
        if refused:
            return refused
        try:
            async with asyncio.timeout(self.body_seconds):
                data = await self._file(request)
        except TimeoutError:
            return self.refusal(request, 408, "too_slow")
        if data is None:
            return self.refusal(request, 400, "no_file")
        if len(data) > self.max_bytes:
            return self.refusal(request, 413, "too_large")
        outcome = await run_in_threadpool(self.desk.hand_in, owner, data)
        status = 200 if outcome.accepted else 409 if outcome.refused else 422
        return await self.owner_view(request, owner, outcome, status)

    async def _file(self, request: Request) -> bytes | None:
        async with request.form(max_files=1, max_fields=2, max_part_size=1024) as form:
            upload = form.get("sheet")
            if not isinstance(upload, UploadFile):
                return None
            return await upload.read(self.max_bytes + 1)

    async def sheet(self, request: Request) -> Response:
        owner = self.who(request)
        if isinstance(owner, Response):
            return owner
        action = self.desk.round.action(request.path_params["number"])
        if action is None or action.owner != owner or not self.desk.sheet(action).is_file():
            return self.refusal(request, 404, "not_found")
        return FileResponse(self.desk.sheet(action), media_type=XLSX, filename=action.file)

    async def feedback(self, request: Request) -> Response:
        owner = self.who(request)
        if isinstance(owner, Response):
            return owner
        submission = await run_in_threadpool(self.desk.store.submission, owner, request.path_params["id"])
        if submission is None or not self.desk.feedback(submission).is_file():
            return self.refusal(request, 404, "not_found")
        action = self.desk.round.action(submission.action)
        name = f"{self.t('desk.feedback_name')}-{action.file if action else 'sheet.xlsx'}"
        return FileResponse(self.desk.feedback(submission), media_type=XLSX, filename=name)

    # --- the coordinator's page -------------------------------------------------------------

    async def coordinator_page(self, request: Request) -> Response:
        who = self.who(request, coordinator=True)
        return who if isinstance(who, Response) else await self.coordinator_view(request)

    async def coordinator_view(self, request: Request, issued: tuple[str, str] | None = None) -> Response:
        rows = await run_in_threadpool(self.desk.status)
        return self.page("desk_coordinator.html.j2", request, rows=rows, owners=self.desk.round.owners,
                         token=request.path_params["token"], deadline=self.desk.round.deadline, issued=issued,
                         findings_of=_findings, preview=self.desk.preview.state,
                         troubles=list(self.desk.troubles))

    def coordinator_post(self, request: Request) -> Response | None:
        """The refusal of a coordinator's form (a wrong link, no CSRF token, too many, too large), or None."""
        who = self.who(request, coordinator=True)
        if isinstance(who, Response):
            return who
        return self.guard_post(request, "c:" + request.path_params["token"]) or self.too_large(request)

    async def reissue(self, request: Request) -> Response:
        refused = self.coordinator_post(request)
        if refused:
            return refused
        try:
            async with asyncio.timeout(self.body_seconds), \
                    request.form(max_files=0, max_fields=2, max_part_size=4096) as form:
                owner = str(form.get("owner", ""))
        except TimeoutError:
            return self.refusal(request, 408, "too_slow")
        if owner not in self.desk.round.owners:
            return self.refusal(request, 400, "no_owner")
        token = await run_in_threadpool(self.desk.store.issue, owner)
        return await self.coordinator_view(request, (owner, str(request.url_for("owner_page", token=token))))

    async def build(self, request: Request) -> Response:
        """Start the preview's build (unless one is running), then back to the page, which shows its state."""
        refused = self.coordinator_post(request)
        if refused:
            return refused
        self.desk.preview.start()
        return RedirectResponse(f"/c/{request.path_params['token']}#preview-heading", status_code=303)

    async def preview_file(self, request: Request) -> Response:
        """One file of the last preview (its PDF, its web edition), named among the files the build made:
        the request chooses one of them, it never makes a path."""
        who = self.who(request, coordinator=True)
        if isinstance(who, Response):
            return who
        built = self.desk.preview.state
        name = request.path_params["name"] or "index.html"
        path = built.files.get(name)
        if path is None or not path.is_file():
            return self.refusal(request, 404, "not_found")
        kind = PREVIEW_TYPES.get(path.suffix.lower(), "application/octet-stream")
        if kind.startswith("text/html"):
            policy = preview_policy(path.read_bytes())
        else:  # the browser's own PDF viewer draws with inline styles: no default-src for it
            policy = "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        return FileResponse(path, media_type=kind, headers={"content-security-policy": policy},
                            content_disposition_type="inline", filename=path.name if kind == PDF else None)


def preview_policy(html: bytes) -> str:
    """The web edition's policy: its own inline scripts by their hashes, its own styles, fonts and pictures."""
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
              for script in re.findall(rb"<script>(.*?)</script>", html, re.DOTALL)]
    scripts = " ".join(hashes) or "'none'"
    return (f"default-src 'none'; script-src {scripts}; style-src 'self' 'unsafe-inline'; font-src 'self'; "
            "img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")


def _findings(data: list[dict[str, Any]]) -> list[Finding]:
    return [Finding(d["code"], Severity(d["severity"]), d["message"], d.get("fix", ""), d.get("file"), d.get("cell"),
                    d.get("action"), d.get("field")) for d in data]


def create_app(desk: Desk, per_address: int = 600, per_link: int = 20, body_seconds: float = BODY_SECONDS) -> ASGIApp:
    """The desk as an ASGI application, security headers on every answer; what a killed upload left is cleared."""
    desk.resume()
    return SecurityHeaders(DeskApp(desk, per_address, per_link, body_seconds).starlette())

