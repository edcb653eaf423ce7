"""The desk's server: uvicorn with the desk's settings, and a bound on the time a request's head may take.

uvicorn has no header-read timeout: a client that sends its request line and headers a byte at a
time (a slow-loris) holds its connection for as long as it likes, and enough of them hold every
connection the desk serves at once. :class:`HeadTimeout` is uvicorn's own h11 protocol with one
timer more: armed when a connection is made and again when an answer is complete, cleared when the
next request's head has arrived; when it runs out, the connection is closed. (The body of an upload
is bounded by the application, which answers 408.)
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

HEAD_SECONDS = 20.0  # a request's head (request line and headers) must arrive within this
KEEP_ALIVE_SECONDS = 5
MAX_CONNECTIONS = 200


class HeadTimeout(H11Protocol):
    """uvicorn's h11 protocol; a request head that has not arrived within ``head_seconds`` closes the connection."""

    head_seconds = HEAD_SECONDS
    _head_timer: asyncio.TimerHandle | None = None
    _waiting_after: object = None  # the request cycle before the head being waited for (None: the first)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._head_arrived()

    def on_response_complete(self) -> None:
        self._arm()  # before: a pipelined request's head, already here, is handled inside
        super().on_response_complete()
        if self.transport.is_closing():
            self._disarm()
        self._head_arrived()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._waiting_after = self.cycle
        self._head_timer = self.loop.call_later(self.head_seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_arrived(self) -> None:
        """A new request began (uvicorn makes a cycle per request head): its head is complete."""
        if self.cycle is not self._waiting_after:
            self._disarm()

    def _too_slow(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def head_timeout(seconds: float) -> type[HeadTimeout]:
    """The protocol class with its bound (uvicorn makes one protocol object per connection from it)."""
    return type("HeadTimeout", (HeadTimeout,), {"head_seconds": seconds})


def server_config(app: Any, host: str = "127.0.0.1", port: int = 8400, *, log_level: str = "info",
                  head_seconds: float = HEAD_SECONDS, **more: Any) -> uvicorn.Config:
    """uvicorn's configuration for the desk: no server header, ``X-Forwarded-*`` trusted only from
    127.0.0.1 (the reverse proxy), idle connections closed after 5 s, at most 200 at once, and the
    request head bounded in time."""
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, server_header=False, proxy_headers=True,
                          forwarded_allow_ips="127.0.0.1", timeout_keep_alive=KEEP_ALIVE_SECONDS,
                          limit_concurrency=MAX_CONNECTIONS, http=head_timeout(head_seconds), **more)
