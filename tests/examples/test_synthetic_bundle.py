"""loaders.synthetic.write_bundle: valid, exact in size, deterministic, shaped like a network."""

from __future__ import annotations

import hashlib
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest

from graphsvc.model import NODE_TYPES, RELATION_FILE, RELATION_TYPES
from loaders.synthetic import RELATIONS_PER_NODE, TRANSFER_MODE_BY_STATUS, write_bundle

from .conftest import CheckedBundle

Checker = Callable[[Path], CheckedBundle]
ALL_FILES = sorted([*(t.file for t in NODE_TYPES), RELATION_FILE])


def digest(bundle: Path) -> dict[str, str]:
    return {f: hashlib.sha256((bundle / f).read_bytes()).hexdigest() for f in ALL_FILES}


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A 3,000-node bundle with the default number of relations."""
    out = tmp_path_factory.mktemp("medium")
    return out, write_bundle(out, nodes=3000, seed=11)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    write_bundle(tmp_path / "a", nodes=500, seed=3)
    write_bundle(tmp_path / "b", nodes=500, seed=3)
    write_bundle(tmp_path / "c", nodes=500, seed=4)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a")[RELATION_FILE] != digest(tmp_path / "c")[RELATION_FILE]


def test_valid_and_exact_in_size(
    medium: tuple[Path, dict[str, int]], check_bundle: Checker
) -> None:
    bundle, counts = medium
    checked = check_bundle(bundle)
    assert sorted(counts) == ALL_FILES
    assert checked.rows_per_file == counts
    assert sum(n for f, n in counts.items() if f != RELATION_FILE) == 3000
    assert counts[RELATION_FILE] == RELATIONS_PER_NODE * 3000


@pytest.mark.parametrize(
    ("nodes", "relations"), [(0, 0), (1, 0), (6, 0), (6, 5), (40, 300), (1000, 1234), (800, 12000)]
)
def test_requested_sizes_respected(
    tmp_path: Path, check_bundle: Checker, nodes: int, relations: int
) -> None:
    counts = write_bundle(tmp_path, nodes=nodes, relations=relations, seed=1)
    checked = check_bundle(tmp_path)
    assert len(checked.node_type) == nodes
    assert counts[RELATION_FILE] == len(checked.relations) == relations


def test_more_relations_than_fit_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="do not fit"):
        write_bundle(tmp_path, nodes=6, relations=1000)


def test_every_type_kind_relation_and_endpoint_pair_used(
    medium: tuple[Path, dict[str, int]], check_bundle: Checker
) -> None:
    checked = check_bundle(medium[0])
    kinds_used = defaultdict(set)
    for node_id, row in checked.rows.items():
        kinds_used[checked.node_type[node_id]].add(row.get("kind"))
    for type_ in NODE_TYPES:
        if type_.kinds:
            assert kinds_used[type_.name] == set(type_.kinds), type_.name
    pairs = {
        (r["type"], checked.node_type[r["source"]], checked.node_type[r["target"]])
        for r in checked.relations
    }
    expected = {
        (rel.name, s, t)
        for rel in RELATION_TYPES
        for s in rel.sources
        for t in rel.targets
        # an institution partnering abroad, an investor in a result: both pairs are drawn
    }
    assert pairs == expected


def test_every_optional_property_sometimes_filled_sometimes_empty(
    medium: tuple[Path, dict[str, int]], check_bundle: Checker
) -> None:
    checked = check_bundle(medium[0])
    for type_ in NODE_TYPES:
        rows = [row for i, row in checked.rows.items() if checked.node_type[i] == type_.name]
        for prop in type_.properties:
            filled = sum(1 for row in rows if row[prop.name])
            assert filled > 0, (type_.name, prop.name)
            if not prop.required and prop.name != "tags":  # made-up rows always say so
                assert filled < len(rows), (type_.name, prop.name)
    for column in ("date", "amount_cny", "weight", "mode", "note"):
        filled = sum(1 for r in checked.relations if r[column])
        assert 0 < filled < len(checked.relations), column


def test_heavy_tailed_degree(medium: tuple[Path, dict[str, int]], check_bundle: Checker) -> None:
    checked = check_bundle(medium[0])
    degree = checked.degree()
    values = [degree.get(node, 0) for node in checked.node_type]
    top = sorted(values, reverse=True)
    assert statistics.median(values) <= 6
    assert top[0] >= 30 * statistics.median(values)
    assert sum(top[: len(top) // 100]) > 0.15 * sum(values)  # the top 1% carry a large share


def test_statuses_agree_with_relations(
    medium: tuple[Path, dict[str, int]], check_bundle: Checker
) -> None:
    checked = check_bundle(medium[0])
    by_type: dict[str, list[dict[str, str]]] = defaultdict(list)
    for rel in checked.relations:
        by_type[rel["type"]].append(rel)
    transfers = {r["source"]: r["mode"] for r in by_type["TRANSFERRED_TO"]}
    for node_id, row in checked.rows.items():
        if row.get("status") in TRANSFER_MODE_BY_STATUS:
            assert transfers.get(node_id) == TRANSFER_MODE_BY_STATUS[row["status"]]
    solved = {r["target"] for r in by_type["SOLVES"]}
    raisers = Counter(r["target"] for r in by_type["RAISED"])
    demands = [i for i, t in checked.node_type.items() if t == "Demand"]
    for demand in demands:
        assert raisers[demand] == 1
        status = checked.rows[demand]["status"]
        if status in ("solved", "matched"):
            assert demand in solved
        elif status:
            assert demand not in solved
    for rel in by_type["RAISED"]:
        assert checked.rows[rel["source"]]["kind"] == "enterprise"


def test_progress_reports_every_file(tmp_path: Path) -> None:
    reported: dict[str, int] = {}
    counts = write_bundle(tmp_path, nodes=200, seed=2, progress=reported.__setitem__)
    assert reported == counts


@pytest.mark.slow
def test_a_large_bundle_has_exactly_the_rows_asked_for(tmp_path: Path) -> None:
    """The size bench/load.py and bench/neo4j.py generate (their figures time it, not this)."""
    counts = write_bundle(tmp_path, nodes=200_000, relations=1_000_000, seed=5)
    assert counts[RELATION_FILE] == 1_000_000
    assert sum(counts.values()) == 1_200_000
