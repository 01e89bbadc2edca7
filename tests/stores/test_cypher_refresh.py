"""The Neo4j store's refresh logic, run without a server against a fake driver.

No Neo4j can run where this project is built, so this module stands in for the database: a fake
driver executes each statement of :mod:`graphsvc.stores.cypher` **by name**, with the meaning its
text has in Neo4j written out in Python (``MERGE``/``SET n = props``/``DETACH DELETE``, the
``HOLDS`` walks), over an in-memory graph with transactions (a write works on a copy that
replaces the committed graph on success; reads see the committed graph).

What this proves: the store's Python side — which statements it runs, in which order, with which
rows — keeps the embedded store's semantics (the whole contract suite runs here), and a refresh
reads and writes in proportion to its source and the change, not to the graph. What it cannot
prove: that Neo4j executes the Cypher text as written here, or which plans it picks; only the
contract suite against a real server (``NEO4J_TEST_URI``) does that.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from neo4j.exceptions import ClientError

from graphsvc.model import NODE_TYPES, RELATION_TYPES
from graphsvc.stores import cypher
from graphsvc.stores.contract import Node, Store
from graphsvc.stores.neo4j import Neo4jStore
from tests.stores import test_store_contract as contract
from tests.stores.test_store_contract import (  # noqa: F401  (collected here, on the fake store)
    test_conflicting_refresh_writes_nothing,
    test_counts,
    test_endpoint_held_by_another_source_is_found,
    test_endpoint_only_this_source_held_and_dropped_is_dangling,
    test_readers_see_the_old_graph_while_a_refresh_runs,
    test_reads,
    test_refresh_creates_and_reports,
    test_refresh_prunes_what_the_source_no_longer_holds,
    test_refresh_updates_changed_properties,
    test_relationship_held_by_two_sources_stays_until_neither_holds_it,
    test_relationship_properties_round_trip,
    test_removed_node_takes_every_relationship_touching_it,
    test_same_refresh_twice_is_idempotent_but_changes_the_version,
    test_search,
    test_search_pages_cover_every_match_once,
    test_shared_node_stays_until_no_source_holds_it,
)


@dataclass
class Graph:
    """What a Neo4j database holds, in the store's layout."""

    nodes: dict[str, tuple[frozenset[str], dict[str, Any]]] = field(default_factory=dict)
    rels: dict[str, tuple[str, str, str, dict[str, Any]]] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    holds: dict[str, set[str]] = field(default_factory=dict)  # source -> node ids (HOLDS)
    holdings: dict[str, set[str]] = field(default_factory=dict)  # rel id -> sources
    meta: dict[str, Any] | None = None


Row = dict[str, Any]
Handler = Callable[[Graph, dict[str, Any]], list[Row]]


class Record:
    def __init__(self, row: Row) -> None:
        self._row = row

    def data(self) -> Row:
        return dict(self._row)

    def __getitem__(self, key: str) -> Any:
        return self._row[key]


class Result:
    def __init__(self, rows: list[Row]) -> None:
        self._rows = rows

    def __iter__(self) -> Iterator[Record]:
        return iter(Record(r) for r in self._rows)

    def consume(self) -> None:
        return None

    def single(self, strict: bool = False) -> Record | None:
        if strict:
            assert len(self._rows) == 1
        return Record(self._rows[0]) if self._rows else None


def _node_row(graph: Graph, id: str) -> Row:
    labels, props = graph.nodes[id]
    return {"id": id, "labels": sorted(labels), "props": dict(props)}


def _rel_row(graph: Graph, id: str) -> Row:
    type_, source, target, props = graph.rels[id]
    return {"id": id, "type": type_, "source": source, "target": target, "props": dict(props)}


def _detach(graph: Graph, id: str) -> None:
    for rel_id in [r for r, (_, a, b, _) in graph.rels.items() if id in (a, b)]:
        del graph.rels[rel_id]
    for held in graph.holds.values():
        held.discard(id)
    del graph.nodes[id]


def _handlers() -> dict[str, Handler]:
    """The meaning of each statement, by name (as the Cypher text says it)."""
    h: dict[str, Handler] = {}

    def handles(name: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            h[name] = handler
            return handler

        return register

    @handles("refresh.lock.acquire")
    def lock(g: Graph, p: dict[str, Any]) -> list[Row]:
        g.meta = g.meta if g.meta is not None else {"key": "graph"}
        if g.meta.get("refresh_lock") is None or g.meta["refresh_lock_at"] < p["stale_before"]:
            g.meta.update(refresh_lock=p["tag"], refresh_lock_at=p["now"])
            return [{"lock": p["tag"]}]
        return []

    @handles("refresh.lock.release")
    def unlock(g: Graph, p: dict[str, Any]) -> list[Row]:
        if g.meta is not None and g.meta.get("refresh_lock") == p["tag"]:
            g.meta.pop("refresh_lock")
            g.meta.pop("refresh_lock_at")
            return [{"released": 1}]
        return [{"released": 0}]

    @handles("refresh.version")
    def publish(g: Graph, p: dict[str, Any]) -> list[Row]:
        g.meta = g.meta if g.meta is not None else {"key": "graph"}
        g.meta.update(data_version=p["version"], layout=p["layout"])
        g.meta.pop("refresh_lock", None)
        g.meta.pop("refresh_lock_at", None)
        return []

    @handles("read.nodes")
    def read_nodes(g: Graph, p: dict[str, Any]) -> list[Row]:
        return [_node_row(g, id) for id in p["ids"] if id in g.nodes]

    @handles("read.holders.nodes")
    def node_holders(g: Graph, p: dict[str, Any]) -> list[Row]:
        return [
            {**_node_row(g, id), "sources": [s for s, held in g.holds.items() if id in held]}
            for id in p["ids"]
            if id in g.nodes
        ]

    @handles("read.holders.relationships")
    def relationship_holders(g: Graph, p: dict[str, Any]) -> list[Row]:
        found = [id for id in p["ids"] if id in g.holdings]
        return [{"id": id, "sources": sorted(g.holdings[id])} for id in found]

    @handles("refresh.held.nodes")
    def held_nodes(g: Graph, p: dict[str, Any]) -> list[Row]:
        return [{"id": id} for id in sorted(g.holds.get(p["source"], ()))]

    @handles("refresh.held.relationships")
    def held_relationships(g: Graph, p: dict[str, Any]) -> list[Row]:
        return [{"id": id} for id, s in sorted(g.holdings.items()) if p["source"] in s]

    @handles("refresh.source")
    def record_source(g: Graph, p: dict[str, Any]) -> list[Row]:
        g.sources[p["source"]] = {"loaded_at": p["loaded_at"]}
        return []

    @handles("refresh.hold.nodes")
    def hold_nodes(g: Graph, p: dict[str, Any]) -> list[Row]:
        if p["source"] in g.sources:  # MATCH (s:InnonetSource {name: $source})
            for id in p["ids"]:
                if id in g.nodes:
                    g.holds.setdefault(p["source"], set()).add(id)
        return []

    @handles("refresh.release.nodes")
    def release_nodes(g: Graph, p: dict[str, Any]) -> list[Row]:
        for id in p["ids"]:
            g.holds.get(p["source"], set()).discard(id)
        return []

    @handles("refresh.remove.nodes")
    def remove_nodes(g: Graph, p: dict[str, Any]) -> list[Row]:
        for id in p["ids"]:
            if id in g.nodes:
                _detach(g, id)
        return []

    @handles("refresh.hold.relationships")
    def hold_relationships(g: Graph, p: dict[str, Any]) -> list[Row]:
        if p["source"] in g.sources:
            for id in p["ids"]:
                g.holdings.setdefault(id, set()).add(p["source"])
        return []

    @handles("refresh.release.relationships")
    def release_relationships(g: Graph, p: dict[str, Any]) -> list[Row]:
        for id in p["ids"]:
            g.holdings.get(id, set()).discard(p["source"])
        return []

    @handles("refresh.remove.holdings")
    def remove_holdings(g: Graph, p: dict[str, Any]) -> list[Row]:
        for id in p["ids"]:
            g.holdings.pop(id, None)
        return []

    @handles("refresh.relationships.touching")
    def touching(g: Graph, p: dict[str, Any]) -> list[Row]:
        return [
            {"id": r, "type": t}
            for r, (t, a, b, _) in sorted(g.rels.items())
            if a in p["ids"] or b in p["ids"]
        ]

    @handles("admin.wipe.relationships")
    def wipe_rels(g: Graph, p: dict[str, Any]) -> list[Row]:
        count = len(g.rels) + sum(map(len, g.holds.values())) + sum(map(len, g.holdings.values()))
        g.rels.clear()
        g.holds.clear()
        g.holdings = {id: set() for id in g.holdings}
        return [{"deleted": count}]

    @handles("admin.wipe")
    def wipe(g: Graph, p: dict[str, Any]) -> list[Row]:
        count = len(g.nodes) + len(g.sources) + len(g.holdings) + (g.meta is not None)
        g.nodes.clear()
        g.sources.clear()
        g.holdings.clear()
        g.meta = None
        return [{"deleted": count}]

    @handles("read.data_version")
    def data_version(g: Graph, p: dict[str, Any]) -> list[Row]:
        return [{"version": g.meta.get("data_version")}] if g.meta is not None else []

    @handles("read.layout")
    def layout(g: Graph, p: dict[str, Any]) -> list[Row]:
        if g.meta is None:
            return []
        return [{"version": g.meta.get("data_version"), "layout": g.meta.get("layout")}]

    def search(g: Graph, p: dict[str, Any]) -> list[tuple[str, str]]:
        found = []
        for id, (labels, props) in g.nodes.items():
            if "types" in p and not labels & set(p["types"]):
                continue
            if "kinds" in p and props.get("kind") not in p["kinds"]:
                continue
            if "country" in p and props.get("country") != p["country"]:
                continue
            if "region" in p and props.get("region") != p["region"]:
                continue
            if "text" in p and p["text"] not in props[cypher.SEARCH_KEY]:
                continue
            found.append((props[cypher.NAME_KEY], id))
        return sorted(found)

    def search_count(g: Graph, p: dict[str, Any]) -> list[Row]:
        return [{"total": len(search(g, p))}]

    def search_page(g: Graph, p: dict[str, Any]) -> list[Row]:
        after = (p.get("after_name"), p.get("after_id"))
        keys = [k for k in search(g, p) if "after_name" not in p or k > after]
        return [_node_row(g, id) for _, id in keys[: p["page_size"]]]

    for statement in cypher.search_statements():
        count = statement.name.startswith("read.search.count.")
        handles(statement.name)(search_count if count else search_page)

    @handles("read.relationships_of")
    def relationships_of(g: Graph, p: dict[str, Any]) -> list[Row]:
        found = {
            r
            for r, (t, a, b, _) in g.rels.items()
            if (a in p["ids"] or b in p["ids"]) and (p["types"] is None or t in p["types"])
        }
        return [_rel_row(g, r) for r in sorted(found)]

    @handles("read.sources")
    def sources(g: Graph, p: dict[str, Any]) -> list[Row]:
        return [
            {
                "name": name,
                "loaded_at": s["loaded_at"],
                "nodes": len(g.holds.get(name, ())),
                "relationships": sum(name in held for held in g.holdings.values()),
            }
            for name, s in sorted(g.sources.items())
        ]

    @handles("read.iter.nodes")
    def node_page(g: Graph, p: dict[str, Any]) -> list[Row]:
        return [_node_row(g, id) for id in sorted(g.nodes) if id > p["after"]][: p["page_size"]]

    for node_type in NODE_TYPES:
        _node_type_handlers(h, node_type.name)
    for rel_type in RELATION_TYPES:
        _relation_type_handlers(h, rel_type.name)
    return h


def _node_type_handlers(h: dict[str, Handler], name: str) -> None:
    def upsert(g: Graph, p: dict[str, Any]) -> list[Row]:
        for row in p["rows"]:
            labels = g.nodes[row["id"]][0] if row["id"] in g.nodes else frozenset()
            assert not labels or name in labels, "MERGE would make a second node"
            g.nodes[row["id"]] = (labels | {cypher.NODE_LABEL, name}, dict(row["props"]))
        return []

    def count(g: Graph, p: dict[str, Any]) -> list[Row]:
        return [{"count": sum(name in labels for labels, _ in g.nodes.values())}]

    h[f"refresh.upsert.{name}"] = upsert
    h[f"read.counts.{name}"] = count


def _relation_type_handlers(h: dict[str, Handler], name: str) -> None:
    def upsert(g: Graph, p: dict[str, Any]) -> list[Row]:
        for row in p["rows"]:
            if row["source"] not in g.nodes or row["target"] not in g.nodes:
                continue
            old = g.rels.get(row["id"])
            assert old is None or old[:3] == (name, row["source"], row["target"]), (
                "MERGE would make a second relationship with this id"
            )
            g.rels[row["id"]] = (name, row["source"], row["target"], dict(row["props"]))
        return []

    def delete(g: Graph, p: dict[str, Any]) -> list[Row]:
        for id in p["ids"]:
            if id in g.rels and g.rels[id][0] == name:
                del g.rels[id]
        return []

    def read(g: Graph, p: dict[str, Any]) -> list[Row]:
        return [_rel_row(g, id) for id in p["ids"] if id in g.rels and g.rels[id][0] == name]

    def count(g: Graph, p: dict[str, Any]) -> list[Row]:
        return [{"count": sum(t == name for t, *_ in g.rels.values())}]

    def page(g: Graph, p: dict[str, Any]) -> list[Row]:
        return [
            {
                "id": id,
                "source": a,
                "target": b,
                "weight": props["weight"],
                "date": props.get("date"),
            }
            for id, (t, a, b, props) in sorted(g.rels.items())
            if t == name and id > p["after"]
        ][: p["page_size"]]

    h[f"refresh.upsert.{name}"] = upsert
    h[f"refresh.delete.{name}"] = delete
    h[f"read.relationships.{name}"] = read
    h[f"read.counts.{name}"] = count
    h[f"read.iter.{name}"] = page


HANDLERS = _handlers()
NAMES = {s.text: s.name for s in cypher.all_statements()}


@dataclass
class Run:
    name: str
    rows_in: int  # rows passed in ($rows / $ids)
    rows_out: int  # rows returned


class FakeTx:
    def __init__(self, graph: Graph, log: list[Run]) -> None:
        self.graph = graph
        self.log = log

    def run(self, text: str, params: dict[str, Any] | None = None) -> Result:
        params = params or {}
        name = NAMES.get(text)
        assert name is not None, f"a statement all_statements() does not list: {text}"
        if name.startswith("schema."):
            return Result([])
        if name == "gds.version":
            raise ClientError("no GDS")
        rows = HANDLERS[name](self.graph, params)
        rows_in = len(params.get("rows") or params.get("ids") or ())
        self.log.append(Run(name, rows_in, len(rows)))
        return Result(rows)


class FakeDriver:
    """Sessions over one committed :class:`Graph`; a write works on a copy, committed at the end
    (read-committed: readers see the graph as it was until then)."""

    def __init__(self) -> None:
        self.graph = Graph()
        self.log: list[Run] = []
        self._commit = threading.Lock()

    def session(self, database: str) -> FakeDriver:
        return self

    def __enter__(self) -> FakeDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute_read(self, work: Callable[[FakeTx], Any]) -> Any:
        return work(FakeTx(self.graph, self.log))

    def execute_write(self, work: Callable[[FakeTx], Any]) -> Any:
        with self._commit:  # Neo4j would make a second writer wait on the locks it takes
            draft = copy.deepcopy(self.graph)
            start = len(self.log)
            result = work(FakeTx(draft, self.log))
            if any(run.name == "refresh.version" for run in self.log[start:]):
                check_holdings(draft)
            self.graph = draft
            return result


def check_holdings(graph: Graph) -> None:
    """What a committed refresh leaves: every node and relationship is held by some source, and
    every holding is of a node or relationship that exists."""
    held_nodes = set().union(*graph.holds.values()) if graph.holds else set()
    assert held_nodes <= set(graph.nodes), "a HOLDS to a node that does not exist"
    assert set(graph.nodes) <= held_nodes, "a node nobody holds"
    assert set(graph.holdings) == set(graph.rels), "holdings and relationships differ"
    assert all(graph.holdings.values()), "a holding node no source holds"
    assert set(graph.holds) <= set(graph.sources)


def fake_store(driver: FakeDriver) -> Neo4jStore:
    store = Neo4jStore("bolt://fake.invalid:7687", ("neo4j", "fake"), batch_size=7)
    store._driver = driver  # type: ignore[assignment]
    return store


@pytest.fixture
def store_factory(tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """The contract suite's stores: Neo4j stores over one fake database each."""
    made: list[Neo4jStore] = []

    def make() -> Store:
        store = fake_store(FakeDriver())
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


@pytest.fixture
def store(store_factory: Callable[[], Store]) -> Store:
    return store_factory()


# --- what a refresh costs -------------------------------------------------------------------
def institutions(prefix: str, count: int) -> list[Node]:
    return [contract.institution(f"{prefix}{i:04}") for i in range(count)]


def _cost(driver: FakeDriver, run: Callable[[], object]) -> dict[str, tuple[int, int]]:
    """Rows in and out per statement name while ``run`` runs."""
    start = len(driver.log)
    run()
    cost: dict[str, tuple[int, int]] = {}
    for entry in driver.log[start:]:
        rows_in, rows_out = cost.get(entry.name, (0, 0))
        cost[entry.name] = (rows_in + entry.rows_in, rows_out + entry.rows_out)
    return cost


WRITES = ("refresh.upsert.", "refresh.delete.", "refresh.hold.", "refresh.release.")


def test_a_refresh_costs_its_source_and_the_change_not_the_graph() -> None:
    driver = FakeDriver()
    store = fake_store(driver)
    big = institutions("big", 600)
    store.refresh("big", big, [])
    small = institutions("small", 20)
    rels = [contract.rel(small[i].id, "COLLABORATES_WITH", big[i].id) for i in range(10)]
    store.refresh("small", small, rels)

    # Reload "small" with one node dropped (and its relationship), one added.
    changed = [*small[1:], contract.institution("small-new")]
    cost = _cost(driver, lambda: store.refresh("small", changed, rels[1:]))
    read = sum(out for name, (_, out) in cost.items() if not name.startswith(WRITES))
    # Each bundle row is read about twice (the graph's copy, the source's holding), endpoints
    # outside the bundle once: a few times the source, never the 600 nodes of "big".
    assert read <= 3 * (len(small) + len(rels)) < len(big), cost
    written = {name: n for name, (n, _) in cost.items() if name.startswith(WRITES) and n}
    assert written == {
        "refresh.upsert.Institution": 1,
        "refresh.hold.nodes": 1,
        "refresh.delete.COLLABORATES_WITH": 1,
    }, written
    assert cost["refresh.remove.nodes"][0] == 1
    assert cost["refresh.remove.holdings"][0] == 1

    # An unchanged reload writes nothing but the source's stamp and the version.
    cost = _cost(driver, lambda: store.refresh("small", changed, rels[1:]))
    assert not {name: n for name, (n, _) in cost.items() if name.startswith(WRITES) and n}
    assert cost["refresh.held.nodes"][1] == len(changed)
    assert cost["refresh.held.relationships"][1] == len(rels) - 1


def test_counts_come_from_the_holdings() -> None:
    driver = FakeDriver()
    store = fake_store(driver)
    store.refresh("a", institutions("x", 5), [])
    store.refresh("b", institutions("x", 3), [contract.rel("x0000", "COLLABORATES_WITH", "x0001")])
    counts = store.counts()
    assert [(s.name, s.nodes, s.relationships) for s in counts.sources] == [
        ("a", 5, 0),
        ("b", 3, 1),
    ]
    assert counts.nodes == 5
    log = len(driver.log)
    assert store.counts() is counts  # the same data version: no second count
    assert [r.name for r in driver.log[log:]] == ["read.data_version"]


def test_node_refs_name_every_holder() -> None:
    store = fake_store(FakeDriver())
    store.refresh("a", institutions("x", 2), [])
    store.refresh("b", institutions("x", 1), [])
    refs = store.node_refs(["x0000", "x0001", "nobody"])
    assert refs["x0000"].sources == frozenset({"a", "b"})
    assert refs["x0001"].sources == frozenset({"a"})
    assert "nobody" not in refs


def test_a_relationship_replaced_under_its_id_keeps_its_holders() -> None:
    driver = FakeDriver()
    store = fake_store(driver)
    nodes = [*contract.LAB, contract.broker("b1")]
    moved = contract.rel("b1", "SERVES", "fudan", id="deal")
    store.refresh("lab", nodes, [contract.rel("b1", "SERVES", "sjtu", id="deal")])
    store.refresh("lab", nodes, [moved])
    assert store.relationships(["deal"]) == {"deal": moved}
    assert driver.graph.holdings == {"deal": {"lab"}}


def test_wipe_empties_the_bookkeeping_too() -> None:
    driver = FakeDriver()
    store = fake_store(driver)
    store.refresh("lab", contract.LAB, contract.LAB_RELS)
    store.wipe()
    assert driver.graph == Graph()
    assert store.counts().sources == []


def test_a_graph_of_the_old_layout_is_refused() -> None:
    driver = FakeDriver()
    driver.graph.meta = {"key": "graph", "data_version": "3-abc"}  # written before layout 2
    with pytest.raises(Exception, match="older innonet"):
        fake_store(driver).data_version()


def test_every_statement_the_fake_knows_is_a_real_one() -> None:
    names = set(NAMES.values())
    assert set(HANDLERS) <= names
