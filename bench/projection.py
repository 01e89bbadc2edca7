"""Benchmark of the shared projection: its build next to networkit's and igraph's graph
construction from the same edge list, and ``innonet serve --workers 2`` from start to the first
``shortestPath`` answer, with the workers' memory.

For each size (``--nodes``, 5 relations a node) a bundle is generated and loaded into an embedded
store in the work folder (kept, so a second run skips it). Then, in one run:

- **projection build** (best of ``--rounds``, alternated with networkit's, wall-clock and CPU
  time): the store read in bulk (``graph_columns``), put in integer form (U, D,
  attributes) and written to the projection file; and opening (mapping and checking) that file;
- **peers**: networkit (``GraphFromCoo``) and igraph (``Graph(n, edges)``) building an
  undirected graph from the same edge list, both from integer arrays (construction only) and
  from the store's rows (the edge list read with one SQL query, ids mapped to integers);
- **service**: ``innonet serve --workers 2`` started with no projection file (cold: the file
  is built first) and again with it (a restart), the time until ``shortestPath`` between two
  random nodes is answered, and then each worker's resident memory after 200 such requests.

Run: ``python bench/projection.py [--nodes 10000 100000] [--rounds 3] [--only build|serve]
[--workdir DIR]``
(networkit from the ``bench`` extra: ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import igraph
import networkit as nk
import numpy as np
from analytics import timed

from graphsvc.stores.embedded import EmbeddedStore
from loaders.refresh import refresh_bundle
from loaders.synthetic import write_bundle
from queries.projection import Projection
from queries.projection_file import file_name, folder_of, read, shared_projection


def loaded_store(workdir: Path, nodes: int) -> EmbeddedStore:
    db = workdir / f"projection-{nodes}.db"
    if db.exists():
        return EmbeddedStore(db, create=False)
    bundle = workdir / f"bundle-{nodes}"
    write_bundle(bundle, nodes=nodes, relations=5 * nodes, seed=1)
    partial = workdir / "loading.db"
    partial.unlink(missing_ok=True)
    store = EmbeddedStore(partial)
    seconds, _ = timed(lambda: refresh_bundle(store, bundle, "synthetic").close())
    store.close()
    partial.rename(db)
    shutil.rmtree(bundle)
    print(f"loaded {nodes:,} nodes in {seconds:.0f} s", flush=True)
    return EmbeddedStore(db, create=False)


def edge_rows(store: EmbeddedStore) -> tuple[int, np.ndarray, np.ndarray]:
    """The edge list as the peers get it from the store: one query, ids mapped to integers."""
    conn = store._reader()
    index = {node_id: i for i, (node_id,) in enumerate(conn.execute("SELECT id FROM nodes"))}
    rows = conn.execute("SELECT source_id, target_id FROM relationships").fetchall()
    source = np.fromiter((index[s] for s, _ in rows), dtype=np.int64, count=len(rows))
    target = np.fromiter((index[t] for _, t in rows), dtype=np.int64, count=len(rows))
    return len(index), source, target


def networkit_graph(n: int, source: np.ndarray, target: np.ndarray) -> Any:
    return nk.graph.GraphFromCoo((source, target), n=n, directed=False)


def igraph_graph(n: int, source: np.ndarray, target: np.ndarray) -> Any:
    return igraph.Graph(n=n, edges=np.column_stack((source, target)))


def used(work: Callable[[], Any]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (every thread of this process) of ``work``."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def build_figures(store: EmbeddedStore, rounds: int) -> None:
    folder = folder_of(store)
    assert folder is not None

    def fresh_build() -> Projection:
        shutil.rmtree(folder, ignore_errors=True)
        return shared_projection(store)

    ours: list[tuple[float, float]] = []
    peer: list[tuple[float, float]] = []
    for _ in range(rounds):  # alternated, so that both meet the same load
        ours.append(used(fresh_build))
        peer.append(used(lambda: networkit_graph(*edge_rows(store))))
    total, cpu = min(w for w, _ in ours), min(c for _, c in ours)
    nk_rows, nk_cpu = min(w for w, _ in peer), min(c for _, c in peer)
    read_seconds, columns = timed(store.graph_columns)
    assert columns is not None
    assemble_seconds, graph = timed(lambda: Projection.from_columns(columns))
    path = folder / file_name(graph.version)
    size = path.stat().st_size
    open_seconds, _ = timed(lambda: read(path, graph.version))
    n, source, target = edge_rows(store)
    ig_rows, _ = timed(lambda: igraph_graph(*edge_rows(store)))
    nk_only, _ = timed(lambda: networkit_graph(n, source, target))
    ig_only, _ = timed(lambda: igraph_graph(n, source, target))
    print(
        f"  projection build, store to file, best of {rounds}: {total:.2f} s, CPU {cpu:.2f} s "
        f"(once more: bulk read {read_seconds:.2f} s, integer form {assemble_seconds:.2f} s); "
        f"file {size / 2**20:.0f} MiB, opened and checked in {open_seconds:.3f} s",
        flush=True,
    )
    print(
        f"  networkit from the store's rows, best of {rounds}: {nk_rows:.2f} s, CPU {nk_cpu:.2f} s"
        f" (ours {total / nk_rows:.2f}x, CPU {cpu / nk_cpu:.2f}x); igraph {ig_rows:.2f} s "
        f"({total / ig_rows:.2f}x)",
        flush=True,
    )
    print(
        f"  construction from integer arrays: networkit {nk_only:.3f} s, igraph {ig_only:.3f} s; "
        f"ours (integer form only) {assemble_seconds / nk_only:.1f}x networkit",
        flush=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def post(url: str, query: str, variables: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
    except OSError:
        return 0, {}


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def rss_mib(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def shares_mib(pid: int) -> str:
    """A process's proportional set size (shared pages split among the processes mapping them,
    the projection file's among them) and its private memory, from ``smaps_rollup``."""
    found: dict[str, float] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, value = line.partition(":")
            if value.strip().endswith("kB"):
                found[key] = int(value.split()[0]) / 1024
    private = found.get("Private_Clean", 0.0) + found.get("Private_Dirty", 0.0)
    return f"PSS {found.get('Pss', 0.0):.0f} MiB, private {private:.0f} MiB"


def name_of(pid: int) -> str:
    """What the process runs: the multiprocessing target it was spawned for, else its program."""
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return ""
    text = " ".join(words)
    for known in ("_build_in_child", "heavy", "resource_tracker"):
        if known in text:
            return known
    return "spawned" if "multiprocessing" in text else (words[0] if words else "")


PATH = "query($s: ID!, $t: ID!) { shortestPath(source: $s, target: $t) { length } }"


def serve_figures(store: EmbeddedStore, *, cold: bool) -> None:
    folder = folder_of(store)
    assert folder is not None
    if cold:
        shutil.rmtree(folder, ignore_errors=True)
    ids = [row[0] for row in store._reader().execute("SELECT id FROM nodes")]
    rng = random.Random(3)
    port = free_port()
    url = f"http://127.0.0.1:{port}/graphql"
    started = time.monotonic()
    server = subprocess.Popen(
        [sys.executable, "-m", "graphsvc.cli", "serve", "--workers", "2", "--port", str(port),
         "--store", str(store.path), "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        pair = {"s": rng.choice(ids), "t": rng.choice(ids)}
        status, answer = 0, {}
        while status != 200 or "errors" in answer:
            status, answer = post(url, PATH, pair)
            if time.monotonic() - started > 600:
                raise SystemExit(f"no answer within 600 s: {status} {answer}")
            if status != 200:
                time.sleep(0.1)
        first = time.monotonic() - started
        for _ in range(200):
            post(url, PATH, {"s": rng.choice(ids), "t": rng.choice(ids)})
        workers = children(server.pid)
        memory = []
        for worker in workers:
            helpers = [f"{name_of(c) or 'ended'} {rss_mib(c):.0f} MiB" for c in children(worker)]
            memory.append(
                f"{rss_mib(worker):.0f} MiB ({shares_mib(worker)}; "
                f"children: {', '.join(helpers) or '-'})"
            )
        print(
            f"  serve --workers 2, {'no projection file (built at start)' if cold else 'restart'}"
            f": first shortestPath answered after {first:.1f} s; worker RSS after 200 paths: "
            f"{'; '.join(memory)}",
            flush=True,
        )
    finally:
        server.terminate()
        server.wait(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3, help="builds timed, best kept")
    parser.add_argument("--only", choices=["build", "serve"], help="one half of the figures")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "innonet-bench-projection"
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"numpy {np.__version__}, networkit {nk.__version__}, igraph {igraph.__version__}")
    for nodes in args.nodes:
        store = loaded_store(args.workdir, nodes)
        print(f"{nodes:,} nodes, {5 * nodes:,} relations:", flush=True)
        print(f"  load average: {os.getloadavg()[0]:.1f}", flush=True)
        if args.only != "serve":
            build_figures(store, args.rounds)
        if args.only != "build":
            serve_figures(store, cold=True)
            serve_figures(store, cold=False)
        print(f"  load average: {os.getloadavg()[0]:.1f}", flush=True)
        store.close()


if __name__ == "__main__":
    main()
