"""Benchmark of the query layer against python-igraph on one generated graph.

Generates a bundle (``loaders.synthetic.write_bundle``, 100,000 nodes and 500,000 relations by
default), loads it into an embedded store in a work folder (kept, so a second run skips the
load), then measures side by side with igraph as the peer on the same graph:

projection build, shortest path (median and p95 over 200 random pairs), k=5 shortest paths,
intermediaries at max_hops 4, PageRank, sampled betweenness, Louvain, and the hub analyses;
each figure with its ratio to igraph where igraph has the operation.

Run: ``python bench/analytics.py [--nodes N] [--relations M] [--workdir DIR]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import igraph
import numpy as np

from graphsvc.stores.embedded import EmbeddedStore
from loaders.refresh import refresh_bundle
from loaders.synthetic import write_bundle
from queries.brokers import intermediaries
from queries.centrality import PIVOTS, SEED, centrality, pagerank, pivot_plan
from queries.communities import communities
from queries.fragility import fragility
from queries.holes import structural_holes
from queries.paths import hop_route, k_shortest_paths, shortest_path
from queries.projection import Projection, projection
from queries.roles import brokerage_roles

PAIRS = 200
SLOW_PAIRS = 20


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def quantiles(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, what: str, ours: float, peer: float | None, unit: str = "s") -> None:
        scale = 1000.0 if unit == "ms" else 1.0
        ratio = f"{ours / peer:.2f}x" if peer else "-"
        peer_text = f"{peer * scale:.3g} {unit}" if peer is not None else "(none)"
        self.rows.append((what, f"{ours * scale:.3g} {unit}", peer_text, ratio))
        print(
            f"{what:<48} {ours * scale:>10.3g} {unit:<2}  igraph {peer_text:<12} {ratio}",
            flush=True,
        )


def load(workdir: Path, nodes: int, relations: int, seed: int) -> EmbeddedStore:
    db = workdir / f"bench-{nodes}-{relations}-{seed}.db"
    if db.exists():
        return EmbeddedStore(db)
    bundle = workdir / f"bundle-{nodes}-{relations}-{seed}"
    seconds, _ = timed(lambda: write_bundle(bundle, nodes=nodes, relations=relations, seed=seed))
    print(f"generated bundle in {seconds:.1f} s", flush=True)
    partial = workdir / "loading.db"
    partial.unlink(missing_ok=True)
    store = EmbeddedStore(partial)
    seconds, result = timed(lambda: refresh_bundle(store, bundle, "bench"))
    if result.report is None:
        raise SystemExit(f"bundle did not load: {result.problems}")
    result.close()
    store.close()
    partial.rename(db)
    print(f"loaded into the embedded store in {seconds:.1f} s", flush=True)
    return EmbeddedStore(db)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "innonet-bench"
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    warnings.filterwarnings("ignore", message="Couldn't reach some vertices")
    store = load(args.workdir, args.nodes, args.relations, args.seed)
    report = Report()

    # projection: ours reads the store into U, D and attributes; igraph's peer reads the same
    # edges into one igraph.Graph
    ours, graph = timed(lambda: Projection.from_store(store))

    def igraph_from_store() -> igraph.Graph:
        index = {node.id: i for i, node in enumerate(store.iter_nodes())}
        edges = [(index[e.source], index[e.target]) for e in store.iter_edges()]
        return igraph.Graph(n=len(index), edges=edges)

    peer, _ = timed(igraph_from_store)
    print(
        f"graph: {graph.number_of_nodes()} nodes, {len(graph.pairs)} pairs in U, "
        f"{len(graph.arcs)} arcs in D",
        flush=True,
    )
    report.add("projection build (from the store)", ours, peer)
    graph = projection(store)
    u, d = graph.igraph_u(), graph.igraph_d()

    rng = random.Random(7)
    n = graph.number_of_nodes()
    pairs = [(rng.randrange(n), rng.randrange(n)) for _ in range(PAIRS)]
    ids = graph.ids
    shortest_path(store, ids[0], ids[1])  # warm the store's connection
    whole, route_only, peer_times, lengths = [], [], [], []
    for a, b in pairs:
        seconds, path = timed(lambda a=a, b=b: shortest_path(store, ids[a], ids[b], max_hops=8))
        whole.append(seconds)
        route_only.append(
            timed(lambda a=a, b=b: hop_route(graph.indptr, graph.indices, a, b, max_hops=8))[0]
        )
        peer_times.append(timed(lambda a=a, b=b: u.get_shortest_path(a, b))[0])
        lengths.append(path.length if path else -1)
    (median, p95), (peer_median, peer_p95) = quantiles(whole), quantiles(peer_times)
    print(f"path lengths: {sorted(set(lengths))}", flush=True)
    report.add("shortest path, median (with relationships)", median, peer_median, "ms")
    report.add("shortest path, p95 (with relationships)", p95, peer_p95, "ms")
    report.add("shortest path, p95 (route only)", quantiles(route_only)[1], peer_p95, "ms")
    weighted = [
        timed(lambda a=a, b=b: shortest_path(store, ids[a], ids[b], max_hops=8, weighted=True))[0]
        for a, b in pairs[:50]
    ]
    costs = graph.pair_cost.tolist()
    peer_weighted = [
        timed(lambda a=a, b=b: u.get_shortest_path(a, b, weights=costs))[0] for a, b in pairs[:50]
    ]
    report.add(
        "weighted shortest path, p95", quantiles(weighted)[1], quantiles(peer_weighted)[1], "ms"
    )

    report.add("networkx form of U (once, for k paths)", timed(graph.networkx_u)[0], None)
    k_ours, k_peer = [], []
    for a, b in pairs[:SLOW_PAIRS]:
        k_ours.append(
            timed(lambda a=a, b=b: k_shortest_paths(store, ids[a], ids[b], k=5, max_hops=8))[0]
        )
        k_peer.append(timed(lambda a=a, b=b: u.get_k_shortest_paths(a, b, k=5, mode="all"))[0])
    report.add("k=5 shortest paths, median", quantiles(k_ours)[0], quantiles(k_peer)[0], "ms")
    report.add("k=5 shortest paths, p95", quantiles(k_ours)[1], quantiles(k_peer)[1], "ms")

    brokers, truncated, examined = [], 0, []
    for a, b in pairs[:SLOW_PAIRS]:
        seconds, found = timed(lambda a=a, b=b: intermediaries(store, ids[a], ids[b], max_hops=4))
        brokers.append(seconds)
        truncated += found.truncated
        examined.append(found.paths_examined)
    print(
        f"intermediaries: {truncated}/{SLOW_PAIRS} truncated at the work cap; paths "
        f"examined median {statistics.median(examined)}, max {max(examined)}",
        flush=True,
    )
    report.add("intermediaries max_hops 4, median", quantiles(brokers)[0], None, "ms")
    report.add("intermediaries max_hops 4, p95", quantiles(brokers)[1], None, "ms")

    report.add(
        "PageRank (scipy power iteration)",
        timed(lambda: pagerank(graph))[0],
        timed(lambda: d.pagerank(damping=0.85))[0],
    )
    pivots = pivot_plan(graph)[0].tolist()
    first, _ = timed(lambda: centrality(store, "BETWEENNESS"))
    report.add(
        f"betweenness, {len(pivots)} pivots (first call)",
        first,
        timed(lambda: u.betweenness(directed=False, sources=pivots))[0],
    )
    for metric in ("CLOSENESS", "HARMONIC"):
        report.add(
            f"{metric.lower()}, pivots (first call)",
            timed(lambda metric=metric: centrality(store, metric))[0],
            None,
        )
    cached = [
        timed(lambda: centrality(store, "PAGERANK", types=["Broker"], top=20))[0] for _ in range(50)
    ]
    report.add(
        "cached centrality (PAGERANK, Broker, top 20), p95", quantiles(cached)[1], None, "ms"
    )

    random.seed(SEED)
    report.add(
        "Louvain (seeded)",
        timed(lambda: communities(store))[0],
        timed(lambda: u.community_multilevel())[0],
    )
    report.add(
        "articulation points and bridges (with pieces)",
        timed(lambda: fragility(store))[0],
        timed(lambda: (u.articulation_points(), u.bridges()))[0],
    )
    report.add(
        "structural holes (all nodes)",
        timed(lambda: structural_holes(store))[0],
        timed(lambda: (u.transitivity_local_undirected(), u.constraint()))[0],
    )
    report.add("brokerage roles (all nodes)", timed(lambda: brokerage_roles(store))[0], None)
    store.close()

    print("\n| operation | innonet | igraph | ratio |\n|---|---|---|---|")
    for row in report.rows:
        print("| " + " | ".join(row) + " |")
    print(f"\npivots: {PIVOTS} (seed {SEED}); numpy {np.__version__}, igraph {igraph.__version__}")


if __name__ == "__main__":
    main()
