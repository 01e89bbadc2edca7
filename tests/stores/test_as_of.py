"""An answer as of a date equals the same question asked of a store that holds only the rows of
that date: the bundle filtered here, by the definition of docs/analytics.md written out again
(a node from its type's date, a relation from its date once both ends exist, undated always).
Runs on every store of the contract suite (Neo4j when ``NEO4J_TEST_URI`` is set)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsvc.model import NODE_TYPE_BY_NAME, RELATION_TYPES
from graphsvc.stores.contract import Node, Relationship
from graphsvc.stores.embedded import EmbeddedStore
from queries import centrality, communities, concentration, demands, neighbourhood, paths, reach
from tests.stores.conftest import StoreFactory

YEARS = (2016, 2018, 2020, 2022)
TYPES = (
    "Institution",
    "Institution",
    "Achievement",
    "Broker",
    "Investor",
    "Demand",
    "OverseasChannel",
)


@st.composite
def dated_graphs(draw: st.DrawFn) -> tuple[list[Node], list[Relationship]]:
    """Typed graphs whose nodes and relations carry dates or none."""
    n = draw(st.integers(2, 10))
    types = draw(st.lists(st.sampled_from(TYPES), min_size=n, max_size=n))
    nodes = []
    for i, type_ in enumerate(types):
        model = NODE_TYPE_BY_NAME[type_]
        props: dict[str, Any] = {}
        if model.kinds:
            props["kind"] = draw(st.sampled_from(model.kinds[:2]))
        if model.has_country:
            props["country"] = draw(st.sampled_from(("CN", "DE", "US")))
        if type_ == "Demand":
            props["status"] = "open"
        year = draw(st.one_of(st.none(), st.sampled_from(YEARS)))
        if model.since is not None and year is not None:
            prop = model.column(model.since)
            assert prop is not None
            props[model.since] = f"{year}-06-30" if prop.type.value == "date" else year
        nodes.append(Node(f"n{(i * 7) % 97:02d}", type_, f"node {i}", props))
    raw = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(0, n - 1),
                st.integers(0, 8),
                st.one_of(st.none(), st.sampled_from(YEARS)),
            ),
            max_size=24,
        )
    )
    relationships = []
    for k, (i, j, pick, year) in enumerate(raw):
        fitting = [t for t in RELATION_TYPES if t.fits(types[i], types[j])]
        if fitting:
            props = {"weight": 1.0} | ({} if year is None else {"date": f"{year}-03-01"})
            rel_type = fitting[pick % len(fitting)].name
            relationships.append(
                Relationship(f"r{k:03d}", rel_type, nodes[i].id, nodes[j].id, props)
            )
    return nodes, relationships


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, int):
        return dt.date(value, 1, 1)
    return dt.date.fromisoformat(str(value)[:10])


def filtered(
    nodes: list[Node], relationships: list[Relationship], as_of: dt.date
) -> tuple[list[Node], list[Relationship]]:
    """The rows that exist on ``as_of``."""
    kept = []
    for node in nodes:
        since = NODE_TYPE_BY_NAME[node.type].since
        day = _day(node.properties.get(since)) if since else None
        if day is None or day <= as_of:
            kept.append(node)
    ids = {n.id for n in kept}
    rels = [
        r
        for r in relationships
        if r.source in ids
        and r.target in ids
        and ((day := _day(r.properties.get("date"))) is None or day <= as_of)
    ]
    return kept, rels


def answers(store: Any, as_of: str | None, ids: list[str]) -> dict[str, Any]:
    """Questions that depend on time, their answers as plain values."""
    found: dict[str, Any] = {}
    for metric in ("DEGREE", "PAGERANK", "BETWEENNESS", "HARMONIC"):
        result = centrality.centrality(store, metric, top=1000, as_of=as_of)
        found[metric] = {s.node: round(s.score, 9) for s in result.scores}
    if ids:
        ego = neighbourhood.neighbourhood(store, ids[0], depth=2, as_of=as_of)
        found["neighbourhood"] = (ego.nodes, [r.id for r in ego.relationships])
    if len(ids) >= 2:
        path = paths.shortest_path(store, ids[0], ids[-1], as_of=as_of)
        found["path"] = None if path is None else path.length
        found["k"] = [p.length for p in paths.k_shortest_paths(store, ids[0], ids[-1], as_of=as_of)]
    found["communities"] = [
        (c.size, c.hubs) for c in communities.communities(store, top=50, as_of=as_of).items
    ]
    deals = concentration.concentration(store, rel_type="DEVELOPED", as_of=as_of)
    found["concentration"] = (deals.deals, [(h.node, h.deals) for h in deals.items])
    abroad = reach.overseas_reach(store, max_hops=2, top=100, as_of=as_of)
    found["reach"] = [(a.node, a.direct, a.channels) for a in abroad.items]
    cut = reach.unreached(store, to_kinds=None, to_types=["Broker"], as_of=as_of)
    found["unreached"] = [(g.group, g.nodes, g.unreached_ids) for g in cut.groups]
    wanted = demands.unsolved_demands(store, statuses=None, limit=100, as_of=as_of)
    found["demands"] = [(d.demand, [c.achievement for c in d.candidates]) for d in wanted.items]
    return found


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(graph=dated_graphs(), year=st.sampled_from((2015, 2017, 2019, 2021, 2023)))
def test_as_of_equals_the_filtered_bundle(
    store_factory: StoreFactory, graph: tuple[list[Node], list[Relationship]], year: int
) -> None:
    nodes, relationships = graph
    whole = store_factory()
    whole.refresh("test", nodes, relationships)
    then_nodes, then_rels = filtered(nodes, relationships, dt.date(year, 12, 31))
    # The reference is an embedded store of its own: a second store of the factory would be the
    # same (wiped) Neo4j database as ``whole``.
    with tempfile.TemporaryDirectory() as folder, EmbeddedStore(Path(folder) / "then.db") as then:
        then.refresh("test", then_nodes, then_rels)
        ids = sorted(n.id for n in then_nodes)
        assert answers(whole, str(year), ids) == answers(then, None, ids)


def test_an_as_of_that_is_not_a_date_is_refused(store_factory: StoreFactory) -> None:
    store = store_factory()
    from queries.errors import BadRequest

    with pytest.raises(BadRequest, match="asOf '2023-13-01' is not a date"):
        centrality.centrality(store, "DEGREE", as_of="2023-13-01")
