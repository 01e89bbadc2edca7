"""Cheap requests while attackers send the most expensive queries the limits allow.

Serves a generated graph (``innonet generate`` + ``innonet load``, cached under ``--cache``) with
``innonet serve --workers 2`` on a loopback port, then runs two phases from a second process:

1. **quiet**: one client sending ``node`` lookups and one polling ``/healthz``, alone;
2. **attack**: the same, while ``--attackers`` clients each send, back to back and ignoring
   ``Retry-After``, the costliest queries that pass the cost limit (nested lists at the object
   budget, analytics aliases at the work budget: introductions between the two biggest hubs at
   ``maxHops: 8``, brokerage roles, k shortest paths, centrality and structural holes).

Prints per phase the cheap requests' p50/p99 (ms) and errors, the attackers' answers by status,
how far any attack ran past the time limit, and the peak RSS of each worker::

    python -m bench.attack --nodes 100000 --seconds 30   # from the repository root
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench.service import HOST, exchange, free_port, post_request, prepare, serving
from graphsvc.stores.embedded import EmbeddedStore
from queries.centrality import centrality

TIMEOUT = 30.0
"""The server's INNONET_REQUEST_TIMEOUT (bench.service starts it with 30 s)."""


def attacks(db: Path) -> tuple[list[bytes], list[bytes]]:
    """The attackers' request bodies and the cheap ``node`` bodies."""
    store = EmbeddedStore(db)
    hubs = [s.node for s in centrality(store, "DEGREE", top=50).scores]
    store.close()
    source, target = hubs[0], hubs[1]

    def body(query: str) -> bytes:
        return json.dumps({"query": query}).encode()

    introductions = " ".join(
        f'i{i}: introductions(source: "{source}", target: "{target}", maxHops: 8, '
        "limit: 4000) { truncated intermediaries { pathCount node { id } } }"
        for i in range(9)
    )
    heavy = [
        body("{ search(first: 300) { edges { node { id neighbors(first: 300) { id name } } } } }"),
        body("{ " + introductions + " }"),
        body(
            "{ a: brokerageRoles(top: 1000) { total node { id } }"
            " b: structuralHoles(top: 1000) { effectiveSize node { id } } }"
        ),
        body(
            f'{{ kShortestPaths(source: "{source}", target: "{hubs[2]}", k: 50, maxHops: 8)'
            " { length nodes { id } } }"
        ),
        body(
            "{ centrality(metric: BETWEENNESS, top: 1000) { scores { node { id } } }"
            ' removalImpact(id: "' + source + '") { cutOff(first: 500) { id } }'
            " communities(top: 1000) { total } fragility(top: 1000) { cutPoints { node { id } } } }"
        ),
    ]
    cheap = [
        body(f'{{ node(id: "{hub}") {{ id type name kind country region }} }}') for hub in hubs
    ]
    return heavy, cheap


async def _loop(
    port: int,
    requests: list[bytes],
    until: float,
    pause: float,
    latencies: list[float],
    statuses: Counter[int],
    errors: list[str],
) -> None:
    """Send ``requests`` round robin on one keep-alive connection (reconnecting when closed)."""
    index = 0
    reader, writer = await asyncio.open_connection(HOST, port)
    while time.perf_counter() < until:
        request = requests[index % len(requests)]
        index += 1
        started = time.perf_counter()
        try:
            status, answer = await exchange(reader, writer, request)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            reader, writer = await asyncio.open_connection(HOST, port)
            errors.append("connection closed")
            continue
        latencies.append(time.perf_counter() - started)
        statuses[status] += 1
        if status != 200 or b'"errors"' in answer:
            errors.append(f"{status} {answer[:160].decode(errors='replace')}")
        if pause:
            await asyncio.sleep(pause)
    writer.close()


def phase(
    port: int, heavy: list[bytes], cheap: list[bytes], seconds: float, attackers: int, out: Any
) -> None:
    """One phase (in its own process): cheap clients, and ``attackers`` heavy ones."""
    node: list[float] = []
    health: list[float] = []
    attack: list[float] = []
    node_status: Counter[int] = Counter()
    health_status: Counter[int] = Counter()
    attack_status: Counter[int] = Counter()
    node_errors: list[str] = []
    health_errors: list[str] = []
    attack_errors: list[str] = []
    healthz = b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n"

    async def main() -> None:
        until = time.perf_counter() + seconds
        await asyncio.gather(
            _loop(
                port, [post_request(b) for b in cheap], until, 0.01, node, node_status, node_errors
            ),
            _loop(port, [healthz], until, 0.05, health, health_status, health_errors),
            *(
                _loop(
                    port,
                    [post_request(b) for b in heavy[i:] + heavy[:i]],
                    until,
                    0.0,
                    attack,
                    attack_status,
                    attack_errors,
                )
                for i in range(attackers)
            ),
        )

    asyncio.run(main())
    out.send(
        {
            "node": _figures(node, node_status, node_errors),
            "healthz": _figures(health, health_status, health_errors),
            "attack": {
                **_figures(attack, attack_status, []),
                "past_limit_s": round(max([0.0, *(a - TIMEOUT for a in attack)]), 2),
                "longest_s": round(max(attack, default=0.0), 2),
            },
        }
    )


def _figures(latencies: list[float], statuses: Counter[int], errors: list[str]) -> dict[str, Any]:
    latencies = sorted(latencies)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "requests": len(latencies),
        "p50_ms": round(cuts[49] * 1000, 1) if cuts else None,
        "p99_ms": round(cuts[98] * 1000, 1) if cuts else None,
        "statuses": dict(sorted(statuses.items())),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
    }


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (started by any of its threads)."""
    return [
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]


def processes(supervisor: int) -> dict[int, str]:
    """The workers of the ``innonet serve`` supervisor and their heavy processes, by pid."""
    found = {}
    for worker in children(supervisor):
        if rss_mib(worker) < 50:  # multiprocessing's resource tracker
            continue
        found[worker] = "worker"
        for child in children(worker):
            found[child] = "heavy"
    return found


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_phase(
    port: int,
    heavy: list[bytes],
    cheap: list[bytes],
    seconds: float,
    attackers: int,
    supervisor: int,
) -> dict[str, Any]:
    """One phase in a second process, sampling the workers' RSS meanwhile."""
    peak: dict[str, float] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            with contextlib.suppress(OSError):
                for pid, role in processes(supervisor).items():
                    key = f"{role} {pid}"
                    peak[key] = max(peak.get(key, 0.0), rss_mib(pid))
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    receiving, sending = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.Process(
        target=phase, args=(port, heavy, cheap, seconds, attackers, sending)
    )
    process.start()
    figures: dict[str, Any] = receiving.recv()
    process.join()
    done.set()
    sampler.join()
    figures["peak_rss_mib"] = {key: round(value) for key, value in sorted(peak.items())}
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=30.0, help="of the attack phase")
    parser.add_argument("--attackers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=Path(".bench-cache"))
    args = parser.parse_args()

    db = prepare(args.nodes, args.cache)
    heavy, cheap = attacks(db)
    port = free_port()
    results: dict[str, Any] = {"nodes": args.nodes, "workers": args.workers}
    with serving(db, port, args.workers) as server:
        url = f"http://{HOST}:{port}/graphql"
        started = time.perf_counter()
        warm = [
            b'{"query": "{ centrality(metric: DEGREE, top: 1) { scores { rank } } }"}',
            json.dumps({"query": '{ node(id: "x") { id } }'}).encode(),
            heavy[0],
        ]
        for _ in range(4 * args.workers):  # every worker's projection and heavy process
            for body in warm:
                httpx.post(
                    url, content=body, headers={"Content-Type": "application/json"}, timeout=120
                )
        results["warm_up_s"] = round(time.perf_counter() - started, 1)
        results["quiet"] = run_phase(port, heavy, cheap, 10, 0, server.pid)
        print("quiet", json.dumps(results["quiet"]), flush=True)
        results["attack"] = run_phase(port, heavy, cheap, args.seconds, args.attackers, server.pid)
        print("attack", json.dumps(results["attack"]), flush=True)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
