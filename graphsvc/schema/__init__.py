"""The GraphQL schema of innonet (strawberry), with its safety limits built in.

Limits checked on the document before anything runs: fragments (undefined, cyclic) and the
document's size once they are spread, in linear time (:mod:`graphsvc.schema.limits`); nesting
depth at most
:data:`MAX_DEPTH` (counted as graphql-depth-limit does: ``{ node(id: "x") { id } }`` has depth
1), at most :data:`MAX_ALIASES` aliases (fragments counted each time they are spread) and at most
:data:`MAX_TOKENS` tokens. The pinned strawberry (>= 0.341) carries the fix of CVE-2026-47706
(QueryDepthLimiter recursion on circular fragments) and CVE-2026-47707 (MaxAliasesLimiter not
counting fragment spreads), both fixed in 0.315.7. Those limiters still walk a fragment again at
every spread, which makes a short document with fragments that fan out cost exponential time; a
document expanding to more than :data:`~graphsvc.schema.limits.MAX_FIELDS` field selections is
refused first. The service sizes each operation from the cached document before it runs (the
cost limit and admission of :mod:`graphsvc.service`).
"""

from __future__ import annotations

from typing import Any, Final

import strawberry
from graphql import GraphQLError, specified_rules
from strawberry.extensions import DisableIntrospection, MaxAliasesLimiter, QueryDepthLimiter
from strawberry.types import ExecutionContext

from graphsvc.schema.context import Context
from graphsvc.schema.errors import log_unexpected
from graphsvc.schema.limits import MAX_FIELDS, DocumentChecks, Parsed
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
    """strawberry's schema, logging only the errors the service caused (with traceback), and
    parsing and validating each query text once (:attr:`checks`, its cache of documents; the
    service sizes operations from it before they run)."""

    checks: DocumentChecks

    def checked(self, query: str) -> Parsed:
        """The cached document of ``query`` and its validation errors (see
        :meth:`DocumentChecks.checked`); ``GraphQLError`` when it does not parse."""
        return self.checks.checked(self._schema, query)

    def _create_execution_context(self, *args: Any, **kwargs: Any) -> ExecutionContext:
        """strawberry's execution context, given the cached document and its validation errors
        when the query parses (strawberry then neither parses nor validates it; a query that does
        not parse is parsed by strawberry, within the same token limit, for its error). Done here
        rather than in schema extensions: strawberry looks up each extension's hooks at every
        stage of every request, which cost more than the lookups they would make."""
        context = super()._create_execution_context(*args, **kwargs)
        context.parse_options["max_tokens"] = self.checks.max_tokens
        if context.query:
            try:
                entry = self.checked(context.query)
            except GraphQLError:
                return context
            context.graphql_document = entry.document
            context.pre_execution_errors = entry.errors
        return context

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_unexpected(errors, execution_context)


def build_schema(*, introspection: bool = True) -> Schema:
    """The schema with its limits; ``introspection=False`` refuses ``__schema``/``__type`` and
    leaves "Did you mean ...?" suggestions out of validation errors.

    Parsed documents and their validation results are cached per schema, bounded by bytes.
    """
    rules = [
        *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    ]
    if not introspection:
        rules += DisableIntrospection().validation_rules
    schema = Schema(query=Query)
    schema.checks = DocumentChecks(
        (*specified_rules, *rules), max_tokens=MAX_TOKENS, hide_suggestions=not introspection
    )
    return schema
