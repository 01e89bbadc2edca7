"""Error codes and masking: every error answered carries ``extensions.code``.

===============  ==========================================================================
code             when
===============  ==========================================================================
``NOT_FOUND``    a node id that is not in the graph (``extensions.id`` holds it)
``BAD_REQUEST``  an argument out of range, a malformed or over-limit document, a bad variable
``TRUNCATED``    an exact answer would take more work than a request may do (``intermediaries``
                 past its work cap); the message says how to ask for one that fits
``TIMEOUT``      the request's work ran past its time limit and was stopped
``NOT_READY``    the answer needs work still being done once for the current data version (its
                 projection being built); ``extensions.retryAfter`` (seconds) says when to ask
                 again, and so does the HTTP ``Retry-After`` header
``INTERNAL``     anything unexpected; the message is fixed and tells nothing of the cause
===============  ==========================================================================

The GraphQL endpoint applies :func:`coded` to every error it answers with, whatever stage raised
it (parsing, validation, a resolver). Unexpected errors are logged on the server with their
traceback and the request id; the client sees only the fixed message, never a stack trace or a
store query.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError

from queries.deadline import TimeUp
from queries.errors import NotFound, Pending, QueryError

INTERNAL_MESSAGE = "Internal error; quote the X-Request-ID of this response when reporting it."

log = logging.getLogger("innonet.errors")


class Truncated(QueryError):
    """An exact answer would take more work than one request may do; the message says what to
    ask instead."""


def is_unexpected(error: GraphQLError) -> bool:
    """True for an error the client did not cause.

    Errors outside any field (no ``path``) come from parsing, validation or variable coercion:
    the document's fault, unless an exception other than a GraphQL error caused them. Errors of
    a field are the client's only when the query layer refused the question (:class:`QueryError`).
    """
    original = error.original_error
    if error.path is None:
        return original is not None and not isinstance(original, GraphQLError | QueryError)
    return not isinstance(original, QueryError | TimeUp)


def coded(error: GraphQLError) -> GraphQLError:
    """The error as the client sees it: with its code, masked when unexpected."""
    original = error.original_error
    extensions: dict[str, Any] = dict(error.extensions or {})
    if isinstance(original, NotFound):
        extensions.update(code="NOT_FOUND", id=original.id)
    elif isinstance(original, Truncated):
        extensions["code"] = "TRUNCATED"
    elif isinstance(original, Pending):
        extensions.update(code="NOT_READY", retryAfter=original.retry_after)
    elif isinstance(original, TimeUp):
        extensions["code"] = "TIMEOUT"
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


def log_unexpected(errors: list[GraphQLError], request_id: object) -> None:
    """Log the unexpected ones among ``errors`` with their traceback and the request id."""
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
