"""Names, not ids: ``innonet search``, nodes given by name on the command line and in map URLs,
ambiguous names listing candidates, and one list-option style on every command."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from graphsvc.cli import main
from graphsvc.stores.contract import SearchFilter, Store
from queries.names import AmbiguousName, UnknownName, resolve_node

from .conftest import LoopbackServer


def _unique_name(city: Store) -> tuple[str, str]:
    """A node whose full name no other node's name contains."""
    for node in city.search(SearchFilter(types=["Institution"]), first=200).nodes:
        if city.search(SearchFilter(text=node.name), first=2).total == 1:
            return node.id, node.name
    raise AssertionError("every name is shared")


def test_resolve_by_id_exact_name_part_and_ambiguity(city: Store) -> None:
    id, name = _unique_name(city)
    assert resolve_node(city, id).id == id
    assert resolve_node(city, name).id == id
    assert resolve_node(city, f"  {name} ").id == id
    with pytest.raises(UnknownName, match="no node with id or name 'zz-nobody'"):
        resolve_node(city, "zz-nobody")
    with pytest.raises(AmbiguousName) as ambiguous:
        resolve_node(city, "上海")
    message = str(ambiguous.value)
    assert "nodes match '上海'" in message and "give an id" in message
    assert len(ambiguous.value.candidates) == 10
    assert all(f"[{n.id}]" in message for n in ambiguous.value.candidates)


def test_search_command(city: Store, capsys: pytest.CaptureFixture[str]) -> None:
    id, name = _unique_name(city)
    assert main(["search", name, "--store", city.uri]) == 0
    printed = capsys.readouterr().out
    assert "1 nodes match" in printed and id in printed
    assert (
        main(["search", "上海", "--types", "BROKER,INVESTOR", "--limit", "5", "--store", city.uri])
        == 0
    )
    printed = capsys.readouterr().out
    assert "5 shown" in printed and "Institution" not in printed


def test_commands_take_names_and_print_them(
    city: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    id, name = _unique_name(city)
    assert main(["fragility", "--remove", name, "--store", city.uri]) == 0
    assert f"removing {name} [{id}]" in capsys.readouterr().out
    assert main(["path", name, "上海", "--store", city.uri]) == 1
    assert "give an id" in capsys.readouterr().err


def test_ego_map_by_name_on_the_command_line_and_the_service(
    city: Store, tmp_path: Path, map_server: LoopbackServer
) -> None:
    id, name = _unique_name(city)
    out = tmp_path / "ego.html"
    assert main(["viz", "ego", name, "--out", str(out), "--store", city.uri]) == 0
    assert f"Ego map: {name} [{id}]" in out.read_text(encoding="utf-8")
    page = httpx.get(f"{map_server.url}/maps/ego", params={"id": name})
    assert page.status_code == 200 and f"[{id}]" in page.text
    ambiguous = httpx.get(f"{map_server.url}/maps/ego", params={"id": "上海"})
    assert ambiguous.status_code == 404 and "give an id" in ambiguous.text


@pytest.mark.parametrize(
    "flags",
    [["--types", "BROKER,INVESTOR"], ["--types", "BROKER", "--types", "INVESTOR"],
     ["--type", "BROKER", "INVESTOR"]],
)  # fmt: skip
def test_one_list_style_with_the_old_spelling_kept(
    city: Store, capsys: pytest.CaptureFixture[str], flags: list[str]
) -> None:
    assert main(["hubs", *flags, "--top", "50", "--store", city.uri]) == 0
    printed = capsys.readouterr().out
    assert "Broker" in printed and "Institution" not in printed
    assert "score: share of a random walk" in printed.replace("\n", " ")
