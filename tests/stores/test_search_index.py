"""The embedded store's search index answers exactly what a scan of every node would.

The meaning (API_CONTRACT.md, docs/api.md): ``text`` is a substring of the name or the id, ASCII
letters in any case, every other character as it is; pages in (name, id) order; ``total`` counts
every match. The brute force below is that sentence in Python.
"""

from __future__ import annotations

import sqlite3
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsvc.stores import embedded, search_index
from graphsvc.stores.contract import Node, Relationship, SearchFilter, StoreError
from graphsvc.stores.embedded import EmbeddedStore

ALPHABET = "上海大学技术转移中心aAbBzZ-_%\\\"' Ää1"
"""Few characters, so that texts of 1 to 3 characters match often; LIKE's wildcards and escape,
FTS5's quote, a space, and a letter whose case SQLite does not fold (Ä)."""

TYPES = ("Institution", "Broker")


def fold(text: str) -> str:
    return text.translate(str.maketrans(string.ascii_uppercase, string.ascii_lowercase))


def brute_force(nodes: dict[str, Node], where: SearchFilter) -> list[str]:
    assert where.text
    text = fold(where.text)
    return [
        n.id
        for n in sorted(nodes.values(), key=lambda n: (n.name, n.id))
        if (text in fold(n.name) or text in fold(n.id))
        and (where.types is None or n.type in where.types)
    ]


def every_page(store: EmbeddedStore, where: SearchFilter, first: int) -> Iterator[list[str]]:
    after = None
    while True:
        page = store.search(where, first=first, after=after)
        yield [n.id for n in page.nodes]
        if not page.has_next:
            return
        after = page.end_cursor


names = st.text(ALPHABET, min_size=1, max_size=8)
graphs = st.dictionaries(
    st.text(ALPHABET, min_size=1, max_size=5),
    st.tuples(st.sampled_from(TYPES), names),
    min_size=1,
    max_size=30,
)


def as_nodes(graph: dict[str, tuple[str, str]]) -> dict[str, Node]:
    return {id: Node(id, type_, name, {}) for id, (type_, name) in graph.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=graphs,
    after=graphs,
    texts=st.lists(st.text(ALPHABET, min_size=1, max_size=4), min_size=1, max_size=6),
    typed=st.booleans(),
    first=st.integers(1, 4),
    plan=st.sampled_from(["walk", "sort", "walk out of budget"]),
    data=st.data(),
)
def test_indexed_search_is_a_substring_filter(
    tmp_path_factory: pytest.TempPathFactory,
    before: dict[str, tuple[str, str]],
    after: dict[str, tuple[str, str]],
    texts: list[str],
    typed: bool,
    first: int,
    plan: str,
    data: st.DataObject,
) -> None:
    """Two refreshes (nodes renamed, retyped away, removed and added between them), then every
    text, in any case, paged through ``first`` at a time by each way of answering a page."""
    store = EmbeddedStore(tmp_path_factory.mktemp("search") / "g.db")
    factor, slack = embedded.WALK_FACTOR, embedded.WALK_SLACK
    if plan != "walk":  # no walk at all, or one that stops after two nodes
        embedded.WALK_FACTOR, embedded.WALK_SLACK = 0, 0 if plan == "sort" else 2
    try:
        store.refresh("a", as_nodes(before).values(), [])
        kept = {id: v for id, v in after.items() if before.get(id, v)[0] == v[0]}
        store.refresh("a", as_nodes(kept).values(), [])
        nodes = as_nodes(kept)
        if nodes:  # and a piece of a name, in the other case
            picked = data.draw(st.sampled_from([n.name for n in nodes.values()]))
            start = data.draw(st.integers(0, len(picked) - 1))
            texts.append(picked[start : start + data.draw(st.integers(1, 3))].swapcase())
        for text in texts:
            where = SearchFilter(text=text, types=["Broker"] if typed else None)
            expected = brute_force(nodes, where)
            pages = list(every_page(store, where, first))
            assert [id for page in pages for id in page] == expected, text
            assert store.search(where, first=0).total == len(expected)
    finally:
        embedded.WALK_FACTOR, embedded.WALK_SLACK = factor, slack
        store.close()


def test_one_and_two_characters_and_any_case(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "g.db")
    store.refresh(
        "a",
        [
            Node("sh-1", "Institution", "上海交通大学", {}),
            Node("sh-2", "Institution", "复旦大学", {}),
            Node("bj-1", "Institution", "北京大学", {}),
            Node("ETH", "Institution", "ETH Zürich", {}),
        ],
        [],
    )
    ids = lambda text: [n.id for n in store.search(SearchFilter(text=text)).nodes]  # noqa: E731
    assert ids("上海") == ["sh-1"]
    assert ids("大") == ["sh-1", "bj-1", "sh-2"]  # by name: 上 < 北 < 复 in code points
    assert ids("SH") == ["sh-1", "sh-2"]
    assert ids("eth zü") == ["ETH"]
    assert ids("ZÜ") == []  # SQLite folds ASCII letters only
    for text in ('"', '"A" OR "B"', "*", "NEAR(", "a\x00b", "  ", "😀", "x" * 200):
        assert ids(text) == [], text  # texts, never FTS5 syntax
    store.close()


def test_pages_keep_name_order_across_nodes_added_and_renamed_later(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    first = {f"n{i}": Node(f"n{i}", "Institution", f"上海{i:02}", {}) for i in range(12)}
    later = {"m1": Node("m1", "Broker", "上海00a", {}), "m2": Node("m2", "Broker", "上海05a", {})}
    first["n3"] = Node("n3", "Institution", "上海", {})  # renamed below, to sort first
    store = EmbeddedStore(path)
    store.refresh("a", list(first.values()), [])  # into an empty index: keys in name order
    store.refresh("b", list(later.values()), [])  # keys after the ordered run
    first["n3"] = Node("n3", "Institution", "上海11z", {})
    store.refresh("a", list(first.values()), [])
    every = {**first, **later}
    for text in ("上海", "海0", "海1"):
        expected = brute_force(every, SearchFilter(text=text))
        for size in (1, 2, 3, 20):
            pages = list(every_page(store, SearchFilter(text=text), size))
            assert [id for page in pages for id in page] == expected, (text, size)
    store.close()
    conn = sqlite3.connect(path)  # a store written before the ordered run was kept
    with conn:
        conn.execute("DELETE FROM meta WHERE key = 'search_ordered'")
    conn.close()
    store = EmbeddedStore(path)
    expected = brute_force(every, SearchFilter(text="上海"))
    assert [id for page in every_page(store, SearchFilter(text="上海"), 4) for id in page] == (
        expected
    )
    store.close()


def make_version_1(path: Path) -> None:
    """Turn a store into what innonet wrote before the search index (schema version 1: the same
    tables without the three search tables, and an index of the sources alone)."""
    conn = sqlite3.connect(path)
    with conn:
        for table in ("search_keys", "search_trigrams", "search_grams"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DROP INDEX relationships_by_ends")
        conn.execute("CREATE INDEX relationships_by_source ON relationships (source_id)")
        conn.execute("ALTER TABLE relationships DROP COLUMN since")
        conn.execute("ALTER TABLE nodes DROP COLUMN field")
        conn.execute("ALTER TABLE nodes DROP COLUMN status")
        conn.execute("ALTER TABLE nodes DROP COLUMN since")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.close()


def test_a_store_written_before_the_index_gets_it_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = EmbeddedStore(path)
    ties = [
        Relationship(f"r{i}", "COLLABORATES_WITH", f"n{i}", f"n{i + 1}", {"weight": 1.0})
        for i in range(29)
    ]
    store.refresh("a", [Node(f"n{i}", "Institution", f"上海{i}号", {}) for i in range(30)], ties)
    version = store.data_version()
    store.close()
    make_version_1(path)

    store = EmbeddedStore(path)
    assert store.data_version() == version  # the graph is the same graph
    assert store.search(SearchFilter(text="上海")).total == 30
    assert [n.id for n in store.search(SearchFilter(text="2号")).nodes] == ["n12", "n22", "n2"]
    assert store.relationships_among(["n3", "n4", "n5", "n9"]) == ties[3:5]
    store.refresh("a", [Node("n1", "Institution", "浦东", {})], [])  # and it keeps up
    assert [n.id for n in store.search(SearchFilter(text="浦"), first=5).nodes] == ["n1"]
    assert store.search(SearchFilter(text="上海")).total == 0
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("4",)
    indexes = {
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }
    assert "relationships_by_ends" in indexes and "relationships_by_source" not in indexes
    conn.close()


def test_a_store_of_a_later_innonet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    EmbeddedStore(path).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(StoreError, match="schema version 9, this innonet expects 4"):
        EmbeddedStore(path)


@given(st.text(), st.text())
def test_grams_spell_every_token_as_a_query_does(name: str, id: str) -> None:
    """A stored node's grams are the tokens a query of each 1- and 2-character piece of its
    folded name or id looks up (and the same text, for the same node, as any store holds: a
    contentless FTS5 row is deleted with the text it was indexed with)."""
    pieces = {
        text[i : i + size]
        for text in (search_index.fold(name), search_index.fold(id))
        for size in (1, 2)
        for i in range(len(text) - size + 1)
    }
    tokens = {search_index.match(piece)[1].strip('"') for piece in pieces}
    assert search_index.grams(name, id) == " ".join(sorted(tokens))
