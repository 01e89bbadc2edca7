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
from graphql import DocumentNode, ExecutionResult, execute, specified_rules
from graphql.pyutils import AwaitableOrValue
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import DisableIntrospection, MaxAliasesLimiter, QueryDepthLimiter

from graphsvc.schema.context import Context
from graphsvc.schema.execution import ExecutionContext
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
    """strawberry's schema, parsing and validating each query text once (:attr:`checks`, its
    cache of documents; the service sizes operations from it before they run) and running
    checked documents with graphql-core directly (:meth:`execute_checked`)."""

    checks: DocumentChecks

    def checked(self, query: str) -> Parsed:
        """The cached document of ``query`` and its validation errors (see
        :meth:`DocumentChecks.checked`); ``GraphQLError`` when it does not parse."""
        return self.checks.checked(self._schema, query)

    def execute_checked(
        self,
        document: DocumentNode,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Context,
    ) -> AwaitableOrValue[ExecutionResult]:
        """Run a document that passed :meth:`checked` with graphql-core, as strawberry's own
        ``execute`` ends up doing (its execution context class, which hands resolvers
        strawberry's ``Info``, here completing lists of plain objects in one pass:
        :mod:`graphsvc.schema.execution`), without the steps around it that cost more than the
        execution of a cheap query: the execution context, the extension hooks at every stage,
        parsing and validation (done once per query text here) and the result's conversion."""
        return execute(
            self._schema,
            document,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
            executor_class=ExecutionContext,
            is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]  # a bool, not a TypeGuard
        )


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
