"""What only the embedded store promises: one file, clear errors, one writer at a time."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from graphsvc.stores import open_store
from graphsvc.stores.contract import GraphColumns, Node, Relationship, StoreBusy, StoreError
from graphsvc.stores.embedded import EmbeddedStore


def institution(id: str) -> Node:
    return Node(id, "Institution", id, {"kind": "university", "country": "CN"})


def test_open_store_picks_the_embedded_store_for_a_path(store_path: Path) -> None:
    store = open_store(str(store_path))
    try:
        assert isinstance(store, EmbeddedStore)
        assert store_path.exists()
    finally:
        store.close()


def test_open_store_refuses_an_unknown_scheme() -> None:
    with pytest.raises(StoreError, match="unknown scheme"):
        open_store("postgres://localhost/graph")


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        EmbeddedStore(tmp_path / "nowhere" / "g.db")


def test_a_file_that_is_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="cannot open as an innonet store: file is not a database"):
        EmbeddedStore(path)
    assert path.read_text().startswith("these are my notes")


def test_a_second_refresh_waits_then_fails_clearly(store_path: Path) -> None:
    first = EmbeddedStore(store_path)
    second = EmbeddedStore(store_path, lock_timeout=0.2)
    holding = threading.Event()
    release = threading.Event()

    def slow_nodes() -> Iterator[Node]:
        yield institution("sjtu")
        holding.set()
        assert release.wait(10)

    thread = threading.Thread(target=lambda: first.refresh("a", slow_nodes(), []))
    thread.start()
    try:
        assert holding.wait(10)
        with pytest.raises(StoreBusy, match="another load is writing"):
            second.refresh("b", [institution("fudan")], [])
    finally:
        release.set()
        thread.join(10)
    assert second.refresh("b", [institution("fudan")], []).changed
    assert [s.name for s in second.counts().sources] == ["a", "b"]
    first.close()
    second.close()


def test_a_failed_refresh_leaves_the_graph_as_it_was(store_path: Path) -> None:
    store = EmbeddedStore(store_path)
    store.refresh("a", [institution("sjtu")], [])
    version = store.data_version()

    def broken_export() -> Iterator[Node]:
        yield institution("fudan")
        raise OSError("disk went away")

    with pytest.raises(OSError, match="disk went away"):
        store.refresh("a", broken_export(), [])
    assert [n.id for n in store.iter_nodes()] == ["sjtu"]
    assert store.data_version() == version
    store.close()


def test_reading_a_store_that_does_not_exist_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "typo.db"
    with pytest.raises(StoreError, match=r"no store at .*typo\.db: load a bundle into it first"):
        open_store(str(path), create=False)
    assert not path.exists()


@pytest.mark.parametrize(
    "command",
    [["stats"], ["hubs"], ["path", "sjtu", "fudan"], ["viz", "hub", "--out", "hubs.html"]],
)
def test_commands_that_read_refuse_a_missing_store(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "typo.db"
    done = subprocess.run(
        [sys.executable, "-m", "graphsvc.cli", *command, "--store", str(missing)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "no store at" in done.stderr and "load a bundle into it first" in done.stderr
    assert not missing.exists()


def _plain(columns: GraphColumns) -> dict[str, object]:
    """The fields of ``columns``, arrays as lists (comparable with ``==``)."""
    return {
        f.name: np.asarray(getattr(columns, f.name)).tolist() for f in dataclasses.fields(columns)
    }


def test_a_store_of_schema_version_3_gets_the_node_columns_when_opened(tmp_path: Path) -> None:
    """Version 3 kept a node's field, status and date only in its JSON properties; opening such
    a store adds the columns, filled as a load fills them (texts only; a year or a text date)."""
    path = tmp_path / "old.db"
    store = EmbeddedStore(path)
    dates: list[object] = [2019, "2021-03-04", "soon", None, True, 2019.0, [2019]]
    texts: list[object] = ["电子信息", 3, None, "", True, "available", {"a": 1}]
    nodes = [
        Node(f"a{i}", "Achievement", f"a{i}", {"year": d, "field": t, "status": t})
        for i, (d, t) in enumerate(zip(dates, texts, strict=True))
    ]
    nodes += [
        Node("d", "Demand", "d", {"posted": "2020-05-06", "year": 2001}),
        Node("i", "Institution", "i", {"founded": 1999, "field": "新能源"}),
        Node("x", "Institution", "x", {"year": 2001}),
    ]
    store.refresh("s", nodes, [])
    written = store.graph_columns()
    store.close()
    conn = sqlite3.connect(path)
    with conn:
        for column in ("field", "status", "since"):
            conn.execute(f"ALTER TABLE nodes DROP COLUMN {column}")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    conn.close()

    store = EmbeddedStore(path)
    upgraded = store.graph_columns()
    store.close()
    assert written is not None and upgraded is not None
    assert upgraded.node_days.tolist() == [20190101, 20210304, 0, 0, 0, 0, 0, 20200506, 19990101, 0]
    fields = ["电子信息", "", "", "", "", "available", "", "", "新能源", ""]
    assert upgraded.fields.decode().split("\x1f") == fields
    assert _plain(upgraded) == _plain(written)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("4",)
    conn.close()


def test_a_store_of_schema_version_2_gets_the_relationship_days_when_opened(
    tmp_path: Path,
) -> None:
    """Version 2 kept a relationship's date only in its JSON properties; opening such a store
    adds the ``since`` column, filled with each date's day (as a load writes it)."""
    path = tmp_path / "old.db"
    store = EmbeddedStore(path)
    nodes = [Node("a", "Institution", "a", {}), Node("b", "Institution", "b", {})]
    dates: list[object] = ["2021-03-04", 2019, "soon", None, True, 2019.0]
    rels = [
        Relationship(f"r{i}", "COLLABORATES_WITH", "a", "b", {} if d is None else {"date": d})
        for i, d in enumerate(dates)
    ]
    store.refresh("s", nodes, rels)
    written = store.graph_columns()
    store.close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("ALTER TABLE relationships DROP COLUMN since")
        conn.execute("ALTER TABLE nodes DROP COLUMN field")
        conn.execute("ALTER TABLE nodes DROP COLUMN status")
        conn.execute("ALTER TABLE nodes DROP COLUMN since")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.close()

    store = EmbeddedStore(path)
    upgraded = store.graph_columns()
    store.close()
    assert written is not None and upgraded is not None
    assert upgraded.relationship_days.tolist() == [20210304, 20190101, 0, 0, 0, 0]
    assert written.relationship_days.tolist() == upgraded.relationship_days.tolist()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("4",)
    conn.close()
