"""Fixtures shared by every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_BUNDLE = REPO / "examples" / "shanghai"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where a test's embedded store file goes (not created yet)."""
    return tmp_path / "innonet.db"
