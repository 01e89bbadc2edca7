"""What a load does to the graph: the bundle's contents, refresh by source, idempotence, dry run."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from graphsvc.model import relation_id
from graphsvc.stores import open_store
from graphsvc.stores.contract import Node, Relationship
from loaders.bundle import BundleChanged
from loaders.refresh import refresh_bundle
from tests.loaders.conftest import (
    VALID_BUNDLE,
    BundleWriter,
    Loader,
    graph_shape,
    run_innonet,
    stats,
    write_files,
)


def read_graph(
    store_uri: str, node_ids: list[str], rel_ids: list[str]
) -> tuple[dict[str, Node], dict[str, Relationship]]:
    """The nodes and relationships of the store among those ids."""
    store = open_store(str(store_uri))
    try:
        return store.nodes(node_ids), store.relationships(rel_ids)
    finally:
        store.close()


def summary_rows(stdout: str) -> dict[str, list[int]]:
    """The load summary table: type -> [created, updated, removed, unchanged]."""
    rows = {}
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) == 5 and cells[1].isdigit():
            rows[cells[0]] = [int(cell) for cell in cells[1:]]
    return rows


def test_a_load_stores_every_row_with_its_declared_types(
    bundle: BundleWriter, load: Loader, store_uri: str
) -> None:
    files = {
        **VALID_BUNDLE,
        # a BOM, an extra column, explicit relation ids between the same two nodes
        "institutions.csv": "\ufeffid,name,kind,region,lat,lon,founded,tags,website\n"
        "sjtu,上海交通大学,university,闵行区,31.02,121.43,1896,985; 211,https://sjtu.edu.cn\n"
        "fudan,复旦大学,university,杨浦区,,,1905,,\n"
        "ent-1,上海某电池公司,enterprise,浦东新区,,,,,\n",
        "relations.csv": VALID_BUNDLE["relations.csv"]
        + "sjtu,fudan,COLLABORATES_WITH,lab-1,2020-01-01,,,\n"
        + "sjtu,fudan,COLLABORATES_WITH,lab-2,2022-06-30T08:00:00,,0.5,\n",
    }
    run = load(bundle(files))
    assert run.returncode == 0, run.stderr
    assert "loaded" in run.stdout and "9 nodes, 12 relationships" in run.stdout

    derived = relation_id("sjtu", "DEVELOPED", "ach-1")
    nodes, rels = read_graph(
        store_uri,
        ["sjtu", "fudan", "ach-1", "stte", "fund-1", "ch-de", "dem-1"],
        [derived, relation_id("fudan", "DEVELOPED", "ach-2"), "lab-1", "lab-2"],
    )
    assert nodes["sjtu"] == Node(
        "sjtu",
        "Institution",
        "上海交通大学",
        {
            "kind": "university",
            "region": "闵行区",
            "country": "CN",
            "lat": 31.02,
            "lon": 121.43,
            "founded": 1896,
            "tags": ["985", "211"],
            "website": "https://sjtu.edu.cn",
        },
    )
    assert "founded" in nodes["fudan"].properties and "tags" not in nodes["fudan"].properties
    assert nodes["ach-1"].name == "固态电池电解质"
    assert nodes["ach-1"].properties == {
        "field": "新能源",
        "year": 2021,
        "trl": 6,
        "status": "listed",
        "value_cny": 1200000.0,
    }
    assert nodes["stte"].properties == {"kind": "exchange", "certified": True, "country": "CN"}
    assert nodes["fund-1"].properties["aum_cny"] == 5e9
    assert nodes["ch-de"].properties == {"country": "DE", "city": "Berlin"}
    assert nodes["dem-1"].properties["posted"] == "2024-03-01"
    assert rels[derived] == Relationship(
        derived, "DEVELOPED", "sjtu", "ach-1", {"date": "2021-05-01", "weight": 1.0}
    )
    assert rels[relation_id("fudan", "DEVELOPED", "ach-2")].weight == 2.0
    assert rels["lab-1"].properties == {"date": "2020-01-01", "weight": 1.0}
    assert rels["lab-2"].properties == {"date": "2022-06-30T08:00:00", "weight": 0.5}


def test_reloading_the_same_bundle_changes_nothing(
    bundle: BundleWriter, load: Loader, store_uri: str
) -> None:
    directory = bundle(VALID_BUNDLE)
    first = load(directory)
    assert first.returncode == 0, first.stderr
    created = summary_rows(first.stdout)
    assert created["Institution"] == [3, 0, 0, 0]
    assert created["DEVELOPED"] == [2, 0, 0, 0]
    after_first = graph_shape(store_uri)

    second = load(directory)
    assert second.returncode == 0, second.stderr
    assert "; nothing changed" in second.stdout
    unchanged = summary_rows(second.stdout)
    assert unchanged.keys() == created.keys()
    for type_name, (made, _, _, _) in created.items():
        assert unchanged[type_name] == [0, 0, 0, made], type_name
    assert graph_shape(store_uri) == after_first


def test_relation_rows_repeated_cell_for_cell_are_merged(
    bundle: BundleWriter, load: Loader, store_uri: str
) -> None:
    files = {
        **VALID_BUNDLE,
        "relations.csv": VALID_BUNDLE["relations.csv"]
        + "sjtu,fudan,COLLABORATES_WITH,lab-1,2020-01-01,,,\n" * 2
        + "sjtu,ach-1,DEVELOPED,,2021-05-01,,,\n",
    }
    directory = bundle(files)
    dry = load(directory, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert (
        "is valid for source 'bundle': 9 nodes, 11 relationships; 2 repeated relation rows "
        "merged; nothing was written" in dry.stdout
    )

    first = load(directory)
    assert first.returncode == 0, first.stderr
    assert re.search(
        r"9 nodes, 11 relationships in .* rows/s, peak memory \d+ MiB\); "
        r"2 repeated relation rows merged$",
        first.stdout,
        re.MULTILINE,
    ), first.stdout
    assert summary_rows(first.stdout)["DEVELOPED"] == [2, 0, 0, 0]
    _, rels = read_graph(store_uri, [], ["lab-1", relation_id("sjtu", "DEVELOPED", "ach-1")])
    assert rels["lab-1"].properties == {"date": "2020-01-01", "weight": 1.0}
    assert stats(store_uri)["relationships"] == 11

    second = load(directory)
    assert second.returncode == 0, second.stderr
    assert "; 2 repeated relation rows merged; nothing changed" in second.stdout


def test_two_sources_share_nodes_and_prune_only_their_own(
    bundle: BundleWriter, load: Loader, store_uri: str
) -> None:
    exchange = {
        "institutions.csv": "id,name,kind,region\nsjtu,交大,university,徐汇区\n"
        "ent-1,某公司,enterprise,浦东新区\n",
        "achievements.csv": "id,title,field\nach-1,电解质,新能源\n",
        "relations.csv": "source,target,type\nsjtu,ach-1,DEVELOPED\nach-1,ent-1,TRANSFERRED_TO\n",
    }
    patents = {
        "institutions.csv": "id,name,kind,region\nsjtu,上海交通大学,university,闵行区\n",
        "achievements.csv": "id,title,field\nach-2,芯片,医药\n",
        "relations.csv": "source,target,type\nsjtu,ach-2,DEVELOPED\nach-2,ent-1,TRANSFERRED_TO\n",
    }
    assert load(bundle(exchange, "exchange")).returncode == 0
    run = load(bundle(patents, "patents"))
    assert run.returncode == 0, run.stderr  # ent-1 comes from the other source
    nodes, _ = read_graph(store_uri, ["sjtu"], [])
    assert (nodes["sjtu"].name, nodes["sjtu"].region) == ("上海交通大学", "闵行区")  # latest wins

    assert load(bundle(exchange, "exchange")).returncode == 0
    nodes, _ = read_graph(store_uri, ["sjtu"], [])
    assert (nodes["sjtu"].name, nodes["sjtu"].region) == ("交大", "徐汇区")

    # patents drops sjtu: the exchange still holds it, so it stays.
    patents_without_sjtu = {**patents, "institutions.csv": "id,name,kind\n"}
    assert load(bundle(patents_without_sjtu, "patents")).returncode == 0
    assert graph_shape(store_uri)["by_type"] == {"Achievement": 2, "Institution": 2}

    # the exchange drops ent-1: nobody holds it now, and the patents' relation to it goes too.
    exchange_without_ent = {
        "institutions.csv": "id,name,kind\nsjtu,交大,university\n",
        "achievements.csv": exchange["achievements.csv"],
        "relations.csv": "source,target,type\nsjtu,ach-1,DEVELOPED\n",
    }
    run = load(bundle(exchange_without_ent, "exchange"))
    assert run.returncode == 0, run.stderr
    assert summary_rows(run.stdout)["TRANSFERRED_TO"] == [0, 0, 2, 0]
    shape = graph_shape(store_uri)
    assert shape["by_relation_type"] == {"DEVELOPED": 2}
    assert shape["sources"] == [
        {"name": "exchange", "nodes": 2, "relationships": 1},
        {"name": "patents", "nodes": 1, "relationships": 1},
    ]

    # the exchange drops everything: sjtu goes, and with it the patents' DEVELOPED relation.
    empty = {name: content.splitlines(keepends=True)[0] for name, content in exchange.items()}
    assert load(bundle(empty, "exchange")).returncode == 0
    shape = graph_shape(store_uri)
    assert (shape["nodes"], shape["relationships"]) == (1, 0)
    assert shape["by_type"] == {"Achievement": 1}


def test_an_id_held_by_another_type_in_the_graph_is_refused(
    bundle: BundleWriter, load: Loader
) -> None:
    assert load(bundle({"brokers.csv": "id,name,kind\nx-1,某机构,agency\n"}, "a")).returncode == 0
    run = load(bundle({"institutions.csv": "id,name,kind\nx-1,某大学,university\n"}, "b"))
    assert run.returncode == 1
    assert run.problems == [
        "institutions.csv:2: id: id 'x-1' is already a Broker in the graph (held by a); "
        "an id names one node across the whole graph"
    ]


def test_an_endpoint_only_this_source_held_and_dropped_is_dangling(
    bundle: BundleWriter, load: Loader, store_uri: str
) -> None:
    first = {
        "institutions.csv": "id,name,kind\nsjtu,交大,university\n",
        "achievements.csv": "id,title,field\nach-1,电解质,新能源\nach-2,芯片,医药\n",
        "relations.csv": "source,target,type\nsjtu,ach-1,DEVELOPED\nsjtu,ach-2,DEVELOPED\n",
    }
    assert load(bundle(first, "lab")).returncode == 0
    before = stats(store_uri)
    dropped = {**first, "achievements.csv": "id,title,field\nach-1,电解质,新能源\n"}
    run = load(bundle(dropped, "lab"))
    assert run.returncode == 1
    assert run.problems == [
        "relations.csv:3: target: no node 'ach-2' in the bundle; in the graph only source "
        "'lab' holds it, and this load removes it"
    ]
    assert stats(store_uri) == before

    # once another source holds ach-2 too, the same bundle is fine
    other = {"achievements.csv": "id,title,field\nach-2,芯片,医药\n"}
    assert load(bundle(other, "other")).returncode == 0
    run = load(bundle(dropped, "lab"))
    assert run.returncode == 0, run.stderr


def test_an_invalid_load_leaves_the_graph_as_it_was(
    bundle: BundleWriter, load: Loader, store_uri: str
) -> None:
    assert load(bundle(VALID_BUNDLE)).returncode == 0
    before = stats(store_uri)
    broken = {**VALID_BUNDLE, "brokers.csv": "id,name,kind\nstte,交易所,exchange\nb-2,某,bad\n"}
    run = load(bundle(broken))
    assert run.returncode == 1
    assert stats(store_uri) == before  # same data version: nothing was written


def test_dry_run_validates_and_writes_nothing(
    bundle: BundleWriter, load: Loader, store_uri: str
) -> None:
    assert load(bundle({"brokers.csv": "id,name,kind\nb-1,某,agency\n"}, "other")).returncode == 0
    before = stats(store_uri)
    run = load(bundle(VALID_BUNDLE), "--dry-run")
    assert run.returncode == 0, run.stderr
    assert "is valid for source 'bundle': 9 nodes, 10 relationships; nothing was written" in (
        run.stdout
    )
    assert stats(store_uri) == before

    broken = {**VALID_BUNDLE, "brokers.csv": "id,name,kind\nstte,交易所,bad\n"}
    run = load(bundle(broken, "broken"), "--dry-run")
    assert run.returncode == 1
    assert len(run.problems) == 1
    assert stats(store_uri) == before


def test_the_source_can_be_named(bundle: BundleWriter, load: Loader, store_uri: str) -> None:
    assert load(bundle(VALID_BUNDLE, "export-2024-05-01"), "--source", "exchange").returncode == 0
    assert [s["name"] for s in stats(store_uri)["sources"]] == ["exchange"]


def test_stats_json_is_the_contract_object(
    bundle: BundleWriter, load: Loader, store_uri: str
) -> None:
    assert load(bundle(VALID_BUNDLE)).returncode == 0
    counts = stats(store_uri)
    assert {"nodes", "relationships", "by_type", "by_relation_type", "sources"} <= counts.keys()
    assert (counts["nodes"], counts["relationships"]) == (9, 10)
    assert counts["by_type"] == {
        "Achievement": 2,
        "Broker": 1,
        "Demand": 1,
        "Institution": 3,
        "Investor": 1,
        "OverseasChannel": 1,
    }
    assert sum(counts["by_relation_type"].values()) == 10
    [source] = counts["sources"]
    assert (source["name"], source["nodes"], source["relationships"]) == ("bundle", 9, 10)
    assert dt.datetime.fromisoformat(source["loaded_at"]).tzinfo is not None

    table = run_innonet("stats", "--store", store_uri)
    assert table.returncode == 0
    assert "9 nodes, 10 relationships" in table.stdout and "bundle" in table.stdout


def test_an_unknown_store_scheme_is_a_usage_error(bundle: BundleWriter) -> None:
    run = run_innonet("load", bundle(VALID_BUNDLE), "--store", "redis://localhost")
    assert run.returncode == 2
    assert "unknown scheme" in run.stderr


def test_a_bundle_changed_between_validation_and_writing_is_not_written(
    tmp_path: Path, store_uri: str
) -> None:
    directory = write_files(tmp_path / "bundle", VALID_BUNDLE)

    def edit_after_validation(stage: str, rows: int) -> None:
        if stage == "validating relations.csv":
            (directory / "brokers.csv").write_text("id,name,kind\nstte,交易所,agency\n")

    store = open_store(str(store_uri))
    try:
        with pytest.raises(BundleChanged, match=r"brokers\.csv: the file changed while loading"):
            refresh_bundle(store, directory, progress=edit_after_validation)
        assert store.counts().nodes == 0
    finally:
        store.close()


def test_a_bundle_changed_while_its_rows_are_written_is_not_written(
    tmp_path: Path, store_uri: str
) -> None:
    """Pass 2 writes what pass 1 kept, not the files. The embedded store writes nodes while it
    still takes the relationships: relations.csv, changed meanwhile, is found changed (hashed
    again once its rows are taken) and the write rolled back. Neo4j takes every row before it
    writes: the file is unchanged when hashed again, and the rows written are those checked."""
    directory = write_files(tmp_path / "bundle", VALID_BUNDLE)
    relations = directory / "relations.csv"

    def edit_while_writing(stage: str, rows: int) -> None:
        if stage == "writing nodes":
            relations.write_text(VALID_BUNDLE["relations.csv"] + "sjtu,ach-1,DEVELOPED,x\n")

    store = open_store(str(store_uri))
    try:
        if store_uri.startswith(("bolt", "neo4j")):
            with refresh_bundle(store, directory, progress=edit_while_writing) as result:
                assert result.valid
            assert store.counts().relationships == 10
        else:
            with pytest.raises(
                BundleChanged, match=r"relations\.csv: the file changed while loading"
            ):
                refresh_bundle(store, directory, progress=edit_while_writing)
            assert store.counts().nodes == 0
    finally:
        store.close()


def test_generate_writes_a_bundle_that_loads(tmp_path: Path, load: Loader, store_uri: str) -> None:
    out = tmp_path / "synthetic"
    made = run_innonet("generate", out, "--nodes", "300", "--relations", "900", "--seed", "7")
    assert made.returncode == 0, made.stderr
    run = load(out)
    assert run.returncode == 0, run.stderr
    counts = stats(store_uri)
    assert (counts["nodes"], counts["relationships"]) == (300, 900)


def test_generate_help_describes_every_argument() -> None:
    run = run_innonet("generate", "--help")
    assert run.returncode == 0, run.stderr
    for argument in (r"OUT", r"--nodes N", r"--relations M", r"--seed S"):
        assert re.search(rf"^  {argument} +[a-z]", run.stdout, re.MULTILINE), run.stdout


def test_generate_refuses_a_negative_size(tmp_path: Path) -> None:
    run = run_innonet("generate", tmp_path / "x", "--nodes", "-5")
    assert run.returncode == 2
    assert "must be 0 or more" in run.stderr
