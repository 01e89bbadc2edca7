"""The embedded store's first load (a store holding nothing) takes a short way: it must store the
very rows, search index and report of the general refresh, and refuse what it refuses."""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from graphsvc.stores.contract import (
    GraphCounts,
    Node,
    RefreshConflict,
    RefreshReport,
    Relationship,
    SearchFilter,
)
from graphsvc.stores.embedded import BATCH, MAX_CONFLICTS, EmbeddedStore
from loaders.refresh import refresh_bundle
from loaders.synthetic import write_bundle

SEARCHED = ("上海", "大学", "a", "inst-1", "Sh", "研究所", "x", "ach-2")


def general_refresh(
    store: EmbeddedStore, source: str, nodes: list[Node], relationships: list[Relationship]
) -> RefreshReport:
    """``store.refresh`` the general way (staging, checks against the graph, merge), whatever
    the store holds."""
    conn = store._connect(timeout=5.0)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            report = store._refresh(conn, source, nodes, relationships, None, time.perf_counter())
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()
    return report


def file_contents(path: Path) -> dict[str, Any]:
    """Every table of the store file row for row (the FTS tables through the tables they keep
    their index in), and its schema; the load's time and the data version's random part left out."""
    conn = sqlite3.connect(path)
    try:
        schema = sorted(
            conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'"
            )
        )
        tables = [
            name
            for type_, name, _, sql in schema
            if type_ == "table" and not sql.startswith("CREATE VIRTUAL")  # its tables are read
        ]
        contents: dict[str, Any] = {"schema": schema}
        for table in tables:
            contents[table] = sorted(conn.execute(f'SELECT * FROM "{table}"'), key=repr)
    finally:
        conn.close()
    contents["sources"] = [name for name, _ in contents["sources"]]
    contents["meta"] = [
        (key, value.split("-")[0] if key == "data_version" else value)
        for key, value in contents["meta"]
    ]
    return contents


def everything(store: EmbeddedStore) -> tuple[list[Node], list[Relationship]]:
    nodes = list(store.iter_nodes())
    ids = [edge.id for edge in store.iter_edges()]
    relationships = store.relationships(ids)
    return nodes, [relationships[id] for id in ids]


def counted(store: EmbeddedStore) -> GraphCounts:
    """The store's counts, without the load's time and the data version's random part."""
    counts = store.counts()
    return dataclasses.replace(
        counts,
        data_version=counts.data_version.split("-")[0],
        sources=[dataclasses.replace(source, loaded_at="") for source in counts.sources],
    )


def searched(store: EmbeddedStore) -> list[tuple[int, list[str]]]:
    pages = [store.search(SearchFilter(text=text), first=50) for text in SEARCHED]
    return [(page.total, [node.id for node in page.nodes]) for page in pages]


def test_a_first_load_stores_what_the_general_refresh_stores(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    write_bundle(bundle, nodes=2000, relations=9000, seed=7)
    loaded = EmbeddedStore(tmp_path / "loaded.db")
    result = refresh_bundle(loaded, bundle, "synthetic")
    result.close()
    assert result.valid and result.report is not None
    nodes, relationships = everything(loaded)
    assert len(nodes) == 2000 and len(relationships) > 8000

    first = EmbeddedStore(tmp_path / "first.db")
    general = EmbeddedStore(tmp_path / "general.db")
    try:
        first_report = first.refresh("synthetic", nodes, relationships)
        general_report = general_refresh(general, "synthetic", nodes, relationships)
        for report in (result.report, first_report):
            assert report.nodes == general_report.nodes
            assert report.relationships == general_report.relationships
            assert report.data_version.split("-")[0] == general_report.data_version.split("-")[0]
        assert counted(first) == counted(general)
        assert searched(first) == searched(general) == searched(loaded)
        assert all(total > 0 for total, _ in searched(first)[:3])
        expected = file_contents(general.path)
        assert file_contents(first.path) == expected
        assert file_contents(loaded.path) == expected
        # and a reload finds nothing changed
        again = first.refresh("synthetic", nodes, relationships)
        assert {t: c.unchanged for t, c in again.nodes.items()} == {
            t: c.created for t, c in first_report.nodes.items()
        }
        assert {t: c.unchanged for t, c in again.relationships.items()} == {
            t: c.created for t, c in first_report.relationships.items()
        }
    finally:
        for store in (loaded, first, general):
            store.close()


def institution(id: str) -> Node:
    return Node(id, "Institution", f"机构 {id}", {"kind": "university"})


def achievement(id: str) -> Node:
    return Node(id, "Achievement", f"成果 {id}", {"field": "新材料"})


REFUSED: dict[str, tuple[list[Node], list[Relationship]]] = {
    "missing ends": (
        [institution("i1"), achievement("a1")],
        [
            Relationship("r2", "DEVELOPED", "i1", "nowhere", {}),
            Relationship("r1", "DEVELOPED", "nobody", "a1", {}),
            Relationship("r3", "DEVELOPED", "i1", "a1", {}),
        ],
    ),
    "types that do not fit": (
        [institution("i1"), achievement("a1")],
        [
            Relationship("r1", "DEVELOPED", "a1", "i1", {}),
            Relationship("r0", "NO_SUCH_TYPE", "i1", "a1", {}),
        ],
    ),
    "many": (
        [institution(f"i{n}") for n in range(300)],
        [Relationship(f"r{n:04}", "DEVELOPED", f"i{n}", "nowhere", {}) for n in range(300, 0, -1)],
    ),
    "a node given twice": ([institution("i1"), institution("i2"), institution("i1")], []),
    "a relationship given twice": (
        [institution("i1"), achievement("a1")],
        [Relationship("r1", "DEVELOPED", "i1", "a1", {})] * 2,
    ),
    "a node given again in a later batch": (
        [institution(f"i{n}") for n in range(BATCH + 10)] + [institution("i3")],
        [],
    ),
    "nodes given twice within a later batch": (
        [institution(f"i{n}") for n in range(BATCH + 10)]
        + [institution("x"), institution("y"), institution("x"), institution("y")],
        [],
    ),
    "a relationship given again in a later batch": (
        [institution("i1"), achievement("a1")],
        [Relationship(f"r{n}", "DEVELOPED", "i1", "a1", {}) for n in range(BATCH + 1)]
        + [Relationship("r7", "DEVELOPED", "i1", "a1", {})],
    ),
    "an unknown type given twice": (
        [institution("i1"), achievement("a1")],
        [Relationship("r1", "NO_SUCH_TYPE", "i1", "a1", {})] * 2,
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_first_load_refuses_what_the_general_refresh_refuses(tmp_path: Path, case: str) -> None:
    nodes, relationships = REFUSED[case]
    first = EmbeddedStore(tmp_path / "first.db")
    general = EmbeddedStore(tmp_path / "general.db")
    untouched = file_contents(first.path)
    try:
        with pytest.raises(RefreshConflict) as general_refused:
            general_refresh(general, "s", nodes, relationships)
        with pytest.raises(RefreshConflict) as first_refused:
            first.refresh("s", nodes, relationships)
        assert first_refused.value.problems == general_refused.value.problems
        assert 0 < len(first_refused.value.problems) <= MAX_CONFLICTS
        assert file_contents(first.path) == untouched  # the indexes dropped are back
        report = first.refresh("s", [institution("i1")], [])
        assert report.nodes["Institution"].created == 1
    finally:
        first.close()
        general.close()
