"""Every Cypher statement the Neo4j store runs, generated from the graph model.

Nothing here is written per type by hand: each node type's label and each relation type's
relationship type come from :mod:`graphsvc.model`, and every statement is assembled from them
(like cartography's query builder). Values always travel as parameters (``$name``); the only
things formatted into a statement's text are

- labels and relationship types, checked against the model's vocabulary (plus the store's own
  fixed bookkeeping labels) by :func:`label` and :func:`relationship_type`, and
- the upper bound of a variable-length path, an ``int`` checked to lie in 1..8, because Cypher
  does not accept a parameter there.

:func:`all_statements` enumerates every statement the store can emit, so that the tests can parse
each one and check it against the model.

How the graph is laid out in Neo4j
----------------------------------
- A node of type ``T`` has the labels ``InnonetNode`` and ``T`` (``:InnonetNode:Institution``),
  its ``id``, its name under the model's name column (``name`` or ``title``), every other
  property of the row, and the bookkeeping properties ``innonet_name`` (the name again, for
  ordering across types) and ``innonet_search`` (what text search matches).
- A relation is a relationship of its type with its ``id`` and its properties.
- Who holds what is a relationship from the source, so that a refresh finds what its source
  holds by walking from one node instead of scanning the graph:
  ``(:InnonetSource {name, loaded_at})-[:HOLDS]->(:InnonetNode)`` for each node the source holds,
  and ``(:InnonetSource)-[:HOLDS_RELATIONSHIP {id}]->(itself)`` for each relationship it holds
  (a relationship cannot be the end of another, so the holding is a loop on the source node that
  carries the held relationship's id, found by a relationship index on ``id``).
- ``(:InnonetMeta {key: 'graph'})`` holds the published version, the data version, the layout
  version and the refresh lock.

Versions: what readers see
--------------------------
Every node and relationship a refresh writes (graph, sources, holdings and ``HOLDS``) carries
``innonet_from``, the version that wrote it; what a refresh removes gets ``innonet_until``, the
version that removed it; a node whose properties change keeps its old ones until publishing, the
new ones waiting on an ``InnonetStaged`` node. The meta node's ``published`` is the version
readers see, and every read passes it as ``$published`` and keeps to :func:`visible` elements.
So a refresh can write in many short transactions under ``published + 1`` and publish with one
small one; see :mod:`graphsvc.stores.neo4j` and docs/neo4j.md.

Only ``InnonetNode`` carries graph nodes, and only the model's relationship types join them:
every read of the graph names one or the other, so bookkeeping nodes and ``HOLDS`` relationships
never appear as graph nodes or relations.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Final

from graphsvc.model import NODE_TYPES, RELATION_TYPES, NodeType, RelationType

NODE_LABEL: Final = "InnonetNode"
"""Every graph node carries it: one uniqueness constraint on ``id`` across all types."""
SOURCE_LABEL: Final = "InnonetSource"
META_LABEL: Final = "InnonetMeta"
STAGED_LABEL: Final = "InnonetStaged"
"""The new properties of a node a refresh changes, until it publishes (never read as a node)."""
BOOKKEEPING_LABELS: Final = (NODE_LABEL, SOURCE_LABEL, META_LABEL, STAGED_LABEL)
VERSIONED_LABELS: Final = (NODE_LABEL, SOURCE_LABEL)
"""The nodes that carry versions (every relationship a refresh writes carries them too)."""

HOLDS: Final = "HOLDS"
"""``(:InnonetSource)-[:HOLDS]->(:InnonetNode)``: the source holds the node."""
HOLDS_RELATIONSHIP: Final = "HOLDS_RELATIONSHIP"
"""``(:InnonetSource)-[:HOLDS_RELATIONSHIP {id}]->(the same source)``: the source holds the
relation with that ``id``. A loop, not a node per relation: creating a relation with its holding
costs the server about a quarter of what a holding node and a relationship to it did."""
BOOKKEEPING_TYPES: Final = (HOLDS, HOLDS_RELATIONSHIP)

LAYOUT: Final = 4
"""The layout version written to the meta node (1 kept holders in ``innonet_sources`` lists; 2
had no versions: a refresh was one transaction; 3 kept a relation's holding as an
``InnonetHolding`` node)."""

RESERVED_PREFIX: Final = "innonet_"
"""Property keys the store keeps for itself; rows may not use them."""
NAME_KEY: Final = "innonet_name"
SEARCH_KEY: Final = "innonet_search"
FROM_KEY: Final = "innonet_from"
"""The version that wrote a node or relationship."""
UNTIL_KEY: Final = "innonet_until"
"""The version that removed a node or relationship (absent while it is in the graph)."""

MAX_HOPS: Final = 8
"""The largest path length a statement may ask for (API_CONTRACT.md: ``maxHops`` <= 8)."""

GDS_METRICS: Final = ("BETWEENNESS", "CLOSENESS", "HARMONIC")
"""Centrality metrics scored with Graph Data Science (see :func:`gds_stream`)."""

_NODE_LABELS: Final = frozenset(t.name for t in NODE_TYPES)
_RELATIONSHIP_TYPES: Final = frozenset(t.name for t in RELATION_TYPES)


@dataclass(frozen=True, slots=True)
class Statement:
    """One Cypher statement: a stable ``name`` (for golden files and logs) and its ``text``.

    ``schema`` marks constraint and index definitions, which run in their own transactions.
    """

    name: str
    text: str
    schema: bool = False


def label(name: str) -> str:
    """``name`` as a label, refused unless it is a model node type or a bookkeeping label."""
    if name not in _NODE_LABELS and name not in BOOKKEEPING_LABELS:
        raise ValueError(f"{name!r} is not a node label of the model")
    return name


def relationship_type(name: str) -> str:
    """``name`` as a relationship type, refused unless it is a model relation type."""
    if name not in _RELATIONSHIP_TYPES:
        raise ValueError(f"{name!r} is not a relation type of the model")
    return name


def _model_types() -> str:
    """Every model relationship type, ``|``-joined: a pattern matching graph relations only."""
    return "|".join(relationship_type(t.name) for t in RELATION_TYPES)


def visible(var: str) -> str:
    """The condition that node or relationship ``var`` is in the published graph.

    Written by a published version (``innonet_from <= $published``) and not removed by one.
    Every read passes the version it reads as ``$published``.

    >>> visible("n")
    '(n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published))'
    """
    if not var.isidentifier():
        raise ValueError(f"{var!r} is not a variable")
    return (
        f"({var}.{FROM_KEY} <= $published "
        f"AND ({var}.{UNTIL_KEY} IS NULL OR {var}.{UNTIL_KEY} > $published))"
    )


def _hops(max_hops: int) -> int:
    if isinstance(max_hops, bool) or not isinstance(max_hops, int):
        raise ValueError(f"max_hops must be an int, got {max_hops!r}")
    if not 1 <= max_hops <= MAX_HOPS:
        raise ValueError(f"max_hops must be between 1 and {MAX_HOPS}, got {max_hops}")
    return max_hops


def _snake(name: str) -> str:
    """``OverseasChannel`` -> ``overseas_channel``, ``TRANSFERRED_TO`` -> ``transferred_to``."""
    out = []
    for i, char in enumerate(name):
        if char.isupper() and i and not name[i - 1].isupper() and name[i - 1] != "_":
            out.append("_")
        out.append(char.lower())
    return "".join(out)


# --- schema ------------------------------------------------------------------------------
def _unique(owner: str, key: str) -> Statement:
    name = f"{_snake(owner)}_{key}_unique"
    return Statement(
        f"schema.constraint.{owner}.{key}",
        f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label(owner)}) REQUIRE n.{key} IS UNIQUE",
        schema=True,
    )


def _node_index(owner: str, keys: Sequence[str], *, text: bool = False) -> Statement:
    kind = "TEXT INDEX" if text else "INDEX"
    name = f"{_snake(owner)}_{'_'.join(k.removeprefix(RESERVED_PREFIX) for k in keys)}"
    on = ", ".join(f"n.{key}" for key in keys)
    return Statement(
        f"schema.index.{owner}.{'.'.join(keys)}",
        f"CREATE {kind} {name} IF NOT EXISTS FOR (n:{label(owner)}) ON ({on})",
        schema=True,
    )


def schema_statements() -> list[Statement]:
    """Constraints and indexes, each idempotent (``IF NOT EXISTS``).

    - ``id`` is unique on ``InnonetNode`` (ids are unique across the whole graph) and on every
      node type's label; source names and the meta key are unique too.
    - Search: a composite range index on (``innonet_name``, ``id``) for the ordered pages, a text
      index on ``innonet_search`` for ``CONTAINS``, range indexes on ``kind``, ``country`` and
      ``region``, and each type's name column for people browsing the graph.
    - Refresh bookkeeping: a range index on ``id`` for every relationship type, which the
      refresh uses to find relationships by id, and one on ``HOLDS_RELATIONSHIP.id`` (from a
      relationship to the sources holding it); ``InnonetSource.name`` is unique (where every
      walk over a source's holdings starts).
    """
    statements = [
        _unique(NODE_LABEL, "id"),
        *(_unique(t.name, "id") for t in NODE_TYPES),
        _unique(SOURCE_LABEL, "name"),
        _unique(META_LABEL, "key"),
        _node_index(NODE_LABEL, (NAME_KEY, "id")),
        _node_index(NODE_LABEL, (SEARCH_KEY,), text=True),
        *(_node_index(NODE_LABEL, (key,)) for key in ("kind", "country", "region")),
        *(_node_index(t.name, (t.name_column,)) for t in NODE_TYPES),
    ]
    for rel in (*(t.name for t in RELATION_TYPES), HOLDS_RELATIONSHIP):
        statements.append(
            Statement(
                f"schema.index.{rel}.id",
                f"CREATE INDEX {_snake(rel)}_id IF NOT EXISTS "
                f"FOR ()-[r:{_versioned_type(rel)}]-() ON (r.id)",
                schema=True,
            )
        )
    return statements


AWAIT_INDEXES: Final = Statement("schema.await", "CALL db.awaitIndexes($seconds)")
"""Wait until every index is online (run after :func:`schema_statements`): an index still
populating is not used by the planner, and a uniqueness constraint's index must be online
before it guards anything."""


# --- refresh -----------------------------------------------------------------------------
# A refresh writes under version V = published + 1 in many short transactions: what it creates
# carries innonet_from = V, what it removes gets innonet_until = V, and a node whose properties
# change gets its new properties on an InnonetStaged node. Readers see only the published
# version (see :func:`visible`), so none of it shows until one small transaction publishes V.
# Every write transaction of a refresh ends with TAKE_META_LOCK and RENEW_LEASE: holding the
# meta node's write lock, it checks that the refresh lock is still its own before it commits.
_META: Final = f"(m:{META_LABEL} {{key: 'graph'}})"
_NOW: Final = "datetime.realtime().epochMillis"
"""The server's clock in milliseconds: every lease is stamped and compared by the server."""

CREATE_META: Final = Statement(
    "refresh.meta.create",
    f"MERGE {_META} ON CREATE SET m.published = 0, m.data_version = $data_version, "
    "m.layout = $layout, m.refresh_lock = $no_lock, m.refresh_lock_until = 0, "
    "m.refresh_dirty = false",
)
"""The meta node, made once: an empty graph, published version 0, and a free lock (every key
the other meta statements read exists, so none of them draws an unknown-property warning)."""

TAKE_META_LOCK: Final = Statement(
    "refresh.meta.lock",
    f"MATCH {_META} SET m.refresh_lock_checked = {_NOW}",
)
"""Take the meta node's write lock (a write does): whatever this transaction reads of the meta
node afterwards is the latest, and no other refresh can change it until this one ends."""

ACQUIRE_LOCK: Final = Statement(
    "refresh.lock.acquire",
    f"MATCH {_META} WITH m, {_NOW} AS now, coalesce(m.refresh_dirty, false) AS dirty "
    "WHERE m.refresh_lock IS NULL OR m.refresh_lock_until < now "
    "SET m.refresh_lock = $tag, m.refresh_lock_until = now + $lease_ms, m.refresh_dirty = true "
    "RETURN m.published AS published, dirty",
)
"""Take the refresh lock when it is free or its lease ran out (after :data:`TAKE_META_LOCK`).
``dirty`` says an earlier refresh may have left unpublished writes or uncollected removals."""

RENEW_LEASE: Final = Statement(
    "refresh.lock.renew",
    f"MATCH {_META} WHERE m.refresh_lock = $tag "
    f"SET m.refresh_lock_until = {_NOW} + $lease_ms RETURN m.published AS published",
)
"""Extend the lease of the lock ``$tag`` holds; no row when the lock is no longer its own."""

RELEASE_LOCK: Final = Statement(
    "refresh.lock.release",
    f"MATCH {_META} WHERE m.refresh_lock = $tag "
    "SET m.refresh_dirty = CASE WHEN $dirty THEN true END "
    "REMOVE m.refresh_lock, m.refresh_lock_until RETURN count(m) AS released",
)
"""Release the lock ``$tag`` holds, saying whether cleaning up is left to the next refresh."""

RECORD_SOURCE: Final = Statement(
    "refresh.source",
    f"MERGE (s:{SOURCE_LABEL} {{name: $source}}) "
    f"ON CREATE SET s.{FROM_KEY} = $version, s.loaded_at = $loaded_at",
)
"""Create the source node (unpublished) when it is new; every ``HOLDS`` starts there."""

HELD_NODES: Final = Statement(
    "refresh.held.nodes",
    f"MATCH (:{SOURCE_LABEL} {{name: $source}})-[h:{HOLDS}]->(n:{NODE_LABEL}) "
    f"WHERE {visible('h')} RETURN n.id AS id",
)
"""The ids of every node ``$source`` holds: a walk from the source node, no scan of the graph."""

HELD_RELATIONSHIPS: Final = Statement(
    "refresh.held.relationships",
    f"MATCH (:{SOURCE_LABEL} {{name: $source}})-[x:{HOLDS_RELATIONSHIP}]->() "
    f"WHERE {visible('x')} RETURN x.id AS id",
)
"""The ids of every relationship ``$source`` holds (a walk from the source node)."""

ANY_NODE: Final = Statement(
    "refresh.any_node", f"MATCH (n:{NODE_LABEL}) RETURN count(n) > 0 AS any"
)
"""Whether the database holds any graph node at all, published or not (a count the store keeps:
no scan). Without one nothing can be live or held, so a refresh has nothing to compare."""

STAGE_NODES: Final = Statement(
    "refresh.stage.nodes",
    f"UNWIND $rows AS row CREATE (s:{STAGED_LABEL}) SET s = row.props",
)
"""The new properties of nodes that exist and change, kept aside until the version is published."""

HOLD_NODES: Final = Statement(
    "refresh.hold.nodes",
    f"MATCH (s:{SOURCE_LABEL} {{name: $source}}) "
    f"UNWIND $ids AS node_id MATCH (n:{NODE_LABEL} {{id: node_id}}) "
    f"CREATE (s)-[:{HOLDS} {{{FROM_KEY}: $version}}]->(n)",
)
"""``$source`` now holds these nodes (which it did not hold before)."""

RELEASE_NODES: Final = Statement(
    "refresh.release.nodes",
    f"UNWIND $ids AS node_id MATCH (n:{NODE_LABEL} {{id: node_id}})<-[h:{HOLDS}]-(s) "
    f"WHERE s.name = $source AND h.{UNTIL_KEY} IS NULL SET h.{UNTIL_KEY} = $version",
)
"""``$source`` no longer holds these nodes, which another source still holds.

The source end has no label on purpose: no index can start the match there, so it starts at the
node (by id) and walks its few ``HOLDS`` back, instead of walking every ``HOLDS`` of the source
for each row.
"""

REMOVE_NODES: Final = Statement(
    "refresh.remove.nodes",
    f"UNWIND $ids AS node_id MATCH (n:{NODE_LABEL} {{id: node_id}}) SET n.{UNTIL_KEY} = $version",
)
"""Nodes that no source holds go with version ``$version`` (see :data:`REMOVE_NODE_LINKS`)."""

REMOVE_NODE_LINKS: Final = Statement(
    "refresh.remove.node_links",
    f"UNWIND $ids AS node_id MATCH (n:{NODE_LABEL} {{id: node_id}})-[r]-() "
    f"WHERE r.{UNTIL_KEY} IS NULL SET r.{UNTIL_KEY} = $version",
)
"""Every relationship touching those nodes goes with them (their ``HOLDS`` included)."""

HOLD_RELATIONSHIPS: Final = Statement(
    "refresh.hold.relationships",
    f"MATCH (s:{SOURCE_LABEL} {{name: $source}}) "
    f"UNWIND $ids AS rel_id "
    f"CREATE (s)-[:{HOLDS_RELATIONSHIP} {{id: rel_id, {FROM_KEY}: $version}}]->(s)",
)
"""``$source`` now holds these relationships (which it did not hold before)."""

RELEASE_RELATIONSHIPS: Final = Statement(
    "refresh.release.relationships",
    f"UNWIND $ids AS rel_id "
    f"MATCH (s)-[x:{HOLDS_RELATIONSHIP} {{id: rel_id}}]->() "
    f"WHERE s.name = $source AND x.{UNTIL_KEY} IS NULL SET x.{UNTIL_KEY} = $version",
)
"""``$source`` no longer holds these relationships, which another source still holds (the match
starts from the index on the holdings' ``id``, as :data:`RELEASE_NODES` starts at the node)."""

REMOVE_HOLDINGS: Final = Statement(
    "refresh.remove.holdings",
    f"UNWIND $ids AS rel_id MATCH ()-[x:{HOLDS_RELATIONSHIP} {{id: rel_id}}]->() "
    f"WHERE x.{UNTIL_KEY} IS NULL SET x.{UNTIL_KEY} = $version",
)
"""Forget who held these relationships (they go in the same version)."""

RELATIONSHIPS_TOUCHING: Final = Statement(
    "refresh.relationships.touching",
    f"UNWIND $ids AS node_id MATCH (n:{NODE_LABEL} {{id: node_id}})-[r:{_model_types()}]-() "
    f"WHERE {visible('r')} RETURN DISTINCT r.id AS id, type(r) AS type",
)
"""The graph relationships touching nodes about to be removed (never their ``HOLDS``)."""

APPLY_STAGED: Final = Statement(
    "refresh.publish.staged",
    f"MATCH (s:{STAGED_LABEL}) MATCH (n:{NODE_LABEL} {{id: s.id}}) "
    f"WITH n, s, n.{FROM_KEY} AS born SET n = properties(s), n.{FROM_KEY} = born DELETE s",
)
"""Publishing: changed nodes take their staged properties (in the publishing transaction)."""

STAMP_SOURCE: Final = Statement(
    "refresh.publish.source",
    f"MATCH (s:{SOURCE_LABEL} {{name: $source}}) SET s.loaded_at = $loaded_at",
)

PUBLISH_VERSION: Final = Statement(
    "refresh.publish.version",
    f"MATCH {_META} SET m.published = $version, m.data_version = $data_version, m.layout = $layout",
)
"""The last statement of publishing: from its commit on, readers see version ``$version``."""

COLLECT_NODES: Final = Statement(
    "refresh.collect.nodes",
    f"UNWIND $ids AS node_id MATCH (n:{NODE_LABEL} {{id: node_id}}) "
    f"WHERE n.{UNTIL_KEY} <= $published DETACH DELETE n",
)
"""After publishing: delete removed nodes (with their relationships, removed with them)."""

COLLECT_HOLDS: Final = Statement(
    "refresh.collect.holds",
    f"UNWIND $ids AS node_id MATCH (n:{NODE_LABEL} {{id: node_id}})<-[h:{HOLDS}]-() "
    f"WHERE h.{UNTIL_KEY} <= $published DELETE h",
)

COLLECT_HOLDINGS: Final = Statement(
    "refresh.collect.holdings",
    f"UNWIND $ids AS rel_id MATCH ()-[x:{HOLDS_RELATIONSHIP} {{id: rel_id}}]->() "
    f"WHERE x.{UNTIL_KEY} <= $published DELETE x",
)
"""After publishing: delete the holdings of relationships released or removed."""

SWEEP_STAGED: Final = Statement(
    "refresh.sweep.staged",
    f"MATCH (s:{STAGED_LABEL}) WITH s LIMIT $batch DELETE s RETURN count(*) AS done",
)
"""Cleaning up after a refresh that never published: its staged properties go."""


def create_nodes(node_type: NodeType) -> Statement:
    """Create nodes of one type, unpublished, each held by ``$source``; ``row.props`` is every
    property they keep.

    A node no one has held has no ``HOLDS`` yet, so it gets its one here, in the same pass,
    rather than by :data:`HOLD_NODES` looking each node up again. ``+=`` on a node just created
    sets the same properties as ``=``, without first clearing the (absent) old ones.
    """
    return Statement(
        f"refresh.create.{node_type.name}",
        f"MATCH (s:{SOURCE_LABEL} {{name: $source}}) "
        f"UNWIND $rows AS row CREATE (n:{label(NODE_LABEL)}:{label(node_type.name)}) "
        f"SET n += row.props, n.{FROM_KEY} = $version "
        f"CREATE (s)-[:{HOLDS} {{{FROM_KEY}: $version}}]->(n)",
    )


def relationship_columns(rel_type: RelationType) -> tuple[str, ...]:
    """The properties a relationship of ``rel_type`` may have that the model names: its id and
    its type's columns. Any other property is an extra column of the bundle (see
    :func:`set_extra_columns`).

    >>> relationship_columns(RELATION_TYPES[0])
    ('id', 'date', 'amount_cny', 'weight', 'mode', 'note')
    """
    return ("id", *(prop.name for prop in rel_type.properties))


def _column_map(rel_type: RelationType) -> str:
    """``{id: row.props.id, ...}``: the model's columns written in a pattern, by name.

    Written out rather than ``SET r += row.props``: a map of unknown keys could set a property
    that the statement's own ``MATCH ... {id: ...}`` reads, so the planner adds an ``Eager`` that
    holds a whole batch in memory before it creates anything (a null value sets nothing).
    """
    columns = relationship_columns(rel_type)
    for column in columns:
        if not column.isidentifier() or column.startswith(RESERVED_PREFIX):
            raise ValueError(f"{column!r} cannot be a relationship property")
    return ", ".join(f"{column}: row.props.{column}" for column in columns)


def create_relationships(rel_type: RelationType) -> Statement:
    """Create new relationships of one type between existing endpoints, unpublished, each with
    its holding held by ``$source``: a relationship no one has held has no holding yet, so it is
    created here, in the same pass, rather than looked up by :data:`HOLD_RELATIONSHIPS`.
    ``row.props`` holds the model's columns; extra columns follow (:func:`set_extra_columns`)."""
    return Statement(
        f"refresh.create.{rel_type.name}",
        f"MATCH (s:{SOURCE_LABEL} {{name: $source}}) "
        f"UNWIND $rows AS row "
        f"MATCH (a:{NODE_LABEL} {{id: row.source}}) "
        f"MATCH (b:{NODE_LABEL} {{id: row.target}}) "
        f"CREATE (a)-[:{relationship_type(rel_type.name)} "
        f"{{{_column_map(rel_type)}, {FROM_KEY}: $version}}]->(b) "
        f"CREATE (s)-[:{HOLDS_RELATIONSHIP} {{id: row.props.id, {FROM_KEY}: $version}}]->(s)",
    )


def replace_relationships(rel_type: RelationType) -> Statement:
    """Create relationships of one type that replace a stored one under the same id (its values,
    type or endpoints changed), unpublished; their holdings exist already. ``row.props`` holds
    the model's columns; extra columns follow (:func:`set_extra_columns`)."""
    return Statement(
        f"refresh.replace.{rel_type.name}",
        f"UNWIND $rows AS row "
        f"MATCH (a:{NODE_LABEL} {{id: row.source}}) "
        f"MATCH (b:{NODE_LABEL} {{id: row.target}}) "
        f"CREATE (a)-[:{relationship_type(rel_type.name)} "
        f"{{{_column_map(rel_type)}, {FROM_KEY}: $version}}]->(b)",
    )


def set_extra_columns(rel_type: RelationType) -> Statement:
    """Give relationships of one type that this refresh created their extra columns (the
    bundle's columns the model does not name, kept as properties): ``row.extra`` by ``row.id``."""
    return Statement(
        f"refresh.extra.{rel_type.name}",
        f"UNWIND $rows AS row "
        f"MATCH ()-[r:{relationship_type(rel_type.name)} {{id: row.id}}]->() "
        f"WHERE r.{FROM_KEY} = $version SET r += row.extra",
    )


def remove_relationships(rel_type: RelationType) -> Statement:
    """Relationships of one type go with version ``$version`` (removed, or replaced by a new
    relationship under the same id)."""
    return Statement(
        f"refresh.remove.{rel_type.name}",
        f"UNWIND $ids AS rel_id MATCH ()-[r:{relationship_type(rel_type.name)} {{id: rel_id}}]->() "
        f"WHERE r.{UNTIL_KEY} IS NULL AND r.{FROM_KEY} <= $published SET r.{UNTIL_KEY} = $version",
    )


def collect_relationships(rel_type: RelationType) -> Statement:
    """After publishing: delete the relationships of one type that went."""
    return Statement(
        f"refresh.collect.{rel_type.name}",
        f"UNWIND $ids AS rel_id MATCH ()-[r:{relationship_type(rel_type.name)} {{id: rel_id}}]->() "
        f"WHERE r.{UNTIL_KEY} <= $published DELETE r",
    )


def _versioned_label(name: str) -> str:
    if name not in VERSIONED_LABELS:
        raise ValueError(f"{name!r} is not a versioned label")
    return name


def _versioned_type(name: str) -> str:
    if name not in _RELATIONSHIP_TYPES and name not in BOOKKEEPING_TYPES:
        raise ValueError(f"{name!r} is not a versioned relationship type")
    return name


def sweep_nodes(name: str) -> Statement:
    """A batch of nodes with label ``name`` that no reader may see again: written by a refresh
    that never published, or removed by a published one and not deleted yet."""
    return Statement(
        f"refresh.sweep.{name}",
        f"MATCH (n:{_versioned_label(name)}) "
        f"WHERE n.{FROM_KEY} > $published OR n.{UNTIL_KEY} <= $published "
        "WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS done",
    )


def sweep_relationships(name: str) -> Statement:
    """:func:`sweep_nodes` for relationships of type ``name``."""
    return Statement(
        f"refresh.sweep.{name}",
        f"MATCH ()-[r:{_versioned_type(name)}]->() "
        f"WHERE r.{FROM_KEY} > $published OR r.{UNTIL_KEY} <= $published "
        "WITH r LIMIT $batch DELETE r RETURN count(*) AS done",
    )


def unmark_nodes(name: str) -> Statement:
    """A batch of nodes with label ``name`` that a refresh which never published meant to
    remove: they stay."""
    return Statement(
        f"refresh.unmark.{name}",
        f"MATCH (n:{_versioned_label(name)}) WHERE n.{UNTIL_KEY} > $published "
        f"WITH n LIMIT $batch REMOVE n.{UNTIL_KEY} RETURN count(*) AS done",
    )


def unmark_relationships(name: str) -> Statement:
    """:func:`unmark_nodes` for relationships of type ``name``."""
    return Statement(
        f"refresh.unmark.{name}",
        f"MATCH ()-[r:{_versioned_type(name)}]->() WHERE r.{UNTIL_KEY} > $published "
        f"WITH r LIMIT $batch REMOVE r.{UNTIL_KEY} RETURN count(*) AS done",
    )


def sweep_statements() -> list[Statement]:
    """Cleaning up after a refresh that did not finish, in order: relationships first (so that
    no batch deletes a node with all its relationships), then nodes, then kept removals."""
    rel_names = [t.name for t in RELATION_TYPES] + list(BOOKKEEPING_TYPES)
    return [
        *(sweep_relationships(name) for name in rel_names),
        *(sweep_nodes(name) for name in VERSIONED_LABELS),
        *(unmark_relationships(name) for name in rel_names),
        *(unmark_nodes(name) for name in VERSIONED_LABELS),
        SWEEP_STAGED,
    ]


WIPE_RELATIONSHIPS: Final = Statement(
    "admin.wipe.relationships",
    "MATCH ()-[r]->() WITH r LIMIT $batch DELETE r RETURN count(*) AS deleted",
)
"""Delete a bounded batch of every relationship in the database. It runs before :data:`WIPE`, so
that deleting a source node (with a ``HOLDS`` to everything it holds) is not one huge
transaction."""

WIPE: Final = Statement(
    "admin.wipe",
    "MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted",
)
"""Delete a bounded batch of every node in the database (tests start from an empty one)."""


# --- reads -------------------------------------------------------------------------------
DATA_VERSION: Final = Statement(
    "read.data_version",
    f"MATCH (m:{META_LABEL} {{key: 'graph'}}) "
    "RETURN m.data_version AS version, m.published AS published",
)
"""The data version and the version number readers pass as ``$published``."""

READ_NODES: Final = Statement(
    "read.nodes",
    f"UNWIND $ids AS node_id MATCH (n:{NODE_LABEL} {{id: node_id}}) WHERE {visible('n')} "
    "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
)
"""The nodes among ``$ids`` with their labels and every property (bookkeeping included)."""

NODE_HOLDERS: Final = Statement(
    "read.holders.nodes",
    f"UNWIND $ids AS node_id MATCH (n:{NODE_LABEL} {{id: node_id}}) WHERE {visible('n')} "
    f"RETURN n.id AS id, labels(n) AS labels, "
    f"[(s:{SOURCE_LABEL})-[h:{HOLDS}]->(n) WHERE {visible('h')} | s.name] AS sources",
)
"""The nodes among ``$ids`` with the sources holding each (a walk of each node's few ``HOLDS``)."""

RELATIONSHIP_HOLDERS: Final = Statement(
    "read.holders.relationships",
    f"UNWIND $ids AS rel_id MATCH (s)-[x:{HOLDS_RELATIONSHIP} {{id: rel_id}}]->() "
    f"WHERE {visible('x')} RETURN rel_id AS id, collect(s.name) AS sources",
)
"""The relationships among ``$ids`` that someone holds, with the sources holding each."""

READ_LAYOUT: Final = Statement(
    "read.layout",
    f"MATCH (m:{META_LABEL} {{key: 'graph'}}) RETURN m.data_version AS version, m.layout AS layout",
)
"""Which layout wrote the graph (a graph written by layout 1 must be wiped and reloaded)."""


def _relationship_columns(var: str, source: str, target: str) -> str:
    return (
        f"{var}.id AS id, type({var}) AS type, {source}.id AS source, {target}.id AS target, "
        f"properties({var}) AS props"
    )


def read_relationships(rel_type: RelationType) -> Statement:
    """The relationships of one type among ``$ids`` (an indexed lookup by id)."""
    return Statement(
        f"read.relationships.{rel_type.name}",
        f"UNWIND $ids AS rel_id MATCH (a:{NODE_LABEL})-[r:{relationship_type(rel_type.name)} "
        f"{{id: rel_id}}]->(b:{NODE_LABEL}) WHERE {visible('r')} "
        f"RETURN {_relationship_columns('r', 'a', 'b')}",
    )


RELATIONSHIPS_OF: Final = Statement(
    "read.relationships_of",
    f"UNWIND $ids AS node_id "
    f"MATCH (n:{NODE_LABEL} {{id: node_id}})-[r:{_model_types()}]-(m:{NODE_LABEL}) "
    f"WHERE {visible('n')} AND {visible('r')} AND ($types IS NULL OR type(r) IN $types) "
    "WITH DISTINCT r "
    f"RETURN {_relationship_columns('r', 'startNode(r)', 'endNode(r)')} ORDER BY id",
)

RELATIONSHIPS_AMONG: Final = Statement(
    "read.relationships_among",
    f"UNWIND $ids AS node_id "
    f"MATCH (n:{NODE_LABEL} {{id: node_id}})-[r:{_model_types()}]->(m:{NODE_LABEL}) "
    f"WHERE $members[m.id] IS NOT NULL AND {visible('n')} AND {visible('r')} "
    "AND ($types IS NULL OR type(r) IN $types) "
    f"RETURN {_relationship_columns('r', 'n', 'm')}",
)
"""The relationships from the nodes ``$ids`` to nodes among ``$members`` (``$ids`` a batch of
them; ``$members`` a map whose keys are all of them): each node's outgoing relationships, only
those inside the set returned. A map, not ``m.id IN $list``: the planner would seek every member
as ``m`` for each ``n`` and look for relationships between each pair (5,000 members: past the
30 s limit)."""

SEARCH_FILTERS: Final = ("text", "types", "kinds", "country", "region")
"""The filters of a search, in the order their conditions are written."""

_SEARCH_CONDITIONS: Final = {
    "text": f"n.{SEARCH_KEY} CONTAINS $text",
    "types": "any(l IN labels(n) WHERE l IN $types)",
    "kinds": "n.kind IN $kinds",
    "country": "n.country = $country",
    "region": "n.region = $region",
}


def _search_filters(given: Collection[str]) -> list[str]:
    unknown = sorted(set(given) - set(SEARCH_FILTERS))
    if unknown:
        raise ValueError(f"unknown search filters {unknown}; known: {', '.join(SEARCH_FILTERS)}")
    return [f for f in SEARCH_FILTERS if f in given]


def search_count(given: Collection[str]) -> Statement:
    """How many nodes match the filters ``given`` (names from :data:`SEARCH_FILTERS`).

    Only the given filters are written, each an indexable predicate on a parameter: ``text`` is
    answered by the text index on ``innonet_search``, ``kinds``/``country``/``region`` by their
    range indexes (each in the published graph). ``types`` alone, or no filter, is not asked
    here: the store adds up :func:`count_nodes` of each type (a scan of that label) instead.
    """
    filters = _search_filters(given)
    if filters in (["types"], []):
        raise ValueError("a count by types alone, or of all, is the sum of count_nodes() by type")
    where = " AND ".join([visible("n"), *(_SEARCH_CONDITIONS[f] for f in filters)])
    return Statement(
        f"read.search.count.{'+'.join(filters) or 'all'}",
        f"MATCH (n:{NODE_LABEL}) WHERE {where} RETURN count(n) AS total",
    )


def search_page(given: Collection[str], *, after: bool) -> Statement:
    """One page of the nodes matching the filters ``given``, in (``innonet_name``, ``id``) order,
    after the keyset cursor ``($after_name, $after_id)`` when ``after``.

    The cursor is written as a range on ``innonet_name`` (``>= $after_name``) plus the tie
    break, so the composite index on (``innonet_name``, ``id``) can start the page at the cursor
    and hand the rows over in order, with no sort; without a cursor ``IS NOT NULL`` on both
    keys (true of every node; a composite index is scanned only when every key is bound) lets
    it do the same from the start. Which index answers is the planner's choice
    by selectivity: the text index for ``text``, a range index for ``kinds``/``country``/
    ``region``, the ordered composite index otherwise.
    """
    filters = _search_filters(given)
    conditions = [visible("n"), *(_SEARCH_CONDITIONS[f] for f in filters)]
    if after:
        conditions += [
            f"n.{NAME_KEY} >= $after_name",
            "n.id IS NOT NULL",
            f"(n.{NAME_KEY} > $after_name OR n.id > $after_id)",
        ]
    else:
        conditions += [f"n.{NAME_KEY} IS NOT NULL", "n.id IS NOT NULL"]
    return Statement(
        f"read.search.page.{'+'.join(filters) or 'all'}{'.after' if after else ''}",
        f"MATCH (n:{NODE_LABEL}) WHERE {' AND '.join(conditions)} "
        "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props "
        f"ORDER BY n.{NAME_KEY}, n.id LIMIT $page_size",
    )


def search_statements() -> Iterator[Statement]:
    """Every search statement: a page (with and without a cursor) and a count for every
    combination of filters (but the counts by types alone and of all, see :func:`search_count`)."""
    for size in range(len(SEARCH_FILTERS) + 1):
        for given in combinations(SEARCH_FILTERS, size):
            if given not in (("types",), ()):
                yield search_count(given)
            yield search_page(given, after=False)
            yield search_page(given, after=True)


def count_nodes(node_type: NodeType) -> Statement:
    """How many nodes of one type the published graph holds."""
    return Statement(
        f"read.counts.{node_type.name}",
        f"MATCH (n:{label(node_type.name)}) WHERE {visible('n')} RETURN count(n) AS count",
    )


def count_relationships(rel_type: RelationType) -> Statement:
    """How many relationships of one type the published graph holds."""
    return Statement(
        f"read.counts.{rel_type.name}",
        f"MATCH ()-[r:{relationship_type(rel_type.name)}]->() WHERE {visible('r')} "
        "RETURN count(r) AS count",
    )


SOURCES: Final = Statement(
    "read.sources",
    f"MATCH (s:{SOURCE_LABEL}) WHERE {visible('s')} "
    "RETURN s.name AS name, s.loaded_at AS loaded_at, "
    f"size([(s)-[h:{HOLDS}]->() WHERE {visible('h')} | 1]) AS nodes, "
    f"size([(s)-[x:{HOLDS_RELATIONSHIP}]->() WHERE {visible('x')} | 1]) AS relationships "
    "ORDER BY name",
)
"""Each source with how many nodes and relationships it holds: the number of its ``HOLDS`` and
``HOLDS_RELATIONSHIP`` (a walk of the source's own holdings, never a scan of the graph)."""

NODE_PAGE: Final = Statement(
    "read.iter.nodes",
    f"MATCH (n:{NODE_LABEL}) WHERE n.id > $after AND {visible('n')} "
    "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.id LIMIT $page_size",
)
"""A page of every node ordered by id (keyset paging on the ``id`` constraint's index)."""


def edge_page(rel_type: RelationType) -> Statement:
    """A page of one type's relationships in light form, ordered by id (indexed per type):
    ends and properties (the weight and date among them, and what a projection keeps for the
    paths it shows)."""
    return Statement(
        f"read.iter.{rel_type.name}",
        f"MATCH (a:{NODE_LABEL})-[r:{relationship_type(rel_type.name)}]->(b:{NODE_LABEL}) "
        f"WHERE r.id > $after AND {visible('r')} "
        "RETURN r.id AS id, a.id AS source, b.id AS target, properties(r) AS props "
        "ORDER BY r.id LIMIT $page_size",
    )


# --- push-down ---------------------------------------------------------------------------
def shortest_path(max_hops: int, *, typed: bool, via: bool) -> Statement:
    """One shortest path between ``$source`` and ``$target`` on U.

    The pattern is undirected, over the model's relationship types, at most ``max_hops`` long
    (an int in 1..8 formatted into the text: Cypher takes no parameter there). With ``typed``
    every relationship's type must be in ``$types``; with ``via`` every node other than the two
    endpoints must carry a label in ``$via`` (the store fills both from the model's vocabulary).

    Both conditions are written as ``all(... IN relationships(p) / nodes(p) WHERE ...)`` over the
    whole path, the endpoints exempted by identity (``x = a OR x = b``): that is the form Neo4j's
    shortest-path planner checks *during* its bidirectional breadth-first search. A slice such as
    ``nodes(p)[1..-1]`` is not, and makes Neo4j 5.23+ plan an exhaustive enumeration of every
    path instead (notification ``ExhaustiveShortestPath``), which times out on real graphs.
    """
    hops = _hops(max_hops)
    conditions = [f"all(r IN relationships(p) WHERE {visible('r')})"]
    if typed:
        conditions.append("all(r IN relationships(p) WHERE type(r) IN $types)")
    if via:
        conditions.append(
            "all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via))"
        )
    where = f" WHERE {visible('a')} AND {visible('b')} AND {' AND '.join(conditions)}"
    relationships = (
        "[r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, "
        "target: endNode(r).id, props: properties(r)}]"
    )
    return Statement(
        f"path.shortest.{hops}{'.typed' if typed else ''}{'.via' if via else ''}",
        f"MATCH p = shortestPath((a:{NODE_LABEL} {{id: $source}})-[:{_model_types()}*1..{hops}]-"
        f"(b:{NODE_LABEL} {{id: $target}})){where} "
        f"RETURN {relationships} AS rels",
    )


DEGREE: Final = Statement(
    "centrality.degree",
    f"MATCH (n:{NODE_LABEL}) WHERE {visible('n')} "
    f"RETURN n.id AS id, "
    f"size([(n)-[r:{_model_types()}]-(:{NODE_LABEL}) WHERE {visible('r')} | r]) AS score",
)
"""DEGREE: the number of relationships touching each node (no plugin needed)."""

GDS_VERSION: Final = Statement(
    "gds.version", "CALL gds.version() YIELD gdsVersion RETURN gdsVersion AS version"
)
"""Fails with ``ProcedureNotFound`` when Graph Data Science is not installed."""

GRAPH_NODES: Final = Statement(
    "gds.nodes", f"MATCH (n:{NODE_LABEL}) WHERE {visible('n')} RETURN count(n) AS count"
)
"""How many nodes the published graph holds: an empty graph has no GDS projection."""

GDS_PROJECT_U: Final = Statement(
    "gds.project.U",
    f"MATCH (s:{NODE_LABEL}) WHERE {visible('s')} "
    f"OPTIONAL MATCH (s)-[r:{_model_types()}]-(t:{NODE_LABEL}) "
    f"WHERE s.id < t.id AND {visible('r')} "
    "WITH DISTINCT s, t "
    "RETURN gds.graph.project($graph, s, t, {}, {undirectedRelationshipTypes: ['*']}) AS g",
)
"""Project U: every node, one undirected edge per joined pair (no parallel edges, no loops)."""

_GDS_PROCEDURES: Final = {
    "BETWEENNESS": "gds.betweenness.stream($graph)",
    "CLOSENESS": "gds.closeness.stream($graph, {useWassermanFaust: true})",
    "HARMONIC": "gds.closeness.harmonic.stream($graph)",
}
_GDS_SAMPLED: Final = {
    "BETWEENNESS": "gds.betweenness.stream($graph, {samplingSize: $samples, samplingSeed: $seed})",
}
GDS_SAMPLED_METRICS: Final = tuple(_GDS_SAMPLED)
"""The metrics GDS can estimate from a sample of sources (closeness and harmonic cannot)."""


def gds_stream(metric: str, *, sampled: bool = False) -> Statement:
    """Stream one metric's scores over the projected U, by node id; with ``sampled``, from
    ``$samples`` source nodes drawn with seed ``$seed`` (BETWEENNESS only)."""
    procedures = _GDS_SAMPLED if sampled else _GDS_PROCEDURES
    if metric not in procedures:
        known = ", ".join(procedures)
        raise ValueError(
            f"{metric!r} is not scored with GDS{' sampling' * sampled}; one of {known}"
        )
    return Statement(
        f"gds.stream.{metric}{'.sampled' if sampled else ''}",
        f"CALL {procedures[metric]} YIELD nodeId, score "
        "RETURN gds.util.asNode(nodeId).id AS id, score",
    )


GDS_DROP: Final = Statement(
    "gds.drop", "CALL gds.graph.`drop`($graph, false) YIELD graphName RETURN graphName"
)
"""Drop a projection; a name that is not (or no longer) in the catalog is no error."""


# --- enumeration -------------------------------------------------------------------------
def all_statements() -> Iterator[Statement]:
    """Every statement the store can emit, each exactly as it is run.

    Each generator is enumerated over its whole domain: every node and relation type, every
    combination of search filters with and without a cursor, every path bound 1..8 with and
    without the type and ``via`` conditions, every GDS metric exact and sampled. Values never
    change a statement's text (they are parameters), so this is every text the store can send.
    """
    yield from schema_statements()
    yield AWAIT_INDEXES
    yield from (CREATE_META, TAKE_META_LOCK, ACQUIRE_LOCK, RENEW_LEASE, RELEASE_LOCK)
    yield from (READ_NODES, NODE_HOLDERS, RELATIONSHIP_HOLDERS, HELD_NODES)
    yield HELD_RELATIONSHIPS
    yield ANY_NODE
    yield from (RECORD_SOURCE, STAGE_NODES, HOLD_NODES, RELEASE_NODES, REMOVE_NODES)
    yield from (REMOVE_NODE_LINKS, HOLD_RELATIONSHIPS, RELEASE_RELATIONSHIPS, REMOVE_HOLDINGS)
    yield from (RELATIONSHIPS_TOUCHING, APPLY_STAGED, STAMP_SOURCE)
    yield from (PUBLISH_VERSION, COLLECT_NODES, COLLECT_HOLDS, COLLECT_HOLDINGS)
    yield from sweep_statements()
    for node_type in NODE_TYPES:
        yield create_nodes(node_type)
        yield count_nodes(node_type)
    for rel_type in RELATION_TYPES:
        yield remove_relationships(rel_type)
        yield create_relationships(rel_type)
        yield replace_relationships(rel_type)
        yield set_extra_columns(rel_type)
        yield collect_relationships(rel_type)
        yield read_relationships(rel_type)
        yield count_relationships(rel_type)
        yield edge_page(rel_type)
    yield from (WIPE_RELATIONSHIPS, WIPE)
    yield from (DATA_VERSION, READ_LAYOUT, RELATIONSHIPS_OF, RELATIONSHIPS_AMONG)
    yield from (SOURCES, NODE_PAGE)
    yield from search_statements()
    for hops in range(1, MAX_HOPS + 1):
        for typed in (False, True):
            for via in (False, True):
                yield shortest_path(hops, typed=typed, via=via)
    yield from (DEGREE, GDS_VERSION, GRAPH_NODES, GDS_PROJECT_U, GDS_DROP)
    for metric in GDS_METRICS:
        yield gds_stream(metric)
    for metric in GDS_SAMPLED_METRICS:
        yield gds_stream(metric, sampled=True)
