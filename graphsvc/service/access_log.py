"""Request ids and structured logs: one JSON line per request, and JSON for every other record.

Each request gets an id (the client's ``X-Request-ID`` when it sends a sane one, else a new
one), returned in the ``X-Request-ID`` response header and written in the access log line::

    {"time": "...", "level": "INFO", "logger": "innonet.access", "message": "POST /graphql 200",
     "request_id": "9f1c...", "method": "POST", "path": "/graphql", "status": 200,
     "duration_ms": 3.1, "operation": "Broker", "pid": 4242}

``pid`` is the process that served the request (one of the workers of ``--workers N``).

A client that disconnects before its answer is logged with status 499 (nginx's "client closed
request"), not 500. An exception no inner layer handled is answered 500 with a JSON error body
(code ``INTERNAL``) carrying the request id, and logged with its traceback.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CLIENT_CLOSED: Final = 499
"""The status logged for a request whose client disconnected before the answer."""

INTERNAL_MESSAGE: Final = (
    "Internal error; quote the X-Request-ID of this response when reporting it."
)

REQUEST_ID: Final = re.compile(rb"[A-Za-z0-9._:-]{1,64}")
"""What a client-sent ``X-Request-ID`` must look like to be kept."""

access = logging.getLogger("innonet.access")


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object per line; ``extra={"fields": {...}}`` adds keys."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str) -> None:
    """Send the ``innonet`` loggers to stderr as JSON lines, at ``level`` and above."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("innonet")
    logger.handlers[:] = [handler]
    logger.setLevel(level.upper())
    logger.propagate = False


class AccessLog:
    """Gives each request an id, returns it as ``X-Request-ID`` and logs the request when done.

    Downstream code finds ``scope["innonet.log"]``, a dict whose keys join the log line (the
    GraphQL endpoint adds ``operation``).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        fields: dict[str, object] = {"request_id": request_id}
        scope["innonet.log"] = fields
        status = 500
        answered = disconnected = False
        started = time.perf_counter()

        async def receive_noting_disconnect() -> Message:
            nonlocal disconnected
            message = await receive()
            disconnected |= message["type"] == "http.disconnect"
            return message

        async def send_with_id(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status = message["status"]
                answered = True
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive_noting_disconnect, send_with_id)
        except Exception:
            if answered:
                raise
            access.exception("unexpected error in request %s", request_id)
            await send_with_id(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            body = {"errors": [{"message": INTERNAL_MESSAGE, "extensions": {"code": "INTERNAL"}}]}
            await send({"type": "http.response.body", "body": json.dumps(body).encode()})
        finally:
            if not answered and disconnected:
                status = CLIENT_CLOSED
            fields.update(
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )
            fields.setdefault("operation", None)
            fields["pid"] = os.getpid()
            access.info(
                "%s %s %s", scope["method"], scope["path"], status, extra={"fields": fields}
            )


_PREFIX: Final = uuid.uuid4().hex[:16]
_counter = itertools.count(1)


def _request_id(scope: Scope) -> str:
    """The client's id when sane, else this process's random prefix and a sequence number."""
    for name, value in scope["headers"]:
        if name == b"x-request-id" and REQUEST_ID.fullmatch(value):
            return value.decode()
    return f"{_PREFIX}{next(_counter):016x}"
