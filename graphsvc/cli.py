"""The ``innonet`` command. Each package contributes its own subcommands through ``register``.

Exit codes: 0 success, 1 the data or the question was bad (invalid rows, unknown id),
2 a usage error (bad option, unreadable bundle, unreachable store).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence

from graphsvc.stores import DEFAULT_STORE
from graphsvc.stores.contract import StoreError

Handler = Callable[[argparse.Namespace], int]

COMMAND_MODULES = (
    "loaders.cli",
    "queries.cli",
    "viz.cli",
    "report.cli",
    "graphsvc.service.serve",
)
"""Modules whose ``register(subparsers)`` adds subcommands, in ``--help`` order."""

COMMANDS: dict[str, str] = {
    **dict.fromkeys(("load", "stats", "generate"), "loaders.cli"),
    **dict.fromkeys(
        (
            "search",
            "path",
            "brokers",
            "hubs",
            "roles",
            "holes",
            "fragility",
            "communities",
            "abroad",
            "lost-routes",
            "concentration",
            "unreached",
            "demands",
            "changes",
            "trends",
        ),
        "queries.cli",
    ),
    **dict.fromkeys(("viz", "export"), "viz.cli"),
    "report": "report.cli",
    **dict.fromkeys(("serve", "schema"), "graphsvc.service.serve"),
}
"""Which module registers each command: running one imports only its module, so that
``innonet load`` does not pay for scipy, igraph and pyvis (a test keeps this table true)."""


def add_store_option(parser: argparse.ArgumentParser) -> None:
    """The ``--store`` option every command that touches the graph takes."""
    parser.add_argument(
        "--store",
        metavar="STORE",
        default=None,
        help=f"a file path (embedded store) or a bolt:// or neo4j:// URI; "
        f"default $INNONET_STORE or {DEFAULT_STORE}",
    )


class CommaList(argparse.Action):
    """A list option: comma-separated, repeatable, or space-separated (``--types A,B``,
    ``--types A --types B`` and ``--types A B`` all give ``["A", "B"]``); ``allowed``, when set,
    is the vocabulary each item must be in."""

    allowed: Sequence[str] | None = None

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[object] | None,
        option_string: str | None = None,
    ) -> None:
        given = [values] if isinstance(values, str) else list(values or [])
        items = [part.strip() for value in given for part in str(value).split(",")]
        if not all(items):
            parser.error(f"{option_string}: empty item in {','.join(map(str, given))!r}")
        if self.allowed is not None:
            unknown = [i for i in items if i not in self.allowed]
            if unknown:
                parser.error(
                    f"{option_string}: unknown {', '.join(unknown)}; "
                    f"choose from {', '.join(self.allowed)}"
                )
        earlier = getattr(namespace, self.dest, None)
        earlier = [] if earlier is None or earlier is self.default else earlier
        setattr(namespace, self.dest, [*earlier, *items])


def add_list_option(
    parser: argparse.ArgumentParser,
    name: str,
    help: str,
    *,
    metavar: str,
    dest: str | None = None,
    alias: str | None = None,
    choices: Sequence[str] | None = None,
    default: list[str] | None = None,
) -> None:
    """A list option in the one style every command uses: ``--NAME A,B`` (repeatable; ``alias``
    is an older spelling kept working)."""
    flags = [f"--{name}", *([f"--{alias}"] if alias else [])]
    action = parser.add_argument(
        *flags,
        dest=dest or name.replace("-", "_"),
        action=CommaList,
        nargs="+",
        metavar=f"{metavar}[,{metavar}]",
        default=default,
        help=help,
    )
    assert isinstance(action, CommaList)
    action.allowed = choices


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``innonet`` parser: with every command, or (``command`` given and known) with that
    command alone, importing only the module that registers it."""
    parser = argparse.ArgumentParser(
        prog="innonet",
        description="Explore innovation networks: load CSV bundles, ask for paths, brokers "
        "and hubs, draw maps, serve GraphQL.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    modules = [COMMANDS[command]] if command in COMMANDS else COMMAND_MODULES
    for name in modules:
        importlib.import_module(name).register(commands)
    return parser


BROKEN_PIPE = 128 + 13
"""Exit code when the output's reader closed it early (as after SIGPIPE)."""


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(next((a for a in argv if not a.startswith("-")), None))
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        code = handler(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # the reader went away (`innonet stats --json | head -1`): end quietly, as a process
        # killed by SIGPIPE would, and keep the interpreter's last flush from failing again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    except StoreError as exc:
        print(f"innonet: {exc}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as exc:  # a damaged file read by the embedded store
        print(
            f"innonet: store {getattr(args, 'store', None) or DEFAULT_STORE} is damaged or not "
            f"an innonet store ({exc}); load the bundles into a new store",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
