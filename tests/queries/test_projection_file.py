"""Projection files: the mapped projection equals the one built in memory, one build per data
version however many processes ask, old versions removed, damaged files built again."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsvc.model import NODE_TYPE_BY_NAME
from graphsvc.stores.contract import Node, Relationship, Store
from graphsvc.stores.embedded import EmbeddedStore
from loaders.refresh import refresh_bundle
from loaders.synthetic import write_bundle
from queries import projection_file
from queries.projection import Projection, _Topology
from queries.projection_file import (
    ENV,
    FORMAT,
    SUFFIX,
    file_name,
    folder_of,
    shared_projection,
    write,
)
from tests.neo4j_server import fresh_neo4j

REPO = Path(__file__).resolve().parents[2]


def assert_same(mapped: Projection, reference: Projection) -> None:
    """Every array and column of the two projections is equal."""
    assert mapped.version == reference.version
    assert list(mapped.ids) == list(reference.ids)
    assert list(mapped.names) == list(reference.names)
    assert list(mapped.relationship_ids) == list(reference.relationship_ids)
    assert mapped.relationship_types == reference.relationship_types
    for name in _Topology._fields:
        a, b = getattr(mapped._topology, name), getattr(reference._topology, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    for a, b in zip(mapped.relationship_ends, reference.relationship_ends, strict=True):
        assert np.array_equal(a, b)
    m = len(mapped.relationship_ids)
    assert [mapped.relationship(e) for e in range(m)] == [
        reference.relationship(e) for e in range(m)
    ]
    assert np.array_equal(mapped.relationship_since, reference.relationship_since)
    assert np.array_equal(mapped.node_since, reference.node_since)
    assert np.array_equal(mapped.type_codes, reference.type_codes)
    assert list(mapped.fields) == list(reference.fields)
    assert list(mapped.statuses) == list(reference.statuses)
    n = mapped.number_of_nodes()
    for of in ("kind_of", "country_of", "region_of"):
        assert [getattr(mapped, of)(i) for i in range(n)] == [
            getattr(reference, of)(i) for i in range(n)
        ]
    assert [mapped.adjacency[i] for i in range(n)] == [reference.adjacency[i] for i in range(n)]


@st.composite
def dated_graphs(draw: st.DrawFn, graphs: Any) -> tuple[list[Node], list[Relationship]]:
    """Random typed graphs with ids out of creation order (some not ASCII), regions, fields,
    statuses and dates of every form a store may hold (years, dates, date-times, bad values)."""
    spec = draw(graphs())
    prefix = {n.id: draw(st.sampled_from(["", "上", "é", "Z"])) for n in spec.nodes}
    when = st.one_of(
        st.none(),
        st.integers(1800, 2100),
        st.dates().map(str),
        st.just("2021-03-04T10:00:00Z"),
        st.just("soon"),
    )
    nodes = []
    for node in spec.nodes:
        props = dict(node.properties)
        since = NODE_TYPE_BY_NAME[node.type].since
        if since is not None:
            value = draw(when)
            if value is not None:
                props[since] = value
        for name, values in (
            ("region", ["浦东新区", "Pudong"]),
            ("field", ["energy", "人工智能"]),
            ("status", ["open", "solved"]),
        ):
            value = draw(st.one_of(st.none(), st.sampled_from(values)))
            if value is not None:
                props[name] = value
        name = draw(st.sampled_from([node.name, f"上海{node.name}", f"é {node.name}"]))
        nodes.append(Node(prefix[node.id] + node.id, node.type, name, props))
    rels = []
    for rel in spec.relationships:
        props = dict(rel.properties)
        date = draw(when)
        if date is not None:
            props["date"] = date
        rels.append(
            Relationship(
                rel.id,
                rel.type,
                prefix[rel.source] + rel.source,
                prefix[rel.target] + rel.target,
                props,
            )
        )
    return nodes, rels


def _maps_the_file(array: np.ndarray) -> bool:
    """Whether ``array`` is a view of a file mapping (a plain ndarray over a numpy.memmap)."""
    base: object = array
    while isinstance(base, np.ndarray):
        if isinstance(base, np.memmap):
            return type(array) is np.ndarray  # not the slow subclass itself
        base = base.base
    return False


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_mapped_projection_equals_the_one_built_in_memory(
    data: st.DataObject, graphs: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    nodes, rels = data.draw(dated_graphs(graphs))
    store = EmbeddedStore(tmp_path_factory.mktemp("g") / "g.db")
    try:
        store.refresh("test", nodes, rels)
        mapped = shared_projection(store)
        assert _maps_the_file(mapped.indices) or len(mapped.indices) == 0
        assert_same(mapped, Projection.from_store(store))
        assert_same(shared_projection(store), mapped)  # opened from the file this time
    finally:
        store.close()


@pytest.fixture
def projections_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Projection files of every store go under ``tmp_path/projections`` for the test."""
    folder = tmp_path / "projections"
    monkeypatch.setenv(ENV, str(folder))
    return folder


def test_the_mapped_projection_equals_the_one_built_in_memory_on_neo4j(
    projections_in: Path,
) -> None:
    store = fresh_neo4j()
    try:
        nodes = [
            Node("上海-lab", "Institution", "lab", {"kind": "university", "founded": 1990}),
            Node("ach", "Achievement", "a", {"field": "energy", "status": "available"}),
            Node("ent", "Institution", "e", {"kind": "enterprise", "region": "浦东新区"}),
        ]
        rels = [
            Relationship(
                "r1", "DEVELOPED", "上海-lab", "ach", {"weight": 2.0, "date": "2020-01-02"}
            ),
            Relationship("r2", "TRANSFERRED_TO", "ach", "ent", {"weight": 0.5}),
            Relationship("r3", "COLLABORATES_WITH", "上海-lab", "ent", {}),
        ]
        store.refresh("test", nodes, rels)
        mapped = shared_projection(store)
        assert _maps_the_file(mapped.indices)
        assert folder_of(store) is not None and folder_of(store).parent == projections_in  # type: ignore[union-attr]
        assert_same(mapped, Projection.from_store(store))
    finally:
        store.close()


@pytest.fixture
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """A fresh store holding a generated bundle of 3,000 nodes."""
    bundle = tmp_path_factory.mktemp("bundle")
    write_bundle(bundle, nodes=3000, seed=5)
    store = EmbeddedStore(tmp_path_factory.mktemp("store") / "g.db")
    with refresh_bundle(store, bundle, "synthetic") as result:
        assert result.valid
    yield store
    store.close()


def _files(store: Store) -> list[str]:
    folder = folder_of(store)
    assert folder is not None
    return sorted(p.name for p in folder.iterdir() if p.name != "lock")


CHILD = """
import logging, sys, time
logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(message)s")
from graphsvc.stores.embedded import EmbeddedStore
from queries.projection_file import shared_projection
store = EmbeddedStore(sys.argv[1])
while time.time() < float(sys.argv[2]):
    time.sleep(0.001)
print("nodes", shared_projection(store).number_of_nodes())
"""


def test_two_processes_asking_at_once_build_one_file(generated: EmbeddedStore) -> None:
    import time

    start = time.time() + 3
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(generated.path), str(start)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for _ in range(2)
    ]
    outputs = [child.communicate(timeout=120)[0] for child in children]
    assert all(child.returncode == 0 for child in children), outputs
    assert all("nodes 3000" in out for out in outputs), outputs
    assert sum(out.count("built the projection file") for out in outputs) == 1, outputs
    assert _files(generated) == [file_name(generated.data_version())]


def test_a_new_data_version_makes_a_new_file_and_removes_the_old(
    generated: EmbeddedStore,
) -> None:
    before = shared_projection(generated)
    assert _files(generated) == [file_name(before.version)]
    generated.refresh("late", [Node("zz-late", "Investor", "late", {"kind": "vc"})], [])
    after = shared_projection(generated)
    assert after.version == generated.data_version() != before.version
    assert _files(generated) == [file_name(after.version)]
    assert after.node_index("zz-late") == after.number_of_nodes() - 1
    assert before.number_of_nodes() == after.number_of_nodes() - 1  # the old mapping still reads


def test_a_file_of_the_previous_format_is_built_again(
    generated: EmbeddedStore, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the previous layout wrote (format 3: no node names) is not read."""
    reference = shared_projection(generated)
    folder = folder_of(generated)
    assert folder is not None
    path = folder / file_name(reference.version)
    arrays = {k: v for k, v in reference.arrays().items() if not k.startswith("node.names")}
    path.unlink()
    with monkeypatch.context() as old:
        old.setattr(projection_file, "FORMAT", FORMAT - 1)
        write(path, reference.version, arrays)
    with caplog.at_level(logging.INFO, logger="innonet.projection"):
        rebuilt = shared_projection(generated)
    assert f"format {FORMAT - 1}, expected {FORMAT}" in caplog.text
    assert "built the projection file" in caplog.text
    assert_same(rebuilt, Projection.from_store(generated))


@pytest.mark.parametrize("damage", ["truncated", "flipped", "header", "empty"])
def test_a_damaged_file_is_found_and_built_again(
    generated: EmbeddedStore, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    reference = shared_projection(generated)
    folder = folder_of(generated)
    assert folder is not None
    path = folder / file_name(reference.version)
    size = path.stat().st_size
    with open(path, "r+b") as file:
        if damage == "truncated":
            file.truncate(size - 100)
        elif damage == "flipped":  # one bit in the middle of the relationships' targets
            head = file.read(24)
            header = json.loads(file.read(int.from_bytes(head[16:], "little")))
            (offset,) = [at for name, _, _, at, _ in header["arrays"] if name == "edge.target"]
            spot = header["start"] + offset + 8 * 1000
            file.seek(spot)
            byte = file.read(1)
            file.seek(spot)
            file.write(bytes([byte[0] ^ 0x01]))
        elif damage == "header":
            file.seek(30)
            file.write(b"}}}}")
        else:
            file.truncate(0)
    with caplog.at_level(logging.INFO, logger="innonet.projection"):
        rebuilt = shared_projection(generated)
    assert "damaged" in caplog.text or "not a projection file" in caplog.text
    assert "built the projection file" in caplog.text
    assert_same(rebuilt, Projection.from_store(generated))
    assert path.stat().st_size == size
    assert [p for p in _files(generated) if not p.endswith(SUFFIX)] == []


def test_projection_files_can_be_turned_off(
    generated: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "off")
    graph = shared_projection(generated)
    assert folder_of(generated) is None
    assert not isinstance(graph.indices, np.memmap)
    assert not Path(f"{generated.path}.projection").exists()
    assert not any(name.endswith(".projection") for name in os.listdir(generated.path.parent))


def test_results_are_kept_beside_the_file_and_a_damaged_one_is_computed_again(
    generated: EmbeddedStore, caplog: pytest.LogCaptureFixture
) -> None:
    graph = shared_projection(generated)
    assert graph.results is not None
    calls: list[int] = []

    def scores() -> tuple[np.ndarray, str]:
        calls.append(1)
        return graph.degree * 2, "doubled"

    key = ("centrality", "TEST")
    first = graph.memo(key, scores)
    again = shared_projection(generated)  # another process would map it so
    assert again is not graph
    read_back = again.memo(key, scores)
    assert calls == [1]
    assert np.array_equal(read_back[0], first[0]) and read_back[1] == "doubled"
    (stored,) = (graph.results.folder).glob("centrality_TEST-*.npz")  # type: ignore[attr-defined]
    stored.write_bytes(stored.read_bytes()[:50])
    with caplog.at_level(logging.WARNING, logger="innonet.projection"):
        third = shared_projection(generated).memo(key, scores)
    assert "does not read back" in caplog.text
    assert calls == [1, 1] and np.array_equal(third[0], first[0])
    assert graph.memo("igraph.U", lambda: 1) == 1  # not a kept result: in memory only
