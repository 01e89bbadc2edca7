"""The ``/graphql`` endpoint: strawberry's ASGI view, with this service's rules.

- ``POST`` runs a query; ``GET`` serves GraphiQL from local files (queries over ``GET`` are
  refused).
- A malformed body, a body that is not a JSON object, or no query: 400 with a JSON error body.
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
import json
import math
import re
import time
from typing import Any, Final

from anyio import to_thread
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError, OperationDefinitionNode
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.types import ExecutionResult

from graphsvc.schema import Context, Schema
from graphsvc.schema.errors import coded
from graphsvc.service import graphiql
from graphsvc.service.admission import RETRY_AFTER, Admission, Busy
from graphsvc.service.cost import over_budget, request_cost
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


class Refused(HTTPException):
    """An HTTP-level refusal with headers (``Retry-After``)."""

    def __init__(self, status_code: int, reason: str, headers: dict[str, str]) -> None:
        super().__init__(status_code, reason)
        self.headers = headers


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A GraphQL-shaped JSON error body: ``{"errors": [{"message", "extensions": {"code"}}]}``."""
    code = CODES.get(status, "BAD_REQUEST" if status < 500 else "INTERNAL")
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=status,
        headers=headers,
    )


def _retry_later(result: ExecutionResult, response: Response) -> ExecutionResult:
    """``result``; when an error of it is :class:`~queries.errors.Pending` (work still being
    done for the data version), the answer is a 503 with ``Retry-After``."""
    waits = [
        error.original_error.retry_after
        for error in result.errors or ()
        if isinstance(error.original_error, Pending)
    ]
    if waits:
        response.status_code = 503
        response.headers["Retry-After"] = str(max(waits))
    return result


class GraphQLEndpoint(GraphQL[Any, None]):
    """The GraphQL view over the store of ``holder``; ``timeout`` is in seconds. With
    ``graphiql`` off (introspection off), suggestions are also cut from error messages."""

    def __init__(
        self,
        schema: Schema,
        *,
        holder: StoreHolder,
        admission: Admission,
        timeout: float,
        graphiql: bool,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            allow_queries_via_get=False,
            subscription_protocols=(),
        )
        self.holder = holder
        self.admission = admission
        self.timeout = timeout
        self.suggestions = graphiql
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
                response = await self.run(request)
        except HTTPException as exc:
            response = error_response(exc.status_code, exc.reason, getattr(exc, "headers", None))
        await response(scope, receive, send)

    async def post(self, request: Request) -> Response:
        """A ``POST``: the steps of strawberry's ``run`` for one operation in a JSON body, without
        its branches for WebSockets, batches, streamed and incremental results, which this
        service does not serve (their checks cost tens of microseconds a request). Other
        methods go through ``run`` (GraphiQL, the refusal of queries over ``GET``)."""
        adapter = self.request_adapter_class(request)
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, response=sub_response)
        request_data = await self.parse_http_body(adapter)
        result = await self.execute_single(
            request, adapter, sub_response, context, None, request_data
        )
        return self.create_response(
            response_data=await self.process_result(request, result), sub_response=sub_response
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from files this service serves (:mod:`graphsvc.service.graphiql`), not a CDN."""
        return graphiql.page_response(request.url.path)

    def parse_json(self, data: str | bytes) -> Any:
        """The request body as a JSON object; anything else is a 400."""
        try:
            parsed = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise HTTPException(400, f"the body is not valid JSON: {exc}") from exc
        except RecursionError as exc:
            raise HTTPException(
                400, "the body nests JSON arrays or objects too deeply to be read"
            ) from exc
        if not isinstance(parsed, dict):
            raise HTTPException(
                400,
                'the body must be a JSON object: {"query": ..., "variables": ..., '
                '"operationName": ...}',
            )
        return parsed

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        """The query, variables and operation name of a ``POST`` with a JSON object body (what
        strawberry's own parsing accepts, without its content-type parser built on
        ``email.message``, which cost tens of microseconds a request); anything else is a 400."""
        if request.method != "POST":
            data = await super().parse_http_body(request)
            assert isinstance(data, GraphQLRequestData)  # batches are refused by the base class
            return data
        media_type = (request.content_type or "").partition(";")[0].strip().lower()
        if "application/json" not in media_type:
            raise HTTPException(400, "Unsupported content type")
        body = self.parse_json(await request.get_body())
        query = body.get("query")
        if query is None:
            raise HTTPException(400, 'no query: send {"query": "{ stats { nodes } }"}')
        if not isinstance(query, str):
            raise HTTPException(
                400, "The GraphQL operation's `query` must be a string or null, if provided."
            )
        variables = body.get("variables")
        if not isinstance(variables, dict | None):
            raise HTTPException(
                400, "The GraphQL operation's `variables` must be an object or null, if provided."
            )
        extensions = body.get("extensions")
        if not isinstance(extensions, dict | None):
            raise HTTPException(
                400,
                "The GraphQL operation's `extensions` must be an object or null, if provided.",
            )
        operation_name = body.get("operationName")
        if not isinstance(operation_name, str | None):
            raise HTTPException(400, "operationName must be a string or null")
        return GraphQLRequestData(
            query=query,
            variables=variables,
            operation_name=operation_name,
            extensions=extensions,
            protocol="http",
        )

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """The JSON answer, every error carrying its code and unexpected ones masked."""
        if result.errors:
            result.errors = [self._plain(coded(error)) for error in result.errors]
        return process_result(result)

    def _plain(self, error: GraphQLError) -> GraphQLError:
        """The error without "Did you mean ...?" when suggestions are off."""
        if self.suggestions or not SUGGESTION.search(error.message):
            return error
        error.message = SUGGESTION.sub("", error.message)
        return error

    def encode_json(self, data: object) -> str:
        """The answer as JSON; one over :data:`MAX_RESULT_BYTES` becomes an error saying so."""
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        if len(encoded) > MAX_RESULT_BYTES:
            size = len(encoded)
            del encoded
            return json.dumps(
                {
                    "data": None,
                    "errors": [
                        {
                            "message": f"the answer is {size:,} characters of JSON, over the "
                            f"limit of {MAX_RESULT_BYTES:,}; ask for fewer objects or fields",
                            "extensions": {"code": "BAD_REQUEST"},
                        }
                    ],
                }
            )
        return encoded

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> dict[str, object]:
        """The access log's fields of the request; :meth:`execute_single` makes the Context."""
        log: dict[str, object] = request.scope.setdefault("innonet.log", {})
        return log

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: dict[str, object],
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Run the operation on one graph version, within the time limit."""
        deadline = time.monotonic() + self.timeout
        store = self.holder.opened
        if store is None:
            try:
                store = await to_thread.run_sync(self.holder.get)
            except StoreError as exc:
                raise HTTPException(503, "the store is not answering; retry later") from exc
        assert isinstance(self.schema, Schema)
        context["operation"] = _operation(
            self.schema, request_data.query, request_data.operation_name
        )
        cost = request_cost(
            self.schema, request_data.query, request_data.operation_name, request_data.variables
        )
        if cost is not None:
            context.update(objects=cost.objects, work=math.ceil(cost.work), heavy=cost.heavy)
            refusal = over_budget(cost)
            if refusal is not None:
                return ExecutionResult(data=None, errors=[refusal])
        heavy = cost is not None and cost.heavy
        attempts = self._attempts(
            store,
            heavy,
            deadline,
            request,
            request_adapter,
            sub_response,
            context,
            root_value,
            request_data,
        )
        try:
            # the deadline of the work too: sizing the request (its first validation) counted
            async with asyncio.timeout(deadline - time.monotonic()):
                if not heavy:
                    return _retry_later(await attempts, sub_response)
                try:
                    async with self.admission.heavy_slot():
                        context["admission"] = "heavy"
                        return _retry_later(await self.admission.run_heavy(attempts), sub_response)
                except Busy:
                    attempts.close()
                    raise Refused(
                        503,
                        "every heavy slot is taken and the queue for them is full; retry "
                        f"after {RETRY_AFTER} s",
                        {"Retry-After": str(RETRY_AFTER)},
                    ) from None
        except TimeoutError as exc:
            raise HTTPException(
                504,
                f"the request ran past the time limit of {self.timeout:g} s; ask a narrower "
                "question (fewer hops, a smaller top, limit or first)",
            ) from exc

    async def _attempts(
        self,
        store: Store,
        heavy: bool,
        deadline: float,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: dict[str, object],
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """The operation's answer from one graph version (up to :data:`ATTEMPTS` runs); a heavy
        one on the heavy threads, its questions asked of the heavy process."""
        for _ in range(ATTEMPTS):
            if heavy:
                attempt = Context(
                    store,
                    self.admission.heavy,
                    deadline,
                    log=context,
                    offload=self.admission.offload,
                )
            else:
                attempt = Context(store, self.admission.light, deadline, log=context)
            result = await super().execute_single(
                request, request_adapter, sub_response, attempt, root_value, request_data
            )
            if attempt.consistent:
                self.heap.after_request(next(iter(attempt.versions), None))
                return result
        raise HTTPException(
            503, f"the graph was refreshed during each of {ATTEMPTS} attempts; retry"
        )


def _operation(schema: Schema, query: str | None, name: str | None) -> str | None:
    """The operation's name for the access log: the one asked for, else the name of the
    document's first operation."""
    if name is not None or not query:
        return name
    try:
        document = schema.checked(query).document
    except GraphQLError:
        return None
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            return definition.name.value if definition.name else None
    return None
