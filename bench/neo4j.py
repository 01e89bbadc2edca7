"""Benchmark of the Neo4j store: loads at scale and a refresh killed half-way, with figures.

    neo4j-server/run -- python bench/neo4j.py [--nodes 200000] [--relations 1000000] [--seed 0]
                                              [--only load,change,kill,holdings]

Needs a Neo4j server it may wipe (``NEO4J_TEST_URI`` and the credentials, as
``neo4j-server/run`` exports them). A synthetic bundle is generated on demand into a temporary
directory (never kept), with a copy where one row in ten changed (``write_changed_bundle``).
Each section is a function of :class:`Bench` listed in :data:`SECTIONS`; ``--only`` picks some.

- ``load``: the embedded store's first load of the bundle, then into Neo4j: first load,
  unchanged reload, 10% change. Each load is its own ``innonet load`` process: rows/s, its peak
  RSS (the ``peak memory`` of its summary), and the server's heap peak while it ran (sampled
  with ``jstat`` every half second; the server's resident high-water mark comes last).
  Target: Neo4j's first load <= 3x the embedded store's.
- ``holdings``: what a relation's holding costs the server (see :func:`holdings_section`).
- ``change``: one more 10%-change reload (into the copy, or back to the bundle).
- ``kill``: with the bundle loaded, a 10%-change reload is killed (SIGKILL) while it writes
  relationships; the old graph must read as before (counts, data version, a changed node's old
  name), nothing of the killed refresh may show, and the next load must succeed and leave
  nothing behind. It prints one ``kill test ... PASS`` or ``FAIL`` line (and exits 1 on FAIL).
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    # this file is neo4j.py: "import neo4j" must find the driver, not it; bench.* stays importable
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from neo4j import GraphDatabase

from bench.service import cpu_seconds
from graphsvc.model import RELATION_TYPE_BY_NAME
from graphsvc.stores import cypher
from graphsvc.stores.contract import Node, SearchFilter
from graphsvc.stores.neo4j import Neo4jStore
from loaders.synthetic import write_bundle, write_changed_bundle

INNONET = [sys.executable, "-m", "graphsvc.cli"]
SOURCE = "bench"


@dataclass
class Load:
    """One ``innonet load``: wall seconds, rows, client peak RSS and server heap peak (MiB), and
    the CPU seconds the loader and the server spent (they share the machine with the wall clock
    of everything else; CPU is the steadier figure on a noisy one)."""

    seconds: float
    rows: int
    client_mib: int
    server_heap_mib: float | None
    client_cpu: float
    server_cpu: float | None
    stdout: str

    def line(self, label: str) -> str:
        heap = f"{self.server_heap_mib:6.0f} MiB" if self.server_heap_mib is not None else "n/a"
        server = f"{self.server_cpu:6.1f} s" if self.server_cpu is not None else "n/a"
        return (
            f"{label:28} {self.seconds:7.1f} s {self.rows / self.seconds:9,.0f} rows/s  "
            f"client peak RSS {self.client_mib:5d} MiB  server heap peak {heap}  "
            f"CPU client {self.client_cpu:6.1f} s server {server}"
        )


@dataclass
class Bench:
    """What the sections share: the sizes, a scratch folder, the server, the bundles."""

    nodes: int
    relations: int
    seed: int
    scratch: Path
    uri: str
    server_pid: int | None
    _bundles: dict[str, Path] = field(default_factory=dict)

    def bundle(self) -> Path:
        """The synthetic bundle (generated on first use)."""
        if "base" not in self._bundles:
            started = time.perf_counter()
            path = self.scratch / "bench"
            rows = sum(
                write_bundle(
                    path, nodes=self.nodes, relations=self.relations, seed=self.seed
                ).values()
            )
            print(f"generated {rows:,} rows in {time.perf_counter() - started:.1f} s")
            self._bundles["base"] = path
        return self._bundles["base"]

    def changed(self) -> Path:
        """The bundle with one row in ten changed (renamed, reweighted or removed)."""
        if "changed" not in self._bundles:
            path = self.scratch / "changed"
            counts = write_changed_bundle(self.bundle(), path)
            print(f"changed {sum(counts.values()):,} rows (1 in 10)")
            self._bundles["changed"] = path
        return self._bundles["changed"]

    def rows(self, bundle: Path) -> int:
        return sum(
            max(0, sum(1 for _ in path.open(encoding="utf-8")) - 1) for path in bundle.glob("*.csv")
        )

    def wipe(self) -> None:
        with Neo4jStore.from_env(self.uri) as store:
            store.wipe()

    def load(self, bundle: Path, store: str, env: dict[str, str] | None = None) -> Load:
        """``innonet load`` into ``store``, sampling the server's heap while it runs."""
        pid = self.server_pid if store == self.uri else None
        sampler = HeapSampler(pid)
        server_before = cpu_seconds(pid) if pid is not None else None
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        with sampler:
            done = subprocess.run(
                [*INNONET, "load", str(bundle), "--store", store, "--source", SOURCE],
                capture_output=True,
                text=True,
                # the load alone: the projection file it builds afterwards is bench/projection.py's
                env={**os.environ, "INNONET_PROJECTIONS": "off", **(env or {})},
            )
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        client_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
        server_cpu = None
        if pid is not None and server_before is not None:
            server_cpu = cpu_seconds(pid) - server_before
        if done.returncode != 0:
            sys.exit(f"innonet load {bundle} into {store} failed:\n{done.stderr[-3000:]}")
        peak = re.search(r"peak memory ([\d,]+) MiB", done.stdout)
        client = int(peak.group(1).replace(",", "")) if peak else -1
        return Load(
            seconds,
            self.rows(bundle),
            client,
            sampler.peak_mib,
            client_cpu,
            server_cpu,
            done.stdout,
        )


class HeapSampler:
    """The peak of the server JVM's used heap (``jstat -gc``) while the block runs."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> HeapSampler:
        if self.pid is not None and shutil.which("jstat"):
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            used = jstat_heap_mib(self.pid)
            if used is not None:
                self.samples.append(used)

    @property
    def peak_mib(self) -> float | None:
        return max(self.samples) if self.samples else None


def jstat_heap_mib(pid: int | None) -> float | None:
    """Used heap of JVM ``pid`` in MiB (survivor, eden and old spaces), None if unknown."""
    if pid is None:
        return None
    try:
        out = subprocess.run(
            ["jstat", "-gc", str(pid)], capture_output=True, text=True, timeout=10
        ).stdout.split("\n")
        columns = dict(zip(out[0].split(), out[1].split(), strict=True))
        return sum(float(columns[k]) for k in ("S0U", "S1U", "EU", "OU")) / 1024
    except (OSError, IndexError, KeyError, ValueError, subprocess.TimeoutExpired):
        return None


def server_pid(uri: str) -> int | None:
    """The pid of the local test server (``neo4j-server/run``'s Launcher) listening at ``uri``."""
    port = uri.rsplit(":", 1)[-1]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(a.endswith(b"Launcher.java") for a in args) and port.encode() in args:
            return int(proc.name)
    return None


def resident_peak_mib(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


# --- sections ----------------------------------------------------------------------------
def load_section(bench: Bench) -> None:
    """First load into the embedded store, then first load, unchanged reload and 10% change
    into Neo4j, on the same bundle.

    Run it on a fresh server (as ``neo4j-server/run`` starts one): a database emptied by
    :meth:`Bench.wipe` loads slower than a new one (on 2 December, 194.7 s against 156.9 s for
    the same bundle, with the embedded load 46.4 s and 55.1 s around them), so a second pair in
    one run would not compare."""
    bundle = bench.bundle()
    embedded = bench.load(bundle, str(bench.scratch / "embedded.db"))
    print(embedded.line("embedded first load"))
    bench.wipe()
    first = bench.load(bundle, bench.uri)
    print(first.line("neo4j first load"))
    print(bench.load(bundle, bench.uri).line("neo4j unchanged reload"))
    change_section(bench)
    ratio = first.seconds / embedded.seconds
    print(f"neo4j first load / embedded first load: {ratio:.2f}x (target <= 3x)")
    hwm = resident_peak_mib(bench.server_pid)
    if hwm is not None:
        print(f"server resident high-water mark {hwm:,.0f} MiB (heap, page cache and more)")


def change_section(bench: Bench) -> None:
    """A reload with one row in ten changed: into the changed copy when the graph holds the
    bundle, back to the bundle when it holds the copy (as ``kill`` leaves it)."""
    bundle, changed = bench.bundle(), bench.changed()
    renamed_id, old_name = first_renamed(bundle, changed)
    with Neo4jStore.from_env(bench.uri) as store:
        node = store.node(renamed_id)
    target = bundle if node is not None and node.name != old_name else changed
    print(bench.load(target, bench.uri).line("neo4j 10% changed reload"))


def kill_section(bench: Bench) -> None:
    """SIGKILL a 10%-change refresh while it writes relationships; see the module docstring.

    When the graph already holds the bundle or its changed copy (the ``load`` section ran), the
    killed refresh goes to the other one; otherwise the bundle is loaded first."""
    bundle, changed = bench.bundle(), bench.changed()
    lease = "10"
    env = {"INNONET_REFRESH_LEASE": lease}
    renamed_id, old_name = first_renamed(bundle, changed)
    names = {bundle: old_name, changed: f"{old_name} (改)"}
    with Neo4jStore.from_env(bench.uri) as store:
        node = store.node(renamed_id)
    if node is None or node.name not in names.values():
        bench.wipe()
        bench.load(bundle, bench.uri, env)
        node_name = old_name
    else:
        node_name = node.name
    current = bundle if node_name == old_name else changed
    target = changed if current == bundle else bundle
    before = stats(bench.uri)
    with Neo4jStore.from_env(bench.uri) as store:
        marked = store.search(SearchFilter(text="(改)"), first=1).total
    failures: list[str] = []

    process = subprocess.Popen(
        [*INNONET, "load", str(target), "--store", bench.uri, "--source", SOURCE],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )
    assert process.stderr is not None
    started = time.perf_counter()
    for line in process.stderr:
        if line.startswith("writing relationships"):
            break
    else:
        failures.append("the changed load ended before it wrote relationships")
    process.send_signal(signal.SIGKILL)
    process.communicate()
    print(f"killed a 10% reload {time.perf_counter() - started:.1f} s after it started")

    after_kill = stats(bench.uri)
    if after_kill != before:
        failures.append(f"the graph changed: {before} -> {after_kill}")
    with Neo4jStore.from_env(bench.uri) as store:
        node = store.node(renamed_id)
        if node is None or node.name != names[current]:
            failures.append(f"{renamed_id} reads {node and node.name!r}, not {names[current]!r}")
        shown = store.search(SearchFilter(text="(改)"), first=1).total
        if shown != marked:
            failures.append(f"{shown} names carry (改), not {marked}: the killed refresh shows")
    hidden = leftovers(bench.uri)
    print(f"left by the killed refresh (invisible): {hidden}")
    if not hidden["lock"]:
        failures.append("the kill came too late: the killed refresh had finished")

    again = bench.load(target, bench.uri, env)
    print(again.line("load after the kill"))
    print(f"  (it waited out the killed load's {lease} s lease and cleaned up its writes)")
    with Neo4jStore.from_env(bench.uri) as store:
        node = store.node(renamed_id)
        if node is None or node.name != names[target]:
            failures.append(f"after the new load {renamed_id} reads {node and node.name!r}")
    left = leftovers(bench.uri)
    if any(left.values()):
        failures.append(f"the new load left {left}")
    size = f"{bench.nodes:,} nodes + {bench.relations:,} relations"
    if failures:
        print(f"kill test at {size}: FAIL: " + "; ".join(failures))
        raise SystemExit(1)
    print(f"kill test at {size}: PASS")


def first_renamed(bundle: Path, changed: Path) -> tuple[str, str]:
    """The id and old name of the first node row the changed bundle renames."""
    old = (bundle / "institutions.csv").read_text(encoding="utf-8").splitlines()
    new = (changed / "institutions.csv").read_text(encoding="utf-8").splitlines()
    for before, after in zip(old, new, strict=True):
        if before != after:
            id, name = before.split(",")[:2]
            return id, name
    raise AssertionError("no renamed institution")


def stats(uri: str) -> dict[str, Any]:
    done = subprocess.run(
        [*INNONET, "stats", "--json", "--store", uri], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def leftovers(uri: str) -> dict[str, int]:
    """Elements no reader sees (unpublished or removed), staged properties, a held lock."""
    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"])
    hidden = "WHERE x.innonet_from > $p OR x.innonet_until IS NOT NULL RETURN count(x) AS n"
    with GraphDatabase.driver(uri, auth=auth) as driver:
        p = driver.execute_query(cypher.DATA_VERSION.text).records[0]["published"]
        queries = {
            "nodes": f"MATCH (x) {hidden}",
            "relationships": f"MATCH ()-[x]->() {hidden}",
            "staged": f"MATCH (x:{cypher.STAGED_LABEL}) RETURN count(x) AS n",
            "lock": f"MATCH (x:{cypher.META_LABEL}) WHERE x.refresh_lock IS NOT NULL "
            "OR x.refresh_dirty RETURN count(x) AS n",
        }
        return {k: driver.execute_query(q, p=p).records[0]["n"] for k, q in queries.items()}


def holdings_section(bench: Bench, relations: int = 100_000, rounds: int = 3) -> None:
    """What a relation's holding costs the server: the same ``relations`` relationships among
    20,000 institutions created by the refresh's own statements, ``refresh.create.T`` (each with
    its ``HOLDS_RELATIONSHIP`` loop on the source) and ``refresh.replace.T`` (the relationship
    alone), in batches of 10,000, alternately, ``rounds`` times; the server's CPU seconds of each.
    """
    if bench.server_pid is None:
        print("holdings: the server's pid is unknown (not neo4j-server/run's), skipped")
        return
    rel_type = RELATION_TYPE_BY_NAME["COLLABORATES_WITH"]
    size = 20_000
    nodes = [
        Node(f"h-{i}", "Institution", f"机构 {i}", {"kind": "university"}) for i in range(size)
    ]
    picks = random.Random(bench.seed)
    rows = [
        {
            "source": f"h-{picks.randrange(size)}",
            "target": f"h-{picks.randrange(size)}",
            "props": {"id": f"hr-{i}", "weight": 1.0, "date": "2021-01-01"},
        }
        for i in range(relations)
    ]
    statements = {
        "with holdings": cypher.create_relationships(rel_type),
        "relationship alone": cypher.replace_relationships(rel_type),
    }
    bench.wipe()
    with Neo4jStore.from_env(bench.uri) as store:
        store.refresh(SOURCE, nodes, [])
        spent: dict[str, list[float]] = {name: [] for name in statements}
        with store.driver.session(database=store.database) as session:
            published = session.run(cypher.DATA_VERSION.text).single(strict=True)["published"]
            version = published + 1  # unpublished: what it writes, no reader sees
            params = {"source": SOURCE, "version": version}
            for _ in range(rounds):
                for name, statement in statements.items():
                    before = cpu_seconds(bench.server_pid)
                    for start in range(0, relations, 10_000):
                        batch = {**params, "rows": rows[start : start + 10_000]}
                        session.execute_write(
                            lambda tx, t=statement.text, b=batch: tx.run(t, b).consume()
                        )
                    spent[name].append(cpu_seconds(bench.server_pid) - before)
                    for text in (HOLDINGS_GONE, RELATIONSHIPS_GONE):
                        while session.run(text, version=version).single(strict=True)["n"]:
                            pass
    for name, seconds in spent.items():
        each = ", ".join(f"{s:.2f}" for s in seconds)
        print(f"{relations:,} relationships, {name:18} server CPU {min(seconds):6.2f} s ({each})")
    ratio = min(spent["with holdings"]) / min(spent["relationship alone"])
    print(f"with holdings / relationship alone: {ratio:.2f}x (best of {rounds})")
    bench.wipe()


HOLDINGS_GONE = (
    f"MATCH ()-[h:{cypher.HOLDS_RELATIONSHIP}]->() WHERE h.{cypher.FROM_KEY} = $version "
    "WITH h LIMIT 10000 DELETE h RETURN count(*) AS n"
)
RELATIONSHIPS_GONE = (
    "MATCH ()-[r:COLLABORATES_WITH]->() WHERE r.innonet_from = $version "
    "WITH r LIMIT 10000 DELETE r RETURN count(*) AS n"
)


SECTIONS: dict[str, Callable[[Bench], None]] = {
    "load": load_section,
    "change": change_section,
    "kill": kill_section,
    "holdings": holdings_section,
}
"""Each section of the benchmark, in the order they run; add one here to extend it."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to run, of {', '.join(SECTIONS)} (default: all)",
    )
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
    uri = os.environ.get("NEO4J_TEST_URI")
    if not uri:
        parser.error("NEO4J_TEST_URI is not set: run it as neo4j-server/run -- python bench/...")
    pid = server_pid(uri)
    print(
        f"Neo4j at {uri} (server pid {pid or 'unknown'}); {os.cpu_count()} CPUs; "
        f"{args.nodes:,} nodes, {args.relations:,} relations"
    )
    with tempfile.TemporaryDirectory(prefix="innonet-bench-neo4j-") as scratch:
        bench = Bench(args.nodes, args.relations, args.seed, Path(scratch), uri, pid)
        for name in chosen:
            print(f"--- {name}")
            SECTIONS[name](bench)
    return 0


if __name__ == "__main__":
    sys.exit(main())
