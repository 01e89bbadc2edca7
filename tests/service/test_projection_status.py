"""A request that needs the projection while it is being built answers NOT_READY with
Retry-After within its time limit; once the build is done, the next one is answered."""

from __future__ import annotations

import fcntl
import time
from pathlib import Path

from graphsvc.stores.embedded import EmbeddedStore
from queries.centrality import centrality
from queries.cold import COLD_WORK
from queries.projection_file import RESULTS, file_name, folder_of, shared_projection
from queries.shelf import _slug
from tests.service.conftest import Serve, load

LIMIT = 3.0
"""The request time limit of the server under test (seconds)."""

PATH = "query($s: ID!, $t: ID!) { shortestPath(source: $s, target: $t) { length } }"
CENTRALITY = "{ centrality(metric: PAGERANK, top: 1) { scores { rank } } }"


def test_a_request_while_the_projection_is_built_answers_not_ready(
    serve: Serve, bundle: Path, tmp_path: Path
) -> None:
    store = EmbeddedStore(tmp_path / "innonet.db")
    load(bundle, "synthetic")(store)
    first, last = [n.id for n in store.iter_nodes()][::399][:2]
    variables = {"s": first, "t": last}
    folder = folder_of(store)
    assert folder is not None
    folder.mkdir()
    with open(folder / "lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # as another process building it would
        api = serve(store, request_timeout=LIMIT)
        for query, params in ((PATH, variables), (CENTRALITY, None)):
            started = time.monotonic()
            response = api.client.post("/graphql", json={"query": query, "variables": params})
            took = time.monotonic() - started
            assert response.status_code == 503, response.text
            assert response.headers["Retry-After"] == "5"
            (error,) = response.json()["errors"]
            assert error["extensions"] == {"code": "NOT_READY", "retryAfter": 5}, error
            assert "ask again in 5 s" in error["message"]
            assert LIMIT - 1.0 < took < LIMIT, took
    # the lock is free: the service's own build runs, and the requests are answered
    give_up = time.monotonic() + 60
    for query, params in ((PATH, variables), (CENTRALITY, None)):
        while True:
            response = api.client.post("/graphql", json={"query": query, "variables": params})
            if response.status_code == 200:
                break
            assert response.status_code == 503 and time.monotonic() < give_up, response.text
            time.sleep(float(response.headers["Retry-After"]) / 10)
        assert "errors" not in response.json(), response.text
    assert (folder / file_name(store.data_version())).exists()
    store.close()


BETWEENNESS = "{ centrality(metric: BETWEENNESS, top: 3) { approximate scores { node { id } } } }"


def test_cold_results_are_computed_once_in_the_background(
    serve: Serve, bundle: Path, tmp_path: Path
) -> None:
    store = EmbeddedStore(tmp_path / "innonet.db")
    load(bundle, "synthetic")(store)
    graph = shared_projection(store)
    folder = folder_of(store)
    assert folder is not None
    results = folder / (file_name(graph.version) + RESULTS)
    results.mkdir()
    slug = _slug(("centrality", "BETWEENNESS"))
    with open(results / f"{slug}.lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # as a process computing it would
        api = serve(store, request_timeout=LIMIT)
        first, last = [n.id for n in store.iter_nodes()][:2]
        api.data(PATH, {"s": first, "t": last})  # maps the projection: its builder starts
        started = time.monotonic()
        response = api.client.post("/graphql", json={"query": BETWEENNESS})
        took = time.monotonic() - started
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"] == "5"
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "NOT_READY", error
        assert took < LIMIT, took
    # released: the service's builder computes it (and the rest of the cold work) once
    give_up = time.monotonic() + 120
    while len(list(results.glob("*.npz"))) < len(COLD_WORK):
        assert time.monotonic() < give_up, sorted(p.name for p in results.iterdir())
        time.sleep(0.2)
    answer = serve(store).data(BETWEENNESS)  # the default limit: a busy machine is slow
    expected = centrality(store, "BETWEENNESS", top=3)  # read from the file by this process
    assert [s["node"]["id"] for s in answer["centrality"]["scores"]] == [
        s.node for s in expected.scores
    ]
    store.close()
