"""What an operation may cost, computed from its document and variables before it runs.

As GitHub's GraphQL API does, the **objects** of an operation are the worst-case number of
objects its answer can hold: each list field multiplies what is under it by the most items it
can return, read from its ``first``/``limit``/``top``/``k`` argument, from the argument of the
root field that sizes it (``centrality(top:)`` sizes ``scores``), or from a fixed bound (a path
has at most ``MAX_HOPS + 1`` nodes); a list with no such bound counts :data:`DEFAULT_LIST`
items. The **work** estimates the store and analytics work in *work units*, about a millisecond
of one core on a 100,000-node graph: each root field its own estimate (:data:`WORK`, the
worst case: a projection or scores computed for the first time), plus
:data:`WORK_PER_OBJECT` per object.

An operation over :data:`MAX_OBJECTS` objects (:data:`MAX_INTROSPECTION_OBJECTS` for the
schema's introspection fields) or :data:`MAX_WORK` units is refused with ``BAD_REQUEST`` before
anything runs; one of at least :data:`HEAVY_WORK` units or :data:`HEAVY_OBJECTS` objects is
*heavy* and waits for a heavy slot
(:mod:`graphsvc.service.admission`).

The walk is linear in the size of the document: a fragment's cost is computed once per root
field it is spread under (the root's arguments size some of its lists) and reused at every
other spread. Cyclic and undefined fragments never get here: they are refused before validation
(:mod:`graphsvc.schema.limits`).

Examples
--------
>>> from graphsvc.schema import build_schema
>>> from graphql import parse
>>> schema = build_schema()._schema
>>> cost = operation_cost(schema, parse('{ node(id: "a") { neighbors(first: 300) {'
...     ' neighbors(first: 300) { neighbors(first: 300) { neighbors(first: 300) { id } } } } } }'))
>>> cost.objects > MAX_OBJECTS
True
>>> operation_cost(schema, parse('{ centrality(metric: DEGREE, top: 10) { scores { rank } } }'))
Cost(objects=11, introspection=0, work=500.11)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
)
from graphql.pyutils import Undefined

from graphsvc.model import NODE_TYPE_NAMES, NODE_TYPES, RELATION_TYPE_NAMES, RELATION_TYPES
from graphsvc.schema.limits import Parsed
from queries.changes import MAX_YEARS
from queries.errors import MAX_HOPS, MAX_LIMIT

MAX_OBJECTS: Final = 100_000
"""Most objects an operation's answer may hold in the worst case."""

MAX_INTROSPECTION_OBJECTS: Final = 500_000
"""Most objects of the schema's introspection fields (GraphiQL's own query is about 200,000
in the worst case this counts; the answer is a few thousand)."""

MAX_WORK: Final = 10_000
"""Most work units (about ms of one core on a 100k-node graph) one operation may ask for."""

HEAVY_WORK: Final = 100
"""Operations of at least this many work units are heavy: they run one at a time per slot."""

HEAVY_OBJECTS: Final = 2_000
"""Operations whose answer may hold this many objects are heavy too: resolving them takes the
event loop for tens of milliseconds, which the loop of cheap requests must not give."""

WORK_PER_OBJECT: Final = 0.01
"""Work units per object of the answer (loading and serialising it)."""

DEFAULT_LIST: Final = 100
"""Items counted for a list field with no bound known here."""

SIZE_ARGUMENTS: Final = ("first", "limit", "top", "k")
"""Arguments that bound the length of the list a field returns."""

COUNTRIES: Final = 250
"""ISO 3166-1 has 249 codes: most countries one tally can list."""

KINDS: Final = len({kind for t in NODE_TYPES for kind in t.kinds}) + 1
"""Most keys a tally by kind can list: every kind of the model, and none."""

MODES: Final = (
    max(len(p.choices) for t in RELATION_TYPES for p in t.properties if p.name == "mode") + 1
)
"""Most keys a tally by transfer mode can list: every mode of the model, and unspecified."""


@dataclass(frozen=True, slots=True)
class Cost:
    """The worst-case objects of an answer, those of introspection apart, and its work units."""

    objects: int
    introspection: int
    work: float

    @property
    def heavy(self) -> bool:
        """True when the operation must wait for a heavy slot."""
        return self.work >= HEAVY_WORK or self.objects >= HEAVY_OBJECTS

    def problem(self) -> str | None:
        """Why the operation is refused, naming the cost and the budget; None when it fits."""
        if self.objects > MAX_OBJECTS:
            return (
                f"the query may return up to {self.objects:,} objects, over the budget of "
                f"{MAX_OBJECTS:,}: lower first/limit/top/k on the nested lists"
            )
        if self.introspection > MAX_INTROSPECTION_OBJECTS:
            return (
                f"the introspection query may return up to {self.introspection:,} objects, over "
                f"the budget of {MAX_INTROSPECTION_OBJECTS:,}: nest fewer type lists"
            )
        if self.work > MAX_WORK:
            return (
                f"the query costs {math.ceil(self.work):,} work units, over the budget of "
                f"{MAX_WORK:,}: ask fewer or narrower analytics fields per request"
            )
        return None


Arguments = Mapping[str, Any]
"""A field's argument values, variables and defaults resolved (absent when not known)."""


def _root(name: str) -> Callable[[Arguments, Arguments], int]:
    return lambda own, root: _size(root.get(name))


def _fixed(count: int) -> Callable[[Arguments, Arguments], int]:
    return lambda own, root: count


LIST_BOUNDS: Final[dict[tuple[str, str], Callable[[Arguments, Arguments], int]]] = {
    ("BrokerageProfile", "roles"): _fixed(5),
    ("Bridge", "nodes"): _fixed(2),
    ("Centrality", "scores"): _root("top"),
    ("Changes", "brokersFell"): _root("top"),
    ("Changes", "brokersRose"): _root("top"),
    ("Changes", "hubs"): _root("top"),
    ("Changes", "hubsBefore"): _root("top"),
    ("Changes", "nodes"): _fixed(len(NODE_TYPE_NAMES)),
    ("Changes", "relationships"): _fixed(len(RELATION_TYPE_NAMES)),
    ("Changes", "transfersByActor"): _fixed(KINDS),
    ("Changes", "transfersByMode"): _fixed(MODES),
    ("ChannelReach", "byCountry"): _fixed(COUNTRIES),
    ("Communities", "items"): _root("top"),
    ("Community", "byCountry"): _fixed(COUNTRIES),
    ("Community", "byType"): _fixed(len(NODE_TYPE_NAMES)),
    ("Community", "hubs"): _fixed(3),
    ("Concentration", "items"): _root("top"),
    ("Concentration", "topShares"): _fixed(3),
    ("Fragility", "bridges"): _root("top"),
    ("Fragility", "cutPoints"): _root("top"),
    ("GraphStats", "byRelationType"): _fixed(len(RELATION_TYPE_NAMES)),
    ("GraphStats", "byType"): _fixed(len(NODE_TYPE_NAMES)),
    ("GraphStats", "sources"): _fixed(DEFAULT_LIST),
    ("Introductions", "intermediaries"): _root("limit"),
    ("LostRoutes", "items"): _root("limit"),
    ("NodeConnection", "edges"): _root("first"),
    ("OverseasReach", "items"): _root("top"),
    ("Path", "nodes"): _fixed(MAX_HOPS + 1),
    ("Path", "relationships"): _fixed(MAX_HOPS),
    ("Separation", "byCountry"): _fixed(COUNTRIES),
    ("Separation", "byType"): _fixed(len(NODE_TYPE_NAMES)),
    ("Subgraph", "nodes"): _root("limit"),
    ("Trend", "points"): _fixed(MAX_YEARS),
    ("TrendPoint", "parts"): _fixed(COUNTRIES),
    ("Subgraph", "relationships"): _root("limit"),
    ("Unreached", "groups"): _fixed(COUNTRIES),
    ("UnreachedGroup", "unreachedNodes"): _root("limit"),
    ("UnsolvedDemand", "candidates"): _root("candidates"),
    ("UnsolvedDemand", "posters"): _fixed(10),
    ("UnsolvedDemands", "items"): _root("limit"),
}
"""The length of list fields that take no size argument of their own: from the arguments of
the root field above them, or fixed. ``test_cost.py`` checks every list field of the schema is
sized here or by a :data:`SIZE_ARGUMENTS` argument."""

WORK: Final[dict[str, Callable[[Arguments], float]]] = {
    "node": lambda a: 1,
    "stats": lambda a: 1,
    "search": lambda a: 5,
    "neighborhood": lambda a: 10 + _size(a.get("limit")) / 50,
    "shortestPath": lambda a: 500 if a.get("weighted") else 20,
    "kShortestPaths": lambda a: 50 + 100 * _size(a.get("k")),
    "intermediaries": lambda a: 1000,
    "introductions": lambda a: 1000,
    "centrality": lambda a: 500,
    "brokerageRoles": lambda a: 5000,
    "structuralHoles": lambda a: 2000,
    "fragility": lambda a: 2000,
    "removalImpact": lambda a: 500,
    "communities": lambda a: 2000,
    "overseasReach": lambda a: 300 * max(1, _size(a.get("maxHops"))),
    "lostRoutes": lambda a: 1000,
    "concentration": lambda a: 200,
    "unreached": lambda a: 1000,
    "unsolvedDemands": lambda a: 1000,
    "graphAsOf": lambda a: 300,
    "changes": lambda a: 2000,
    "trends": lambda a: 3000,
}
"""Work units of each root field, from its arguments (worst case: nothing cached yet). A root
field missing here counts :data:`DEFAULT_WORK`."""

DEFAULT_WORK: Final = 1000


def over_budget(cost: Cost) -> GraphQLError | None:
    """The error refusing an operation of ``cost`` (``BAD_REQUEST`` naming the cost and the
    budget), None when it fits."""
    problem = cost.problem()
    if problem is None:
        return None
    return GraphQLError(
        problem,
        extensions={
            "code": "BAD_REQUEST",
            "cost": {"objects": cost.objects, "work": math.ceil(cost.work)},
            "budget": {"objects": MAX_OBJECTS, "work": MAX_WORK},
        },
    )


def document_cost(
    schema: GraphQLSchema,
    entry: Parsed,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> Cost:
    """:func:`operation_cost` of a cached document, remembered with it per operation name and
    :func:`shape` of the variables it declares (others cannot change the cost): the cost of a
    ``node`` lookup is computed once, not once per id.

    >>> from graphql import parse
    >>> from graphsvc.schema import build_schema
    >>> from graphsvc.schema.limits import DocumentCache
    >>> schema = build_schema()._schema
    >>> query = "query Q($n: Int) { search(first: $n) { edges { node { id } } } }"
    >>> entry = DocumentCache().parsed(query, parse)
    >>> document_cost(schema, entry, None, {"n": 5}).objects
    11
    >>> document_cost(schema, entry, None, {"n": 5, "unused": "x"}) is document_cost(
    ...     schema, entry, None, {"n": 5})
    True
    >>> document_cost(schema, entry, None, {"n": 500}).objects
    1001
    """
    declared = entry.remember(("declared",), lambda: _declared(entry.document))
    given = variables or {}
    used = {name: given[name] for name in declared if name in given}
    key = ("cost", operation_name, tuple(shape(used.get(name, ...)) for name in declared))
    return entry.remember(key, lambda: operation_cost(schema, entry.document, operation_name, used))


def shape(value: Any) -> Any:
    """What of a variable's value a cost can depend on: an integer or a boolean as it is, null
    and absent (``...``) as they are, any other value by its type and truth (a list bound that
    is not an integer counts the most allowed; ``weighted`` counts by truth).

    >>> shape(300), shape(True), shape(None), shape(...), shape("org:1"), shape([]), shape(2.5)
    (300, True, None, Ellipsis, ('str', True), ('list', False), ('float', True))
    """
    if value is None or value is ... or isinstance(value, int):
        return value
    return (type(value).__name__, bool(value))


def _declared(document: DocumentNode) -> tuple[str, ...]:
    """The names of the variables the document's operations declare, each once."""
    names = (
        definition.variable.name.value
        for operation in document.definitions
        if isinstance(operation, OperationDefinitionNode)
        for definition in operation.variable_definitions or ()
    )
    return tuple(dict.fromkeys(names))


def _size(value: Any) -> int:
    """A list bound from an argument value: its integer value within 0..MAX_LIMIT, the most
    allowed when it is not an integer (the resolver refuses it anyway)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return MAX_LIMIT
    return min(max(value, 0), MAX_LIMIT)


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> Cost:
    """The cost of the operation of ``document`` that would run (the most costly of them when
    the name does not pick one)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    costs = [_Walk(schema, document, o, variables or {}).total() for o in operations]
    return max(costs, key=lambda c: (c.work, c.objects), default=Cost(0, 0, 0.0))


class _Walk:
    """One operation's cost; fragments memoised per root field."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = dict(variables)
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self.variables and definition.default_value is not None:
                self.variables[name] = _literal(definition.default_value, {})
        self.memo: dict[tuple[str, int], tuple[int, int]] = {}
        self.active: set[str] = set()

    def total(self) -> Cost:
        root = self.schema.get_root_type(self.operation.operation)
        if root is None:
            return Cost(0, 0, 0.0)
        objects = introspection = 0
        work = 0.0
        for field, parent in self._fields(self.operation.selection_set, root):
            definition = parent.fields.get(field.name.value)
            if field.name.value.startswith("__"):
                introspection += self._field(field, parent, {}, 0, True)[1]
                continue
            if definition is None:
                continue
            arguments = self._arguments(field, definition.args)
            plain, meta = self._field(field, parent, arguments, id(field), False)
            objects += plain
            introspection += meta
            work += WORK.get(field.name.value, lambda a: DEFAULT_WORK)(arguments)
        return Cost(objects, introspection, work + WORK_PER_OBJECT * objects)

    def _fields(
        self, selection_set: SelectionSetNode | None, parent: GraphQLObjectType
    ) -> list[tuple[FieldNode, GraphQLObjectType]]:
        """The fields of a selection set with the type each is selected on; fragments spread on
        the root type are opened here (they hold root fields)."""
        found: list[tuple[FieldNode, GraphQLObjectType]] = []
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                found.append((selection, parent))
            else:
                inner = self._inner(selection)
                if inner is not None and inner[0].name.value not in self.active:
                    self.active.add(inner[0].name.value)
                    found += self._fields(inner[1], inner[2] or parent)
                    self.active.discard(inner[0].name.value)
        return found

    def _inner(
        self, selection: Any
    ) -> tuple[Any, SelectionSetNode, GraphQLObjectType | None] | None:
        if isinstance(selection, InlineFragmentNode):
            return selection, selection.selection_set, self._condition(selection)
        if isinstance(selection, FragmentSpreadNode):
            fragment = self.fragments.get(selection.name.value)
            if fragment is not None:
                return fragment, fragment.selection_set, self._condition(fragment)
        return None

    def _condition(
        self, node: InlineFragmentNode | FragmentDefinitionNode
    ) -> GraphQLObjectType | None:
        if node.type_condition is None:
            return None
        named = self.schema.get_type(node.type_condition.name.value)
        return named if isinstance(named, GraphQLObjectType) else None

    def _field(
        self,
        field: FieldNode,
        parent: GraphQLObjectType,
        root: Arguments,
        root_key: int,
        meta: bool,
    ) -> tuple[int, int]:
        """(objects, introspection objects) of one field under ``parent``, itself included."""
        definition = parent.fields.get(field.name.value)
        if definition is None:
            if field.name.value == "__schema":
                named: GraphQLNamedType | None = self.schema.get_type("__Schema")
                many = False
            elif field.name.value == "__type":
                named, many = self.schema.get_type("__Type"), False
            else:
                return 0, 0
        else:
            named, many = _unwrap(definition.type)
        if not isinstance(named, GraphQLObjectType):
            return 0, 0
        items = 1
        if many:
            own = self._arguments(field, definition.args) if definition else {}
            items = self._list_length(parent, field.name.value, own, root, meta)
        inner_plain, inner_meta = self._selections(field.selection_set, named, root, root_key, meta)
        if meta:
            return 0, items * (1 + inner_meta)
        return items * (1 + inner_plain), items * inner_meta

    def _selections(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLObjectType,
        root: Arguments,
        root_key: int,
        meta: bool,
    ) -> tuple[int, int]:
        plain = introspection = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                inside_meta = meta or selection.name.value.startswith("__")
                p, m = self._field(selection, parent, root, root_key, inside_meta)
            elif isinstance(selection, FragmentSpreadNode):
                p, m = self._spread(selection, parent, root, root_key, meta)
            else:
                inner = self._inner(selection)
                if inner is None:
                    continue
                p, m = self._selections(inner[1], inner[2] or parent, root, root_key, meta)
            plain += p
            introspection += m
        return plain, introspection

    def _spread(
        self,
        spread: FragmentSpreadNode,
        parent: GraphQLObjectType,
        root: Arguments,
        root_key: int,
        meta: bool,
    ) -> tuple[int, int]:
        name = spread.name.value
        key = (name, root_key if not meta else -1)
        if key in self.memo:
            return self.memo[key]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.active:  # refused before validation; be safe
            return 0, 0
        self.active.add(name)
        cost = self._selections(
            fragment.selection_set, self._condition(fragment) or parent, root, root_key, meta
        )
        self.active.discard(name)
        self.memo[key] = cost
        return cost

    def _list_length(
        self,
        parent: GraphQLObjectType,
        name: str,
        own: Arguments,
        root: Arguments,
        meta: bool,
    ) -> int:
        if meta:
            return _introspection_length(self.schema, parent.name, name)
        for argument in SIZE_ARGUMENTS:
            if argument in own:
                return _size(own[argument])
        bound = LIST_BOUNDS.get((parent.name, name))
        return DEFAULT_LIST if bound is None else bound(own, root)

    def _arguments(self, field: FieldNode, definitions: Mapping[str, Any]) -> dict[str, Any]:
        """The field's arguments: given values (variables resolved), else schema defaults."""
        values: dict[str, Any] = {}
        given = {a.name.value: a.value for a in field.arguments or ()}
        for name, argument in definitions.items():
            value = _literal(given[name], self.variables) if name in given else Undefined
            if value is Undefined or value is None:
                value = argument.default_value
            if value is not Undefined:
                values[name] = value
        return values


def _literal(node: ValueNode, variables: Mapping[str, Any]) -> Any:
    """An argument's value where it matters here (integers and booleans); others None."""
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, IntValueNode):
        return int(node.value) if len(node.value) < 20 else MAX_LIMIT
    if isinstance(node, BooleanValueNode):
        return node.value
    return None


def _unwrap(kind: GraphQLOutputType) -> tuple[GraphQLNamedType, bool]:
    """The named type under the wrappers, and whether a list wraps it."""
    many = False
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        many |= isinstance(kind, GraphQLList)
        kind = kind.of_type
    return kind, many


def _introspection_length(schema: GraphQLSchema, parent: str, name: str) -> int:
    """The longest a list of the schema's introspection types can be, from the schema."""
    key = (id(schema), parent, name)
    found = _INTROSPECTION_LENGTHS.get(key)
    if found is None:
        types = list(schema.type_map.values())
        longest = {
            "types": len(types),
            "fields": max((len(getattr(t, "fields", {}) or {}) for t in types), default=0),
            "inputFields": max((len(getattr(t, "fields", {}) or {}) for t in types), default=0),
            "enumValues": max((len(getattr(t, "values", {}) or {}) for t in types), default=0),
            "args": max(
                (
                    len(f.args)
                    for t in types
                    for f in (getattr(t, "fields", {}) or {}).values()
                    if hasattr(f, "args")
                ),
                default=0,
            ),
            "directives": len(schema.directives),
            "locations": 20,
        }
        found = _INTROSPECTION_LENGTHS[key] = longest.get(name, len(types))
    return found


_INTROSPECTION_LENGTHS: dict[tuple[int, str, str], int] = {}
