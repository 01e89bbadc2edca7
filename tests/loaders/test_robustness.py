"""Loads under stress: killed half-way, read during a load, run twice at once, full of bad rows."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graphsvc.stores import open_store
from graphsvc.stores.contract import GraphCounts
from graphsvc.stores.embedded import SCHEMA
from tests.loaders.conftest import INNONET, VALID_BUNDLE, Loader, stats, write_files

BIG_SIZES = {"embedded": (25_000, 250_000), "neo4j": (5_000, 50_000)}
"""Institutions (as many achievements) and relations of the big bundle, per store: Neo4j writes
several times more slowly, so a fifth of the rows still keeps it writing for seconds."""
WRITING = "writing relationships"


@dataclass(frozen=True)
class BigBundle:
    path: Path
    nodes: int
    relations: int


def write_big_bundle(directory: Path, institutions: int, relations: int) -> BigBundle:
    """``institutions`` institutions and as many achievements, and ``relations`` distinct
    DEVELOPED relations (each institution develops relations / institutions)."""
    size = institutions
    rows = "".join(f"i{n},研究院{n},research_institute,{1900 + n % 120}\n" for n in range(size))
    achievements = "".join(f"a{n},成果{n},新材料,{1 + n % 9}\n" for n in range(size))
    developed = "".join(
        f"i{n % size},a{(7 * n + n // size) % size},DEVELOPED,{1 + n % 5}\n"
        for n in range(relations)
    )
    write_files(
        directory,
        {
            "institutions.csv": "id,name,kind,founded\n" + rows,
            "achievements.csv": "id,title,field,trl\n" + achievements,
            "relations.csv": "source,target,type,weight\n" + developed,
        },
    )
    return BigBundle(directory, 2 * size, relations)


@pytest.fixture(scope="module")
def big_bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BigBundle]:
    return {
        kind: write_big_bundle(tmp_path_factory.mktemp("big") / "big", *sizes)
        for kind, sizes in BIG_SIZES.items()
    }


@pytest.fixture
def big_bundle(big_bundles: dict[str, BigBundle], store_uri: str) -> BigBundle:
    """The big bundle for the test's store."""
    return big_bundles["neo4j" if "://" in store_uri else "embedded"]


def counts_of(store_uri: str) -> GraphCounts:
    """The store's counts, read through a connection of this process."""
    store = open_store(str(store_uri))
    try:
        return store.counts()
    finally:
        store.close()


def start_load(bundle: Path, store_uri: str, *options: str) -> subprocess.Popen[str]:
    """``innonet load`` started in the background, standard error piped (plain progress lines)."""
    return subprocess.Popen(
        [*INNONET, "load", str(bundle), "--store", str(store_uri), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def wait_for_stage(process: subprocess.Popen[str], stage: str) -> list[str]:
    """Read the process's standard error until a progress line of ``stage``; the lines read."""
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith(stage):
            return seen
    raise AssertionError(f"the load ended before {stage!r}: {''.join(seen)}")


@pytest.fixture
def earlier_graph(tmp_path: Path, load: Loader, store_uri: str) -> Iterator[GraphCounts]:
    """The store loaded with the small valid bundle as source ``big``: the graph before."""
    run = load(write_files(tmp_path / "small", VALID_BUNDLE), "--source", "big")
    assert run.returncode == 0, run.stderr
    yield counts_of(store_uri)


@pytest.mark.slow
def test_a_load_killed_half_way_leaves_the_earlier_graph(
    big_bundle: BigBundle,
    earlier_graph: GraphCounts,
    load: Loader,
    store_uri: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INNONET_REFRESH_LEASE", "2")  # Neo4j: the killed load's lock lapses soon
    process = start_load(big_bundle.path, store_uri, "--source", "big")
    wait_for_stage(process, WRITING)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL

    assert counts_of(store_uri) == earlier_graph  # same data version: nothing of it is left
    run = load(big_bundle.path, "--source", "big")
    assert run.returncode == 0, run.stderr
    after = stats(store_uri)
    assert (after["nodes"], after["relationships"]) == (big_bundle.nodes, big_bundle.relations)


@pytest.mark.slow
def test_a_first_load_killed_half_way_leaves_an_empty_store(
    big_bundle: BigBundle, load: Loader, store_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INNONET_REFRESH_LEASE", "2")
    empty = counts_of(store_uri)
    process = start_load(big_bundle.path, store_uri, "--source", "big")
    wait_for_stage(process, WRITING)  # the embedded store has dropped its secondary indexes
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL

    assert counts_of(store_uri) == empty
    if "://" not in store_uri:
        with sqlite3.connect(store_uri) as conn:
            indexes = conn.execute(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
            ).fetchone()[0]
        assert indexes == len(re.findall(r"CREATE INDEX", SCHEMA))
    run = load(big_bundle.path, "--source", "big")
    assert run.returncode == 0, run.stderr
    after = stats(store_uri)
    assert (after["nodes"], after["relationships"]) == (big_bundle.nodes, big_bundle.relations)


@pytest.mark.slow
def test_a_reader_sees_the_earlier_graph_while_a_load_runs(
    big_bundle: BigBundle, earlier_graph: GraphCounts, store_uri: str
) -> None:
    process = start_load(big_bundle.path, store_uri, "--source", "big")
    wait_for_stage(process, WRITING)
    reader = open_store(str(store_uri))
    try:
        assert process.poll() is None, "the load ended before the reader could look"
        assert reader.counts() == earlier_graph
        assert reader.node("i1") is None
        assert reader.node("sjtu") is not None
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert reader.node("i1") is not None
        assert reader.node("sjtu") is None  # the earlier bundle of source big held it
        assert reader.counts().nodes == big_bundle.nodes
    finally:
        reader.close()


@pytest.mark.slow
def test_a_second_concurrent_load_waits_or_fails_clearly(
    tmp_path: Path, big_bundle: BigBundle, earlier_graph: GraphCounts, store_uri: str
) -> None:
    first = start_load(big_bundle.path, store_uri, "--source", "big")
    wait_for_stage(first, WRITING)
    other = write_files(tmp_path / "other", {"brokers.csv": "id,name,kind\nb-9,某,agency\n"})
    second = start_load(other, store_uri)
    second_out, second_err = second.communicate(timeout=300)
    _, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err
    names = [source["name"] for source in stats(store_uri)["sources"]]
    if second.returncode == 0:  # it waited for the first
        assert names == ["big", "other"]
        assert "loaded" in second_out
    else:
        assert second.returncode == 2, second_err
        assert "another load is writing" in second_err
        assert names == ["big"]


def test_ten_thousand_bad_rows_are_all_written_out_and_few_printed(
    tmp_path: Path, store_uri: str
) -> None:
    rows = "".join(f"x{n},机构{n},college\n" for n in range(10_000))
    directory = write_files(tmp_path / "bad", {"institutions.csv": "id,name,kind\n" + rows})
    errors = tmp_path / "problems.txt"
    done = subprocess.run(
        [*INNONET, "load", str(directory), "--store", str(store_uri), "--errors", str(errors)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    stderr = done.stderr

    printed = [line for line in stderr.splitlines() if line.startswith("institutions.csv:")]
    assert len(printed) == 50
    assert "... and 9950 more problems; --errors FILE writes them all" in stderr
    assert "10000 problems; nothing was written" in stderr
    written = errors.read_text(encoding="utf-8").splitlines()
    assert len(written) == 10_000
    assert written[:50] == printed
    assert written[-1].startswith("institutions.csv:10001: kind: unknown kind 'college'; allowed:")
    assert all(
        re.match(rf"institutions\.csv:{n + 2}: kind: ", line) for n, line in enumerate(written)
    )
    peak = re.search(r"nothing was written; peak memory (\d+) MiB$", stderr, re.MULTILINE)
    assert peak is not None, stderr
    assert int(peak.group(1)) < 100, stderr  # measured: about 30 MiB


def test_max_errors_caps_what_is_printed(tmp_path: Path, load: Loader) -> None:
    rows = "".join(f"x{n},机构{n},college\n" for n in range(20))
    run = load(
        write_files(tmp_path / "bad", {"institutions.csv": "id,name,kind\n" + rows}),
        "--max-errors",
        "3",
    )
    assert run.returncode == 1
    assert len(run.problems) == 3
    assert "... and 17 more problems; --errors FILE writes them all" in run.stderr


def test_a_cell_of_the_maximum_length_is_read_whole(
    tmp_path: Path, load: Loader, store_uri: str
) -> None:
    from loaders.bundle import MAX_CELL

    files = dict(VALID_BUNDLE)
    field = "交" * MAX_CELL  # 3 MB of UTF-8, quoted, with a comma and a line break inside
    field = field[:1000] + ",\n" + field[1002:]
    files["achievements.csv"] = (
        f'id,title,field\nach-1,固态电池电解质,"{field}"\nach-2,肿瘤早筛芯片,生物医药\n'
    )
    run = load(write_files(tmp_path / "bundle", files))
    assert run.returncode == 0, run.stderr[:500]
    store = open_store(store_uri)
    try:
        assert store.nodes(["ach-1"])["ach-1"].properties["field"] == field
    finally:
        store.close()
