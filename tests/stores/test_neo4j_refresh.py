"""The Neo4j refresh lock and what a refresh leaves behind, on a real server (NEO4J_TEST_URI).

The lock is a lease on the meta node stamped with the server's clock: taken under the node's
write lock, renewed by the live refresh, checked by every write of the refresh and by publishing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase

from graphsvc.stores import cypher
from graphsvc.stores.contract import Node, SearchFilter, StoreBusy, StoreError
from graphsvc.stores.neo4j import Neo4jStore
from loaders.synthetic import write_bundle, write_changed_bundle
from tests.loaders.conftest import INNONET, run_innonet, stats, write_files
from tests.neo4j_server import empty_neo4j

StoreMaker = Callable[..., Neo4jStore]


@pytest.fixture
def neo4j_uri() -> str:
    return empty_neo4j()


@pytest.fixture
def make_store(neo4j_uri: str) -> Iterator[StoreMaker]:
    """``make_store(**options)``: a Neo4jStore on the emptied test server; closed afterwards."""
    made: list[Neo4jStore] = []

    def make(**options: Any) -> Neo4jStore:
        auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"])
        store = Neo4jStore(neo4j_uri, auth, **options)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


def institutions(prefix: str, count: int) -> list[Node]:
    return [
        Node(f"{prefix}{n}", "Institution", f"{prefix}{n}", {"kind": "university"})
        for n in range(count)
    ]


def leftovers(uri: str) -> dict[str, int]:
    """What the database holds that no reader sees: unpublished or removed elements, staged
    properties, and whether the lock or a cleanup is pending."""
    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"])
    with GraphDatabase.driver(uri, auth=auth) as driver:
        published = driver.execute_query(cypher.DATA_VERSION.text).records[0]["published"]
        hidden = "WHERE x.innonet_from > $p OR x.innonet_until IS NOT NULL RETURN count(x) AS n"
        found = {
            "nodes": driver.execute_query(f"MATCH (x) {hidden}", p=published).records[0]["n"],
            "relationships": driver.execute_query(
                f"MATCH ()-[x]->() {hidden}", p=published
            ).records[0]["n"],
            "staged": driver.execute_query(
                f"MATCH (s:{cypher.STAGED_LABEL}) RETURN count(s) AS n"
            ).records[0]["n"],
            "lock": driver.execute_query(
                f"MATCH (m:{cypher.META_LABEL}) WHERE m.refresh_lock IS NOT NULL "
                "OR m.refresh_dirty RETURN count(m) AS n"
            ).records[0]["n"],
        }
    return found


CLEAN = {"nodes": 0, "relationships": 0, "staged": 0, "lock": 0}


class Holder:
    """A refresh on a thread of its own that stops at its first write batch until released."""

    def __init__(self, store: Neo4jStore, source: str, nodes: list[Node]) -> None:
        self.writing = threading.Event()
        self.release = threading.Event()
        self.error: BaseException | None = None

        def progress(stage: str, done: int) -> None:
            self.writing.set()
            assert self.release.wait(60)

        def run() -> None:
            try:
                store.refresh(source, nodes, [], progress=progress)
            except BaseException as exc:
                self.error = exc

        self.thread = threading.Thread(target=run)
        self.thread.start()
        assert self.writing.wait(60), "the refresh never started writing"

    def finish(self) -> None:
        self.release.set()
        self.thread.join(60)
        assert not self.thread.is_alive()


def test_only_one_of_many_simultaneous_refreshes_takes_the_lock(make_store: StoreMaker) -> None:
    """The lock is checked after the meta node's write lock is taken: of refreshes that all try
    at the same instant, exactly one gets it (a read before the write lock let several in)."""
    count = 8
    stores = [make_store(lock_wait=0) for _ in range(count)]
    for store in stores:
        store.data_version()  # schema and meta node made before the race
    start = threading.Barrier(count)
    writing = threading.Semaphore(0)
    release = threading.Event()
    outcomes: list[str] = []

    def progress(stage: str, done: int) -> None:
        writing.release()
        assert release.wait(60)

    def run(n: int) -> None:
        start.wait()
        try:
            stores[n].refresh(f"s{n}", institutions(f"s{n}-", 1), [], progress=progress)
            outcomes.append("loaded")
        except StoreBusy:
            outcomes.append("busy")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    assert writing.acquire(timeout=60)
    # everyone else has given up (lock_wait=0) while the first one is still writing
    deadline = time.monotonic() + 60
    while outcomes.count("busy") < count - 1 and time.monotonic() < deadline:
        assert not writing.acquire(timeout=0.1), "two refreshes were writing at once"
    release.set()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["busy"] * (count - 1) + ["loaded"]
    assert stores[0].counts().nodes == 1


def test_a_live_long_refresh_is_never_taken_over(make_store: StoreMaker) -> None:
    """Its lease is renewed while it runs, so it outlives any number of leases."""
    lease = 1.0
    holder = Holder(make_store(lease=lease), "long", institutions("l", 3))
    try:
        other = make_store(lock_wait=0, lease=lease)
        for _ in range(3):
            time.sleep(lease)
            with pytest.raises(StoreBusy, match="another load is writing"):
                other.refresh("other", institutions("o", 1), [])
    finally:
        holder.finish()
    assert holder.error is None
    other.refresh("other", institutions("o", 1), [])
    assert other.counts().nodes == 4


def test_the_lease_is_on_the_servers_clock(
    make_store: StoreMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loader whose clock runs two hours ahead cannot take a live refresh's lock: no client
    clock takes part (the lock used to be stamped and judged stale with the loader's time)."""
    holder = Holder(make_store(), "long", institutions("l", 3))
    try:
        other = make_store(lock_wait=0)
        real = time.time
        monkeypatch.setattr(time, "time", lambda: real() + 7200)
        with pytest.raises(StoreBusy):
            other.refresh("other", institutions("o", 1), [])
        monkeypatch.setattr(time, "time", real)
    finally:
        holder.finish()
    assert holder.error is None


def test_a_stopped_loaders_lock_is_taken_over_after_its_lease_and_it_cannot_publish(
    tmp_path: Path, neo4j_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loader that stops renewing (SIGSTOP: as good as dead) loses the lock only when its lease
    runs out; when it wakes up, it finds the lock taken, publishes nothing, and leaves the
    other's lock alone (publishing used to remove the lock without asking whose it was)."""
    lease = 3.0
    monkeypatch.setenv("INNONET_REFRESH_LEASE", str(lease))
    rows = "".join(f"i{n},研究院{n},research_institute\n" for n in range(20_000))
    big = write_files(tmp_path / "big", {"institutions.csv": "id,name,kind\n" + rows})
    other = write_files(tmp_path / "other", {"brokers.csv": "id,name,kind\nb-1,某,agency\n"})

    stopped = subprocess.Popen(
        [*INNONET, "load", str(big), "--store", neo4j_uri],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert stopped.stderr is not None
        seen = []
        for line in stopped.stderr:
            seen.append(line)
            if line.startswith("writing nodes"):
                break
        else:
            raise AssertionError(f"the load ended before it wrote: {''.join(seen)}")
        stopped.send_signal(signal.SIGSTOP)
        stopped_at = time.monotonic()
        run = run_innonet("load", other, "--store", neo4j_uri, timeout=120)
        waited = time.monotonic() - stopped_at
        assert run.returncode == 0, run.stderr
        assert waited >= lease * 0.9, f"the lock was taken after {waited:.1f} s"
    finally:
        stopped.send_signal(signal.SIGCONT)
    _, err = stopped.communicate(timeout=120)
    assert stopped.returncode == 2, err
    assert "refresh lock was taken over" in err
    counts = stats(neo4j_uri)
    assert [s["name"] for s in counts["sources"]] == ["other"]
    assert counts["nodes"] == 1

    again = run_innonet("load", big, "--store", neo4j_uri, timeout=300)
    assert again.returncode == 0, again.stderr
    assert stats(neo4j_uri)["nodes"] == 20_001
    assert leftovers(neo4j_uri) == CLEAN


def test_running_out_of_memory_fails_once_naming_the_setting(make_store: StoreMaker) -> None:
    """Neo4j calls it a transient error, but the same transaction would only run out again."""
    store = make_store()
    attempts: list[int] = []

    def hungry(tx: Any) -> None:
        attempts.append(1)
        tx.run(
            "UNWIND range(1, 40) AS i "
            "WITH collect(reduce(s = 'xxxxxxxxxxxxxxxx', j IN range(1, 21) | s + s)) AS xs "
            "RETURN size(xs)"
        ).consume()

    with pytest.raises(StoreError, match=r"ran out of memory .*raise db\.memory\.transaction\.max"):
        store._write(hungry, "testing", tag=None)
    assert attempts == [1]


def test_a_graph_of_an_older_layout_is_refused_until_wiped(
    make_store: StoreMaker, neo4j_uri: str
) -> None:
    """A graph written by layout 3 (a node per held relationship) cannot be read as layout 4:
    the store says so, names both layouts and asks for a wipe, and after one it loads again."""
    make_store().refresh("lab", institutions("a", 3), [])
    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"])
    with GraphDatabase.driver(neo4j_uri, auth=auth) as driver:
        driver.execute_query(f"MATCH (m:{cypher.META_LABEL}) SET m.layout = 3")
    with pytest.raises(StoreError, match=r"older innonet \(layout 3, this one writes 4\); wipe"):
        make_store().counts()
    with GraphDatabase.driver(neo4j_uri, auth=auth) as driver:  # as the message says
        driver.execute_query("MATCH (n) DETACH DELETE n")
    store = make_store()
    store.refresh("lab", institutions("a", 3), [])
    assert store.counts().nodes == 3


def test_a_failed_refresh_cleans_up_after_itself(make_store: StoreMaker, neo4j_uri: str) -> None:
    """A refresh that fails after it started writing removes its writes before it lets go."""
    store = make_store(batch_size=10)
    store.refresh("lab", institutions("a", 5), [])
    before = store.counts()

    def nodes() -> Iterator[Node]:
        yield from institutions("b", 30)

    def fail(stage: str, done: int) -> None:
        if done >= 20:
            raise RuntimeError("the loader broke")

    with pytest.raises(RuntimeError, match="the loader broke"):
        store.refresh("lab", nodes(), [], progress=fail)
    assert store.counts() == before
    assert leftovers(neo4j_uri) == CLEAN


@pytest.mark.slow
def test_a_changed_reload_killed_while_writing_leaves_the_old_graph(
    tmp_path: Path, neo4j_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The small version of ``bench/neo4j.py --only kill`` (which runs it at 200k/1M)."""
    monkeypatch.setenv("INNONET_REFRESH_LEASE", "2")
    base, changed = tmp_path / "base", tmp_path / "changed"
    write_bundle(base, nodes=5_000, relations=25_000, seed=3)
    rows_changed = write_changed_bundle(base, changed)
    first = run_innonet("load", base, "--store", neo4j_uri, "--source", "s")
    assert first.returncode == 0, first.stderr
    before = stats(neo4j_uri)
    renamed = next(
        line.split(",")[:2]
        for line in (base / "institutions.csv").read_text(encoding="utf-8").splitlines()[1:]
        if line.startswith("inst-9,")
    )

    process = subprocess.Popen(
        [*INNONET, "load", str(changed), "--store", neo4j_uri, "--source", "s"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert process.stderr is not None
    assert any(line.startswith("writing relationships") for line in process.stderr)
    process.send_signal(signal.SIGKILL)
    process.communicate()

    assert stats(neo4j_uri) == before
    with Neo4jStore.from_env(neo4j_uri) as store:
        node = store.node(renamed[0])
        assert node is not None and node.name == renamed[1]
        assert store.search(SearchFilter(text="(改)")).total == 0
    left = leftovers(neo4j_uri)
    assert left["lock"] == 1 and left["relationships"] + left["staged"] > 0  # killed mid-write

    again = run_innonet("load", changed, "--store", neo4j_uri, "--source", "s")
    assert again.returncode == 0, again.stderr
    after = stats(neo4j_uri)
    assert after["nodes"] == before["nodes"]
    assert after["relationships"] == before["relationships"] - rows_changed["relations.csv"] // 2
    with Neo4jStore.from_env(neo4j_uri) as store:
        node = store.node(renamed[0])
        assert node is not None and node.name == f"{renamed[1]} (改)"
    assert leftovers(neo4j_uri) == CLEAN


def test_a_read_that_straddles_a_publish_reads_again(make_store: StoreMaker) -> None:
    """Reads are read-committed: a read that saw version 1 and then finds version 2 published
    (its staged properties applied, its removals deleted) runs again, on version 2."""
    reader, writer = make_store(), make_store()
    writer.refresh("lab", institutions("a", 2), [])
    seen: list[int] = []

    def work(tx: Any) -> list[str]:
        seen.append(tx.published)
        if len(seen) == 1:
            writer.refresh("lab", institutions("a", 3), [])
        return [r["id"] for r in tx.run(cypher.NODE_PAGE.text, {"after": "", "page_size": 10})]

    assert reader._read(work, "testing") == ["a0", "a1", "a2"]
    assert seen == [1, 2]
