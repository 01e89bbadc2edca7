"""Error codes and masking: every error answered carries ``extensions.code``.

===============  ==========================================================================
code             when
===============  ==========================================================================
``NOT_FOUND``    a node id that is not in the graph (``extensions.id`` holds it)
``BAD_REQUEST``  an argument out of range, a malformed or over-limit document, a bad variable
``INTERNAL``     anything unexpected; the message is fixed and tells nothing of the cause
===============  ==========================================================================

Unexpected errors are logged on the server with their traceback and the request id; the client
sees only the fixed message, never a stack trace or a store query.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from queries.errors import NotFound, QueryError

INTERNAL_MESSAGE = "Internal error; quote the X-Request-ID of this response when reporting it."

log = logging.getLogger("innonet.errors")


def is_unexpected(error: GraphQLError) -> bool:
    """True for an error the client did not cause: raised by the service, not by the question.

    Errors without an original exception and without a path come from parsing, validation or
    variable coercion: the document's fault.
    """
    if error.original_error is None:
        return error.path is not None
    return not isinstance(error.original_error, QueryError)


def coded(error: GraphQLError) -> GraphQLError:
    """The error as the client sees it: with its code, masked when unexpected."""
    original = error.original_error
    extensions: dict[str, Any] = dict(error.extensions or {})
    if isinstance(original, NotFound):
        extensions.update(code="NOT_FOUND", id=original.id)
    elif is_unexpected(error):
        return GraphQLError(
            INTERNAL_MESSAGE,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL"},
        )
    else:
        extensions.setdefault("code", "BAD_REQUEST")
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


class ErrorCodes(SchemaExtension):
    """Rewrites the errors of each result with :func:`coded` once the operation is done."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [coded(error) for error in errors]


def log_unexpected(errors: list[GraphQLError], execution_context: ExecutionContext | None) -> None:
    """Log the unexpected ones among ``errors`` with their traceback and the request id."""
    context = getattr(execution_context, "context", None)
    request_id = getattr(context, "log", {}).get("request_id")
    for error in errors:
        if is_unexpected(error):
            cause = error.original_error or error
            log.error(
                "unexpected error in request %s at %s: %s",
                request_id,
                ".".join(map(str, error.path or ())),
                error.message,
                exc_info=(type(cause), cause, cause.__traceback__),
            )
