"""The compiled integer form (``queries/_columns.c``) against its meaning in Python and numpy:
texts cut and found, columns coded, U and D; and the embedded store's weights read exactly."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.model import RELATION_TYPE_NAMES
from graphsvc.stores.contract import COLUMN_SEPARATOR, Node, Relationship
from graphsvc.stores.embedded import EmbeddedStore
from queries import _columns
from queries.projection import (
    _SYMMETRIC,
    Coded,
    IntArray,
    Strings,
    _Edges,
    _Topology,
    sorted_unique,
)

SEPARATOR = COLUMN_SEPARATOR.encode()

# ids: short texts over a few letters (so that they repeat and share prefixes), Chinese, an
# emoji and the separator itself (allowed in a text packed by Strings.of)
texts = st.text(alphabet=st.sampled_from(["a", "b", "é", "上", "海", "😀", COLUMN_SEPARATOR]))


def cheapest_of_each(key: IntArray, cost: npt.NDArray[np.float64]) -> IntArray:
    """For each distinct ``key`` in ascending order, the position of its lowest ``cost`` (the
    lowest position among equal costs)."""
    if len(key) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(key, kind="stable")
    ordered_key, ordered_cost = key[order], cost[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered_key[1:] != ordered_key[:-1])))
    opens = np.zeros(len(order), dtype=bool)
    opens[starts] = True
    group = np.cumsum(opens) - 1
    cheapest = np.minimum.reduceat(ordered_cost, starts)
    candidate = np.flatnonzero(ordered_cost == cheapest[group])
    first = np.concatenate(([True], group[candidate][1:] != group[candidate][:-1]))
    return order[candidate[first]].astype(np.int64)


def topology_in_numpy(n: int, edges: _Edges) -> _Topology:
    """What :meth:`_Topology.of` computes, by numpy sorts (the integer form before it was
    compiled)."""
    source, target = edges.source, edges.target
    loop = source == target
    degree = np.bincount(source, minlength=n) + np.bincount(target[~loop], minlength=n)
    position = np.flatnonzero(~loop)
    s, t, cost = source[position], target[position], edges.cost[position]
    low, high = np.minimum(s, t), np.maximum(s, t)
    chosen = cheapest_of_each(low * n + high, cost)
    pairs = np.column_stack((low[chosen], high[chosen])).reshape(-1, 2)
    pair_cost = cost[chosen]
    rows = np.concatenate((pairs[:, 0], pairs[:, 1]))
    cols = np.concatenate((pairs[:, 1], pairs[:, 0]))
    pair_of = np.concatenate((np.arange(len(chosen)), np.arange(len(chosen))))
    csr = np.argsort(rows * n + cols)
    csr_pair = pair_of[csr]
    symmetric = _SYMMETRIC[edges.type[position]]
    arc_key = sorted_unique(
        np.concatenate((s, t[symmetric])) * n + np.concatenate((t, s[symmetric]))
    )
    return _Topology(
        arcs=np.column_stack((arc_key // n, arc_key % n)).reshape(-1, 2),
        csr_cost=pair_cost[csr_pair],
        csr_pair=csr_pair.astype(np.int64),
        degree=degree.astype(np.int64),
        indices=cols[csr].astype(np.int64),
        indptr=np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n)))).astype(np.int64),
        pair_cost=pair_cost,
        pair_edge=position[chosen].astype(np.int64),
        pairs=pairs.astype(np.int64),
    )


def edges_of(source: list[int], target: list[int], types: list[int], costs: list[float]) -> _Edges:
    m = len(source)
    ids = Strings.of([f"r{i}" for i in range(m)])
    return _Edges(
        ids,
        np.array(source, dtype=np.int64),
        np.array(target, dtype=np.int64),
        np.array(types, dtype=np.int64),
        np.array(costs, dtype=np.float64),
        np.zeros(m, dtype=np.int64),
        ids,
    )


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, _Edges]:
    """A node count and relationships among the nodes: loops, parallel relationships and
    equal costs included."""
    n = draw(st.integers(0, 30))
    if n == 0:
        return 0, edges_of([], [], [], [])
    m = draw(st.integers(0, 80))
    node = st.integers(0, n - 1)
    source = draw(st.lists(node, min_size=m, max_size=m))
    target = draw(st.lists(node, min_size=m, max_size=m))
    types = draw(st.lists(st.integers(0, len(RELATION_TYPE_NAMES) - 1), min_size=m, max_size=m))
    costs = draw(st.lists(st.sampled_from([0.25, 0.5, 1.0, 2.0]), min_size=m, max_size=m))
    return n, edges_of(source, target, types, costs)


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_the_compiled_topology_is_numpys(graph: tuple[int, _Edges]) -> None:
    n, edges = graph
    compiled, expected = _Topology.of(n, edges), topology_in_numpy(n, edges)
    for name in _Topology._fields:
        found, wanted = getattr(compiled, name), getattr(expected, name)
        assert found.dtype == wanted.dtype and found.shape == wanted.shape, name
        assert np.array_equal(found, wanted), name


@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_topology_of_a_larger_graph_is_numpys(seed: int) -> None:
    """Hubs and many parallel relationships: 2,000 nodes, 20,000 relationships."""
    rng = np.random.default_rng(seed)
    n, m = 2_000, 20_000
    hubs = rng.integers(0, 20, m)
    source = np.where(rng.random(m) < 0.3, hubs, rng.integers(0, n, m))
    edges = edges_of(
        source.tolist(),
        rng.integers(0, n, m).tolist(),
        rng.integers(0, len(RELATION_TYPE_NAMES), m).tolist(),
        rng.choice([0.2, 0.5, 1.0], m).tolist(),
    )
    compiled, expected = _Topology.of(n, edges), topology_in_numpy(n, edges)
    for name in _Topology._fields:
        assert np.array_equal(getattr(compiled, name), getattr(expected, name)), name


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=20), st.lists(texts, max_size=40))
def test_ends_are_found_among_the_node_ids_as_a_dict_finds_them(
    ids: list[str], ends: list[str]
) -> None:
    """Each end's position among the ids (-1 when it is none: a relationship whose end is not
    a node), the last position of an id given twice, as ``dict`` keeps."""
    ends = ends + ids[:3]
    keys, found = Strings.of(ids), Strings.of(ends)
    out = np.empty(len(ends), dtype=np.int64)
    _columns.positions(keys.data, keys.starts, keys.ends, found.data, found.starts, found.ends, out)
    position = dict(zip(ids, range(len(ids)), strict=True))
    assert out.tolist() == [position.get(end, -1) for end in ends]


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=20))
def test_texts_are_ascending_as_python_orders_them(values: list[str]) -> None:
    """UTF-8 byte order is code point order: sorted by Python, strictly ascending in C unless a
    text is there twice."""
    ordered = Strings.of(sorted(values))
    distinct = len(set(values)) == len(values)
    assert _columns.ascending(ordered.data, ordered.starts, ordered.ends) == distinct
    given_order = Strings.of(values)
    ascending = all(a < b for a, b in itertools.pairwise(values))
    assert _columns.ascending(given_order.data, given_order.starts, given_order.ends) == ascending


@settings(max_examples=300, deadline=None)
@given(st.lists(texts.filter(lambda t: COLUMN_SEPARATOR not in t), min_size=1, max_size=20))
def test_joined_texts_are_cut_as_split_cuts_them(values: list[str]) -> None:
    joined = COLUMN_SEPARATOR.join(values)
    assert list(Strings.joined(joined, len(values))) == values
    assert list(Strings.joined(joined.encode(), len(values))) == values
    for wrong in (len(values) - 1, len(values) + 1) if joined else (2,):  # b"": 0 texts or 1
        with pytest.raises(ValueError, match="does not hold that many joined texts"):
            Strings.joined(joined.encode(), wrong)


def test_an_empty_column_is_cut_into_nothing() -> None:
    assert list(Strings.joined(b"", 0)) == []
    assert list(Strings.joined(b"", 1)) == [""]
    with pytest.raises(ValueError, match="does not hold that many joined texts"):
        Strings.joined(b"a", 0)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), texts), max_size=40))
def test_a_coded_column_is_its_sorted_vocabulary_and_codes(values: list[str | None]) -> None:
    """Codes into the sorted distinct values, -1 for none (None or the empty text), as the
    Python form computed them."""
    column = Coded.of(values)
    words = sorted({v for v in values if v})
    code_of = {v: c for c, v in enumerate(words)}
    assert list(column.vocabulary) == words
    assert column.codes.tolist() == [code_of[v] if v else -1 for v in values]
    assert column.codes.dtype == np.int32


def test_a_coded_column_of_many_values_grows_its_table() -> None:
    values = [f"v{i % 5000}" for i in range(12_000)] + ["", "v1"]
    column = Coded.of_strings(Strings.of(values))
    assert len(column.vocabulary) == 5000
    assert list(column) == [v or None for v in values]


def test_what_is_not_columns_or_a_graph_is_refused() -> None:
    ids = Strings.of(["a", "b"])
    out = np.empty(2, dtype=np.int64)
    with pytest.raises(ValueError, match="outside its buffer"):
        _columns.positions(ids.data, ids.starts, ids.ends + 5, ids.data, ids.starts, ids.ends, out)
    with pytest.raises(ValueError, match="outside its buffer"):
        _columns.ascending(ids.data, ids.starts - 1, ids.ends)
    with pytest.raises(ValueError, match="one entry per text"):
        _columns.positions(ids.data, ids.starts, ids.ends, ids.data, ids.starts, ids.ends, out[:1])
    with pytest.raises(TypeError, match="int64"):
        _columns.positions(
            ids.data, ids.starts.astype(np.int32), ids.ends, ids.data, ids.starts, ids.ends, out
        )
    with pytest.raises(ValueError, match="differ in length"):
        _columns.codes(ids.data, ids.starts, ids.ends[:1], np.empty(2, dtype=np.int32))
    for source, types in (([0, 2], [0, 0]), ([0, -1], [0, 0]), ([0, 1], [0, 99])):
        with pytest.raises(ValueError, match="not a node index"):
            _Topology.of(2, edges_of(source, [1, 1], types, [1.0, 1.0]))
    edges = edges_of([0], [1], [0], [1.0])
    with pytest.raises(ValueError, match="lengths do not fit"):
        _columns.topology(
            edges.source, edges.target, edges.type, edges.cost, _SYMMETRIC.view(np.uint8),
            *(np.empty(k, dtype=dtype) for k, dtype in (
                (2, np.int64), (3, np.int64), (2, np.int64), (1, np.float64), (1, np.int64),
                (2, np.int64), (2, np.int64), (2, np.float64), (3, np.int64),
            )),
        )  # fmt: skip


WEIGHTS = [
    1.0, 0.5, 0.84, 3.91, 0.0625, 127.99999999999999, 0.07, 0.1, 9.5, 64.3,
]  # fmt: skip
"""Weights that the bulk read takes as scaled integers (from 2**-4 to 2**7)."""


@pytest.mark.parametrize(
    "outside", [None, 0.01, 2.0**-10, 128.0, 1e-30, 1e300], ids=lambda w: f"outside={w}"
)
def test_the_weights_read_in_bulk_are_the_stored_doubles(
    tmp_path: Path, outside: float | None
) -> None:
    """Bit for bit, whether every weight has a scaled integer or one has none (then they are
    read as numbers)."""
    weights = [*WEIGHTS, *([] if outside is None else [outside])]
    store = EmbeddedStore(tmp_path / "w.db")
    nodes = [Node("a", "Institution", "a", {}), Node("b", "Institution", "b", {})]
    rels = [
        Relationship(f"r{i:02d}", "COLLABORATES_WITH", "a", "b", {"weight": w})
        for i, w in enumerate(weights)
    ]
    store.refresh("s", nodes, rels)
    columns = store.graph_columns()
    store.close()
    conn = sqlite3.connect(tmp_path / "w.db")
    stored = [w for (w,) in conn.execute("SELECT weight FROM relationships ORDER BY id")]
    conn.close()
    assert columns is not None
    assert stored == weights
    assert columns.weights.tobytes() == np.array(weights, dtype=np.float64).tobytes()
