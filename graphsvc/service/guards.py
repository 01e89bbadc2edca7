"""ASGI middleware that refuses requests before they reach the app: API keys, body size and
body time."""

from __future__ import annotations

import asyncio
import hmac
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphsvc.service import connections
from graphsvc.service.endpoint import error_response

MAX_BODY_BYTES: Final = 1_000_000
"""Largest request body accepted (1 MB); larger ones are answered 413."""

PROTECTED: Final = ("/graphql", "/maps", "/export")
"""Path prefixes that need an API key when keys are configured."""


class RequireApiKey:
    """401 for a request to a protected path without ``Authorization: Bearer <key>`` of ``keys``.

    The scheme is case-insensitive (``bearer`` and ``BEARER`` count, as RFC 9110 says) and
    spaces around the key are ignored. A request with more than one ``Authorization`` header is
    refused, whatever they hold. The presented key is compared with every configured key in
    constant time, so the answer's timing tells nothing about how much of a key was right.
    No keys: every request passes.
    """

    def __init__(self, app: ASGIApp, keys: tuple[str, ...]) -> None:
        self.app = app
        self.keys = tuple(key.encode() for key in keys)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and self.keys
            and _protected(scope["path"])
            and not self._authorized(scope)
        ):
            response = error_response(
                401,
                "an API key is required: send Authorization: Bearer <key>",
                headers={"WWW-Authenticate": 'Bearer realm="innonet"'},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _authorized(self, scope: Scope) -> bool:
        headers = [value for name, value in scope["headers"] if name == b"authorization"]
        if len(headers) != 1:
            return False
        scheme, _, presented = headers[0].strip().partition(b" ")
        if scheme.lower() != b"bearer":
            return False
        presented = presented.strip()
        matched = False
        for key in self.keys:
            matched |= hmac.compare_digest(presented, key)
        return matched


def _protected(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in PROTECTED)


class LimitBody:
    """413 for a request body over ``limit`` bytes, announced or not (chunked bodies too); 408
    for a body not complete within ``timeout`` seconds (default
    :data:`~graphsvc.service.connections.BODY_TIMEOUT`).

    A declared ``Content-Length`` over the limit is refused before reading; otherwise the body is
    read (at most ``limit`` + 1 bytes) and handed on whole.
    """

    def __init__(
        self, app: ASGIApp, limit: int = MAX_BODY_BYTES, timeout: float | None = None
    ) -> None:
        self.app = app
        self.limit = limit
        self.timeout = connections.BODY_TIMEOUT if timeout is None else timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self._too_large(scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.limit:
                        await self._too_large(scope, receive, send)
                        return
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            late = error_response(408, f"the request body did not arrive within {self.timeout:g} s")
            await late(scope, receive, send)
            return
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, f"the request body is over the limit of {self.limit} bytes")
        await response(scope, receive, send)
