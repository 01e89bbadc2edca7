"""The embedded store: the whole graph in one SQLite file, no server.

SQLite runs in WAL mode: a refresh is one write transaction, and readers keep answering from
the last committed graph while it runs. A killed refresh leaves nothing behind (SQLite rolls the
unfinished transaction back the next time the file is opened). Only one refresh writes at a time;
a second waits up to ``lock_timeout`` seconds and then fails with :class:`StoreBusy`.

Tables (their ``CHECK`` vocabularies are generated from :mod:`graphsvc.model`):

- ``nodes``: one row a node; ``kind``, ``country`` and ``region`` are copied out of the JSON
  ``properties`` so that search can filter on indexes.
- ``relationships``: one row a relationship, keyed by its id.
- ``node_holders`` / ``relationship_holders``: which source holds what (refresh by source).
- ``sources``: when each source was last loaded; ``meta``: the data version.
- ``search_keys``, ``search_trigrams``, ``search_grams``: the search index (:mod:`the search
  section <graphsvc.stores.embedded>` below): an integer key and the name of every node, an FTS5
  trigram index of the ASCII-lower-cased name and id (texts of 3 characters or more), and an FTS5
  index of the distinct characters and character pairs of both (texts of 1 or 2 characters).
  The refresh writes them in its own transaction, so they always hold exactly the nodes.

A refresh stages the rows in temporary tables, checks them against the graph, and then merges
with a handful of set-based statements, so its cost is a few passes over indexed tables rather
than a round trip per row. The first refresh of a store that holds nothing copies the rows
into their tables in id order instead, with the secondary indexes dropped and made again after
them, and builds the search index from the nodes: the same rows, report and refusals.
"""

from __future__ import annotations

import heapq
import itertools
import json
import marshal
import os
import sqlite3
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any, Final, TypeVar

import numpy as np
import numpy.typing as npt
import orjson

from graphsvc.model import (
    NODE_TYPE_BY_NAME,
    NODE_TYPE_NAMES,
    RELATION_SINCE,
    RELATION_TYPE_NAMES,
    RELATION_TYPES,
    day_of,
)
from graphsvc.stores import search_index
from graphsvc.stores.contract import (
    COLUMN_SEPARATOR,
    Edge,
    GraphColumns,
    GraphCounts,
    Node,
    NodeRef,
    Progress,
    RefreshConflict,
    RefreshReport,
    Relationship,
    SearchFilter,
    SearchPage,
    SourceInfo,
    StoreBusy,
    StoreError,
    TypeChanges,
    decode_cursor,
    encode_cursor,
    encode_properties,
)

BATCH: Final = 5_000
"""Rows per ``executemany`` while staging, and between progress reports."""

IN_CHUNK: Final = 900
"""Ids per ``IN (...)`` list (well under SQLite's limit on bound parameters)."""

MAX_CONFLICTS: Final = 100
"""Conflicts listed in a :class:`RefreshConflict` at the most."""

WALK_FACTOR: Final = 2
"""A page of a text search walks the nodes in name order for at most this many nodes per match
(walking a node costs less than sorting a match), then sorts the text's matches instead."""

WALK_SLACK: Final = 64
"""Nodes a walk may go past ``WALK_FACTOR`` times the matches (so that a rare text walks a little
before its few matches are sorted)."""

T = TypeVar("T")

UNORDERED_KEYS: Final = 5_000
"""At most this many search keys after the ordered run (nodes added or renamed since the index
was built in order), and a text alone is paged from the index in rowid order."""

SCHEMA_VERSION: Final = "4"
"""Version 2 added the search index and put the target into the source index (so a subgraph's
relationships are found in the index alone); version 3 the relationships' ``since`` column;
version 4 the nodes' ``field``, ``status`` and ``since`` columns; a file of an earlier version
is upgraded when first opened."""

UPGRADE_FROM_1: Final = (
    "DROP INDEX relationships_by_source",
    "CREATE INDEX relationships_by_ends ON relationships (source_id, target_id)",
)

UPGRADE_FROM_2: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("ALTER TABLE relationships ADD COLUMN since INTEGER NOT NULL DEFAULT 0", ()),
    (
        "UPDATE relationships SET since = innonet_day(json_extract(properties, ?)) "
        "WHERE json_extract(properties, ?) IS NOT NULL",
        (f"$.{RELATION_SINCE}", f"$.{RELATION_SINCE}"),
    ),
)
"""The relationships' day column filled from their dates (``innonet_day`` is
:func:`graphsvc.model.day_of`, registered on the connection)."""


_JSON_VALUE: Final = "CASE json_type(properties, ?) WHEN ? THEN json_extract(properties, ?) END"
"""SQL of the JSON property at a path of ``properties`` when it is of a JSON type, else NULL
(parameters: the path, the type, the path)."""


def _node_day_from_properties() -> tuple[str, tuple[str, ...]]:
    """SQL (and its parameters) of a node's day: :func:`day_of` (``innonet_day``) of its type's
    date when that is an integer or a text, else 0."""
    sql, params = "CASE type", list[str]()
    for t in NODE_TYPE_BY_NAME.values():
        if t.since:
            path = f"$.{t.since}"
            sql += f" WHEN ? THEN innonet_day(coalesce({_JSON_VALUE}, {_JSON_VALUE}))"
            params += [t.name, path, "integer", path, path, "text", path]
    return sql + " ELSE 0 END", tuple(params)


UPGRADE_FROM_3: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("ALTER TABLE nodes ADD COLUMN field TEXT", ()),
    ("ALTER TABLE nodes ADD COLUMN status TEXT", ()),
    ("ALTER TABLE nodes ADD COLUMN since INTEGER NOT NULL DEFAULT 0", ()),
    (
        f"UPDATE nodes SET field = {_JSON_VALUE}, status = {_JSON_VALUE}, "
        f"since = {_node_day_from_properties()[0]}",
        (
            *("$.field", "text", "$.field"),
            *("$.status", "text", "$.status"),
            *_node_day_from_properties()[1],
        ),
    ),
)
"""The nodes' columns filled from their properties as a load writes them (:func:`_node_row`):
``field`` and ``status`` when they are texts, ``since`` the day of the node type's date (an
integer year or a text date; anything else is no date)."""

SEARCH_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS search_keys (
    key  INTEGER PRIMARY KEY,
    id   TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS search_trigrams USING fts5 (
    name, id, content='', columnsize=0, tokenize='trigram case_sensitive 1'
);
CREATE VIRTUAL TABLE IF NOT EXISTS search_grams USING fts5 (
    grams, content='', columnsize=0, detail=none, tokenize='ascii'
);
"""


def _vocabulary(names: Sequence[str]) -> str:
    """An SQL list literal of model names. Model names are fixed identifiers, never user input."""
    assert all(name.replace("_", "").isalnum() for name in names)
    return ", ".join(f"'{name}'" for name in names)


SCHEMA: Final = f"""
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS nodes (
    id         TEXT PRIMARY KEY,
    type       TEXT NOT NULL CHECK (type IN ({_vocabulary(NODE_TYPE_NAMES)})),
    name       TEXT NOT NULL,
    kind       TEXT,
    country    TEXT,
    region     TEXT,
    properties TEXT NOT NULL,
    field      TEXT,
    status     TEXT,
    since      INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS nodes_by_name ON nodes (name, id);
CREATE INDEX IF NOT EXISTS nodes_by_type ON nodes (type, name, id);
CREATE INDEX IF NOT EXISTS nodes_by_kind ON nodes (kind);
CREATE INDEX IF NOT EXISTS nodes_by_country ON nodes (country);
CREATE INDEX IF NOT EXISTS nodes_by_region ON nodes (region);
CREATE TABLE IF NOT EXISTS relationships (
    id         TEXT PRIMARY KEY,
    type       TEXT NOT NULL CHECK (type IN ({_vocabulary(RELATION_TYPE_NAMES)})),
    source_id  TEXT NOT NULL,
    target_id  TEXT NOT NULL,
    weight     REAL NOT NULL,
    properties TEXT NOT NULL,
    since      INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS relationships_by_ends ON relationships (source_id, target_id);
CREATE INDEX IF NOT EXISTS relationships_by_target ON relationships (target_id);
CREATE TABLE IF NOT EXISTS node_holders (
    source  TEXT NOT NULL,
    node_id TEXT NOT NULL,
    PRIMARY KEY (source, node_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS node_holders_by_node ON node_holders (node_id);
CREATE TABLE IF NOT EXISTS relationship_holders (
    source          TEXT NOT NULL,
    relationship_id TEXT NOT NULL,
    PRIMARY KEY (source, relationship_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS relationship_holders_by_relationship
    ON relationship_holders (relationship_id);
CREATE TABLE IF NOT EXISTS sources (
    name      TEXT PRIMARY KEY,
    loaded_at TEXT NOT NULL
) WITHOUT ROWID;
{SEARCH_SCHEMA}"""

STAGING: Final = """
CREATE TEMP TABLE stage_nodes (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL,
    kind TEXT, country TEXT, region TEXT, properties TEXT NOT NULL,
    field TEXT, status TEXT, since INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TEMP TABLE stage_relationships (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, source_id TEXT NOT NULL, target_id TEXT NOT NULL,
    weight REAL NOT NULL, properties TEXT NOT NULL, since INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TEMP TABLE relation_fits (
    type TEXT NOT NULL, source_type TEXT NOT NULL, target_type TEXT NOT NULL,
    PRIMARY KEY (type, source_type, target_type)
) WITHOUT ROWID;
CREATE TEMP TABLE released_nodes (id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TEMP TABLE removed_nodes (id TEXT PRIMARY KEY, type TEXT NOT NULL) WITHOUT ROWID;
CREATE TEMP TABLE released_relationships (id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TEMP TABLE removed_relationships (id TEXT PRIMARY KEY, type TEXT NOT NULL) WITHOUT ROWID;
CREATE TEMP TABLE reindexed_nodes (id TEXT PRIMARY KEY) WITHOUT ROWID;
"""

_WHOLE_RUN_ORDERED: Final = (
    "UPDATE meta SET value = (SELECT ifnull(max(key), 0) FROM search_keys) WHERE key = ?",
    (search_index.ORDERED,),
)
"""The search keys given to an empty index (in (name, id) order) made the ordered run: its last
key is the last key given."""

_NODE_COLUMNS: Final = "id, type, name, kind, country, region, properties, field, status, since"
_RELATIONSHIP_COLUMNS: Final = "id, type, source_id, target_id, weight, properties, since"

FIRST_STAGING: Final = {
    "nodes": (
        "first_nodes",
        _NODE_COLUMNS,
        "CREATE TEMP TABLE first_nodes (id TEXT NOT NULL, type TEXT NOT NULL, "
        "name TEXT NOT NULL, kind TEXT, country TEXT, region TEXT, properties TEXT NOT NULL, "
        "field TEXT, status TEXT, since INTEGER NOT NULL)",
    ),
    "relationships": (
        "first_relationships",
        _RELATIONSHIP_COLUMNS,
        "CREATE TEMP TABLE first_relationships (id TEXT NOT NULL, type TEXT NOT NULL, "
        "source_id TEXT NOT NULL, target_id TEXT NOT NULL, weight REAL NOT NULL, "
        "properties TEXT NOT NULL, since INTEGER NOT NULL)",
    ),
}
"""Per table a first load writes: the temporary table its rows are appended to (the columns
and constraints of :data:`STAGING`'s, without the key), its columns, and its definition."""


def _node_row(node: Node) -> tuple[str, str, str, Any, Any, Any, str, str | None, str | None, int]:
    """The row of ``node``: its ``field`` and ``status`` columns hold those properties when they
    are texts, its ``since`` column the day of its type's date (:func:`day_of`), so that a
    projection reads them without parsing the properties."""
    props = node.properties
    since = NODE_TYPE_BY_NAME[node.type].since
    field, status = props.get("field"), props.get("status")
    return (
        node.id,
        node.type,
        node.name,
        props.get("kind"),
        props.get("country"),
        props.get("region"),
        encode_properties(props),
        field if isinstance(field, str) else None,
        status if isinstance(status, str) else None,
        day_of(None if since is None else props.get(since)),
    )


def _relationship_row(rel: Relationship) -> tuple[str, str, str, str, float, str, int]:
    """The row of ``rel``: its ``since`` column is the day of its date (:func:`day_of`), so
    that a projection reads days without parsing the properties."""
    props = rel.properties
    if "weight" not in props:
        props = {**props, "weight": 1.0}
    return (
        rel.id,
        rel.type,
        rel.source,
        rel.target,
        float(props["weight"]),
        encode_properties(props),
        day_of(props.get(RELATION_SINCE)),
    )


def _node(row: sqlite3.Row | tuple[Any, ...]) -> Node:
    # orjson: properties decode in a third of json.loads's time (a neighbourhood reads hundreds)
    return Node(id=row[0], type=row[1], name=row[2], properties=orjson.loads(row[3]))


def _relationship(row: sqlite3.Row | tuple[Any, ...]) -> Relationship:
    return Relationship(
        id=row[0], type=row[1], source=row[2], target=row[3], properties=orjson.loads(row[4])
    )


def _chunks(ids: Iterable[str], size: int = IN_CHUNK) -> Iterator[list[str]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _placeholders(count: int) -> str:
    return ", ".join("?" * count)


def _disk_full(exc: sqlite3.Error, path: Path) -> bool:
    """True when ``exc`` comes of a full disk: SQLITE_FULL, or an I/O error on a disk with less
    than a megabyte free (creating the shared-memory file of a new store fails that way)."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return True
    if code != sqlite3.SQLITE_IOERR:
        return False
    try:
        free = os.statvfs(path.parent)
    except OSError:
        return False
    return free.f_bavail * free.f_frsize < 1 << 20


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class EmbeddedStore:
    """The graph in one SQLite file at ``path`` (created on first use).

    Parameters
    ----------
    path : str or Path
        The database file. Its folder must exist.
    lock_timeout : float
        Seconds a refresh waits for another refresh to finish before :class:`StoreBusy`.
    create : bool
        Create the file when it does not exist; when False, a missing file is a
        :class:`StoreError` (a mistyped path must not read as an empty graph).

    Examples
    --------
    >>> import tempfile, os
    >>> from graphsvc.stores.contract import Node
    >>> store = EmbeddedStore(os.path.join(tempfile.mkdtemp(), "g.db"))
    >>> report = store.refresh("demo", [Node("sjtu", "Institution", "上海交通大学",
    ...                                      {"kind": "university", "country": "CN"})], [])
    >>> report.nodes["Institution"].created
    1
    >>> store.node("sjtu").name
    '上海交通大学'
    >>> store.close()
    """

    in_process = True

    def __init__(
        self, path: str | os.PathLike[str], *, lock_timeout: float = 120.0, create: bool = True
    ) -> None:
        self.path = Path(path)
        self.uri = str(self.path)
        self.lock_timeout = lock_timeout
        if not self.path.parent.is_dir():
            raise StoreError(f"store {self.uri}: folder {self.path.parent} does not exist")
        if not create and not self.path.exists():
            raise StoreError(
                f"no store at {self.uri}: load a bundle into it first "
                f"(innonet load BUNDLE --store {self.uri}), or name another with --store "
                "or INNONET_STORE"
            )
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._closed = False
        self._counts: GraphCounts | None = None
        existed = self.path.exists()
        try:
            self._create_schema()
        except StoreError:
            if not existed:  # leave no half-made store behind (a full disk, say)
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            raise

    # --- connections ---------------------------------------------------------------------
    def _connect(self, *, timeout: float) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=OFF")
            conn.execute("PRAGMA journal_size_limit=67108864")
            search_index.register(conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"store {self.uri}: cannot open as an innonet store: {exc}") from exc
        return conn

    def _reader(self) -> sqlite3.Connection:
        if self._closed:
            raise StoreError(f"store {self.uri} is closed")
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect(timeout=5.0)
            conn.execute("PRAGMA query_only=ON")
            self._local.conn = conn
            with self._connections_lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every statement inside sees the same committed graph."""
        conn = self._reader()
        if conn.in_transaction:  # nested: already inside a snapshot
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def _create_schema(self) -> None:
        conn = self._connect(timeout=self.lock_timeout)
        try:
            version = None
            try:
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                version = row[0] if row else None
            except sqlite3.OperationalError:
                pass  # a new file: no meta table yet
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"store {self.uri}: not an innonet store: {exc}") from exc
            if version == SCHEMA_VERSION:
                self._order_search_keys(conn)
                return
            if version in ("1", "2", "3"):
                self._upgrade(conn)
                return
            if version is not None:
                raise StoreError(
                    f"store {self.uri}: schema version {version}, this innonet expects "
                    f"{SCHEMA_VERSION}; load the bundles into a new store"
                )
            conn.executescript(f"BEGIN IMMEDIATE;{SCHEMA}COMMIT;")
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES "
                "('schema_version', ?), ('data_version', ?), (?, '0')",
                (SCHEMA_VERSION, f"0-{uuid.uuid4().hex[:12]}", search_index.ORDERED),
            )
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise StoreBusy(f"store {self.uri} is locked by another process") from exc
            if _disk_full(exc, self.path):
                raise StoreError(f"store {self.uri}: disk full: cannot create the store") from exc
            raise StoreError(f"store {self.uri}: {exc}") from exc
        finally:
            conn.close()

    def _order_search_keys(self, conn: sqlite3.Connection) -> None:
        """Find the ordered run of the search keys (:data:`search_index.ORDERED`) of a store
        written before it was kept (one pass over ``search_keys``, once)."""
        query = f"SELECT 1 FROM meta WHERE key = '{search_index.ORDERED}'"
        if conn.execute(query).fetchone() is not None:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute(query).fetchone() is None:
                conn.execute(
                    f"INSERT INTO meta (key, value) VALUES (?, ({search_index.ORDERED_RUN}))",
                    (search_index.ORDERED,),
                )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _upgrade(self, conn: sqlite3.Connection) -> None:
        """Upgrade a store of schema version 1, 2 or 3 (:data:`SCHEMA_VERSION`) in one
        transaction."""
        conn.create_function("innonet_day", 1, day_of, deterministic=True)
        conn.execute("BEGIN IMMEDIATE")
        try:
            (version,) = conn.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).fetchone()
            if version == "1":  # not already upgraded by another process meanwhile
                for statement in [*SEARCH_SCHEMA.split(";"), *UPGRADE_FROM_1]:
                    if statement.strip():
                        conn.execute(statement)
                search_index.build(conn)
            if version in ("1", "2"):
                for statement, params in UPGRADE_FROM_2:
                    conn.execute(statement, params)
            if version in ("1", "2", "3"):
                for statement, params in UPGRADE_FROM_3:
                    conn.execute(statement, params)
                conn.execute(
                    "UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION,)
                )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._closed = True
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing -------------------------------------------------------------------------
    def refresh(
        self,
        source: str,
        nodes: Iterable[Node],
        relationships: Iterable[Relationship],
        *,
        progress: Progress | None = None,
    ) -> RefreshReport:
        """Make ``source`` hold exactly these nodes and relationships (see the Store contract)."""
        started = time.perf_counter()
        conn = self._connect(timeout=self.lock_timeout)
        try:
            conn.execute("PRAGMA cache_size=-131072")  # 128 MiB page cache for the merge
            conn.execute("PRAGMA temp_store=FILE")
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise StoreBusy(
                        f"store {self.uri}: another load is writing; waited "
                        f"{self.lock_timeout:g} s for it to finish"
                    ) from exc
                raise
            try:
                write = self._first_refresh if _holds_nothing(conn) else self._refresh
                report = write(conn, source, nodes, relationships, progress, started)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # SQLite has already rolled back after a full disk
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            if _disk_full(exc, self.path):
                raise StoreError(
                    f"store {self.uri}: disk full: the refresh of {source!r} was rolled back "
                    "and nothing was written; free space on its disk and load again"
                ) from exc
            raise StoreError(f"store {self.uri}: refresh of {source!r} failed: {exc}") from exc
        finally:
            conn.close()
        return report

    def _refresh(
        self,
        conn: sqlite3.Connection,
        source: str,
        nodes: Iterable[Node],
        relationships: Iterable[Relationship],
        progress: Progress | None,
        started: float,
    ) -> RefreshReport:
        for statement in STAGING.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.executemany("INSERT INTO relation_fits VALUES (?, ?, ?)", RELATION_FITS)
        self._stage(conn, "stage_nodes", _NODE_COLUMNS, map(_node_row, nodes), "nodes", progress)
        self._stage(
            conn,
            "stage_relationships",
            _RELATIONSHIP_COLUMNS,
            map(_relationship_row, relationships),
            "relationships",
            progress,
        )
        self._check_conflicts(conn, source)
        if progress:
            progress("merging", 0)

        node_changes = self._changes(conn, "stage_nodes", "nodes", "s.name IS NOT t.name OR ")
        rel_changes = self._changes(
            conn,
            "stage_relationships",
            "relationships",
            "s.source_id IS NOT t.source_id OR s.target_id IS NOT t.target_id OR ",
        )

        # What this source held and no longer holds is released; what nobody holds goes.
        conn.execute(
            "INSERT INTO released_nodes SELECT node_id FROM node_holders h WHERE h.source = ? "
            "AND NOT EXISTS (SELECT 1 FROM stage_nodes s WHERE s.id = h.node_id)",
            (source,),
        )
        conn.execute(
            "DELETE FROM node_holders WHERE source = ? "
            "AND node_id IN (SELECT id FROM released_nodes)",
            (source,),
        )
        conn.execute(
            "INSERT INTO removed_nodes SELECT n.id, n.type FROM released_nodes r "
            "JOIN nodes n ON n.id = r.id "
            "WHERE NOT EXISTS (SELECT 1 FROM node_holders h WHERE h.node_id = r.id)"
        )
        conn.execute(
            "INSERT INTO released_relationships SELECT relationship_id FROM relationship_holders h "
            "WHERE h.source = ? AND NOT EXISTS "
            "(SELECT 1 FROM stage_relationships s WHERE s.id = h.relationship_id)",
            (source,),
        )
        conn.execute(
            "DELETE FROM relationship_holders WHERE source = ? "
            "AND relationship_id IN (SELECT id FROM released_relationships)",
            (source,),
        )
        # CROSS JOIN keeps removed_nodes (usually small) as the outer loop.
        for endpoint in ("source_id", "target_id"):
            conn.execute(
                "INSERT OR IGNORE INTO removed_relationships SELECT r.id, r.type "
                f"FROM removed_nodes d CROSS JOIN relationships r ON r.{endpoint} = d.id"
            )
        conn.execute(
            "INSERT OR IGNORE INTO removed_relationships SELECT r.id, r.type "
            "FROM released_relationships x CROSS JOIN relationships r ON r.id = x.id "
            "WHERE NOT EXISTS "
            "(SELECT 1 FROM relationship_holders h WHERE h.relationship_id = x.id)"
        )

        # Upsert what the source holds now; rows whose values did not change are not rewritten.
        conn.execute(
            f"INSERT INTO nodes ({_NODE_COLUMNS}) SELECT {_NODE_COLUMNS} FROM stage_nodes WHERE 1 "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
            "country = excluded.country, region = excluded.region, "
            "properties = excluded.properties, field = excluded.field, "
            "status = excluded.status, since = excluded.since "
            "WHERE nodes.name IS NOT excluded.name OR nodes.properties IS NOT excluded.properties"
        )
        conn.execute("INSERT OR IGNORE INTO node_holders SELECT ?, id FROM stage_nodes", (source,))
        conn.execute(
            f"INSERT INTO relationships ({_RELATIONSHIP_COLUMNS}) "
            f"SELECT {_RELATIONSHIP_COLUMNS} FROM stage_relationships WHERE 1 "
            "ON CONFLICT (id) DO UPDATE SET type = excluded.type, source_id = excluded.source_id, "
            "target_id = excluded.target_id, weight = excluded.weight, "
            "properties = excluded.properties, since = excluded.since "
            "WHERE relationships.type IS NOT excluded.type "
            "OR relationships.source_id IS NOT excluded.source_id "
            "OR relationships.target_id IS NOT excluded.target_id "
            "OR relationships.properties IS NOT excluded.properties"
        )
        conn.execute(
            "INSERT OR IGNORE INTO relationship_holders SELECT ?, id FROM stage_relationships",
            (source,),
        )

        # Remove what nobody holds, and every relationship touching a removed node.
        conn.execute(
            "DELETE FROM relationship_holders WHERE relationship_id IN "
            "(SELECT id FROM removed_relationships)"
        )
        conn.execute("DELETE FROM relationships WHERE id IN (SELECT id FROM removed_relationships)")
        conn.execute("DELETE FROM nodes WHERE id IN (SELECT id FROM removed_nodes)")
        self._reindex(conn)

        for type_, count in conn.execute("SELECT type, count(*) FROM removed_nodes GROUP BY type"):
            node_changes[type_] = _with_removed(node_changes.get(type_), count)
        for type_, count in conn.execute(
            "SELECT type, count(*) FROM removed_relationships GROUP BY type"
        ):
            rel_changes[type_] = _with_removed(rel_changes.get(type_), count)

        return self._finish(conn, source, node_changes, rel_changes, started)

    def _first_refresh(
        self,
        conn: sqlite3.Connection,
        source: str,
        nodes: Iterable[Node],
        relationships: Iterable[Relationship],
        progress: Progress | None,
        started: float,
    ) -> RefreshReport:
        """:meth:`_refresh` of a store that holds nothing yet, with the same outcome (rows,
        report, refusals), written the short way: no staging, merge or comparison with the
        graph; the rows are copied into their tables in id order (:meth:`_stage_first`, then
        :meth:`_copy_in_id_order`),
        whose secondary indexes are dropped first and made again at the end (a sort each, rather
        than an index updated row by row), and the search index is built from the nodes; the
        checks against the graph come down to the endpoint checks of :class:`_FirstLoadChecks`.
        Inside the caller's transaction, so a failure leaves the indexes and the empty store as
        they were.

        The long statements, which run without holding Python's lock, share the two cores with
        Python's work (:func:`_meanwhile`): while the nodes are copied and indexed, a second
        thread makes the first relationship rows; while the relationships are copied and
        indexed, it works out the nodes' search grams (:func:`_grams_in_key_order`). With the
        second core free, this and a cheaper pass 1 took a 200k-node, 1M-relationship first
        load from 31.6-31.8 s to 23.7-24.2 s (docs/loading.md)."""
        indexes = conn.execute(
            "SELECT name, sql, tbl_name LIKE 'node%' FROM sqlite_schema "
            "WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({_placeholders(len(FIRST_LOAD_TABLES))}) ORDER BY name",
            FIRST_LOAD_TABLES,
        ).fetchall()
        for name, _, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        checks = _FirstLoadChecks()
        staged_nodes = self._stage_first(conn, "nodes", checks.node_rows(nodes), progress)

        def index_nodes() -> None:
            self._copy_in_id_order(conn, "nodes", staged_nodes)
            conn.execute("INSERT INTO node_holders SELECT ?, id FROM nodes", (source,))
            for _, sql, of_nodes in indexes:
                if of_nodes:
                    conn.execute(sql)
            # As _reindex gives them: keys after the ordered run, in (name, id) order, which
            # become the ordered run (the index is empty); the FTS rows in key order.
            conn.execute(
                "INSERT INTO search_keys (key, id, name) "
                "SELECT (SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?) "
                "+ row_number() OVER (ORDER BY name, id), id, name FROM nodes",
                (search_index.ORDERED,),
            )
            conn.execute(*_WHOLE_RUN_ORDERED)
            conn.execute(search_index.INDEX[0].format(ids="SELECT id FROM search_keys"))

        rows = _meanwhile(index_nodes, _taken(checks.relationship_rows(relationships)))
        keys = conn.execute("SELECT key, name, id FROM search_keys ORDER BY key").fetchall()
        staged = self._stage_first(conn, "relationships", rows, progress)

        def index_relationships() -> None:
            # A relationship of an unknown type is refused below, as _check_conflicts refuses
            # it, after the ids given twice (as staging finds those first), not by the CHECK.
            conn.execute("PRAGMA ignore_check_constraints=ON")
            try:
                self._copy_in_id_order(conn, "relationships", staged)
            finally:
                conn.execute("PRAGMA ignore_check_constraints=OFF")
            checks.raise_refused()
            if progress:
                progress("indexing", 0)
            conn.execute(
                "INSERT INTO relationship_holders SELECT ?, id FROM relationships", (source,)
            )
            for _, sql, of_nodes in indexes:
                if not of_nodes:
                    conn.execute(sql)

        grams = _meanwhile(index_relationships, lambda _: _grams_in_key_order(keys))
        conn.execute("CREATE TEMP TABLE first_grams (key INTEGER PRIMARY KEY, grams TEXT NOT NULL)")
        conn.executemany("INSERT INTO first_grams VALUES (?, ?)", grams)
        conn.execute(
            "INSERT INTO search_grams (rowid, grams) "
            "SELECT key, grams FROM first_grams ORDER BY key"
        )
        return self._finish(
            conn, source, checks.node_changes(), checks.relationship_changes(), started
        )

    def _stage_first(
        self,
        conn: sqlite3.Connection,
        table: str,
        rows: Iterator[tuple[Any, ...]],
        progress: Progress | None,
    ) -> str:
        """Append ``rows`` to the temporary table of ``table`` (``nodes`` or ``relationships``,
        :data:`FIRST_STAGING`), to be copied into ``table`` in id order
        (:meth:`_copy_in_id_order`); the temporary table's name. Inserting the rows into
        ``table`` as they come took 13.5 s for 1M relationships (each lands on a page of its own
        in the id order), appending and copying 8 s."""
        staged, columns, definition = FIRST_STAGING[table]
        conn.execute(definition)
        self._stage(conn, staged, columns, rows, table, progress)
        return staged

    @staticmethod
    def _copy_in_id_order(conn: sqlite3.Connection, table: str, staged: str) -> None:
        """Copy the rows of ``staged`` into ``table`` sorted by id. An id given twice is refused
        as :meth:`_stage` refuses it in staging, naming the repeats of the first batch holding
        one. The temporary table is left to go with the connection (dropping it took 0.2 s
        for 1M relationships)."""
        _, columns, _ = FIRST_STAGING[table]
        try:
            conn.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staged} ORDER BY id"
            )
        except sqlite3.IntegrityError as exc:
            repeats = _first_repeats(conn, staged, table)
            if not repeats:
                raise
            raise RefreshConflict(repeats) from exc

    def _finish(
        self,
        conn: sqlite3.Connection,
        source: str,
        node_changes: dict[str, TypeChanges],
        rel_changes: dict[str, TypeChanges],
        started: float,
    ) -> RefreshReport:
        """Mark ``source`` loaded now and move the data version on; the refresh's report."""
        loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
        conn.execute(
            "INSERT INTO sources (name, loaded_at) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET loaded_at = excluded.loaded_at",
            (source, loaded_at),
        )
        version = self._bump_data_version(conn)
        return RefreshReport(
            source=source,
            nodes=dict(sorted(node_changes.items())),
            relationships=dict(sorted(rel_changes.items())),
            seconds=time.perf_counter() - started,
            data_version=version,
        )

    @staticmethod
    def _reindex(conn: sqlite3.Connection) -> None:
        """Bring the search index in line with the merged nodes: removed and renamed nodes
        leave it (with the text they were indexed with), renamed and new nodes enter it."""
        conn.execute(
            "INSERT INTO reindexed_nodes SELECT s.id FROM stage_nodes s "
            "JOIN search_keys k ON k.id = s.id WHERE k.name IS NOT s.name"
        )
        leaving = "SELECT id FROM removed_nodes UNION ALL SELECT id FROM reindexed_nodes"
        for statement in search_index.UNINDEX:
            conn.execute(statement.format(ids=leaving))
        conn.execute(f"DELETE FROM search_keys WHERE id IN ({leaving})")
        conn.execute(
            "INSERT INTO reindexed_nodes SELECT s.id FROM stage_nodes s "
            "WHERE NOT EXISTS (SELECT 1 FROM search_keys k WHERE k.id = s.id) "
            "AND s.id NOT IN (SELECT id FROM reindexed_nodes)"
        )
        # Renamed and new nodes take new keys after every key given so far (and after the
        # ordered run), in (name, id) order; into an empty index they make the ordered run.
        (ordered,) = conn.execute(
            f"SELECT CAST(value AS INTEGER) FROM meta WHERE key = '{search_index.ORDERED}'"
        ).fetchone()
        (last, empty) = conn.execute(
            "SELECT ifnull(max(key), 0), count(*) = 0 FROM search_keys"
        ).fetchone()
        conn.execute(
            "INSERT INTO search_keys (key, id, name) "
            "SELECT ? + row_number() OVER (ORDER BY s.name, s.id), s.id, s.name "
            "FROM stage_nodes s WHERE s.id IN (SELECT id FROM reindexed_nodes)",
            (max(ordered, last),),
        )
        if empty:
            conn.execute(*_WHOLE_RUN_ORDERED)
        for statement in search_index.INDEX:
            conn.execute(statement.format(ids="SELECT id FROM reindexed_nodes"))

    @staticmethod
    def _stage(
        conn: sqlite3.Connection,
        table: str,
        columns: str,
        rows: Iterator[tuple[Any, ...]],
        stage: str,
        progress: Progress | None,
    ) -> None:
        statement = (
            f"INSERT INTO {table} ({columns}) VALUES ({_placeholders(columns.count(',') + 1)})"
        )
        done = 0
        while batch := list(islice(rows, BATCH)):
            try:
                conn.executemany(statement, batch)
            except sqlite3.IntegrityError as exc:
                raise RefreshConflict(_given_twice(stage, batch)) from exc
            done += len(batch)
            if progress:
                progress(stage, done)

    @staticmethod
    def _check_conflicts(conn: sqlite3.Connection, source: str) -> None:
        problems = [
            f"node {id!r} is of type {given} in this load but {held} in the graph"
            for id, given, held in conn.execute(
                "SELECT s.id, s.type, n.type FROM stage_nodes s JOIN nodes n ON n.id = s.id "
                f"WHERE s.type != n.type ORDER BY s.id LIMIT {MAX_CONFLICTS}"
            )
        ]
        # An endpoint must be in this load, or held by another source (what only this source
        # held and the load drops is about to go).
        held_elsewhere = (
            "EXISTS (SELECT 1 FROM node_holders h WHERE h.node_id = n.id AND h.source != ?)"
        )
        endpoint_types = (
            "SELECT r.id AS id, r.type AS type, r.source_id AS src, r.target_id AS tgt, "
            "coalesce((SELECT type FROM stage_nodes WHERE id = r.source_id), "
            f"  (SELECT n.type FROM nodes n WHERE n.id = r.source_id AND {held_elsewhere})) "
            "AS src_type, "
            "coalesce((SELECT type FROM stage_nodes WHERE id = r.target_id), "
            f"  (SELECT n.type FROM nodes n WHERE n.id = r.target_id AND {held_elsewhere})) "
            "AS tgt_type "
            "FROM stage_relationships r"
        )
        rows = conn.execute(
            f"SELECT * FROM ({endpoint_types}) AS e "
            "WHERE src_type IS NULL OR tgt_type IS NULL "
            "OR NOT EXISTS (SELECT 1 FROM relation_fits f "
            "WHERE f.type = e.type AND f.source_type = e.src_type AND f.target_type = e.tgt_type) "
            f"ORDER BY id LIMIT {MAX_CONFLICTS}",
            (source, source),
        )
        problems += [_endpoint_problem(*row) for row in rows]
        if problems:
            raise RefreshConflict(problems[:MAX_CONFLICTS])

    @staticmethod
    def _changes(
        conn: sqlite3.Connection, stage: str, table: str, differs: str
    ) -> dict[str, TypeChanges]:
        """Created/updated/unchanged per type, comparing the staged rows with the graph."""
        changes = {}
        for type_, created, updated, unchanged in conn.execute(
            f"SELECT s.type, sum(t.id IS NULL), "
            f"sum(t.id IS NOT NULL AND ({differs}s.properties IS NOT t.properties)), "
            f"sum(t.id IS NOT NULL AND NOT ({differs}s.properties IS NOT t.properties)) "
            f"FROM {stage} s LEFT JOIN {table} t ON t.id = s.id GROUP BY s.type"
        ):
            changes[type_] = TypeChanges(created=created, updated=updated, unchanged=unchanged)
        return changes

    @staticmethod
    def _bump_data_version(conn: sqlite3.Connection) -> str:
        (current,) = conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        counter = int(current.split("-", 1)[0]) + 1
        version = f"{counter}-{uuid.uuid4().hex[:12]}"
        conn.execute("UPDATE meta SET value = ? WHERE key = 'data_version'", (version,))
        return version

    # --- reading -------------------------------------------------------------------------
    def data_version(self) -> str:
        row = self._reader().execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        return str(row[0])

    def node(self, id: str) -> Node | None:
        return self.nodes([id]).get(id)

    def nodes(self, ids: Sequence[str]) -> dict[str, Node]:
        with self._snapshot() as conn:
            return _read_nodes(conn, ids)

    def node_refs(self, ids: Iterable[str]) -> dict[str, NodeRef]:
        refs: dict[str, NodeRef] = {}
        with self._snapshot() as conn:
            for chunk in _chunks(ids):
                for id, type_, holders in conn.execute(
                    "SELECT n.id, n.type, group_concat(h.source, char(31)) FROM nodes n "
                    "LEFT JOIN node_holders h ON h.node_id = n.id "
                    f"WHERE n.id IN ({_placeholders(len(chunk))}) GROUP BY n.id",
                    chunk,
                ):
                    refs[id] = NodeRef(type_, frozenset(holders.split("\x1f") if holders else ()))
        return refs

    def relationships(self, ids: Sequence[str]) -> dict[str, Relationship]:
        if len(ids) <= IN_CHUNK:  # one statement sees one snapshot: no transaction around it
            return _read_relationships(self._reader(), ids)
        with self._snapshot() as conn:
            return _read_relationships(conn, ids)

    def relationships_of(
        self, node_ids: Sequence[str], *, rel_types: Sequence[str] | None = None
    ) -> list[Relationship]:
        found: dict[str, Relationship] = {}
        type_filter = ""
        type_params: list[str] = []
        if rel_types is not None:
            type_filter = f" AND type IN ({_placeholders(len(rel_types))})"
            type_params = list(rel_types)
        with self._snapshot() as conn:
            for chunk in _chunks(dict.fromkeys(node_ids)):
                marks = _placeholders(len(chunk))
                for row in conn.execute(
                    "SELECT id, type, source_id, target_id, properties FROM relationships "
                    f"WHERE source_id IN ({marks}){type_filter} "
                    "UNION "
                    "SELECT id, type, source_id, target_id, properties FROM relationships "
                    f"WHERE target_id IN ({marks}){type_filter}",
                    [*chunk, *type_params, *chunk, *type_params],
                ):
                    found[row[0]] = _relationship(row)
        return [found[id] for id in sorted(found)]

    def relationships_among(
        self, node_ids: Sequence[str], *, rel_types: Sequence[str] | None = None
    ) -> list[Relationship]:
        """One query: the ids of each member's outgoing relationships whose target is a member
        too, from the (source, target) index alone (``+`` keeps SQLite from seeking every
        source-target pair of members), then those rows by id: only what is returned is read."""
        members = json.dumps(list(dict.fromkeys(node_ids)), ensure_ascii=False)
        type_filter, params = "", [members]
        if rel_types is not None:
            type_filter = f" AND type IN ({_placeholders(len(rel_types))})"
            params += list(rel_types)
        inside = (
            "SELECT id FROM relationships WHERE source_id IN (SELECT value FROM json_each(?1)) "
            "AND +target_id IN (SELECT value FROM json_each(?1))"
        )
        with self._snapshot() as conn:
            rows = conn.execute(
                "SELECT id, type, source_id, target_id, properties FROM relationships "
                f"WHERE id IN ({inside}){type_filter} ORDER BY id",
                params,
            ).fetchall()
        return [_relationship(row) for row in rows]

    def search(
        self, where: SearchFilter, *, first: int = 20, after: str | None = None
    ) -> SearchPage:
        """Nodes matching ``where`` in (name, id) order; a text through the search index.

        The count of a text comes from its FTS table alone, or, with other filters, from the
        smaller side: the text's matches joined to their nodes, or the other filters' nodes
        checked with ``LIKE``. A page walks the nodes in name order from the cursor until it
        is full, for at most ``WALK_FACTOR`` nodes per match; a page that is not full by then
        (a rare text, or matches bunched late in the order) sorts the text's matches.
        """
        if first < 0:
            raise ValueError(f"first must be 0 or more, got {first}")
        conditions: list[str] = []
        params: list[Any] = []
        for column, values in (("type", where.types), ("kind", where.kinds)):
            if values is not None:
                conditions.append(f"n.{column} IN ({_placeholders(len(values))})")
                params += list(values)
        for column, value in (("country", where.country), ("region", where.region)):
            if value is not None:
                conditions.append(f"n.{column} = ?")
                params.append(value)
        cursor: tuple[str, str] | None = decode_cursor(after) if after is not None else None
        with self._snapshot() as conn:
            if not where.text:
                total, ids = self._scan(conn, conditions, params, cursor, first)
            else:
                total, ids = self._text_search(conn, where.text, conditions, params, cursor, first)
            found = _read_nodes(conn, ids[:first])
        page = [found[id] for id in ids[:first] if id in found]
        end = encode_cursor(page[-1].name, page[-1].id) if page else None
        return SearchPage(nodes=page, total=total, has_next=len(ids) > first, end_cursor=end)

    @staticmethod
    def _scan(
        conn: sqlite3.Connection,
        conditions: list[str],
        params: list[Any],
        cursor: tuple[str, str] | None,
        first: int,
    ) -> tuple[int, list[str]]:
        """Count and page of ``conditions`` on the nodes table (its indexes, no search index)."""
        matches = " AND ".join(conditions) or "1"
        (total,) = conn.execute(f"SELECT count(*) FROM nodes n WHERE {matches}", params).fetchone()
        page, page_params = matches, list(params)
        if cursor is not None:
            page += " AND (n.name > ? OR (n.name = ? AND n.id > ?))"
            page_params += [cursor[0], cursor[0], cursor[1]]
        ids = [
            id
            for (id,) in conn.execute(
                f"SELECT n.id FROM nodes n WHERE {page} ORDER BY n.name, n.id LIMIT ?",
                [*page_params, first + 1],
            )
        ]
        return total, ids

    def _text_search(
        self,
        conn: sqlite3.Connection,
        text: str,
        conditions: list[str],
        params: list[Any],
        cursor: tuple[str, str] | None,
        first: int,
    ) -> tuple[int, list[str]]:
        if "\x00" in text:  # FTS5 reads its query up to a NUL; no loaded name holds one
            return 0, []
        table, expression = search_index.match(text)
        one_term = search_index.term(text)
        if one_term is not None:  # the term's row count, without a row per match
            vocabulary, token = one_term
            found = conn.execute(
                f"SELECT doc FROM {vocabulary} WHERE term = ?", (token,)
            ).fetchone()
            total = found[0] if found else 0
        else:
            (total,) = conn.execute(
                f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (expression,)
            ).fetchone()
        like = "(n.name LIKE ? ESCAPE '\\' OR n.id LIKE ? ESCAPE '\\')"
        pattern = _like(text)
        if conditions:
            filtered = " AND ".join(conditions)
            (candidates,) = conn.execute(
                f"SELECT count(*) FROM nodes n WHERE {filtered}", params
            ).fetchone()
            if candidates < total:  # the other filters are the smaller side: check those
                return self._scan(
                    conn, [*conditions, like], [*params, pattern, pattern], cursor, first
                )
            (total,) = conn.execute(
                f"SELECT count(*) FROM {table} t CROSS JOIN search_keys k ON k.key = t.rowid "
                f"CROSS JOIN nodes n ON n.id = k.id WHERE {table} MATCH ? AND {filtered}",
                [expression, *params],
            ).fetchone()
        if total == 0:
            return 0, []
        if not conditions:
            ids = self._ordered_page(conn, table, expression, cursor, first)
            if ids is not None:
                return total, ids
        budget = WALK_FACTOR * total + WALK_SLACK
        ids = self._walk(conn, like, pattern, conditions, params, cursor, first, budget)
        if ids is not None:
            return total, ids
        return total, self._sorted_matches(
            conn, table, expression, conditions, params, cursor, first
        )

    @staticmethod
    def _ordered_page(
        conn: sqlite3.Connection,
        table: str,
        expression: str,
        cursor: tuple[str, str] | None,
        first: int,
    ) -> list[str] | None:
        """The page of a text alone from the FTS table in rowid order: the first matches of the
        ordered run of keys (:data:`search_index.ORDERED`) after the cursor's key, merged with
        the matches among the keys after the run (at most :data:`UNORDERED_KEYS` of them,
        sorted). None when that does not apply: more keys after the run, or a cursor whose node
        is no longer in the run under that name (then the walk or the sort answers)."""
        found = conn.execute(
            "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?", (search_index.ORDERED,)
        ).fetchone()
        if found is None:
            return None
        ordered = found[0]
        (unordered,) = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM search_keys WHERE key > ? LIMIT ?)",
            (ordered, UNORDERED_KEYS + 1),
        ).fetchone()
        if unordered > UNORDERED_KEYS:
            return None
        start, after, after_params = 0, "", []
        if cursor is not None:
            at = conn.execute(
                "SELECT key FROM search_keys WHERE id = ? AND name = ?", (cursor[1], cursor[0])
            ).fetchone()
            if at is None or at[0] > ordered:
                return None
            start = at[0]
            after = " AND (k.name > ? OR (k.name = ? AND k.id > ?))"
            after_params = [cursor[0], cursor[0], cursor[1]]
        matches = f"{table} t CROSS JOIN search_keys k ON k.key = t.rowid WHERE {table} MATCH ?"
        rows: list[tuple[str, str]] = conn.execute(
            f"SELECT k.name, k.id FROM {matches} AND t.rowid > ? AND t.rowid <= ? "
            "ORDER BY t.rowid LIMIT ?",
            (expression, start, ordered, first + 1),
        ).fetchall()
        if unordered:
            rows += conn.execute(
                f"SELECT k.name, k.id FROM {matches} AND t.rowid > ?{after} "
                "ORDER BY k.name, k.id LIMIT ?",
                [expression, ordered, *after_params, first + 1],
            ).fetchall()
            rows.sort()  # (name, id) in code-point order: SQLite's order of UTF-8 texts
        return [id for _, id in rows[: first + 1]]

    @staticmethod
    def _walk(
        conn: sqlite3.Connection,
        like: str,
        pattern: str,
        conditions: list[str],
        params: list[Any],
        cursor: tuple[str, str] | None,
        first: int,
        budget: int,
    ) -> list[str] | None:
        """The page from walking at most ``budget`` nodes in name order from the cursor, or None
        when the walk ran out of budget before the page was full. The walk is a co-routine
        whose order (its ``ORDER BY``) SQLite keeps; it stops as soon as the page is full."""
        start, start_params = "1", []
        if cursor is not None:
            start = "(name > ? OR (name = ? AND id > ?))"
            start_params = [cursor[0], cursor[0], cursor[1]]
        columns = "name, id, type, kind, country, region" if conditions else "name, id"
        walked = f"SELECT {columns} FROM nodes WHERE {start} ORDER BY name, id LIMIT {int(budget)}"
        checks = " AND ".join([like, *conditions])
        ids = [
            id
            for (id,) in conn.execute(
                f"SELECT n.id FROM ({walked}) n WHERE {checks} LIMIT ?",
                [*start_params, pattern, pattern, *params, first + 1],
            )
        ]
        if len(ids) > first:
            return ids
        (walked_count,) = conn.execute(f"SELECT count(*) FROM ({walked})", start_params).fetchone()
        return ids if walked_count < budget else None

    @staticmethod
    def _sorted_matches(
        conn: sqlite3.Connection,
        table: str,
        expression: str,
        conditions: list[str],
        params: list[Any],
        cursor: tuple[str, str] | None,
        first: int,
    ) -> list[str]:
        """The page from every match of the text, sorted (the FTS table drives)."""
        checks = [f"{table} MATCH ?", *conditions]
        check_params: list[Any] = [expression, *params]
        if cursor is not None:
            checks.append("(k.name > ? OR (k.name = ? AND k.id > ?))")
            check_params += [cursor[0], cursor[0], cursor[1]]
        nodes = "CROSS JOIN nodes n ON n.id = k.id " if conditions else ""
        return [
            id
            for (id,) in conn.execute(
                f"SELECT k.id FROM {table} t CROSS JOIN search_keys k ON k.key = t.rowid "
                f"{nodes}WHERE {' AND '.join(checks)} ORDER BY k.name, k.id LIMIT ?",
                [*check_params, first + 1],
            )
        ]

    def counts(self) -> GraphCounts:
        """Counts of the graph; computed once per data version (a scan of every table)."""
        with self._snapshot() as conn:
            (version,) = conn.execute(
                "SELECT value FROM meta WHERE key = 'data_version'"
            ).fetchone()
            cached = self._counts
            if cached is not None and cached.data_version == version:
                return cached
            by_type = dict(
                conn.execute("SELECT type, count(*) FROM nodes GROUP BY type ORDER BY type")
            )
            by_rel = dict(
                conn.execute("SELECT type, count(*) FROM relationships GROUP BY type ORDER BY type")
            )
            node_counts = dict(
                conn.execute("SELECT source, count(*) FROM node_holders GROUP BY source")
            )
            rel_counts = dict(
                conn.execute("SELECT source, count(*) FROM relationship_holders GROUP BY source")
            )
            sources = [
                SourceInfo(
                    name=name,
                    loaded_at=loaded_at,
                    nodes=node_counts.get(name, 0),
                    relationships=rel_counts.get(name, 0),
                )
                for name, loaded_at in conn.execute(
                    "SELECT name, loaded_at FROM sources ORDER BY name"
                )
            ]
        counts = GraphCounts(
            nodes=sum(by_type.values()),
            relationships=sum(by_rel.values()),
            by_type=by_type,
            by_relation_type=by_rel,
            sources=sources,
            data_version=version,
        )
        self._counts = counts
        return counts

    def iter_nodes(self) -> Iterator[Node]:
        conn = self._connect(timeout=5.0)
        try:
            conn.execute("BEGIN")
            for row in conn.execute("SELECT id, type, name, properties FROM nodes ORDER BY id"):
                yield _node(row)
        finally:
            conn.close()

    def iter_edges(self) -> Iterator[Edge]:
        conn = self._connect(timeout=5.0)
        try:
            conn.execute("BEGIN")
            for row in conn.execute(
                "SELECT id, type, source_id, target_id, weight, json_extract(properties, ?), "
                "properties FROM relationships ORDER BY id",
                (f"$.{RELATION_SINCE}",),
            ):
                yield Edge(*row)
        finally:
            conn.close()

    def graph_columns(self) -> GraphColumns | None:
        """The whole graph column by column: each column one ``group_concat`` over its table
        in id order (texts as UTF-8 bytes, never decoded), the weights as exact integers
        (:data:`WEIGHT_BITS`), so no Python object is made per row. Three reads run at once on
        three connections (SQLite reads without the interpreter lock); when their snapshots are
        not of one data version (a refresh committed between them), they run again."""
        for _ in range(BULK_ATTEMPTS):
            with ThreadPoolExecutor(3, "innonet-bulk-read") as pool:
                nodes_read = pool.submit(self._in_snapshot, _aggregate(_NODE_STATEMENT))
                ends_read = pool.submit(self._in_snapshot, _relationships)
                more_read = pool.submit(self._in_snapshot, _aggregate(_PROPERTIES_STATEMENT))
                versions = {nodes_read.result()[0], ends_read.result()[0], more_read.result()[0]}
            if len(versions) == 1:
                break
        else:
            raise StoreError(
                f"store {self.uri}: the graph was refreshed during each of {BULK_ATTEMPTS} "
                "reads; ask again"
            )
        version, node_row = nodes_read.result()
        rel_row, weights = ends_read.result()[1]
        (r_properties,) = more_read.result()[1]
        nodes, rels = node_row[0], rel_row[0]
        node_columns = zip(node_row[1:], _NODE_AGGREGATES, strict=True)
        # the weights, the last column, as _relationships read them
        rel_columns = zip(rel_row[1:-1], _RELATIONSHIP_AGGREGATES[:-1], strict=True)
        found = [
            *(_column(value, nodes, sep) for value, (_, _, sep) in node_columns),
            *(_column(value, rels, sep) for value, (_, _, sep) in rel_columns),
        ]
        if len(weights) != rels or any(column is None for column in found):
            return None
        ids, names, types, kinds, countries, regions, fields, statuses, node_days = found[:9]
        r_ids, r_types, sources, targets, r_days = found[9:]
        return GraphColumns(
            data_version=version,
            node_ids=ids,
            node_names=names,
            node_types=types,
            kinds=kinds,
            countries=countries,
            regions=regions,
            fields=fields,
            statuses=statuses,
            node_days=node_days,
            relationship_ids=r_ids,
            relationship_types=r_types,
            sources=sources,
            targets=targets,
            weights=weights,
            relationship_days=r_days,
            # not counted: canonical JSON writes the separator as an escape, never as itself
            relationship_properties=r_properties or b"",
        )

    def _in_snapshot(self, read: Callable[[sqlite3.Connection], T]) -> tuple[str, T]:
        """The data version and what ``read`` reads, in one snapshot on a connection of its
        own."""
        conn = self._connect(timeout=5.0)
        try:
            conn.execute("BEGIN")
            (version,) = conn.execute(
                "SELECT value FROM meta WHERE key = 'data_version'"
            ).fetchone()
            return str(version), read(conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"store {self.uri}: reading the graph: {exc}") from exc
        finally:
            conn.close()


def _aggregate(statement: tuple[str, list[str]]) -> Callable[[sqlite3.Connection], Any]:
    """A read of the one row of ``statement``."""
    return lambda conn: conn.execute(*statement).fetchone()


def _relationships(conn: sqlite3.Connection) -> tuple[Any, npt.NDArray[np.float64]]:
    """The row of :data:`_RELATIONSHIP_STATEMENT`, and every relationship's weight in id order:
    from its scaled integers (exact) when every weight has one, else read as numbers (exact,
    a Python float a row) in the same snapshot.

    >>> conn = sqlite3.connect(":memory:")
    >>> _ = conn.execute(
    ...     "CREATE TABLE relationships (id TEXT PRIMARY KEY, type TEXT, source_id TEXT,"
    ...     " target_id TEXT, weight REAL, since INTEGER) WITHOUT ROWID")
    >>> row = ("r", "SERVES", "a", "b")
    >>> _ = conn.executemany("INSERT INTO relationships VALUES (?, ?, ?, ?, ?, 0)",
    ...                      [(f"{row[0]}{i}", *row[1:], w) for i, w in enumerate([1.0, 0.07])])
    >>> _relationships(conn)[1].tolist()
    [1.0, 0.07]
    >>> _ = conn.execute("UPDATE relationships SET weight = 1e-30 WHERE id = 'r0'")
    >>> _relationships(conn)[1].tolist()  # below 2**-4: read as numbers
    [1e-30, 0.07]
    """
    row = conn.execute(*_RELATIONSHIP_STATEMENT).fetchone()
    scaled = _column(row[-1], row[0], ",")
    if scaled is not None:
        return row, np.ldexp(scaled.astype(np.float64), -WEIGHT_BITS)
    rows = conn.execute("SELECT weight FROM relationships NOT INDEXED")
    return row, np.fromiter(itertools.chain.from_iterable(rows), dtype=np.float64)


def _code(names: Sequence[str]) -> tuple[str, list[str]]:
    """SQL of the ``type`` column as its position in ``names``: the character ``"0"`` plus it,
    a constant joined as it is, with no separator (an integer would be turned into a new text a
    row, and parsed back).

    >>> _code(["A", "B"])
    ("CASE type WHEN ? THEN '0' WHEN ? THEN '1' END", ['A', 'B'])
    """
    assert len(names) < ord("z") - ord("0")  # one ASCII character each
    arms = " ".join(f"WHEN ? THEN '{chr(ord('0') + i)}'" for i in range(len(names)))
    return f"CASE type {arms} END", list(names)


def _columns(table: str, columns: list[tuple[str, list[Any], str]]) -> tuple[str, list[Any]]:
    """One statement aggregating each column ``(sql, params, separator)`` over the rows of
    ``table`` in id order, joined by its separator (:func:`_column` reads them), as UTF-8 bytes.
    The table is walked itself (``NOT INDEXED``: a table without rowid is kept in id order),
    not through an ordered subquery, which would copy every row once more."""
    parts = ", ".join(f"CAST(group_concat({sql}, ?) AS BLOB)" for sql, _, _ in columns)
    params = [p for sql, ps, sep in columns for p in (*ps, sep)]
    return f"SELECT count(*), {parts} FROM {table} NOT INDEXED", params


WEIGHT_BITS: Final = 56
"""A relationship's weight is read as the integer ``weight * 2**WEIGHT_BITS`` when every
weight lies from 2**-4 to 2**7 (from 0.0625 to 128, 128 left out): the product of such a
double (a 53-bit integer times 2**-56 or more) is exact, an integer below 2**63, so its text is
exact, where a text of the weight itself would not be. Otherwise the weights are read as
numbers, a row at a time."""
_WEIGHT_AS_INTEGER: Final = (
    "CASE WHEN weight >= ? AND weight < ? THEN CAST(weight * ? AS INTEGER) END",
    [2.0**-4, 2.0**7, 2.0**WEIGHT_BITS],
)
"""A weight as its integer (:data:`WEIGHT_BITS`); NULL, left out of the ``group_concat``, when
it has none."""

_NODE_AGGREGATES: Final[list[tuple[str, list[Any], str]]] = [
    ("id", [], COLUMN_SEPARATOR),
    ("name", [], COLUMN_SEPARATOR),
    (*_code(NODE_TYPE_NAMES), ""),
    ("ifnull(kind, '')", [], COLUMN_SEPARATOR),
    ("ifnull(country, '')", [], COLUMN_SEPARATOR),
    ("ifnull(region, '')", [], COLUMN_SEPARATOR),
    ("ifnull(field, '')", [], COLUMN_SEPARATOR),
    ("ifnull(status, '')", [], COLUMN_SEPARATOR),
    ("since", [], ","),
]
_RELATIONSHIP_AGGREGATES: Final[list[tuple[str, list[Any], str]]] = [
    ("id", [], COLUMN_SEPARATOR),
    (*_code(RELATION_TYPE_NAMES), ""),
    ("source_id", [], COLUMN_SEPARATOR),
    ("target_id", [], COLUMN_SEPARATOR),
    ("since", [], ","),
    (*_WEIGHT_AS_INTEGER, ","),
]
_NODE_STATEMENT: Final = _columns("nodes", _NODE_AGGREGATES)
_RELATIONSHIP_STATEMENT: Final = _columns("relationships", _RELATIONSHIP_AGGREGATES)
_PROPERTIES_STATEMENT: Final = (
    "SELECT CAST(group_concat(properties, ?) AS BLOB) FROM relationships NOT INDEXED",
    [COLUMN_SEPARATOR],
)
"""The statements of :meth:`EmbeddedStore.graph_columns`: the nodes; the relationships' ids,
types, ends, days and weights (scaled, where they can be); their properties (canonical JSON, as
stored)."""

BULK_ATTEMPTS: Final = 3
"""Reads of the bulk statements before giving up on a graph being refreshed."""


def _column(value: bytes | None, count: int, sep: str) -> Any:
    """The column ``value`` of a bulk statement, None unless it holds ``count`` values (a value
    held the separator, or was NULL): texts joined by :data:`COLUMN_SEPARATOR` as they are,
    integers joined by commas and codes (:func:`_code`) as an int64 array, parsed in C (no Python
    object per value).

    >>> joined = COLUMN_SEPARATOR.encode().join([b"a", b"b"])
    >>> _column(joined, 2, COLUMN_SEPARATOR) == joined, _column(joined, 3, COLUMN_SEPARATOR)
    (True, None)
    >>> _column(b"20190101,0", 2, ",").tolist(), _column(b"102", 3, "").tolist()
    ([20190101, 0], [1, 0, 2])
    >>> _column(None, 0, ","), _column(b"7", 2, ",")
    (array([], dtype=int64), None)
    """
    data = value or b""
    if sep == ",":
        numbers = np.fromstring(data, dtype=np.int64, sep=",")
        return numbers if len(numbers) == count else None
    if sep == "":
        codes = np.frombuffer(data, dtype=np.uint8).astype(np.int64) - ord("0")
        return codes if len(codes) == count else None
    # counted by numpy: several times faster than bytes.count
    found = np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == ord(sep))
    return data if (int(found) == count - 1 if count else not data) else None


def _rows_by_id(conn: sqlite3.Connection, select: str, ids: Sequence[str]) -> Iterator[Any]:
    """The rows of ``select`` (a ``SELECT ... FROM`` a table keyed by ``id``) whose id is among
    ``ids``, each id once, :data:`IN_CHUNK` ids a statement."""
    for chunk in _chunks(dict.fromkeys(ids)):
        yield from conn.execute(f"{select} WHERE id IN ({_placeholders(len(chunk))})", chunk)


def _read_nodes(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, Node]:
    select = "SELECT id, type, name, properties FROM nodes"
    return {row[0]: _node(row) for row in _rows_by_id(conn, select, ids)}


def _read_relationships(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, Relationship]:
    select = "SELECT id, type, source_id, target_id, properties FROM relationships"
    return {row[0]: _relationship(row) for row in _rows_by_id(conn, select, ids)}


FIRST_LOAD_TABLES: Final = ("nodes", "relationships", "node_holders", "relationship_holders")
"""The tables whose secondary indexes a first load drops and makes again at its end."""

RELATION_FITS: Final = frozenset(
    (t.name, source, target) for t in RELATION_TYPES for source in t.sources for target in t.targets
)
"""(relation type, source type, target type) for every pair of endpoint types allowed."""


def _holds_nothing(conn: sqlite3.Connection) -> bool:
    """True when the store holds no node, relationship, source or search key (asked inside the
    refresh's write transaction, so no other load can write meanwhile)."""
    (empty,) = conn.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM nodes) AND NOT EXISTS (SELECT 1 FROM relationships) "
        "AND NOT EXISTS (SELECT 1 FROM sources) AND NOT EXISTS (SELECT 1 FROM node_holders) "
        "AND NOT EXISTS (SELECT 1 FROM relationship_holders) "
        "AND NOT EXISTS (SELECT 1 FROM search_keys)"
    ).fetchone()
    return bool(empty)


class _FirstLoadChecks:
    """What :meth:`EmbeddedStore._check_conflicts` finds when the graph holds nothing (no node
    of the load has another type there, and no other source holds an endpoint): relationships
    with an end that is no node of the load, or whose type cannot join its ends' types. Worked
    out from each node's type as the rows stream by, with the same messages in the same order
    (by relationship id, the first :data:`MAX_CONFLICTS`); the counts of the report too."""

    def __init__(self) -> None:
        self.node_types: dict[str, str] = {}
        self.nodes: Counter[str] = Counter()
        self.relationships: Counter[str] = Counter()
        self.refused: list[tuple[str, str]] = []  # (relationship id, why), trimmed to the first

    def node_rows(self, nodes: Iterable[Node]) -> Iterator[tuple[Any, ...]]:
        """The rows of ``nodes``, each node's type noted."""
        for node in nodes:
            row = _node_row(node)
            self.node_types[node.id] = node.type
            self.nodes[node.type] += 1
            yield row

    def relationship_rows(self, relationships: Iterable[Relationship]) -> Iterator[tuple[Any, ...]]:
        """The rows of ``relationships`` (after every node), each checked against its ends."""
        type_of, counts, fits = self.node_types.get, self.relationships, RELATION_FITS
        for rel in relationships:
            row = _relationship_row(rel)
            type_ = row[1]
            counts[type_] += 1
            source, target = type_of(row[2]), type_of(row[3])
            if (type_, source, target) not in fits:
                self._refuse(rel, source, target)
            yield row

    def _refuse(self, rel: Relationship, source: str | None, target: str | None) -> None:
        why = _endpoint_problem(rel.id, rel.type, rel.source, rel.target, source, target)
        self.refused.append((rel.id, why))
        if len(self.refused) >= 100 * MAX_CONFLICTS:
            self.refused = heapq.nsmallest(MAX_CONFLICTS, self.refused)

    def raise_refused(self) -> None:
        """Raise the :class:`RefreshConflict` of the relationships refused, if any."""
        if self.refused:
            first = heapq.nsmallest(MAX_CONFLICTS, self.refused)
            raise RefreshConflict([why for _, why in first])

    def node_changes(self) -> dict[str, TypeChanges]:
        return {type_: TypeChanges(created=count) for type_, count in self.nodes.items()}

    def relationship_changes(self) -> dict[str, TypeChanges]:
        return {type_: TypeChanges(created=count) for type_, count in self.relationships.items()}


def _grams_in_key_order(keys: list[tuple[int, str, str]]) -> list[tuple[int, str]]:
    """Each search key of ``keys`` (key, name, id) with the grams of its node, as
    ``innonet_grams`` gives them (:func:`search_index.grams`)."""
    return [(key, search_index.grams(name, id)) for key, name, id in keys]


def _meanwhile(statements: Callable[[], None], work: Callable[[threading.Event], T]) -> T:
    """Run ``statements`` (long SQLite statements, which do not hold Python's lock) while a
    second thread runs ``work`` (Python), so that the two use both cores; ``work``'s result.

    ``work`` is told, by the event it is given, when the statements are done: it may stop
    there and return what it has (:func:`_taken`) or go on to its end. Only long statements
    belong here: a short one gives the lock to ``work`` and waits up to Python's switch
    interval (5 ms) to have it back. When the statements fail, ``work`` is told to stop, and
    its outcome is dropped.

    >>> _meanwhile(lambda: None, lambda done: done.wait(1.0))
    True
    """
    done = threading.Event()
    with ThreadPoolExecutor(1, thread_name_prefix="innonet-meanwhile") as aside:
        result = aside.submit(work, done)
        try:
            statements()
        finally:
            done.set()
        return result.result()


TAKEN_BYTES: Final = 128 << 20
"""How much :func:`_taken` holds at most, as marshal bytes (about 750k relationship rows; the
rows as tuples take about 2.8 times as much)."""
_TAKEN_CHUNK: Final = 256
"""Rows :func:`_taken` packs together."""


def _taken(
    rows: Iterator[tuple[Any, ...]],
) -> Callable[[threading.Event], Iterator[tuple[Any, ...]]]:
    """The work (for :func:`_meanwhile`) of taking rows from ``rows`` until it is told to stop
    or holds :data:`TAKEN_BYTES`, packed with marshal: all of ``rows``, those taken first (the
    rest raises, at its place, what taking raised).

    >>> list(_taken(iter([(0,), (1,), (2,)]))(threading.Event()))
    [(0,), (1,), (2,)]
    >>> def changed():
    ...     yield (0,)
    ...     raise ValueError("changed")
    >>> rows = _taken(changed())(threading.Event())
    >>> next(rows)
    (0,)
    >>> next(rows)
    Traceback (most recent call last):
    ...
    ValueError: changed
    """

    def take(done: threading.Event) -> Iterator[tuple[Any, ...]]:
        packed: deque[bytes] = deque()
        held = 0
        chunk: list[tuple[Any, ...]] = []
        rest: Iterator[tuple[Any, ...]] = rows
        try:
            for row in rows:
                chunk.append(row)
                if len(chunk) == _TAKEN_CHUNK:
                    packed.append(marshal.dumps(chunk))
                    held += len(packed[-1])
                    chunk = []
                    if held >= TAKEN_BYTES or done.is_set():
                        break
        except Exception as exc:  # raised again where the rows reach it
            rest = _raising(exc)
        return _unpacked(packed, chunk, rest)

    return take


def _unpacked(
    packed: deque[bytes], chunk: list[tuple[Any, ...]], rest: Iterator[tuple[Any, ...]]
) -> Iterator[tuple[Any, ...]]:
    while packed:
        yield from marshal.loads(packed.popleft())
    yield from chunk
    yield from rest


def _raising(exc: Exception) -> Iterator[Any]:
    raise exc
    yield  # a generator: raises when first asked for a row


def _endpoint_problem(
    id: str, type_: str, source: str, target: str, source_type: str | None, target_type: str | None
) -> str:
    """Why relationship ``id`` is refused: an end that exists nowhere (its type None), or ends
    of types its type cannot join."""
    if source_type is None:
        return f"relationship {id!r}: source {source!r} exists nowhere"
    if target_type is None:
        return f"relationship {id!r}: target {target!r} exists nowhere"
    return (
        f"relationship {id!r}: {type_} cannot join "
        f"{source_type} {source!r} to {target_type} {target!r}"
    )


def _given_twice(stage: str, batch: list[tuple[Any, ...]]) -> list[str]:
    """What is said of a batch of ``stage`` rows holding an id given before: the ids repeated
    within it (the first :data:`MAX_CONFLICTS`), or that one repeats an earlier batch's."""
    duplicates = _duplicates_in(batch) or ["(an id given twice across batches)"]
    return [f"{stage}: id {dup!r} given twice" for dup in duplicates[:MAX_CONFLICTS]]


def _first_repeats(conn: sqlite3.Connection, staged: str, stage: str) -> list[str]:
    """What :meth:`EmbeddedStore._stage` says of the rows appended to ``staged`` (rowids 1, 2,
    ... in the order given) had they been staged by id: the ids given twice within the first
    batch of :data:`BATCH` rows that repeats an id given before it (none when no id repeats)."""
    conn.execute(f"CREATE INDEX temp.{staged}_by_id ON {staged} (id)")
    (repeat,) = conn.execute(
        f"SELECT min(rowid) FROM {staged} AS s WHERE EXISTS "
        f"(SELECT 1 FROM {staged} AS e WHERE e.id = s.id AND e.rowid < s.rowid)"
    ).fetchone()
    if repeat is None:
        return []
    start = (repeat - 1) // BATCH * BATCH + 1
    batch = conn.execute(
        f"SELECT id FROM {staged} WHERE rowid >= ? AND rowid < ? ORDER BY rowid",
        (start, start + BATCH),
    ).fetchall()
    return _given_twice(stage, batch)


def _with_removed(changes: TypeChanges | None, removed: int) -> TypeChanges:
    changes = changes or TypeChanges()
    return TypeChanges(changes.created, changes.updated, removed, changes.unchanged)


def _duplicates_in(batch: list[tuple[Any, ...]]) -> list[str]:
    seen: set[str] = set()
    duplicates = []
    for row in batch:
        if row[0] in seen:
            duplicates.append(row[0])
        seen.add(row[0])
    return duplicates
