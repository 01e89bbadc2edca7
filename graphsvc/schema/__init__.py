"""The GraphQL schema of innonet (strawberry), with its safety limits built in.

Limits checked on the document before anything runs: nesting depth at most
:data:`MAX_DEPTH` (counted as graphql-depth-limit does: ``{ node(id: "x") { id } }`` has depth
1), at most :data:`MAX_ALIASES` aliases (fragments counted each time they are spread) and at most
:data:`MAX_TOKENS` tokens. The pinned strawberry (>= 0.341) carries the fix of CVE-2026-47706
(QueryDepthLimiter recursion on circular fragments) and CVE-2026-47707 (MaxAliasesLimiter not
counting fragment spreads), both fixed in 0.315.7. Those limiters still walk a fragment again at
every spread, which makes a short document with fragments that fan out cost exponential time; a
document expanding to more than :data:`~graphsvc.schema.limits.MAX_FIELDS` field selections is
refused first, in linear time (:mod:`graphsvc.schema.limits`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.types import ExecutionContext

from graphsvc.schema.context import Context, OperationName
from graphsvc.schema.errors import log_unexpected
from graphsvc.schema.limits import MAX_FIELDS, GuardedValidation
from graphsvc.schema.query import Query

MAX_DEPTH: Final = 12
MAX_ALIASES: Final = 30
MAX_TOKENS: Final = 2_000

__all__ = [
    "MAX_ALIASES",
    "MAX_DEPTH",
    "MAX_FIELDS",
    "MAX_TOKENS",
    "Context",
    "Schema",
    "build_schema",
]


class Schema(strawberry.Schema):
    """strawberry's schema, logging only the errors the service caused (with traceback)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_unexpected(errors, execution_context)


def build_schema(*, introspection: bool = True) -> Schema:
    """The schema with its limits; ``introspection=False`` refuses ``__schema``/``__type``.

    Extensions are given as factories (one instance per request); the validation rules are built
    once, so that strawberry's validation cache recognises them from one request to the next.
    """
    rules = [
        *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    ]
    if not introspection:
        rules += DisableIntrospection().validation_rules
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: ParserCache(maxsize=1024),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules(rules),
        GuardedValidation,
        OperationName,
    ]
    return Schema(query=Query, extensions=extensions)
