"""The ``/graphql`` endpoint: GraphQL over JSON, with this service's rules.

- ``POST`` runs a query; ``GET`` serves GraphiQL from local files (queries over ``GET`` are
  refused).
- A query is parsed and validated once per query text (:meth:`graphsvc.schema.Schema.checked`)
  and run by graphql-core on strawberry's schema (:meth:`graphsvc.schema.Schema.execute_checked`),
  not through strawberry's HTTP view and ``execute``, whose steps for what this service does not
  serve (WebSockets, batches, multipart, streamed results, extension hooks) cost more than the
  execution of a ``node`` lookup (docs/api.md, "The service path of a cheap query").
- A malformed body, a body that is not a JSON object, no query, or an ``operationName`` that
  names no operation of the document: 400 with a JSON error body.
- Each request runs under a time limit; past it the answer is 504 (code ``TIMEOUT``), and its
  work in the store threads stops at the same deadline (:mod:`queries.deadline`).
- An answer that needs work still being done for the data version (the projection being built)
  is a 503 with ``Retry-After``, the error coded ``NOT_READY``.
- Each operation is sized from its cached document before it runs
  (:mod:`graphsvc.service.cost`): one over the budget is answered with an error naming its cost;
  heavy operations wait for a heavy slot; with the queue full the answer is 503 with
  ``Retry-After`` at once (:mod:`graphsvc.service.admission`).
- An answer over :data:`MAX_RESULT_BYTES` of JSON is replaced by an error saying so.
- An answer whose store reads saw two graph versions (a refresh committed meanwhile) is thrown
  away and the operation runs again, up to :data:`ATTEMPTS` times: answers come from one graph.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import re
import time
from collections.abc import Coroutine
from dataclasses import dataclass, replace
from typing import Any, Final

import orjson
from anyio import to_thread
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from graphsvc.schema import Context, Schema
from graphsvc.schema.errors import coded, log_unexpected
from graphsvc.service import graphiql
from graphsvc.service.admission import RETRY_AFTER, Admission, Busy
from graphsvc.service.cost import document_cost, over_budget
from graphsvc.service.heap import FreezeLongLived
from graphsvc.service.store_holder import StoreHolder
from graphsvc.stores.contract import Store, StoreError
from queries.errors import Pending

MAX_RESULT_BYTES: Final = 32 * 1024 * 1024
"""Largest JSON answer sent (32 MiB); a larger one is replaced by a ``BAD_REQUEST`` error."""

SUGGESTION: Final = re.compile(r"\s*Did you mean [^?]*\?")
"""A "Did you mean ...?" suggestion in an error message, removed when introspection is off."""

ATTEMPTS: Final = 3
"""How many times an operation runs while refreshes keep landing under it."""

CODES: Final = {
    401: "UNAUTHENTICATED",
    404: "NOT_FOUND",
    413: "BAD_REQUEST",
    503: "UNAVAILABLE",
    504: "TIMEOUT",
}
"""The ``extensions.code`` of an HTTP-level error by status; any other 4xx is BAD_REQUEST."""


class Refused(Exception):
    """An HTTP-level refusal: its status, the reason told to the client, and headers
    (``Retry-After``)."""

    def __init__(self, status: int, reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.headers = headers


@dataclass(frozen=True, slots=True)
class Operation:
    """What a ``POST`` asks: the query text, its variables and the operation's name."""

    query: str
    variables: dict[str, Any] | None
    name: str | None


@dataclass(slots=True)
class Answer:
    """The answer of an operation: its result, and the HTTP status and headers it is sent
    with (503 and ``Retry-After`` for work still being done)."""

    result: ExecutionResult
    status: int = 200
    headers: dict[str, str] | None = None


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A GraphQL-shaped JSON error body: ``{"errors": [{"message", "extensions": {"code"}}]}``."""
    code = CODES.get(status, "BAD_REQUEST" if status < 500 else "INTERNAL")
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=status,
        headers=headers,
    )


def parse_operation(content_type: str | None, body: bytes) -> Operation:
    """The operation of a ``POST`` with a JSON object body; anything else is refused (400)
    with a message saying what is wrong.

    >>> parse_operation("application/json", b'{"query": "{ stats { nodes } }"}')
    Operation(query='{ stats { nodes } }', variables=None, name=None)
    >>> parse_operation("application/json", b"[1]")
    Traceback (most recent call last):
    ...
    graphsvc.service.endpoint.Refused: the body must be a JSON object: {"query": ..., \
"variables": ..., "operationName": ...}
    """
    media_type = (content_type or "").partition(";")[0].strip().lower()
    if "application/json" not in media_type:
        raise Refused(400, "Unsupported content type")
    try:
        parsed = orjson.loads(body)  # nesting past 1,024 levels is an error too
    except orjson.JSONDecodeError as exc:
        raise Refused(400, f"the body is not valid JSON: {exc}") from exc
    if not isinstance(parsed, dict):
        raise Refused(
            400,
            'the body must be a JSON object: {"query": ..., "variables": ..., '
            '"operationName": ...}',
        )
    query = parsed.get("query")
    if query is None:
        raise Refused(400, 'no query: send {"query": "{ stats { nodes } }"}')
    if not isinstance(query, str):
        raise Refused(400, "The GraphQL operation's `query` must be a string or null, if provided.")
    if not query:
        raise Refused(400, "No GraphQL query found in the request")
    variables = parsed.get("variables")
    if not isinstance(variables, dict | None):
        raise Refused(
            400, "The GraphQL operation's `variables` must be an object or null, if provided."
        )
    if not isinstance(parsed.get("extensions"), dict | None):
        raise Refused(
            400, "The GraphQL operation's `extensions` must be an object or null, if provided."
        )
    name = parsed.get("operationName")
    if not isinstance(name, str | None):
        raise Refused(400, "operationName must be a string or null")
    return Operation(query, variables, name)


class GraphQLEndpoint:
    """The GraphQL endpoint over the store of ``holder``; ``timeout`` is in seconds. With
    ``graphiql`` off (introspection off), ``GET`` answers 404 and suggestions are also cut
    from error messages."""

    def __init__(
        self,
        schema: Schema,
        *,
        holder: StoreHolder,
        admission: Admission,
        timeout: float,
        graphiql: bool,
    ) -> None:
        self.schema = schema
        self.holder = holder
        self.admission = admission
        self.timeout = timeout
        self.graphiql = graphiql
        self.heap = FreezeLongLived()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await error_response(400, "only HTTP is served here")(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            if scope["method"] == "POST":
                response = await self.post(request)
            else:
                response = self.get(request)
        except Refused as exc:
            response = error_response(exc.status, exc.reason, exc.headers)
        await response(scope, receive, send)

    def get(self, request: Request) -> Response:
        """GraphiQL for a browser (``Accept`` of HTML), from files this service serves
        (:mod:`graphsvc.service.graphiql`), not a CDN; a query over ``GET`` is refused."""
        accept = request.headers.get("accept", "")
        if "query" not in request.query_params and ("text/html" in accept or "*/*" in accept):
            if not self.graphiql:
                raise Refused(404, "Not Found")
            return graphiql.page_response(request.url.path)
        raise Refused(400, "queries are sent as JSON in a POST; GET /graphql serves GraphiQL")

    async def post(self, request: Request) -> Response:
        """The JSON answer of the operation in the body, every error carrying its code and
        unexpected ones masked."""
        log: dict[str, object] = request.scope.setdefault("innonet.log", {})
        operation = parse_operation(request.headers.get("content-type"), await request.body())
        answer = await self.answer(operation, log)
        result = answer.result
        body: dict[str, object] = {"data": result.data}
        if result.errors:
            log_unexpected(result.errors, log.get("request_id"))
            body["errors"] = [self._plain(coded(error)).formatted for error in result.errors]
        return Response(
            self.encode_json(body),
            answer.status,
            answer.headers,
            media_type="application/json",
        )

    def _plain(self, error: GraphQLError) -> GraphQLError:
        """The error without "Did you mean ...?" when suggestions are off."""
        if self.graphiql or not SUGGESTION.search(error.message):
            return error
        error.message = SUGGESTION.sub("", error.message)
        return error

    def encode_json(self, data: object) -> bytes:
        """The answer as JSON (orjson: a tenth of the time of the standard library's encoder
        on a 500-node neighbourhood); one over :data:`MAX_RESULT_BYTES` becomes an error saying
        so."""
        encoded = orjson.dumps(data)
        if len(encoded) > MAX_RESULT_BYTES:
            size = len(encoded)
            del encoded
            return orjson.dumps(
                {
                    "data": None,
                    "errors": [
                        {
                            "message": f"the answer is {size:,} bytes of JSON, over the "
                            f"limit of {MAX_RESULT_BYTES:,}; ask for fewer objects or fields",
                            "extensions": {"code": "BAD_REQUEST"},
                        }
                    ],
                }
            )
        return encoded

    async def answer(self, operation: Operation, log: dict[str, object]) -> Answer:
        """Run the operation on one graph version, within the time limit: parsed and validated
        (once per query text), sized and admitted, then executed."""
        deadline = time.monotonic() + self.timeout
        store = self.holder.opened
        if store is None:
            try:
                store = await to_thread.run_sync(self.holder.get)
            except StoreError as exc:
                raise Refused(503, "the store is not answering; retry later") from exc
        log["operation"] = operation.name
        try:
            entry = self.schema.checked(operation.query)
        except GraphQLError as error:
            return Answer(ExecutionResult(None, [error]))
        definition = _operation(entry.document, operation.name)
        if definition is None:
            raise Refused(
                400,
                "Can't get GraphQL operation type"
                if operation.name is None
                else f'Unknown operation named "{operation.name}".',
            )
        if operation.name is None and definition.name is not None:
            operation = replace(operation, name=definition.name.value)
            log["operation"] = operation.name
        if entry.errors:
            return Answer(ExecutionResult(None, entry.errors))
        cost = document_cost(self.schema._schema, entry, operation.name, operation.variables)
        log.update(objects=cost.objects, work=math.ceil(cost.work), heavy=cost.heavy)
        refusal = over_budget(cost)
        if refusal is not None:
            return Answer(ExecutionResult(None, [refusal]))
        attempts = self._attempts(store, cost.heavy, deadline, entry.document, operation, log)
        try:
            # the deadline of the work too: sizing the request (its first validation) counted
            async with asyncio.timeout(deadline - time.monotonic()):
                if not cost.heavy:
                    return _retry_later(await attempts)
                try:
                    async with self.admission.heavy_slot():
                        log["admission"] = "heavy"
                        return _retry_later(await self.admission.run_heavy(attempts))
                except Busy:
                    attempts.close()
                    raise Refused(
                        503,
                        "every heavy slot is taken and the queue for them is full; retry "
                        f"after {RETRY_AFTER} s",
                        {"Retry-After": str(RETRY_AFTER)},
                    ) from None
        except TimeoutError as exc:
            raise Refused(
                504,
                f"the request ran past the time limit of {self.timeout:g} s; ask a narrower "
                "question (fewer hops, a smaller top, limit or first)",
            ) from exc

    def _attempts(
        self,
        store: Store,
        heavy: bool,
        deadline: float,
        document: DocumentNode,
        operation: Operation,
        log: dict[str, object],
    ) -> Coroutine[Any, Any, ExecutionResult]:
        """The operation's answer from one graph version (up to :data:`ATTEMPTS` runs); a heavy
        one on the heavy threads, its questions asked of the heavy process."""

        async def attempts() -> ExecutionResult:
            for _ in range(ATTEMPTS):
                if heavy:
                    context = Context(
                        store,
                        self.admission.heavy,
                        deadline,
                        log=log,
                        offload=self.admission.offload,
                    )
                else:
                    context = Context(store, self.admission.light, deadline, log=log)
                result = self.schema.execute_checked(
                    document, operation.variables, operation.name, context
                )
                if inspect.isawaitable(result):
                    result = await result
                if context.consistent:
                    self.heap.after_request(next(iter(context.versions), None))
                    return result
            raise Refused(503, f"the graph was refreshed during each of {ATTEMPTS} attempts; retry")

        return attempts()


def _retry_later(result: ExecutionResult) -> Answer:
    """The answer of ``result``: when an error of it is :class:`~queries.errors.Pending` (work
    still being done for the data version), a 503 with ``Retry-After``."""
    waits = [
        error.original_error.retry_after
        for error in result.errors or ()
        if isinstance(error.original_error, Pending)
    ]
    if waits:
        return Answer(result, 503, {"Retry-After": str(max(waits))})
    return Answer(result)


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    """The operation of ``document`` named ``name``, or its first one when no name is given
    (the one that runs, as strawberry chose it); None when there is none."""
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name is not None and definition.name.value == name)
        ):
            return definition
    return None
