"""Answers during refreshes: each from the old graph or the new one, never a mix."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from graphsvc.stores.embedded import EmbeddedStore
from loaders.refresh import refresh_bundle
from loaders.synthetic import write_bundle

if TYPE_CHECKING:
    from tests.service.conftest import Serve

QUERY = """{
  stats { nodes relationships dataVersion byType { type count } }
  all: search(first: 0) { totalCount }
  institutions: search(types: [INSTITUTION], first: 0) { totalCount }
  brokers: search(types: [BROKER], first: 3) { totalCount edges { node { id degree } } }
}"""


@pytest.mark.slow
def test_answers_during_refreshes_come_from_one_graph(
    serve: Serve, bundle: Path, tmp_path: Path
) -> None:
    other = tmp_path / "bigger"
    write_bundle(other, nodes=520, seed=5)
    path = tmp_path / "live.db"
    reader, writer = EmbeddedStore(path), EmbeddedStore(path)
    with refresh_bundle(writer, bundle, "exchange") as result:
        assert result.valid
    api = serve(reader)
    done = threading.Event()

    def reload() -> int:
        refreshes = 0
        try:
            for turn in range(12):
                with refresh_bundle(writer, other if turn % 2 == 0 else bundle, "exchange") as r:
                    assert r.valid
                refreshes += 1
        finally:
            done.set()
        return refreshes

    def ask() -> list[dict[str, Any]]:
        answers = []
        with httpx.Client(base_url=api.url, timeout=30) as client:
            while not done.is_set():
                response = client.post("/graphql", json={"query": QUERY})
                assert response.status_code == 200, response.text
                answers.append(response.json())
        return answers

    with ThreadPoolExecutor(5) as pool:
        refreshing = pool.submit(reload)
        asking = [pool.submit(ask) for _ in range(4)]
        assert refreshing.result() == 12
        answers = [answer for future in asking for answer in future.result()]

    versions: Counter[int] = Counter()
    for answer in answers:
        assert "errors" not in answer, answer["errors"]
        data = answer["data"]
        stats = data["stats"]
        by_type = {t["type"]: t["count"] for t in stats["byType"]}
        assert stats["nodes"] in (400, 520)
        assert data["all"]["totalCount"] == stats["nodes"]
        assert data["institutions"]["totalCount"] == by_type["INSTITUTION"]
        assert data["brokers"]["totalCount"] == by_type["BROKER"]
        versions[stats["nodes"]] += 1
    assert len(answers) > 20
    assert set(versions) == {400, 520}, versions
    writer.close()
    reader.close()
