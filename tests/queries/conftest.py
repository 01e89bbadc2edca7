"""Random typed graphs in real embedded stores, and the same graphs as networkx references."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import strategies as st

from graphsvc.model import NODE_TYPE_BY_NAME, NODE_TYPE_NAMES, RELATION_TYPE_BY_NAME, RELATION_TYPES
from graphsvc.stores.contract import Node, Relationship
from graphsvc.stores.embedded import EmbeddedStore

COUNTRIES = ("CN", "DE", "US")


@dataclass(frozen=True)
class GraphSpec:
    """A graph as rows, with its U (edge attribute ``cost`` = cheapest 1/weight) and D."""

    nodes: list[Node]
    relationships: list[Relationship]

    def types(self) -> dict[str, str]:
        return {n.id: n.type for n in self.nodes}

    def u(self, rel_types: set[str] | None = None) -> nx.Graph:
        graph = nx.Graph()
        graph.add_nodes_from(n.id for n in self.nodes)
        for r in self.relationships:
            if r.source == r.target or (rel_types is not None and r.type not in rel_types):
                continue
            cost = 1.0 / r.weight
            if not graph.has_edge(r.source, r.target) or graph[r.source][r.target]["cost"] > cost:
                graph.add_edge(r.source, r.target, cost=cost)
        return graph

    def d(self) -> nx.DiGraph:
        graph = nx.DiGraph()
        graph.add_nodes_from(n.id for n in self.nodes)
        for r in self.relationships:
            if r.source == r.target:
                continue
            graph.add_edge(r.source, r.target)
            if RELATION_TYPE_BY_NAME[r.type].symmetric:
                graph.add_edge(r.target, r.source)
        return graph


_COMMON_TYPES = ("Institution", "Institution", "Achievement", "Broker", *NODE_TYPE_NAMES)


@st.composite
def typed_graphs(draw: st.DrawFn, max_nodes: int = 12, max_relationships: int = 30) -> GraphSpec:
    """Random graphs whose relationships fit the model (parallel relationships and self-loops
    included), ids such that id order differs from creation order."""
    n = draw(st.integers(2, max_nodes))
    types = draw(st.lists(st.sampled_from(_COMMON_TYPES), min_size=n, max_size=n))
    nodes = []
    for i, type_ in enumerate(types):
        model = NODE_TYPE_BY_NAME[type_]
        props: dict[str, object] = {}
        if model.kinds:
            props["kind"] = draw(st.sampled_from(model.kinds[:2]))
        if model.has_country:
            props["country"] = draw(st.sampled_from(COUNTRIES))
        nodes.append(Node(f"n{(i * 7) % 97:02d}", type_, f"node {i}", props))
    raw = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(0, n - 1),
                st.integers(0, 8),
                st.sampled_from([0.5, 1.0, 2.0, 4.0]),
            ),
            max_size=max_relationships,
        )
    )
    relationships = []
    for k, (i, j, pick, weight) in enumerate(raw):
        for a, b in ((i, j), (j, i)):
            fitting = [t for t in RELATION_TYPES if t.fits(types[a], types[b])]
            if fitting:
                rel_type = fitting[pick % len(fitting)]
                relationships.append(
                    Relationship(
                        f"r{k:03d}", rel_type.name, nodes[a].id, nodes[b].id, {"weight": weight}
                    )
                )
                break
    return GraphSpec(nodes, relationships)


StoreOpener = Callable[[GraphSpec], "contextmanager[EmbeddedStore]"]


@pytest.fixture(scope="session")
def open_store(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., object]:
    """``with open_store(spec) as store``: a fresh embedded store holding ``spec``."""
    counter = itertools.count()

    @contextmanager
    def opened(spec: GraphSpec) -> Iterator[EmbeddedStore]:
        folder: Path = tmp_path_factory.mktemp(f"g{next(counter)}")
        store = EmbeddedStore(folder / "g.db")
        try:
            store.refresh("test", spec.nodes, spec.relationships)
            yield store
        finally:
            store.close()

    return opened


@pytest.fixture(scope="session")
def graphs() -> Callable[..., st.SearchStrategy[GraphSpec]]:
    """The :func:`typed_graphs` strategy (draw from it with ``data.draw``)."""
    return typed_graphs


@pytest.fixture(scope="session")
def graph_spec() -> type[GraphSpec]:
    """The :class:`GraphSpec` class, to build hand-made graphs."""
    return GraphSpec
