"""Guards that strawberry's limiters lack: fragments checked in linear time, caches by bytes.

strawberry's QueryDepthLimiter and MaxAliasesLimiter walk a fragment again at every spread, so a
short document whose fragments each spread the next one twice (``fragment F1 on Query { ...F2
...F2 }``) costs them 2^n steps (measured on strawberry 0.341.2: 18 fragments 1 s, 22 fragments
18 s), and a spread of an undefined fragment made the depth limiter fail with a KeyError.

:func:`fragment_problem` measures the document first, each fragment once: a spread of an
undefined fragment, a fragment that spreads itself (directly or through others), nesting deeper
than :data:`MAX_NESTING`, or an expansion beyond :data:`MAX_FIELDS` field selections is refused
with a message naming it, before any other validation runs. Documents that pass expand to at
most :data:`MAX_FIELDS` selections, which bounds the work of every later rule.

Parsed documents and their validation results are kept in a :class:`DocumentCache` bounded by
an estimate of the bytes they hold (the query text, and about :data:`TOKEN_BYTES` per token of
the parsed document), not by a count of entries: 400 distinct ~1 MB queries no longer keep
hundreds of megabytes alive. A request whose query text was seen before is neither parsed nor
validated again (:class:`DocumentChecks`, used by the schema before each execution); its
variables are checked by the execution as always.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    validate,
)
from strawberry.schema.schema import MaybeNullValidationRule, OneOfInputValidationRule

MAX_FIELDS: Final = 5_000
"""Most field selections a document may expand to, fragments spread in full."""

MAX_NESTING: Final = 100
"""Deepest nesting of selection sets and fragment spreads looked into (the depth limit of 12
refuses far less; this bound keeps the measuring itself within the interpreter's stack)."""

MAX_CACHE_BYTES: Final = 32 * 1024 * 1024
"""Estimated bytes the parsed and validated documents of one schema may hold in its cache."""

TOKEN_BYTES: Final = 500
"""Estimated bytes of one token of a parsed document (measured: 450 with its AST nodes)."""

MEMO: Final = 16
"""Most results derived from one cached document (an operation's cost per shape of the
variables) kept with it."""

T = TypeVar("T")


class DocumentProblem(Exception):
    """A document refused before validation (wrong fragments, too large); the message says
    why."""


def fragment_problem(document: DocumentNode) -> str | None:
    """What is wrong with the fragments or the size of ``document``, or None.

    Linear in the size of the document: each fragment is measured once, whatever the number of
    places that spread it.

    Examples
    --------
    >>> fragment_problem(parse("{ ...A } fragment A on Query { stats { nodes } }")) is None
    True
    >>> fragment_problem(parse("{ ...A } fragment A on Query { ...A }"))
    'fragment A spreads itself (A -> A); fragments cannot be cyclic'
    >>> fragment_problem(parse("{ ...Nope }"))
    'fragment Nope is spread at line 1 but not defined'
    """
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    sizes: dict[str, int] = {}
    chain: list[str] = []

    def size(selection_set: SelectionSetNode | None, level: int) -> int:
        if level > MAX_NESTING:
            raise DocumentProblem(
                f"the document nests selections and fragment spreads more than {MAX_NESTING} "
                "levels deep"
            )
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += 1 + size(selection.selection_set, level + 1)
            elif isinstance(selection, InlineFragmentNode):
                total += size(selection.selection_set, level + 1)
            elif isinstance(selection, FragmentSpreadNode):
                total += fragment_size(selection, level)
            if total > MAX_FIELDS:
                raise DocumentProblem(
                    f"the document expands to more than {MAX_FIELDS} field selections once its "
                    "fragments are spread; ask for less"
                )
        return total

    def fragment_size(spread: FragmentSpreadNode, level: int) -> int:
        name = spread.name.value
        if name in sizes:
            return sizes[name]
        if name in chain:
            cycle = " -> ".join([*chain[chain.index(name) :], name])
            raise DocumentProblem(
                f"fragment {name} spreads itself ({cycle}); fragments cannot be cyclic"
            )
        fragment = fragments.get(name)
        if fragment is None:
            line = (
                f" at line {spread.loc.source.get_location(spread.loc.start).line}"
                if (spread.loc)
                else ""
            )
            raise DocumentProblem(f"fragment {name} is spread{line} but not defined")
        chain.append(name)
        sizes[name] = size(fragment.selection_set, level + 1)
        chain.pop()
        return sizes[name]

    try:
        total = 0
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                total += size(definition.selection_set, 0)
            elif isinstance(definition, FragmentDefinitionNode):
                chain.append(definition.name.value)
                sizes[definition.name.value] = size(definition.selection_set, 0)
                chain.pop()
            if total > MAX_FIELDS:
                raise DocumentProblem(
                    f"the document expands to more than {MAX_FIELDS} field selections once its "
                    "fragments are spread; ask for less"
                )
    except DocumentProblem as exc:
        return str(exc)
    return None


@dataclass(slots=True)
class Parsed:
    """A cached document, its validation errors once validated, and results derived from it
    per request shape (at most :data:`MEMO` of them; the service keeps operation costs here)."""

    document: DocumentNode
    weight: int
    errors: list[GraphQLError] | None = None
    memo: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict)

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The result stored under ``key``, computed by ``compute`` when not known; the least
        recently used of more than :data:`MEMO` results is dropped.

        >>> entry = Parsed(parse("{ stats { nodes } }"), 0)
        >>> [entry.remember(n % (MEMO + 1), lambda: n) for n in (0, 1, 0)]
        [0, 1, 0]
        """
        if key in self.memo:
            self.memo.move_to_end(key)
            found: T = self.memo[key]
            return found
        result = self.memo[key] = compute()
        if len(self.memo) > MEMO:
            self.memo.popitem(last=False)
        return result


class DocumentCache:
    """Parsed documents by query text, least recently used dropped past ``max_bytes``. Safe to
    share between threads (the light and the heavy event loops of a worker)."""

    def __init__(self, max_bytes: int = MAX_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[str, Parsed] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def parsed(self, query: str, parse_document: Callable[[str], DocumentNode]) -> Parsed:
        """The entry of ``query``, parsed by ``parse_document`` when not cached."""
        with self._lock:
            entry = self._entries.get(query)
            if entry is not None:
                self._entries.move_to_end(query)
                return entry
        document = parse_document(query)
        entry = Parsed(document, len(query) + TOKEN_BYTES * _tokens(document))
        if entry.weight <= self.max_bytes:
            with self._lock:
                if query in self._entries:  # parsed meanwhile by another thread
                    return self._entries[query]
                self._entries[query] = entry
                self.bytes += entry.weight
                while self.bytes > self.max_bytes:
                    _, dropped = self._entries.popitem(last=False)
                    self.bytes -= dropped.weight
        return entry


def _tokens(document: DocumentNode) -> int:
    token = document.loc.start_token if document.loc else None
    count = 0
    while token is not None:
        count += 1
        token = token.next
    return count


class DocumentChecks:
    """Parsing and validation through a :class:`DocumentCache`: a query text seen before is
    neither parsed nor validated again. Parsing stops past ``max_tokens`` tokens; validation
    runs :func:`fragment_problem` first, then ``rules``, leaving suggestions ("Did you mean
    ...?") out when ``hide_suggestions``."""

    def __init__(
        self,
        rules: Sequence[type[ASTValidationRule]],
        *,
        max_tokens: int,
        hide_suggestions: bool,
    ) -> None:
        self.cache = DocumentCache()
        self.rules = (*rules, MaybeNullValidationRule, OneOfInputValidationRule)
        self.max_tokens = max_tokens
        self.hide_suggestions = hide_suggestions

    def parse(self, query: str) -> DocumentNode:
        """``query`` parsed, within the token limit (a ``GraphQLError`` when it does not)."""
        return parse(query, max_tokens=self.max_tokens)

    def checked(self, schema: GraphQLSchema, query: str) -> Parsed:
        """The cache entry of ``query``: its document and validation errors (none: valid).
        Raises ``GraphQLError`` when it does not parse."""
        entry = self.cache.parsed(query, self.parse)
        if entry.errors is None:
            problem = fragment_problem(entry.document)
            if problem is not None:
                entry.errors = [GraphQLError(problem)]
            else:
                entry.errors = validate(
                    schema, entry.document, self.rules, hide_suggestions=self.hide_suggestions
                )
        return entry
