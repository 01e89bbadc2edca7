"""A name too long to index is a ``file:line: column:`` problem on both stores, not a server
error in the middle of a refresh (Neo4j's range indexes refuse keys above about 8 kB)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.model import INDEXED_TEXT_MAX
from tests.loaders.conftest import run_innonet, write_files
from tests.neo4j_server import empty_neo4j

LONG = "长" * 3_000  # 9,000 bytes of UTF-8: more than one range-index key may hold


@pytest.fixture(params=["embedded", "neo4j"])
def store_uri(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "embedded":
        return str(tmp_path / "graph.db")
    return empty_neo4j()


def test_an_over_long_name_is_a_problem_of_its_line(store_uri: str, tmp_path: Path) -> None:
    bundle = write_files(
        tmp_path / "long",
        {
            "institutions.csv": f"id,name,kind,region\nok,复旦大学,university,杨浦区\n"
            f"long,{LONG},university,杨浦区\nfar,远方,university,{'区' * 1_001}\n",
            "demands.csv": f"id,title,field\nd1,{'题' * INDEXED_TEXT_MAX},新能源\n",
        },
    )
    run = run_innonet("load", bundle, "--store", store_uri)
    assert run.returncode != 0
    assert run.problems == [
        "institutions.csv:3: name: 3000 characters long; at most 1000 (the column is indexed)",
        "institutions.csv:4: region: 1001 characters long; at most 1000 (the column is indexed)",
    ], run.stderr
    assert "Neo4j failed" not in run.stderr
    fine = write_files(
        tmp_path / "fine",
        {"demands.csv": f"id,title,field\nd1,{'题' * INDEXED_TEXT_MAX},新能源\n"},
    )
    loaded = run_innonet("load", fine, "--store", store_uri)  # 1,000 characters index fine
    assert loaded.returncode == 0, loaded.stderr
