"""schema.graphql in the repository is the schema the service serves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from graphsvc.model import NODE_TYPES, RELATION_TYPES
from graphsvc.schema import build_schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_file_has_not_drifted() -> None:
    served = build_schema().as_str() + "\n"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == served, (
        "schema.graphql is out of date: regenerate it with `innonet schema > schema.graphql`"
    )


def test_innonet_schema_prints_it() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "graphsvc.cli", "schema"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert printed == SCHEMA_FILE.read_text(encoding="utf-8")


def test_enums_come_from_the_model() -> None:
    sdl = build_schema().as_str()
    for node_type in NODE_TYPES:
        assert f"  {node_type.enum}\n" in sdl
    for relation_type in RELATION_TYPES:
        assert f"  {relation_type.name}\n" in sdl
