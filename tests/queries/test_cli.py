"""The query commands: tables with names, exit 1 for unknown ids, exit 2 for bad bounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.cli import main
from queries.examples import example_store


@pytest.fixture
def example(tmp_path: Path) -> str:
    path = str(tmp_path / "example.db")
    example_store(path).close()
    return path


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["path", "lab-a", "ent-b", "--weighted"], "Eastern Transfer Centre"),
        (
            ["path", "lab-a", "ent-b", "--k", "3", "--via", "Achievement", "Demand"],
            "Cathode supplier wanted",
        ),
        (["brokers", "lab-a", "ent-b", "--types", "BROKER"], "broker-east"),
        (["hubs", "--metric", "pagerank", "--type", "BROKER", "--top", "2"], "Western"),
        (["roles", "--group-by", "kind"], "lab-a"),
        (["roles", "--type", "Broker"], "Market"),
        (["roles", "--network", "d", "--type", "Broker"], "brokerage roles on the D"),
        (["holes", "--by", "constraint"], "constraint"),
        (["fragility", "--type", "Broker"], "broker-west"),
        (["fragility", "--remove", "broker-west"], "Berlin Desk"),
        (["communities", "--seed", "1"], "2 communities"),
        (["hubs", "--metric", "degree", "--region", "Pudong"], "DEGREE"),
        (["abroad", "--max-hops", "2"], "East Materials Lab"),
        (
            ["lost-routes", "broker-west", "--to-country", "DE", "--to-type", "OverseasChannel"],
            "7 of 7 lose every route",
        ),
        (["concentration", "--rel-type", "SERVES"], "HHI 0.5000"),
        (["unreached", "--max-hops", "2", "--group-by", "country"], "B Battery Co."),
        (["demands", "--status", "solved"], "0 unsolved demands"),
    ],
)
def test_commands_print_tables_with_names(
    example: str, argv: list[str], shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--store", example]) == 0
    assert shown in capsys.readouterr().out


def test_unknown_id_exits_1(example: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["brokers", "lab-a", "nowhere", "--store", example]) == 1
    assert "nowhere" in capsys.readouterr().err
    assert main(["lost-routes", "broker-east", "nowhere", "--store", example]) == 1
    assert "nowhere" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["path", "lab-a", "ent-b", "--max-hops", "9"],
        ["path", "lab-a", "ent-b", "--k", "51"],
        ["hubs", "--top", "1001"],
        ["brokers", "lab-a", "ent-b", "--types", "UNICORN"],
        ["abroad", "--max-hops", "4"],
        ["lost-routes", "broker-west", "--max-hops", "9"],
        ["unreached", "--limit", "5001"],
        ["demands", "--candidates", "51"],
    ],
)
def test_bad_bounds_exit_2(
    example: str, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--store", example]) == 2
    assert "innonet" in capsys.readouterr().err


def test_a_reader_that_goes_away_ends_the_command_quietly(example: str) -> None:
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "graphsvc.cli", "stats", "--json", "--store", example],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # as `| head -0` does: every write now fails with EPIPE
    with process.stderr:
        stderr = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert stderr == b""
