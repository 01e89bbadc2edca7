"""Benchmark of shortestPath pushed down to Neo4j against the embedded store, on one graph.

Generates a bundle (``loaders.synthetic.write_bundle``, 100,000 nodes and 500,000 relations by
default), loads it into an embedded store in a work folder (kept, so a second run skips that
load) and into the Neo4j server of ``NEO4J_TEST_URI`` (skipped when that server already holds
the same graph), then asks ``queries.paths.shortest_path`` the same random pairs of both stores,
side by side: Neo4j answers with one Cypher ``shortestPath`` statement (see
``graphsvc.stores.cypher.shortest_path``), the embedded store with a breadth-first search on
its in-memory projection (built once, not timed per question; its build time is printed).
Each store is asked without restriction, with ``via`` (intermediate nodes of three types) and
with ``relTypes`` (four relation types); p50 and p95 over the pairs, and how often the two
stores' path lengths differ (they must not).

The Neo4j load goes in sources of ``--chunk`` rows each (nodes first, then relations), so that
no one refresh transaction outgrows the test server's memory; the load is not what is measured.

Run against a fresh server: ``neo4j-server/run -- python bench/neo4j_paths.py [--nodes N]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)  # bench/neo4j.py is a sibling: "import neo4j" must find the driver, not it

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import Any

from graphsvc.stores.embedded import EmbeddedStore
from graphsvc.stores.neo4j import Neo4jStore
from loaders.refresh import refresh_bundle
from loaders.synthetic import write_bundle
from queries.paths import shortest_path
from queries.projection import projection

PAIRS = 200
VIA = ["Institution", "Broker", "Achievement"]
REL_TYPES = ["DEVELOPED", "TRANSFERRED_TO", "BROKERED", "SERVES"]


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def quantiles(seconds: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def embedded(workdir: Path, nodes: int, relations: int, seed: int) -> tuple[EmbeddedStore, Path]:
    bundle = workdir / f"bundle-{nodes}-{relations}-{seed}"
    db = workdir / f"paths-{nodes}-{relations}-{seed}.db"
    if not db.exists():
        seconds, _ = timed(
            lambda: write_bundle(bundle, nodes=nodes, relations=relations, seed=seed)
        )
        print(f"generated the bundle in {seconds:.1f} s", flush=True)
        partial = workdir / "loading.db"
        partial.unlink(missing_ok=True)
        store = EmbeddedStore(partial)
        seconds, result = timed(lambda: refresh_bundle(store, bundle, "bench"))
        if result.report is None:
            raise SystemExit(f"the bundle did not load: {result.problems}")
        result.close()
        store.close()
        partial.rename(db)
        print(f"loaded into the embedded store in {seconds:.1f} s", flush=True)
    return EmbeddedStore(db), bundle


def load_neo4j(neo4j: Neo4jStore, source: EmbeddedStore, chunk: int) -> None:
    """Copy ``source``'s graph into ``neo4j`` in sources of ``chunk`` rows (skipped when the
    counts already match)."""
    want, have = source.counts(), neo4j.counts()
    if (want.nodes, want.relationships) == (have.nodes, have.relationships):
        print("Neo4j already holds the graph", flush=True)
        return
    neo4j.wipe()
    started = time.perf_counter()
    nodes = list(source.iter_nodes())
    for i in range(0, len(nodes), chunk):
        neo4j.refresh(f"bench-nodes-{i // chunk}", nodes[i : i + chunk], [])
    edge_ids = [edge.id for edge in source.iter_edges()]
    for i in range(0, len(edge_ids), chunk):
        rels = source.relationships(edge_ids[i : i + chunk])
        neo4j.refresh(f"bench-relations-{i // chunk}", [], list(rels.values()))
    print(
        f"loaded into Neo4j in {time.perf_counter() - started:.1f} s "
        f"({len(nodes)} nodes, {len(edge_ids)} relations, {chunk} rows a source)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=None, help="default: 5 per node")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pairs", type=int, default=PAIRS)
    parser.add_argument("--chunk", type=int, default=20_000)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "innonet-bench"
    )
    args = parser.parse_args()
    uri = os.environ.get("NEO4J_TEST_URI")
    if not uri:
        raise SystemExit("set NEO4J_TEST_URI (run under neo4j-server/run -- ...)")
    relations = args.relations if args.relations is not None else 5 * args.nodes
    args.workdir.mkdir(parents=True, exist_ok=True)
    local, _ = embedded(args.workdir, args.nodes, relations, args.seed)
    remote = Neo4jStore.from_env(uri)
    load_neo4j(remote, local, args.chunk)

    seconds, graph = timed(lambda: projection(local))
    print(f"embedded projection built in {seconds:.1f} s (once per data version)", flush=True)
    rng = random.Random(7)
    ids = graph.ids
    pairs = [
        (ids[rng.randrange(len(ids))], ids[rng.randrange(len(ids))]) for _ in range(args.pairs)
    ]
    shortest_path(remote, pairs[0][0], pairs[0][1])  # warm the driver's connection pool

    print(
        f"\nshortestPath over {len(pairs)} random pairs, maxHops 8, {len(ids)} nodes "
        f"(ms; p50 / p95)",
        flush=True,
    )
    print(f"{'question':<34} {'Neo4j':>17} {'embedded':>17}  differing lengths", flush=True)
    for label, options in (
        ("unrestricted", {}),
        (f"via {'+'.join(VIA)}", {"via": VIA}),
        (f"relTypes {len(REL_TYPES)} of 9", {"rel_types": REL_TYPES}),
    ):
        times: dict[str, list[float]] = {"neo4j": [], "embedded": []}
        differ = 0
        for source, target in pairs:
            lengths = []
            for name, store in (("neo4j", remote), ("embedded", local)):
                seconds, path = timed(
                    lambda store=store, s=source, t=target, o=options: shortest_path(
                        store, s, t, max_hops=8, **o
                    )
                )
                times[name].append(seconds)
                lengths.append(path.length if path is not None else None)
            differ += lengths[0] != lengths[1]
        (n50, n95), (e50, e95) = quantiles(times["neo4j"]), quantiles(times["embedded"])
        print(
            f"{label:<34} {n50 * 1e3:>7.2f} / {n95 * 1e3:>7.2f} {e50 * 1e3:>7.2f} / "
            f"{e95 * 1e3:>7.2f}  {differ}",
            flush=True,
        )
    remote.close()
    local.close()


if __name__ == "__main__":
    main()
