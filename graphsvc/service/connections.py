"""Connections that stall are closed: time limits on request headers, a cap on connections.

uvicorn closes a keep-alive connection idle for ``timeout_keep_alive`` seconds after an answer,
but not a connection that sends part of its request headers and stops, nor one that opens and
sends nothing. :class:`GuardedH11Protocol` (uvicorn's h11 protocol) gives every request
:data:`HEADER_TIMEOUT` seconds, from the connection's opening or the previous answer, to
complete its headers, and closes the connection otherwise. The body has :data:`BODY_TIMEOUT`
seconds (:class:`graphsvc.service.guards.LimitBody`, 408). Headers are at most
:data:`MAX_HEADER_BYTES`; past :data:`MAX_CONNECTIONS` open connections (or requests in
flight) per worker, uvicorn answers 503.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT: Final = 10.0
"""Seconds a request has to send its complete headers."""

BODY_TIMEOUT: Final = 10.0
"""Seconds a request has to send its complete body."""

KEEP_ALIVE: Final = 5
"""Seconds an idle keep-alive connection stays open after an answer (uvicorn's default)."""

MAX_CONNECTIONS: Final = 500
"""Open connections (or requests in flight) per worker before uvicorn answers 503."""

MAX_HEADER_BYTES: Final = 16 * 1024
"""Most bytes of a request line and headers (h11 answers 400 past it)."""


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request headers take too long."""

    _headers_due: asyncio.TimerHandle | None = None
    _waiting_cycle: Any = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._wait_for_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._headers_arrived()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not self._waiting_cycle:  # a new request's headers are complete
            self._headers_arrived()

    def on_response_complete(self) -> None:
        if not self.transport.is_closing():
            self._wait_for_headers()  # before: a pipelined request handled in there stops it
        super().on_response_complete()

    def _wait_for_headers(self) -> None:
        self._headers_arrived()
        self._waiting_cycle = self.cycle
        self._headers_due = self.loop.call_later(HEADER_TIMEOUT, self._headers_late)

    def _headers_arrived(self) -> None:
        if self._headers_due is not None:
            self._headers_due.cancel()
            self._headers_due = None

    def _headers_late(self) -> None:
        self._headers_due = None
        if not self.transport.is_closing():
            self.logger.info("closed a connection: no complete headers in %g s", HEADER_TIMEOUT)
            self.transport.close()


def uvicorn_options() -> dict[str, Any]:
    """The connection settings of every uvicorn server of the service."""
    return {
        "http": GuardedH11Protocol,
        "timeout_keep_alive": KEEP_ALIVE,
        "limit_concurrency": MAX_CONNECTIONS,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
    }
