"""Load test of the GraphQL service: ``node``, ``search``, ``neighborhood(depth: 2)``,
``shortestPath`` and cached ``centrality``.

Generates a synthetic graph (cached under ``--cache``), loads it into the store (the embedded
store's file in the cache, or the Neo4j server given by ``--store bolt://...``, loaded when it
does not hold that graph yet), serves it with ``innonet serve`` on a loopback port, and drives it
from a second process: asyncio clients on keep-alive connections sending prepared requests, each
scenario bounded in time (``--seconds``) and in count (``--max-requests``). Prints requests/s,
p50/p99 latency, errors and the server's CPU time per request (every process of the service
together) per scenario, and stops the server when done. The same load against
:func:`ceiling_app` (a minimal Starlette app under the same supervisor and connection settings)
gives the ceiling of this HTTP stack on the machine at that moment::

    python -m bench.service --nodes 100000 --seconds 15   # from the repository root
    neo4j-server/run -- sh -c 'python -m bench.service --store "$INNONET_STORE"'
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from graphsvc.service.serve import Supervisor, serve_worker
from graphsvc.stores import open_store
from graphsvc.stores.contract import SearchFilter
from loaders.refresh import refresh_bundle
from loaders.synthetic import write_bundle
from queries.paths import shortest_path

HOST = "127.0.0.1"


def generated_bundle(nodes: int, cache: Path) -> Path:
    """The folder of a generated bundle of ``nodes`` nodes (seed 1), generated once."""
    bundle = cache / f"bundle-{nodes}"
    if (bundle / "relations.csv").exists():
        return bundle
    partial = cache / f"bundle-{nodes}.partial"
    started = time.perf_counter()
    write_bundle(partial, nodes=nodes, seed=1)
    partial.rename(bundle)
    print(f"generated {nodes:,} nodes in {time.perf_counter() - started:.1f} s", flush=True)
    return bundle


def prepare(nodes: int, cache: Path, store: str | None = None) -> str:
    """The store holding the generated graph of ``nodes`` nodes as source ``synthetic``, loaded
    once: ``store`` (a Neo4j URI) or, by default, an embedded store file in ``cache``."""
    cache.mkdir(parents=True, exist_ok=True)
    bundle = generated_bundle(nodes, cache)
    if store is None:
        db = cache / f"graph-{nodes}.db"
        if db.exists():
            return str(db)
        target = str(db.with_suffix(".partial"))
    else:
        target = store
    opened = open_store(target)
    try:
        held = {s.name: s.nodes for s in opened.counts().sources}
        if held.get("synthetic") != nodes:
            started = time.perf_counter()
            with refresh_bundle(opened, bundle, "synthetic") as result:
                assert result.valid, "the generated bundle did not load"
            print(f"loaded in {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        opened.close()
    if store is None:
        Path(target).rename(db)
        return str(db)
    return store


def requests(uri: str, count: int, seed: int = 7) -> dict[str, list[bytes]]:
    """Prepared request bodies per scenario, on ids drawn from the graph."""
    rng = random.Random(seed)
    store = open_store(uri, create=False)
    some = store.search(SearchFilter(), first=20_000).nodes
    ids = [n.id for n in some]
    texts = []  # pieces of 2 to 4 characters of names
    for name in (rng.choice(some).name for _ in range(min(count, 500))):
        start = rng.randrange(len(name))
        texts.append(name[start : start + rng.randint(2, 4)])
    institutions = [
        n.id for n in store.search(SearchFilter(types=["Institution"]), first=5000).nodes
    ]
    pairs: list[tuple[str, str]] = []
    while len(pairs) < min(count, 200):
        source, target = rng.sample(institutions, 2)
        if shortest_path(store, source, target, max_hops=6) is not None:
            pairs.append((source, target))
    store.close()

    def body(query: str, variables: dict[str, Any]) -> bytes:
        return json.dumps({"query": query, "variables": variables}).encode()

    node = "query Node($id: ID!) { node(id: $id) { id type name kind country region } }"
    path = (
        "query Route($s: ID!, $t: ID!) { shortestPath(source: $s, target: $t) "
        "{ length nodes { id name } } }"
    )
    centrality = (
        "query Top($m: CentralityMetric!) { centrality(metric: $m, types: [BROKER], top: 10) "
        "{ approximate scores { rank score node { id name } } } }"
    )
    search = (
        "query Find($t: String) { search(text: $t, first: 20) "
        "{ totalCount edges { node { id name } } } }"
    )
    ego = (
        "query Ego($id: ID!) { neighborhood(id: $id, depth: 2) "
        "{ truncated nodes { id name } relationships { id type source target } } }"
    )
    return {
        "node": [body(node, {"id": rng.choice(ids)}) for _ in range(count)],
        "search": [body(search, {"t": text}) for text in texts],
        "neighborhood": [body(ego, {"id": rng.choice(institutions)}) for _ in range(200)],
        "shortestPath": [body(path, {"s": s, "t": t}) for s, t in pairs],
        "centrality": [body(centrality, {"m": "PAGERANK"})],
    }


def post_request(payload: bytes) -> bytes:
    """A keep-alive ``POST /graphql`` request carrying ``payload``."""
    return (
        b"POST /graphql HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(payload), payload)
    )


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    """Send ``request`` on a keep-alive connection; the answer's status and body."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    answer = await reader.readexactly(length)
    return int(head.split(b" ", 2)[1]), answer


async def _client(
    port: int,
    bodies: list[bytes],
    start: int,
    deadline: float,
    budget: list[int],
    latencies: list[float],
    errors: list[str],
) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    index = start
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            request = post_request(bodies[index % len(bodies)])
            index += 1
            started = time.perf_counter()
            status, answer = await exchange(reader, writer, request)
            latencies.append(time.perf_counter() - started)
            if status != 200 or b'"errors"' in answer:
                errors.append(answer[:200].decode(errors="replace"))
    finally:
        writer.close()
        await writer.wait_closed()


def drive(
    port: int, bodies: list[bytes], seconds: float, concurrency: int, max_requests: int, out: Any
) -> None:
    """The load generator (runs in its own process): sends ``out`` its measurements."""
    latencies: list[float] = []
    errors: list[str] = []
    budget = [max_requests]

    async def main() -> float:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(
                _client(port, bodies, i * 7, deadline, budget, latencies, errors)
                for i in range(concurrency)
            )
        )
        return time.perf_counter() - started

    elapsed = asyncio.run(main())
    out.send((latencies, errors, elapsed))


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) used so far by process ``pid`` and every process under it
    that is still running (the workers, their threads and their heavy processes), from
    ``/proc``."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        used[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    tree = {pid}
    grown = True
    while grown:
        below = {child for child, parent in parents.items() if parent in tree} - tree
        grown = bool(below)
        tree |= below
    return sum(used.get(member, 0.0) for member in tree)


def measure(
    port: int,
    bodies: list[bytes],
    seconds: float,
    concurrency: int,
    max_requests: int,
    server: int | None = None,
) -> dict[str, Any]:
    """Run one scenario in a second process; requests/s, p50/p99 (ms), errors and, given the
    ``server`` process id, the CPU time of the server's processes per request (µs)."""
    receiving, sending = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.Process(
        target=drive, args=(port, bodies, seconds, concurrency, max_requests, sending)
    )
    cpu_before = cpu_seconds(server) if server is not None else 0.0
    process.start()
    latencies, errors, elapsed = receiving.recv()
    cpu = cpu_seconds(server) - cpu_before if server is not None else None
    process.join()
    latencies.sort()
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "requests": len(latencies),
        "per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(cuts[49] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "server_cpu_us": round(cpu / len(latencies) * 1e6) if cpu and latencies else None,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
    return port


@contextmanager
def serving(store: str, port: int, workers: int) -> Iterator[subprocess.Popen[bytes]]:
    """``innonet serve`` on ``store``, up and healthy, until the generator is closed."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "graphsvc.cli",
            "serve",
            "--store",
            store,
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        env={**os.environ, "INNONET_API_KEYS": "", "INNONET_REQUEST_TIMEOUT": "30"},
    )
    try:
        _wait_healthy(port, lambda: server.poll() is None)
        yield server
    finally:
        server.terminate()
        server.wait(30)


CEILING_ANSWER: Final = {
    "data": {
        "node": {
            "id": "ins:000001",
            "type": "INSTITUTION",
            "name": "synthetic institution 1",
            "kind": "enterprise",
            "country": "CN",
            "region": "Pudong",
        }
    }
}
"""What the ceiling app answers: the size and shape of a ``node`` answer."""


async def _ceiling_graphql(request: Request) -> Response:
    await request.body()
    return JSONResponse(CEILING_ANSWER)


async def _ceiling_health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def ceiling_app() -> Starlette:
    """The ceiling of the HTTP stack: a Starlette app that reads the request's body and answers a
    fixed JSON of a ``node`` answer's size, and ``/healthz``; nothing else."""
    return Starlette(
        routes=[
            Route("/graphql", _ceiling_graphql, methods=["POST"]),
            Route("/healthz", _ceiling_health, methods=["GET"]),
        ]
    )


def ceiling_worker(host: str, port: int, log_level: str) -> None:
    """One worker of the ceiling app, set up as ``innonet serve`` sets up its workers (its own
    ``SO_REUSEPORT`` socket, the service's connection settings)."""
    serve_worker(host, port, log_level, ceiling_app)


def _ceiling_supervisor(port: int, workers: int) -> None:
    sys.exit(Supervisor(HOST, port, workers, "warning", target=ceiling_worker).run())


@contextmanager
def ceiling_serving(port: int, workers: int) -> Iterator[int]:
    """The ceiling app under ``innonet serve``'s supervisor with ``workers`` workers, up and
    answering; yields the supervisor's process id."""
    process = multiprocessing.get_context("spawn").Process(
        target=_ceiling_supervisor, args=(port, workers), name="ceiling"
    )
    process.start()
    try:
        _wait_healthy(port, process.is_alive)
        assert process.pid is not None
        yield process.pid
    finally:
        process.terminate()
        process.join(30)


def _wait_healthy(port: int, alive: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://{HOST}:{port}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or not alive():
            raise RuntimeError("the server did not come up")
        time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=15.0, help="per scenario")
    parser.add_argument("--concurrency", type=int, default=16, help="connections")
    parser.add_argument("--max-requests", type=int, default=200_000, help="per scenario")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--cache", type=Path, default=Path(".bench-cache"))
    parser.add_argument(
        "--store", default=None, help="a bolt:// URI (Neo4j); default an embedded store file"
    )
    args = parser.parse_args()

    store = prepare(args.nodes, args.cache, args.store)
    bodies = requests(store, 5000)
    port = free_port()
    results: dict[str, Any] = {
        "store": "neo4j" if args.store else "embedded",
        "nodes": args.nodes,
        "workers": args.workers,
        "concurrency": args.concurrency,
    }
    with ceiling_serving(port, args.workers) as ceiling:
        results["ceiling"] = measure(
            port, bodies["node"], args.seconds, args.concurrency, args.max_requests, ceiling
        )
        print("ceiling", results["ceiling"], flush=True)
    with serving(store, port, args.workers) as server:
        warm = time.perf_counter()
        # warm the projections and the centrality cache of every worker before measuring
        for _ in range(4 * args.workers):
            for scenario in ("shortestPath", "centrality"):
                httpx.post(
                    f"http://{HOST}:{port}/graphql",
                    content=bodies[scenario][0],
                    headers={"Content-Type": "application/json"},
                    timeout=600,
                )
        results["warm_up_s"] = round(time.perf_counter() - warm, 1)
        for scenario, scenario_bodies in bodies.items():
            results[scenario] = measure(
                port, scenario_bodies, args.seconds, args.concurrency, args.max_requests, server.pid
            )
            print(scenario, results[scenario], flush=True)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
