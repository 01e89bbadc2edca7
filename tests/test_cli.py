"""The ``innonet`` command as a whole."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

from graphsvc.cli import COMMAND_MODULES, COMMANDS, build_parser


def test_the_command_table_names_what_each_module_registers() -> None:
    registered = {}
    for name in COMMAND_MODULES:
        commands = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(name).register(commands)
        registered.update(dict.fromkeys(commands.choices, name))
    assert registered == COMMANDS


def test_one_command_builds_a_parser_with_that_command_alone() -> None:
    parser = build_parser("stats")
    assert parser.parse_args(["stats", "--json"]).json is True
    full = build_parser()
    assert full.parse_args(["hubs", "--top", "3"]).top == 3


def test_loading_does_not_import_the_analytics_and_map_libraries() -> None:
    probe = (
        "import sys\n"
        "from graphsvc.cli import main\n"
        "try:\n"
        "    main(['load', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('scipy', 'igraph', 'networkx', 'pyvis', 'strawberry') "
        "if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
