"""The service's cheap queries at several graph sizes, next to the ceiling of its HTTP stack.

For each ``--nodes`` size, generates and loads a synthetic graph (cached under ``--cache``, as
:mod:`bench.service` does), then, on a loopback port, measures in one run:

- **ceiling**: :func:`bench.service.ceiling_app`, a minimal Starlette app under the same
  supervisor, worker count and connection settings as ``innonet serve``;
- ``node`` lookups of random ids, ``search(text:)`` for a 2-3 character piece of a random
  node's name (first 10, with ``totalCount``), ``neighborhood(depth: 2)`` of random nodes
  (default limit 500) and ``shortestPath`` between random institutions that have one, on
  ``innonet serve --workers 2``, after one round of each to warm the workers.

Every scenario is driven by the same asyncio load generator (:func:`bench.service.measure`: a
second process, ``--concurrency`` keep-alive connections). Prints per scenario requests/s, its
share of the ceiling's and of ``node``'s requests/s, p50/p99 latency, errors and the server's
CPU time per request (every process of the service together) with the ceiling's CPU time per
request as a share of it (the rate the scenario would reach next to the ceiling on a saturated
machine), then a Markdown table::

    python -m bench.scale --nodes 10000 100000 --seconds 10   # from the repository root
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.service import (
    HOST,
    ceiling_serving,
    free_port,
    measure,
    prepare,
    requests,
    serving,
)
from graphsvc.stores import open_store
from graphsvc.stores.contract import SearchFilter

SCENARIOS = ("node", "search", "neighborhood", "shortestPath")

SEARCH = (
    "query Find($text: String!) { search(text: $text, first: 10) "
    "{ totalCount edges { node { id name type } } } }"
)
NEIGHBORHOOD = (
    "query Around($id: ID!) { neighborhood(id: $id, depth: 2) "
    "{ truncated nodes { id name } relationships { type source target } } }"
)


def scale_requests(uri: str, count: int, seed: int = 11) -> dict[str, list[bytes]]:
    """Prepared bodies of the four scenarios on the graph of ``uri``."""
    rng = random.Random(seed)
    base = requests(uri, count)
    store = open_store(uri, create=False)
    nodes = store.search(SearchFilter(), first=20_000).nodes
    store.close()

    def body(query: str, variables: dict[str, Any]) -> bytes:
        return json.dumps({"query": query, "variables": variables}).encode()

    texts = []
    for _ in range(count):
        name = rng.choice(nodes).name
        length = min(len(name), rng.choice((2, 3)))
        start = rng.randrange(len(name) - length + 1)
        texts.append(name[start : start + length])
    return {
        "node": base["node"],
        "search": [body(SEARCH, {"text": text}) for text in texts],
        "neighborhood": [body(NEIGHBORHOOD, {"id": rng.choice(nodes).id}) for _ in range(count)],
        "shortestPath": base["shortestPath"],
    }


def warm(port: int, bodies: dict[str, list[bytes]], workers: int) -> float:
    """One request of each scenario on new connections, enough for every worker to get some
    (projections built); the seconds it took."""
    started = time.perf_counter()
    for _ in range(4 * workers):
        for scenario in SCENARIOS:
            httpx.post(
                f"http://{HOST}:{port}/graphql",
                content=bodies[scenario][0],
                headers={"Content-Type": "application/json"},
                timeout=600,
            )
    return time.perf_counter() - started


def run_size(nodes: int, args: argparse.Namespace) -> dict[str, Any]:
    """The ceiling and the four scenarios on a graph of ``nodes`` nodes."""
    store = prepare(nodes, args.cache)
    bodies = scale_requests(store, 5000)
    port = free_port()
    results: dict[str, Any] = {}
    with ceiling_serving(port, args.workers) as ceiling:
        results["ceiling"] = measure(
            port, bodies["node"], args.seconds, args.concurrency, args.max_requests, ceiling
        )
    print(nodes, "ceiling", results["ceiling"], flush=True)
    with serving(store, port, args.workers) as server:
        results["warm_up_s"] = round(warm(port, bodies, args.workers), 1)
        for scenario in SCENARIOS:
            results[scenario] = measure(
                port,
                bodies[scenario],
                args.seconds,
                args.concurrency,
                args.max_requests,
                server.pid,
            )
            print(nodes, scenario, results[scenario], flush=True)
    return results


def table(runs: dict[int, dict[str, Any]]) -> str:
    """The figures as a Markdown table."""
    lines = [
        "| nodes | scenario | req/s | of the ceiling | of `node` | p50 ms | p99 ms | errors "
        "| server CPU µs/req | CPU of the ceiling's |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for nodes, results in runs.items():
        ceiling = results["ceiling"]
        node = results["node"]
        for scenario in ("ceiling", *SCENARIOS):
            row = results[scenario]
            lines.append(
                f"| {nodes:,} | {scenario} | {row['per_second']:,.0f} | "
                f"{_share(row['per_second'], ceiling['per_second'])} | "
                f"{_share(row['per_second'], node['per_second'])} | {row['p50_ms']} | "
                f"{row['p99_ms']} | {row['errors']} | {row['server_cpu_us']} | "
                f"{_share(ceiling['server_cpu_us'], row['server_cpu_us'])} |"
            )
    return "\n".join(lines)


def _share(part: float | None, whole: float | None) -> str:
    """``part`` as a percentage of ``whole``.

    >>> _share(1, 3), _share(None, 3)
    ('33%', '-')
    """
    return f"{100 * part / whole:.0f}%" if part and whole else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seconds", type=float, default=10.0, help="per scenario")
    parser.add_argument("--concurrency", type=int, default=16, help="connections")
    parser.add_argument("--max-requests", type=int, default=200_000, help="per scenario")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--cache", type=Path, default=Path(".bench-cache"))
    args = parser.parse_args()
    runs = {nodes: run_size(nodes, args) for nodes in args.nodes}
    print(table(runs))
    print(json.dumps(runs, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
