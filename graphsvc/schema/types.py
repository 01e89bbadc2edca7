"""The GraphQL object types of the graph: nodes, relationships, paths and subgraphs.

Objects hold ids where the query layer answers with ids; the nodes behind them are fetched
through the request's DataLoaders, so a list of a hundred paths costs one store read for all
their nodes together.
"""

from __future__ import annotations

import enum
from typing import Any, Final, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types.nodes import SelectedField

from graphsvc.schema.context import Context
from graphsvc.schema.enums import NodeType, RelType, model_names, node_type_of, rel_type_of
from graphsvc.schema.execution import Columns
from graphsvc.stores import contract
from queries import results
from queries.errors import check_range

Info = strawberry.Info[Context, None]

MAX_FIRST: Final = 500
"""Most items one page or list field returns (``first``)."""


@strawberry.enum(description="Which relationships of a node: leaving it, entering it, or both.")
class Direction(enum.Enum):
    OUT = "OUT"
    IN = "IN"
    BOTH = "BOTH"


@strawberry.type(description="An actor or an object of the innovation network.")
class Node:
    id: strawberry.ID
    type: NodeType  # type: ignore[valid-type]
    name: str = strawberry.field(
        description="The name column, or the title of an achievement or a demand."
    )
    kind: str | None
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2 code.")
    region: str | None = strawberry.field(description="District or province.")
    properties: JSON = strawberry.field(
        description="Every other column of the node's row, "
        "with its declared type; empty cells are absent."
    )

    @classmethod
    def of(cls, node: contract.Node) -> Node:
        """The GraphQL view of a stored node."""
        return cls(
            id=strawberry.ID(node.id),
            type=node_type_of(node.type),
            name=node.name,
            kind=node.kind,
            country=node.country,
            region=node.region,
            properties=JSON(node.properties),
        )

    @strawberry.field(description="Relationships touching this node, ordered by id.")
    async def relationships(
        self,
        info: Info,
        types: list[RelType] | None = None,  # type: ignore[valid-type]
        direction: Direction = Direction.BOTH,
        first: int = 100,
    ) -> list[Relationship]:
        check_range("first", first, maximum=MAX_FIRST)
        return [
            Relationship.of(rel) for rel in await _touching(info, self.id, types, direction, first)
        ]

    @strawberry.field(
        description="The nodes at the other end of this node's relationships, "
        "each once, in the order of the relationships' ids."
    )
    async def neighbors(
        self,
        info: Info,
        types: list[NodeType] | None = None,  # type: ignore[valid-type]
        rel_types: list[RelType] | None = None,  # type: ignore[valid-type]
        direction: Direction = Direction.BOTH,
        first: int = 100,
    ) -> list[Node]:
        check_range("first", first, maximum=MAX_FIRST)
        rels = await _touching(info, self.id, rel_types, direction, None)
        ids = dict.fromkeys(rel.target if rel.source == self.id else rel.source for rel in rels)
        wanted = set(model_names(types) or ())
        found = await info.context.nodes.load_many(list(ids))
        return [
            Node.of(node)
            for node in found
            if node is not None and (not wanted or node.type in wanted)
        ][:first]

    @strawberry.field(description="How many relationships touch this node (its DEGREE).")
    async def degree(self, info: Info) -> int:
        return len(await info.context.relations.load((self.id, None)))


@strawberry.type(description="A relationship between two nodes.")
class Relationship:
    id: strawberry.ID = strawberry.field(description="The row's id, or source>TYPE>target.")
    type: RelType  # type: ignore[valid-type]
    source: strawberry.ID
    target: strawberry.ID
    weight: float = strawberry.field(
        description="The tie's strength (default 1); a path's cost is 1 / weight."
    )
    properties: JSON = strawberry.field(description="Every other column; weight always present.")

    @classmethod
    def of(cls, rel: contract.Relationship) -> Relationship:
        """The GraphQL view of a stored relationship."""
        return cls(
            id=strawberry.ID(rel.id),
            type=rel_type_of(rel.type),
            source=strawberry.ID(rel.source),
            target=strawberry.ID(rel.target),
            weight=rel.weight,
            properties=JSON(rel.properties),
        )

    @strawberry.field(name="sourceNode", description="The node the relationship leaves.")
    async def source_node(self, info: Info) -> Node | None:
        return await load_node(info, self.source)

    @strawberry.field(name="targetNode", description="The node the relationship enters.")
    async def target_node(self, info: Info) -> Node | None:
        return await load_node(info, self.target)


@strawberry.type(description="A route between two nodes over relationships in either direction.")
class Path:
    length: int = strawberry.field(description="How many relationships.")
    cost: float = strawberry.field(description="length, or the sum of 1 / weight when weighted.")
    node_ids: strawberry.Private[list[str]]
    relationships: list[Relationship] = strawberry.field(
        description="relationships[i] joins nodes[i] and nodes[i + 1], in either direction."
    )

    @classmethod
    def of(cls, path: results.Path) -> Path:
        """The GraphQL view of a ``queries.results.Path``."""
        return cls(
            length=path.length,
            cost=float(path.cost),
            node_ids=list(path.nodes),
            relationships=[Relationship.of(rel) for rel in path.relationships],
        )

    @strawberry.field(description="The nodes along the path, source first.")
    async def nodes(self, info: Info) -> list[Node]:
        return await load_nodes(info, self.node_ids)


@strawberry.type(description="Nodes and the relationships among them.")
class Subgraph:
    found: strawberry.Private[results.Ball]
    truncated: bool = strawberry.field(description="True when a limit cut the answer short.")

    @classmethod
    def of(cls, ball: results.Ball) -> Subgraph:
        """The GraphQL view of a ``queries.results.Ball``."""
        return cls(found=ball, truncated=ball.truncated)

    @strawberry.field(description="The nodes, in breadth-first order from the start.")
    async def nodes(self, info: Info) -> list[Node]:
        found = self.found
        if selected(info) <= NAMED:
            return cast(list[Node], Columns(id=found.nodes, name=found.names))
        return await load_nodes(info, found.nodes)

    @strawberry.field(description="The relationships among the nodes, ordered by id.")
    async def relationships(self, info: Info) -> list[Relationship]:
        found = self.found
        ids = found.relationship_ids
        if selected(info) & STORED_ONLY:
            store = info.context.store
            rows = await info.context.read(lambda: store.relationships(ids))
            missing = [id for id in ids if id not in rows]
            if missing:
                raise LookupError(f"relationship {missing[0]!r} of an answer is missing")
            return [Relationship.of(rows[id]) for id in ids]
        members = {name: rel_type_of(name) for name in set(found.relationship_types)}
        columns = Columns(
            id=ids,
            type=list(map(members.__getitem__, found.relationship_types)),
            source=found.sources,
            target=found.targets,
        )
        return cast(list[Relationship], columns)


NAMED: Final = frozenset({"id", "name", "__typename"})
"""The fields of a node that the projection's ids and names alone answer."""

STORED_ONLY: Final = frozenset({"weight", "properties"})
"""The fields of a relationship that only the store holds (a projection has the others)."""


def selected(info: Info) -> set[str]:
    """The names of the fields the field being resolved selects on its objects, directly or
    in fragments, whatever their directives say (so when in doubt, a field is selected)."""
    names: set[str] = set()
    pending: list[Any] = list(info.selected_fields[0].selections)
    while pending:
        selection = pending.pop()
        if isinstance(selection, SelectedField):
            names.add(selection.name)
        else:
            pending.extend(selection.selections)
    return names


async def load_node(info: Info, id: str) -> Node | None:
    """The node ``id`` through the request's DataLoader; None when there is none."""
    found = await info.context.nodes.load(id)
    return None if found is None else Node.of(found)


async def load_nodes(info: Info, ids: list[str]) -> list[Node]:
    """The nodes among ``ids`` that exist, in the order of ``ids``, in one batched read."""
    found = await info.context.nodes.load_many(ids)
    return [Node.of(node) for node in found if node is not None]


async def _touching(
    info: Info,
    id: str,
    types: list[Any] | None,
    direction: Direction,
    first: int | None,
) -> list[contract.Relationship]:
    names = model_names(types)
    key = (str(id), None if names is None else tuple(sorted(set(names))))
    rels = await info.context.relations.load(key)
    if direction is Direction.OUT:
        rels = [rel for rel in rels if rel.source == id]
    elif direction is Direction.IN:
        rels = [rel for rel in rels if rel.target == id]
    return rels if first is None else rels[:first]


async def must_load(info: Info, id: str) -> Node:
    """The node ``id``, which the answer being built refers to and so must exist."""
    node = await load_node(info, id)
    if node is None:
        raise LookupError(f"node {id!r} of an answer is missing from the store")
    return node
