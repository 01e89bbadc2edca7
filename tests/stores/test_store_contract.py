"""The store contract (graphsvc/stores/contract.py), one suite for every store."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from graphsvc.model import relation_id
from graphsvc.stores.contract import (
    Node,
    RefreshConflict,
    Relationship,
    SearchFilter,
    Store,
    TypeChanges,
)
from queries.projection import projection


def institution(id: str, name: str | None = None, **props: object) -> Node:
    return Node(id, "Institution", name or id, {"kind": "university", "country": "CN", **props})


def achievement(id: str, title: str | None = None) -> Node:
    return Node(id, "Achievement", title or id, {"field": "新材料"})


def broker(id: str, name: str | None = None, **props: object) -> Node:
    return Node(id, "Broker", name or id, {"kind": "agency", "country": "CN", **props})


def rel(
    source: str, type_: str, target: str, id: str | None = None, **props: object
) -> Relationship:
    return Relationship(
        id or relation_id(source, type_, target), type_, source, target, {"weight": 1.0, **props}
    )


LAB = [
    institution("sjtu", "上海交通大学"),
    institution("fudan", "复旦大学"),
    achievement("a1", "电池材料"),
]
LAB_RELS = [rel("sjtu", "DEVELOPED", "a1"), rel("sjtu", "COLLABORATES_WITH", "fudan")]


def snapshot(store: Store) -> tuple[list[Node], list[Relationship]]:
    nodes = list(store.iter_nodes())
    rels = store.relationships([e.id for e in store.iter_edges()])
    return nodes, [rels[id] for id in sorted(rels)]


def test_refresh_creates_and_reports(store: Store) -> None:
    before = store.data_version()
    report = store.refresh("lab", LAB, LAB_RELS)
    assert report.source == "lab"
    assert report.nodes == {
        "Achievement": TypeChanges(created=1),
        "Institution": TypeChanges(created=2),
    }
    assert report.relationships == {
        "COLLABORATES_WITH": TypeChanges(created=1),
        "DEVELOPED": TypeChanges(created=1),
    }
    assert report.changed
    assert report.data_version == store.data_version() != before
    sjtu = store.node("sjtu")
    assert sjtu is not None
    assert sjtu.name == "上海交通大学"
    assert sjtu.kind == "university"
    assert sjtu.country == "CN"
    assert sjtu.region is None


def test_same_refresh_twice_is_idempotent_but_changes_the_version(store: Store) -> None:
    store.refresh("lab", LAB, LAB_RELS)
    first = snapshot(store)
    version = store.data_version()
    report = store.refresh("lab", LAB, LAB_RELS)
    assert not report.changed
    assert report.nodes["Institution"] == TypeChanges(unchanged=2)
    assert report.relationships["DEVELOPED"] == TypeChanges(unchanged=1)
    assert snapshot(store) == first
    assert store.data_version() != version


def test_refresh_updates_changed_properties(store: Store) -> None:
    store.refresh("lab", LAB, LAB_RELS)
    changed = [institution("sjtu", "上海交通大学", region="闵行区"), *LAB[1:]]
    report = store.refresh("lab", changed, LAB_RELS)
    assert report.nodes["Institution"] == TypeChanges(updated=1, unchanged=1)
    node = store.node("sjtu")
    assert node is not None
    assert node.region == "闵行区"


def test_refresh_prunes_what_the_source_no_longer_holds(store: Store) -> None:
    store.refresh("lab", LAB, LAB_RELS)
    report = store.refresh("lab", LAB[:2], [LAB_RELS[1]])
    assert report.nodes["Achievement"] == TypeChanges(removed=1)
    assert report.relationships["DEVELOPED"] == TypeChanges(removed=1)
    assert store.node("a1") is None
    assert store.counts().relationships == 1


def test_shared_node_stays_until_no_source_holds_it(store: Store) -> None:
    store.refresh("exchange", [institution("sjtu", "上海交通大学")], [])
    store.refresh("lab", LAB, LAB_RELS)
    assert store.node("sjtu").region is None  # type: ignore[union-attr]
    store.refresh("exchange", [institution("sjtu", "上海交通大学", region="闵行区")], [])
    assert store.node("sjtu").region == "闵行区"  # type: ignore[union-attr]  # latest load wins

    store.refresh("lab", [], [])
    assert store.node("sjtu") is not None  # the exchange still holds it
    assert store.node("fudan") is None
    assert store.counts().relationships == 0

    report = store.refresh("exchange", [], [])
    assert report.nodes["Institution"] == TypeChanges(removed=1)
    assert store.counts().nodes == 0


def test_removed_node_takes_every_relationship_touching_it(store: Store) -> None:
    store.refresh("lab", LAB, LAB_RELS)
    # Another source holds a relationship to a node only "lab" holds.
    store.refresh("deals", [broker("b1")], [rel("b1", "SERVES", "fudan")])
    assert store.counts().relationships == 3
    report = store.refresh("lab", [LAB[0], LAB[2]], [LAB_RELS[0]])
    assert report.nodes["Institution"] == TypeChanges(removed=1, unchanged=1)
    assert report.relationships["SERVES"] == TypeChanges(removed=1)
    assert store.relationships_of(["b1"]) == []


def test_relationship_held_by_two_sources_stays_until_neither_holds_it(store: Store) -> None:
    shared = rel("sjtu", "COLLABORATES_WITH", "fudan")
    store.refresh("lab", LAB[:2], [shared])
    store.refresh("alliance", LAB[:2], [shared])
    store.refresh("lab", LAB[:2], [])
    assert [r.id for r in store.relationships_of(["sjtu"])] == [shared.id]
    store.refresh("alliance", LAB[:2], [])
    assert store.relationships_of(["sjtu"]) == []


@pytest.mark.parametrize(
    ("nodes", "rels", "problem"),
    [
        ([], [rel("sjtu", "DEVELOPED", "ghost")], "target 'ghost' exists nowhere"),
        ([], [rel("ghost", "DEVELOPED", "a1")], "source 'ghost' exists nowhere"),
        ([], [rel("sjtu", "SOLVES", "fudan")], "SOLVES cannot join Institution 'sjtu'"),
        ([broker("sjtu")], [], "node 'sjtu' is of type Broker in this load but Institution"),
    ],
)
def test_conflicting_refresh_writes_nothing(
    store: Store, nodes: list[Node], rels: list[Relationship], problem: str
) -> None:
    store.refresh("lab", LAB, LAB_RELS)
    before, version = snapshot(store), store.data_version()
    with pytest.raises(RefreshConflict) as raised:
        store.refresh("other", nodes, rels)
    assert any(problem in p for p in raised.value.problems), raised.value.problems
    assert snapshot(store) == before
    assert store.data_version() == version
    assert [s.name for s in store.counts().sources] == ["lab"]


def test_endpoint_only_this_source_held_and_dropped_is_dangling(store: Store) -> None:
    store.refresh("lab", LAB, LAB_RELS)
    with pytest.raises(RefreshConflict, match="target 'a1' exists nowhere"):
        store.refresh("lab", LAB[:2], [LAB_RELS[0]])


def test_endpoint_held_by_another_source_is_found(store: Store) -> None:
    store.refresh("lab", LAB, LAB_RELS)
    report = store.refresh("deals", [broker("b1")], [rel("b1", "BROKERED", "a1")])
    assert report.relationships["BROKERED"] == TypeChanges(created=1)


def test_reads(store: Store) -> None:
    store.refresh("lab", LAB, LAB_RELS)
    assert store.node("nobody") is None
    assert set(store.nodes(["sjtu", "a1", "nobody"])) == {"sjtu", "a1"}
    refs = store.node_refs(["sjtu", "nobody"])
    assert refs["sjtu"].type == "Institution"
    assert refs["sjtu"].sources == frozenset({"lab"})
    assert "nobody" not in refs
    developed = relation_id("sjtu", "DEVELOPED", "a1")
    found = store.relationships([developed, "nobody"])
    assert list(found) == [developed]
    assert found[developed].source == "sjtu"
    assert found[developed].weight == 1.0
    touching = store.relationships_of(["fudan", "a1"])
    assert [r.type for r in touching] == ["COLLABORATES_WITH", "DEVELOPED"]
    assert [r.id for r in touching] == sorted(r.id for r in touching)
    assert store.relationships_of(["sjtu"], rel_types=["DEVELOPED"]) == [found[developed]]
    assert [n.id for n in store.iter_nodes()] == ["a1", "fudan", "sjtu"]
    edges = list(store.iter_edges())
    assert [e.id for e in edges] == sorted(e.id for e in edges)
    assert {(e.type, e.source, e.target, e.weight) for e in edges} == {
        ("DEVELOPED", "sjtu", "a1", 1.0),
        ("COLLABORATES_WITH", "sjtu", "fudan", 1.0),
    }


def test_a_projection_holds_each_node_name_or_title(store: Store) -> None:
    store.refresh("lab", LAB, LAB_RELS)
    graph = projection(store)
    names = dict(zip(graph.ids, graph.names, strict=True))
    assert names == {"a1": "电池材料", "fudan": "复旦大学", "sjtu": "上海交通大学"}
    assert names == {node.id: node.name for node in store.iter_nodes()}


def test_relationships_among_are_those_inside_the_set(store: Store) -> None:
    nodes = [*LAB, broker("b1"), institution("far")]
    rels = [
        *LAB_RELS,
        rel("b1", "BROKERED", "a1", amount_cny=2.0),
        rel("sjtu", "COLLABORATES_WITH", "far"),
        rel("far", "DEVELOPED", "a1"),
    ]
    store.refresh("lab", nodes, rels)
    among = store.relationships_among(["a1", "sjtu", "b1", "fudan", "nobody"])
    expected = sorted((r for r in rels if "far" not in (r.source, r.target)), key=lambda r: r.id)
    assert among == expected  # both directions, properties read in full, ordered by id
    assert store.relationships_among(["sjtu", "a1"], rel_types=["DEVELOPED"]) == [LAB_RELS[0]]
    assert store.relationships_among(["sjtu", "b1"]) == []
    assert store.relationships_among([]) == []


def test_relationship_properties_round_trip(store: Store) -> None:
    deal = rel("sjtu", "DEVELOPED", "a1", id="deal-1", amount_cny=1.5e6, date="2021-05-01")
    store.refresh("lab", LAB, [deal])
    assert store.relationships(["deal-1"])["deal-1"] == deal
    assert [(e.id, e.date) for e in store.iter_edges()] == [("deal-1", "2021-05-01")]


def test_extra_columns_of_relationships_round_trip(store: Store) -> None:
    """A bundle's columns the model does not name are kept on relationships too, when a
    relationship is created, when its values change, and when only an extra column changes."""
    made = rel("sjtu", "DEVELOPED", "a1", id="deal-1", contract="HT-2021-17", pages=12)
    plain = rel("sjtu", "COLLABORATES_WITH", "fudan", id="lab-1")
    store.refresh("lab", LAB, [made, plain])
    assert store.relationships(["deal-1", "lab-1"]) == {"deal-1": made, "lab-1": plain}
    changed = rel("sjtu", "DEVELOPED", "a1", id="deal-1", weight=2.0, contract="HT-2021-18")
    extra_only = rel("sjtu", "COLLABORATES_WITH", "fudan", id="lab-1", lab="SJTU-Fudan 联合实验室")
    store.refresh("lab", LAB, [changed, extra_only])
    assert store.relationships(["deal-1", "lab-1"]) == {"deal-1": changed, "lab-1": extra_only}


def test_search(store: Store) -> None:
    nodes = [
        institution("sjtu", "上海交通大学", region="闵行区"),
        institution("tongji", "同济大学", region="杨浦区"),
        broker("tec", "国家技术转移东部中心", region="杨浦区"),
        Node("munich", "OverseasChannel", "东部中心德国分中心", {"country": "DE"}),
        achievement("a1", "电池材料"),
    ]
    store.refresh("lab", nodes, [])
    names = lambda page: [n.name for n in page.nodes]  # noqa: E731
    assert names(store.search(SearchFilter(text="东部中心"))) == [
        "东部中心德国分中心",
        "国家技术转移东部中心",
    ]
    assert names(store.search(SearchFilter(types=["Broker", "Achievement"]))) == [
        "国家技术转移东部中心",
        "电池材料",
    ]
    assert names(store.search(SearchFilter(kinds=["university"], region="杨浦区"))) == ["同济大学"]
    assert names(store.search(SearchFilter(country="DE"))) == ["东部中心德国分中心"]
    assert store.search(SearchFilter(text="TONGJI")).total == 1  # ids match too, any case
    assert store.search(SearchFilter(text="%")).total == 0  # no wildcards
    assert store.search(SearchFilter(text="nothing")).nodes == []


def test_search_by_one_or_two_characters_pages_every_match(store: Store) -> None:
    nodes = [
        institution(f"sh-{i:02}", f"{'上海' if i % 3 else '复旦'}{i % 5}号实验室")
        for i in range(40)
    ]
    store.refresh("lab", [*nodes, broker("SHX", "Zhang Wei")], [])
    for text, first in (("上海", 4), ("海", 7), ("实", 100), ("号实验", 9), ("sh", 6), ("Z", 3)):
        wanted = [
            n.id
            for n in sorted([*nodes, broker("SHX", "Zhang Wei")], key=lambda n: (n.name, n.id))
            if text.lower() in n.name.lower() or text.lower() in n.id.lower()
        ]
        seen: list[str] = []
        after = None
        while True:
            page = store.search(SearchFilter(text=text), first=first, after=after)
            assert page.total == len(wanted), text
            seen += [n.id for n in page.nodes]
            if not page.has_next:
                break
            after = page.end_cursor
        assert seen == wanted, text


def test_search_pages_cover_every_match_once(store: Store) -> None:
    nodes = [institution(f"u{i:03}", f"大学{i % 7}") for i in range(53)]
    store.refresh("lab", nodes, [])
    seen: list[str] = []
    after = None
    while True:
        page = store.search(SearchFilter(), first=10, after=after)
        assert page.total == 53
        seen += [n.id for n in page.nodes]
        if not page.has_next:
            break
        after = page.end_cursor
    assert sorted(seen) == sorted(n.id for n in nodes)
    assert len(seen) == 53
    with pytest.raises(ValueError, match="invalid cursor"):
        store.search(SearchFilter(), after="not-a-cursor")


def test_counts(store: Store) -> None:
    store.refresh("lab", LAB, LAB_RELS)
    store.refresh("deals", [broker("b1")], [rel("b1", "BROKERED", "a1")])
    counts = store.counts()
    as_json = counts.as_json()
    assert as_json["nodes"] == 4
    assert as_json["relationships"] == 3
    assert as_json["by_type"] == {"Achievement": 1, "Broker": 1, "Institution": 2}
    assert as_json["by_relation_type"] == {"BROKERED": 1, "COLLABORATES_WITH": 1, "DEVELOPED": 1}
    assert [(s["name"], s["nodes"], s["relationships"]) for s in as_json["sources"]] == [
        ("deals", 1, 1),
        ("lab", 3, 2),
    ]
    assert all(s["loaded_at"].endswith("+00:00") for s in as_json["sources"])
    assert as_json["data_version"] == store.data_version()


def test_readers_see_the_old_graph_while_a_refresh_runs(store_factory) -> None:  # type: ignore[no-untyped-def]
    writer = store_factory()
    writer.refresh("lab", LAB, LAB_RELS)
    reader = writer  # the same store object serves readers on other threads
    halfway = threading.Event()
    resume = threading.Event()

    def slow_nodes() -> Iterator[Node]:
        yield from LAB
        yield institution("tongji")
        halfway.set()
        assert resume.wait(10)
        yield institution("ecnu")

    errors: list[BaseException] = []

    def load() -> None:
        try:
            writer.refresh("lab", slow_nodes(), LAB_RELS)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=load)
    thread.start()
    try:
        assert halfway.wait(10)
        seen: list[int] = []
        reading = threading.Thread(target=lambda: seen.append(reader.counts().nodes))
        reading.start()
        reading.join(10)
        assert seen == [3]
        assert reader.node("tongji") is None
    finally:
        resume.set()
        thread.join(30)
    assert not errors
    assert reader.counts().nodes == 5
