"""Fixtures shared by every test folder (when Neo4j tests run: tests/neo4j_server.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.neo4j_server import STORE_KINDS, empty_neo4j

REPO = Path(__file__).resolve().parent.parent
SAMPLE_BUNDLE = REPO / "examples" / "shanghai"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where a test's embedded store file goes (not created yet)."""
    return tmp_path / "innonet.db"


@pytest.fixture(params=STORE_KINDS)
def store_uri(request: pytest.FixtureRequest, store_path: Path) -> str:
    """The store a test loads into, as ``--store`` takes it: an embedded store file (not
    created yet) or the emptied Neo4j test server."""
    if request.param == "embedded":
        return str(store_path)
    return empty_neo4j()
