"""examples/shanghai: rebuilt byte for byte by its script, in bounds, true to seeds, loadable."""

from __future__ import annotations

import collections
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from graphsvc.model import NODE_TYPES, RELATION_FILE

from .conftest import CheckedBundle, check_bundle

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "examples" / "shanghai"
BUILDER = REPO / "examples" / "build_shanghai.py"
FILES = sorted([*(t.file for t in NODE_TYPES), RELATION_FILE])
PILOT_UNITS = {  # seed 004
    "上海交通大学",
    "复旦大学",
    "中国科学院上海微系统与信息技术研究所",
    "上海大学",
    "上海理工大学",
    "上海海事大学",
}


@pytest.fixture(scope="module")
def sample() -> CheckedBundle:
    return check_bundle(SAMPLE)


def test_script_rebuilds_the_committed_bundle_byte_for_byte(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    subprocess.run([sys.executable, str(BUILDER), str(tmp_path)], check=True, env=env, cwd=REPO)
    for name in FILES:
        fresh = hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
        committed = hashlib.sha256((SAMPLE / name).read_bytes()).hexdigest()
        assert fresh == committed, f"{name} differs: run python examples/build_shanghai.py"


def test_size_within_bounds(sample: CheckedBundle) -> None:
    assert 3_000 <= len(sample.node_type) <= 10_000
    assert 20_000 <= len(sample.relations) <= 50_000
    assert sum((SAMPLE / f).stat().st_size for f in FILES) < 5_000_000


def test_46_channels_in_35_countries(sample: CheckedBundle) -> None:
    channels = [i for i, t in sample.node_type.items() if t == "OverseasChannel"]
    assert len(channels) == 46
    assert len({sample.rows[c]["country"] for c in channels}) == 35
    assert all(sample.rows[c]["country"] != "CN" for c in channels)


def test_real_actors_present_and_untagged(sample: CheckedBundle) -> None:
    by_name = {row["name"]: row for row in sample.rows.values() if "name" in row}
    for name in [
        *PILOT_UNITS,
        "同济大学",
        "上海技术交易所",
        "国家技术转移东部中心",
        "上海知识产权交易中心",
    ]:
        assert name in by_name, name
        assert "synthetic" not in by_name[name]["tags"].split(";"), name


def test_every_made_up_row_is_tagged(sample: CheckedBundle) -> None:
    untagged = [i for i, row in sample.rows.items() if "synthetic" not in row["tags"].split(";")]
    # only the real actors lack the tag: the units, parks, platforms and funds the seeds name
    assert 40 <= len(untagged) <= 60
    assert all(sample.node_type[i] != "Achievement" for i in untagged)
    assert all(sample.node_type[i] != "Demand" for i in untagged)
    assert all(sample.node_type[i] != "OverseasChannel" for i in untagged)
    assert not any(i.startswith(("ent:", "abroad:", "agency:", "tm:", "bank:")) for i in untagged)


def test_figures_from_the_seeds(sample: CheckedBundle) -> None:
    by_type = collections.defaultdict(list)
    for rel in sample.relations:
        by_type[rel["type"]].append(rel)
    assert sum(1 for r in by_type["BROKERED"] if r["source"] == "brk:stex") == 1400
    demands = [i for i, t in sample.node_type.items() if t == "Demand"]
    assert len(demands) == 2617
    assert len({r["source"] for r in by_type["RAISED"]}) == 1385
    status = collections.Counter(sample.rows[d]["status"] for d in demands)
    assert status["solved"] == 581
    assert round((status["solved"] + status["matched"]) / len(demands), 2) == 0.46
    pledges = [r for r in by_type["INVESTED_IN"] if r["source"].startswith("bank:")]
    assert len({r["source"] for r in pledges}) == 15
    assert sum(int(r["amount_cny"]) for r in pledges) == 3_841_000_000
    branches = [i for i in sample.node_type if i.startswith("brk:east-")]
    assert len(branches) == 23
    east_channels = {r["target"] for r in by_type["PARTNERS_WITH"] if r["source"] == "brk:east"}
    assert len(east_channels) == 11


def graph_of(sample: CheckedBundle) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(sample.node_type)
    graph.add_edges_from((r["source"], r["target"]) for r in sample.relations)
    return graph


def test_the_users_questions_have_answers(sample: CheckedBundle) -> None:
    graph = graph_of(sample)
    degrees = sorted((d for _, d in graph.degree()), reverse=True)
    assert degrees[0] > 50 * degrees[len(degrees) // 2]  # a few hubs, many small actors
    german = [i for i, row in sample.rows.items() if row.get("country") == "DE"]
    without_east = graph.copy()
    without_east.remove_node("brk:east")
    reach = nx.node_connected_component(without_east, german[0])
    universities = [i for i, r in sample.rows.items() if r.get("kind") == "university"]
    cut_off = {u for u in universities if u not in reach}
    assert cut_off == {"uni:sspu", "uni:sdju"}
    far_enterprises = collections.Counter()
    for node_id in sample.node_type:
        if sample.rows[node_id].get("kind") != "enterprise":
            continue
        near = nx.single_source_shortest_path_length(graph, node_id, cutoff=3)
        if not any(sample.rows[n].get("kind") == "university" for n in near):
            far_enterprises[sample.rows[node_id]["region"]] += 1
    assert far_enterprises["金山区"] > 10 and far_enterprises["崇明区"] > 10
    cut_brokers = [n for n in nx.articulation_points(graph) if sample.node_type[n] == "Broker"]
    assert "brk:east" in cut_brokers
    pending = [
        r["target"]
        for r in sample.relations
        if r["type"] == "SOLVES" and sample.rows[r["target"]]["status"] == "matched"
    ]
    assert len(pending) > 100  # demands not solved yet, with achievements one step away


def test_innonet_load_dry_run_accepts_the_sample(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "graphsvc.cli", "load", str(SAMPLE), "--dry-run"],
        cwd=tmp_path,
        env={**os.environ, "INNONET_STORE": str(tmp_path / "store.db")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
