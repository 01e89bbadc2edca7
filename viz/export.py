"""The data of a map or of the whole graph as files other tools open: GEXF 1.3 (Gephi), GraphML
(Cytoscape, yEd, networkx) and CSV (nodes and relations as two tables, the bundle's columns).

Every writer is a generator of text chunks, so a big graph streams to a file or an HTTP response
without being held as one string. Attributes are declared from the graph model
(:mod:`graphsvc.model`): type, kind, country and region of each node, every property its type
declares (years as integers, amounts as doubles, dates as text), what the map measured (scores,
ranks, hops) and, for relations, the relation type, date, amount, weight and mode.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Final
from xml.sax.saxutils import escape, quoteattr

from graphsvc.model import (
    NODE_TYPE_BY_NAME,
    NODE_TYPES,
    RELATION_PROPERTIES,
    PropertyType,
)
from graphsvc.stores.contract import Node, Relationship, Store

FORMATS: Final = ("gexf", "graphml", "nodes.csv", "relations.csv")
"""What :func:`write` can write, by name (also the service's ``/export/FORMAT``)."""
MEDIA_TYPES: Final = {
    "gexf": "application/gexf+xml; charset=utf-8",
    "graphml": "application/graphml+xml; charset=utf-8",
    "nodes.csv": "text/csv; charset=utf-8",
    "relations.csv": "text/csv; charset=utf-8",
}
_BATCH: Final = 1000


@dataclass(slots=True)
class DrawnGraph:
    """What a map draws, as data: its nodes, the relationships among them and what it measured
    of each node (``measures[node_id][name] = value``, such as a PageRank score and rank)."""

    nodes: list[Node] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    measures: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def measure_names(self) -> list[str]:
        """Every measure named by some node, in first-seen order."""
        return list(dict.fromkeys(name for m in self.measures.values() for name in m))


@dataclass(frozen=True, slots=True)
class Column:
    """One attribute column: its name, and its type as GEXF/GraphML and Python read it."""

    name: str
    kind: str  # "string", "integer", "double", "boolean"


_KINDS: Final = {
    PropertyType.INTEGER: "integer",
    PropertyType.DECIMAL: "double",
    PropertyType.BOOLEAN: "boolean",
}
_FIXED_NODE: Final = (
    Column("type", "string"),
    Column("kind", "string"),
    Column("country", "string"),
    Column("region", "string"),
)


def node_columns(measures: Sequence[str] = ()) -> list[Column]:
    """The node attribute columns: the fixed four, every property of every node type in the
    model (a name declared with two different types becomes a string), then ``measures``."""
    kinds: dict[str, str] = {}
    fixed = {c.name for c in _FIXED_NODE}
    for node_type in NODE_TYPES:
        for prop in node_type.properties:
            if prop.name in fixed or prop.name == node_type.name_column:
                continue
            kind = _KINDS.get(prop.type, "string")
            kinds[prop.name] = kind if kinds.get(prop.name, kind) == kind else "string"
    return [
        *_FIXED_NODE,
        *(Column(name, kind) for name, kind in kinds.items()),
        *(Column(name, "double") for name in measures),
    ]


def relation_columns() -> list[Column]:
    """The relation attribute columns: its type, then the model's relation properties."""
    return [
        Column("relation", "string"),
        *(Column(p.name, _KINDS.get(p.type, "string")) for p in RELATION_PROPERTIES),
    ]


def _value(column: Column, value: Any) -> str | None:
    """A value as attribute text of ``column``'s type; None when it has none."""
    if value is None or value == "" or value == []:
        return None
    if column.kind == "boolean":
        return "true" if value else "false"
    if column.kind == "integer":
        try:
            return str(int(value))
        except (TypeError, ValueError):
            return None
    if column.kind == "double":
        try:
            return repr(float(value))
        except (TypeError, ValueError):
            return None
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


def _node_values(node: Node, columns: list[Column], measures: dict[str, float]) -> list[str | None]:
    fields = {"type": node.type, **node.properties, **measures}
    return [_value(c, fields.get(c.name)) for c in columns]


def _relation_values(relationship: Relationship, columns: list[Column]) -> list[str | None]:
    fields = {"relation": relationship.type, **relationship.properties}
    return [_value(c, fields.get(c.name)) for c in columns]


def _rgb(colour: str) -> tuple[int, int, int]:
    text = colour.lstrip("#")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def gexf(
    nodes: Iterable[Node],
    relationships: Iterable[Relationship],
    *,
    measures: dict[str, dict[str, float]] | None = None,
    title: str = "innonet",
) -> Iterator[str]:
    """The graph as GEXF 1.3, in chunks: static attributes for nodes and edges, the model's
    colour of each node type as ``viz:color``. Every edge is directed as stored (readers such as
    networkx refuse mixed graphs), though ``COLLABORATES_WITH`` has no direction in meaning.

    Examples
    --------
    >>> text = "".join(gexf([Node("a", "Broker", "东方")], []))
    >>> 'version="1.3"' in text and 'label="东方"' in text
    True
    """
    measures = measures or {}
    names = list(dict.fromkeys(n for m in measures.values() for n in m))
    node_cols, rel_cols = node_columns(names), relation_columns()
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">\n'
        f"<meta><creator>innonet</creator><description>{escape(title)}</description></meta>\n"
        '<graph defaultedgetype="directed" mode="static">\n'
    )
    for klass, columns in (("node", node_cols), ("edge", rel_cols)):
        yield f'<attributes class="{klass}">\n'
        for i, column in enumerate(columns):
            yield f'<attribute id="{i}" title={quoteattr(column.name)} type="{column.kind}"/>\n'
        yield "</attributes>\n"
    yield "<nodes>\n"
    for batch in _batches(nodes):
        chunk = []
        for node in batch:
            values = _node_values(node, node_cols, measures.get(node.id, {}))
            attvalues = "".join(
                f'<attvalue for="{i}" value={quoteattr(v)}/>'
                for i, v in enumerate(values)
                if v is not None
            )
            node_type = NODE_TYPE_BY_NAME.get(node.type)
            r, g, b = _rgb(node_type.colour if node_type else "#808080")
            chunk.append(
                f"<node id={quoteattr(node.id)} label={quoteattr(node.name)}>"
                f"<attvalues>{attvalues}</attvalues>"
                f'<viz:color r="{r}" g="{g}" b="{b}"/></node>\n'
            )
        yield "".join(chunk)
    yield "</nodes>\n<edges>\n"
    for batch in _batches(relationships):
        chunk = []
        for rel in batch:
            values = _relation_values(rel, rel_cols)
            attvalues = "".join(
                f'<attvalue for="{i}" value={quoteattr(v)}/>'
                for i, v in enumerate(values)
                if v is not None
            )
            chunk.append(
                f"<edge id={quoteattr(rel.id)} source={quoteattr(rel.source)} "
                f"target={quoteattr(rel.target)} "
                f'label={quoteattr(rel.type)} weight="{rel.weight!r}">'
                f"<attvalues>{attvalues}</attvalues></edge>\n"
            )
        yield "".join(chunk)
    yield "</edges>\n</graph>\n</gexf>\n"


def graphml(
    nodes: Iterable[Node],
    relationships: Iterable[Relationship],
    *,
    measures: dict[str, dict[str, float]] | None = None,
) -> Iterator[str]:
    """The graph as GraphML, in chunks: one key per attribute column, ``name`` as a node key.

    Examples
    --------
    >>> "<graphml" in "".join(graphml([Node("a", "Broker", "东方")], []))
    True
    """
    measures = measures or {}
    names = list(dict.fromkeys(n for m in measures.values() for n in m))
    node_cols = [Column("name", "string"), *node_columns(names)]
    rel_cols = relation_columns()
    kinds = {"string": "string", "integer": "long", "double": "double", "boolean": "boolean"}
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
    )
    for prefix, klass, columns in (("n", "node", node_cols), ("e", "edge", rel_cols)):
        for i, column in enumerate(columns):
            yield (
                f'<key id="{prefix}{i}" for="{klass}" attr.name={quoteattr(column.name)} '
                f'attr.type="{kinds[column.kind]}"/>\n'
            )
    yield '<graph id="innonet" edgedefault="directed">\n'
    for batch in _batches(nodes):
        chunk = []
        for node in batch:
            values = [node.name, *_node_values(node, node_cols[1:], measures.get(node.id, {}))]
            data = "".join(
                f'<data key="n{i}">{escape(v)}</data>'
                for i, v in enumerate(values)
                if v is not None
            )
            chunk.append(f"<node id={quoteattr(node.id)}>{data}</node>\n")
        yield "".join(chunk)
    for batch in _batches(relationships):
        chunk = []
        for rel in batch:
            data = "".join(
                f'<data key="e{i}">{escape(v)}</data>'
                for i, v in enumerate(_relation_values(rel, rel_cols))
                if v is not None
            )
            chunk.append(
                f"<edge id={quoteattr(rel.id)} source={quoteattr(rel.source)} "
                f"target={quoteattr(rel.target)}>{data}</edge>\n"
            )
        yield "".join(chunk)
    yield "</graph>\n</graphml>\n"


def _csv_rows(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for batch in _batches(rows):
        writer.writerows(batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def nodes_csv(
    nodes: Iterable[Node], *, measures: dict[str, dict[str, float]] | None = None
) -> Iterator[str]:
    """The nodes as one CSV table: ``id``, ``name``, then the node attribute columns."""
    measures = measures or {}
    names = list(dict.fromkeys(n for m in measures.values() for n in m))
    columns = node_columns(names)
    rows = (
        [
            node.id,
            node.name,
            *(v or "" for v in _node_values(node, columns, measures.get(node.id, {}))),
        ]
        for node in nodes
    )
    return _csv_rows(["id", "name", *(c.name for c in columns)], rows)


def relations_csv(relationships: Iterable[Relationship]) -> Iterator[str]:
    """The relations as one CSV table, the bundle's ``relations.csv`` columns."""
    columns = relation_columns()[1:]
    rows = (
        [r.id, r.source, r.target, r.type, *(v or "" for v in _relation_values(r, columns))]
        for r in relationships
    )
    return _csv_rows(["id", "source", "target", "type", *(c.name for c in columns)], rows)


def _batches(items: Iterable[Any]) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, _BATCH)):
        yield batch


def whole_graph_relationships(store: Store) -> Iterator[Relationship]:
    """Every relationship of the store with its properties, read in batches."""
    for batch in _batches(store.iter_edges()):
        found = store.relationships([edge.id for edge in batch])
        for edge in batch:
            if edge.id in found:
                yield found[edge.id]


def write(
    format: str,
    nodes: Iterable[Node],
    relationships: Iterable[Relationship],
    *,
    measures: dict[str, dict[str, float]] | None = None,
    title: str = "innonet",
) -> Iterator[str]:
    """The chunks of ``format`` (one of :data:`FORMATS`) for these nodes and relationships."""
    if format == "gexf":
        return gexf(nodes, relationships, measures=measures, title=title)
    if format == "graphml":
        return graphml(nodes, relationships, measures=measures)
    if format == "nodes.csv":
        return nodes_csv(nodes, measures=measures)
    if format == "relations.csv":
        return relations_csv(relationships)
    raise ValueError(f"unknown export format {format!r}; known: {', '.join(FORMATS)}")
