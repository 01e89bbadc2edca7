"""The Neo4j store: the graph in a Neo4j 5 database, for production and scale.

Every statement it runs comes from :mod:`graphsvc.stores.cypher` (generated from the model).

All or nothing
--------------
A refresh is one managed write transaction. Neo4j reads are read-committed, so while the
refresh runs every reader keeps answering from the graph as it was, and nothing of it is
visible until the commit; a failure (a conflict, a lost connection, a killed process) rolls the
whole transaction back on the server and leaves nothing behind to clean up. To keep that
transaction as small as the change rather than the load, the store compares the rows with the
graph first and writes only what is new or different (an unchanged row costs a read, not a
write), and it writes in bounded batches (``batch_size`` rows per statement). Server memory for
the transaction therefore grows with what a refresh changes; ``db.memory.transaction.max`` must
allow the largest change (see docs/neo4j.md).

Who holds what is kept as ``HOLDS`` relationships from each source's node (see
:mod:`graphsvc.stores.cypher`), so what a source held is a walk from that node and a refresh
reads in proportion to its source and writes in proportion to its change, never scanning the
graph.

Refreshes are serialised by a lock on the meta node, taken in its own short transaction and
released by the refresh's commit; a second refresh waits up to ``lock_wait`` seconds and then
raises :class:`StoreBusy`. A lock left by a killed process goes stale after ``refresh_timeout``.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

import neo4j
from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graphsvc.model import NODE_TYPE_BY_NAME, NODE_TYPES, RELATION_TYPE_BY_NAME, RELATION_TYPES
from graphsvc.model import node_type as model_node_type
from graphsvc.stores import cypher
from graphsvc.stores.contract import (
    Edge,
    GraphCounts,
    Node,
    NodeRef,
    Progress,
    PushedScores,
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
)

log = logging.getLogger(__name__)

DEFAULT_DATABASE: Final = "neo4j"
DEFAULT_USER: Final = "neo4j"
BATCH: Final = 2_000
"""Rows per write statement and ids per read statement."""
PAGE: Final = 5_000
"""Rows per page when streaming every node or edge."""
MAX_CONFLICTS: Final = 100
_DATABASE_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9.-]{2,62}")

T = TypeVar("T")

# --- one driver per process ---------------------------------------------------------------
_drivers: dict[tuple[str, str, str], tuple[Driver, int]] = {}
_drivers_lock = threading.Lock()


def _driver_key(uri: str, auth: tuple[str, str]) -> tuple[str, str, str]:
    return (uri, auth[0], hashlib.sha256(auth[1].encode()).hexdigest())


def _acquire_driver(uri: str, auth: tuple[str, str], timeout: float) -> Driver:
    """The process's driver for ``uri`` and ``auth``, made on first use and shared after."""
    key = _driver_key(uri, auth)
    with _drivers_lock:
        if key in _drivers:
            driver, users = _drivers[key]
            _drivers[key] = (driver, users + 1)
            return driver
        try:
            driver = GraphDatabase.driver(
                uri,
                auth=auth,
                connection_timeout=timeout,
                connection_acquisition_timeout=timeout,
                max_transaction_retry_time=timeout,
                user_agent="innonet",
            )
        except (ValueError, DriverError) as exc:
            raise StoreError(f"store {uri}: cannot open a Neo4j driver: {exc}") from exc
        _drivers[key] = (driver, 1)
        return driver


def _release_driver(uri: str, auth: tuple[str, str]) -> None:
    key = _driver_key(uri, auth)
    with _drivers_lock:
        if key not in _drivers:
            return
        driver, users = _drivers[key]
        if users > 1:
            _drivers[key] = (driver, users - 1)
            return
        del _drivers[key]
    driver.close()


# --- rows and records ---------------------------------------------------------------------
def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, as the embedded store's ``LIKE`` compares."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER: Final = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _reserved_keys(properties: dict[str, Any], own: Iterable[str]) -> list[str]:
    taken = set(own)
    return sorted(k for k in properties if k in taken or k.startswith(cypher.RESERVED_PREFIX))


def node_properties(node: Node) -> dict[str, Any]:
    """Every property a node keeps in Neo4j: its row's values and the store's bookkeeping.

    Empty values are left out (Neo4j does not store nulls), as the contract leaves them absent.
    """
    name_column = NODE_TYPE_BY_NAME[node.type].name_column
    props = {k: _value(v) for k, v in node.properties.items() if v is not None}
    props["id"] = node.id
    props[name_column] = node.name
    props[cypher.NAME_KEY] = node.name
    props[cypher.SEARCH_KEY] = ascii_lower(f"{node.name}\n{node.id}")
    return props


def relationship_properties(rel: Relationship) -> dict[str, Any]:
    """Every property a relationship keeps: its values (``weight`` defaults to 1.0) and its id.

    Who holds it is not a property: see :data:`cypher.HOLDS_RELATIONSHIP`.
    """
    props = {k: _value(v) for k, v in rel.properties.items() if v is not None}
    props.setdefault("weight", 1.0)
    props["id"] = rel.id
    return props


def _model_type(labels: Sequence[str]) -> str:
    type_ = next((name for name in labels if name in NODE_TYPE_BY_NAME), None)
    if type_ is None:
        raise StoreError(f"a node has no model type among its labels {list(labels)}")
    return type_


def node_from_record(labels: Sequence[str], props: dict[str, Any]) -> Node:
    """The :class:`Node` a stored node stands for (bookkeeping stripped)."""
    type_ = _model_type(labels)
    name_column = NODE_TYPE_BY_NAME[type_].name_column
    rest = {
        k: v
        for k, v in props.items()
        if k not in ("id", name_column) and not k.startswith(cypher.RESERVED_PREFIX)
    }
    return Node(id=props["id"], type=type_, name=props.get(name_column, ""), properties=rest)


def relationship_from_record(
    id: str, type_: str, source: str, target: str, props: dict[str, Any]
) -> Relationship:
    """The :class:`Relationship` a stored relationship stands for (bookkeeping stripped)."""
    rest = {
        k: v for k, v in props.items() if k != "id" and not k.startswith(cypher.RESERVED_PREFIX)
    }
    return Relationship(id=id, type=type_, source=source, target=target, properties=rest)


def search_parameters(where: SearchFilter) -> dict[str, Any]:
    """The filters ``where`` gives, as the search statements' parameters (only those given:
    the statement is generated for them, see :func:`cypher.search_page`). Types are checked
    against the model; an empty ``text`` is no filter, as on the embedded store."""
    params: dict[str, Any] = {}
    if where.text:
        params["text"] = ascii_lower(where.text)
    if where.types is not None:
        params["types"] = sorted({model_node_type(t).name for t in where.types})
    if where.kinds is not None:
        params["kinds"] = list(where.kinds)
    if where.country is not None:
        params["country"] = where.country
    if where.region is not None:
        params["region"] = where.region
    return params


def _batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _row_problems(nodes: Sequence[Node], relationships: Sequence[Relationship]) -> list[str]:
    """What the rows themselves get wrong for this store: ids given twice, unknown types, and
    property names the store keeps for itself."""
    problems: list[str] = []
    for what, items in (("nodes", nodes), ("relationships", relationships)):
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                problems.append(f"{what}: id {item.id!r} given twice")
            seen.add(item.id)
    for node in nodes:
        if node.type not in NODE_TYPE_BY_NAME:
            problems.append(f"node {node.id!r}: unknown type {node.type!r}")
            continue
        own = ("id", NODE_TYPE_BY_NAME[node.type].name_column)
        for key in _reserved_keys(node.properties, own):
            problems.append(f"node {node.id!r}: property {key!r} is reserved by the store")
    for rel in relationships:
        if rel.type not in RELATION_TYPE_BY_NAME:
            problems.append(f"relationship {rel.id!r}: unknown type {rel.type!r}")
        for key in _reserved_keys(rel.properties, ("id",)):
            problems.append(f"relationship {rel.id!r}: property {key!r} is reserved by the store")
    return problems


def _next_version(rows: list[dict[str, Any]]) -> str:
    """The data version after ``rows`` (the current one, if any): a counter and a random tag."""
    current = rows[0]["version"] if rows and rows[0]["version"] else "0"
    return f"{int(str(current).split('-', 1)[0]) + 1}-{uuid.uuid4().hex[:12]}"


class _Changes:
    """Created/updated/removed/unchanged counts per type, while a refresh is worked out."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}

    def add(self, type_: str, what: int) -> None:
        self.counts.setdefault(type_, [0, 0, 0, 0])[what] += 1

    def report(self) -> dict[str, TypeChanges]:
        return {t: TypeChanges(*c) for t, c in sorted(self.counts.items())}


_CREATED, _UPDATED, _REMOVED, _UNCHANGED = range(4)


# --- the store ----------------------------------------------------------------------------
class Neo4jStore:
    """The graph in the Neo4j database ``database`` at ``uri``.

    Parameters
    ----------
    uri : str
        ``bolt://``, ``neo4j://`` (or their ``+s``/``+ssc`` forms) address of the server.
    auth : (user, password)
    database : str
        The database to use (Neo4j's default is ``neo4j``).
    timeout : float
        Seconds to connect, to wait for a pooled connection, to retry a transient failure, and
        for one read to run.
    refresh_timeout : float
        Seconds a refresh may run; a lock older than this is taken as left by a dead process.
    lock_wait : float
        Seconds a refresh waits for another refresh before :class:`StoreBusy`.
    batch_size : int
        Rows per write statement.
    """

    def __init__(
        self,
        uri: str,
        auth: tuple[str, str],
        *,
        database: str = DEFAULT_DATABASE,
        timeout: float = 30.0,
        refresh_timeout: float = 3600.0,
        lock_wait: float = 120.0,
        batch_size: int = BATCH,
    ) -> None:
        if not _DATABASE_NAME.fullmatch(database):
            raise StoreError(
                f"Neo4j database name {database!r} is invalid: 3-63 ASCII letters, digits, "
                "dots or dashes, starting with a letter"
            )
        self.uri = uri
        self.database = database
        self.timeout = timeout
        self.refresh_timeout = refresh_timeout
        self.lock_wait = lock_wait
        self.batch_size = batch_size
        self._auth = auth
        self._driver: Driver | None = _acquire_driver(uri, auth, timeout)
        self._ready = False
        self._ready_lock = threading.Lock()
        self._gds: bool | None = None
        self._gds_version = ""
        self._counts: GraphCounts | None = None

    @classmethod
    def from_env(cls, uri: str) -> Neo4jStore:
        """The store at ``uri`` with ``NEO4J_USER`` (default ``neo4j``), ``NEO4J_PASSWORD`` and
        ``NEO4J_DATABASE`` (default ``neo4j``) from the environment."""
        user = os.environ.get("NEO4J_USER", DEFAULT_USER).strip()
        password = os.environ.get("NEO4J_PASSWORD")
        database = os.environ.get("NEO4J_DATABASE", DEFAULT_DATABASE).strip() or DEFAULT_DATABASE
        if not user:
            raise StoreError(f"store {uri}: NEO4J_USER is empty; set it to the Neo4j user name")
        if not password:
            raise StoreError(
                f"store {uri}: NEO4J_PASSWORD is not set; set it to the password of Neo4j user "
                f"{user!r}"
            )
        return cls(uri, (user, password), database=database)

    def close(self) -> None:
        if self._driver is not None:
            self._driver = None
            _release_driver(self.uri, self._auth)

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- running statements ----------------------------------------------------------------
    @property
    def driver(self) -> Driver:
        if self._driver is None:
            raise StoreError(f"store {self.uri}: closed")
        return self._driver

    def _fail(self, exc: Exception, doing: str) -> StoreError:
        """A clear error for what went wrong; never the statement text."""
        if isinstance(exc, AuthError):
            return StoreError(
                f"store {self.uri}: Neo4j refused the user name or password "
                "(check NEO4J_USER and NEO4J_PASSWORD)"
            )
        if isinstance(exc, ServiceUnavailable | SessionExpired):
            return StoreError(f"store {self.uri}: cannot reach Neo4j while {doing}: {exc}")
        if isinstance(exc, Neo4jError):
            return StoreError(f"store {self.uri}: Neo4j failed while {doing}: {exc.code}")
        return StoreError(f"store {self.uri}: {doing} failed: {exc}")

    def _read(self, work: Callable[[ManagedTransaction], T], doing: str) -> T:
        """Run ``work`` in a managed read transaction (retried on transient errors only)."""
        self._ensure_ready()
        return self._run(work, doing, write=False, timeout=self.timeout)

    def _run(
        self, work: Callable[[ManagedTransaction], T], doing: str, *, write: bool, timeout: float
    ) -> T:
        bounded = neo4j.unit_of_work(timeout=timeout)(work)
        try:
            with self.driver.session(database=self.database) as session:
                if write:
                    return session.execute_write(bounded)
                return session.execute_read(bounded)
        except (RefreshConflict, StoreError):
            raise
        except (Neo4jError, DriverError) as exc:
            raise self._fail(exc, doing) from exc

    def _rows(
        self, statement: cypher.Statement, **params: Any
    ) -> Callable[[ManagedTransaction], list[dict[str, Any]]]:
        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(statement.text, params)]

        return work

    def _ensure_ready(self) -> None:
        """Create the constraints and indexes once (each idempotent), on first use."""
        if self._ready:
            return
        with self._ready_lock:
            if self._ready:
                return
            for statement in cypher.schema_statements():
                self._run(
                    self._rows(statement), "setting up the schema", write=True, timeout=self.timeout
                )
            # An index still populating is not used, and a constraint's index must be online
            # before it guards anything: wait for them (at once on an empty database).
            self._run(
                self._rows(cypher.AWAIT_INDEXES, seconds=int(self.refresh_timeout)),
                "waiting for the indexes to come online",
                write=False,
                timeout=self.refresh_timeout,
            )
            rows = self._run(
                self._rows(cypher.READ_LAYOUT),
                "reading the layout version",
                write=False,
                timeout=self.timeout,
            )
            if rows and rows[0]["version"] is not None and rows[0]["layout"] != cypher.LAYOUT:
                raise StoreError(
                    f"store {self.uri}: the graph in database {self.database!r} was written by an "
                    f"older innonet (layout {rows[0]['layout'] or 1}, this one writes "
                    f"{cypher.LAYOUT}); wipe the database and load the sources again"
                )
            self._ready = True

    # --- writing ---------------------------------------------------------------------------
    def refresh(
        self,
        source: str,
        nodes: Iterable[Node],
        relationships: Iterable[Relationship],
        *,
        progress: Progress | None = None,
    ) -> RefreshReport:
        """Make ``source`` hold exactly these nodes and relationships, in one transaction."""
        started = time.perf_counter()
        new_nodes = list(nodes)
        new_rels = list(relationships)
        problems = _row_problems(new_nodes, new_rels)
        if problems:
            raise RefreshConflict(problems[:MAX_CONFLICTS])
        self._ensure_ready()
        tag = uuid.uuid4().hex
        self._lock(tag)
        try:
            report = self._run(
                lambda tx: self._refresh(tx, source, new_nodes, new_rels, progress, started),
                f"refreshing {source!r}",
                write=True,
                timeout=self.refresh_timeout,
            )
        except BaseException:
            self._unlock(tag)
            raise
        return report

    def _lock(self, tag: str) -> None:
        deadline = time.monotonic() + self.lock_wait
        while True:
            now = int(time.time() * 1000)
            rows = self._run(
                self._rows(
                    cypher.ACQUIRE_LOCK,
                    tag=tag,
                    now=now,
                    stale_before=now - int(self.refresh_timeout * 1000),
                ),
                "taking the refresh lock",
                write=True,
                timeout=self.timeout,
            )
            if rows and rows[0]["lock"] == tag:
                return
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    f"store {self.uri}: another load is writing; waited {self.lock_wait:g} s "
                    "for it to finish"
                )
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))

    def _unlock(self, tag: str) -> None:
        try:
            self._run(
                self._rows(cypher.RELEASE_LOCK, tag=tag),
                "releasing the refresh lock",
                write=True,
                timeout=self.timeout,
            )
        except StoreError as exc:  # the lock goes stale after refresh_timeout
            log.warning("%s", exc)

    def _refresh(
        self,
        tx: ManagedTransaction,
        source: str,
        new_nodes: list[Node],
        new_rels: list[Relationship],
        progress: Progress | None,
        started: float,
    ) -> RefreshReport:
        def rows(statement: cypher.Statement, **params: Any) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(statement.text, params)]

        def write(statement: cypher.Statement, key: str, items: Sequence[Any], stage: str) -> None:
            for done, batch in enumerate(_batches(items, self.batch_size), 1):
                tx.run(statement.text, {key: list(batch), "source": source}).consume()
                if progress:
                    progress(stage, min(done * self.batch_size, len(items)))

        node_changes, rel_changes = _Changes(), _Changes()
        new_ids = {n.id for n in new_nodes}

        # What the graph holds now of these nodes, and what the source holds: a walk from the
        # source node (its HOLDS), never a scan of the graph.
        live: dict[str, Node] = {}
        for batch in _batches(sorted(new_ids), self.batch_size):
            for row in rows(cypher.READ_NODES, ids=list(batch)):
                live[row["id"]] = node_from_record(row["labels"], row["props"])
        held = {r["id"] for r in rows(cypher.HELD_NODES, source=source)}
        released = sorted(held - new_ids)
        # Who else holds what this source lets go: only those nodes are read (the change).
        released_types: dict[str, str] = {}
        gone: set[str] = set()
        for batch in _batches(released, self.batch_size):
            for row in rows(cypher.NODE_HOLDERS, ids=list(batch)):
                released_types[row["id"]] = _model_type(row["labels"])
                if not set(row["sources"]) - {source}:
                    gone.add(row["id"])

        problems = [
            f"node {n.id!r} is of type {n.type} in this load but {live[n.id].type} in the graph"
            for n in new_nodes
            if n.id in live and live[n.id].type != n.type
        ]
        endpoint_types = {n.id: n.type for n in new_nodes}
        outside = sorted({e for r in new_rels for e in (r.source, r.target)} - new_ids)
        for batch in _batches(outside, self.batch_size):
            for row in rows(cypher.READ_NODES, ids=list(batch)):
                if row["id"] not in gone:
                    endpoint_types[row["id"]] = node_from_record(row["labels"], row["props"]).type
        for rel in new_rels:
            src, tgt = endpoint_types.get(rel.source), endpoint_types.get(rel.target)
            if src is None:
                problems.append(f"relationship {rel.id!r}: source {rel.source!r} exists nowhere")
            elif tgt is None:
                problems.append(f"relationship {rel.id!r}: target {rel.target!r} exists nowhere")
            elif not RELATION_TYPE_BY_NAME[rel.type].fits(src, tgt):
                problems.append(
                    f"relationship {rel.id!r}: {rel.type} cannot join "
                    f"{src} {rel.source!r} to {tgt} {rel.target!r}"
                )
        if problems:
            raise RefreshConflict(sorted(problems)[:MAX_CONFLICTS])

        # The source node first: every HOLDS starts there.
        loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
        tx.run(cypher.RECORD_SOURCE.text, {"source": source, "loaded_at": loaded_at}).consume()

        # Nodes: write what is new or different; a node the source did not hold gets a HOLDS.
        upserts: dict[str, list[dict[str, Any]]] = {}
        for node in new_nodes:
            before = live.get(node.id)
            props = node_properties(node)
            if before is None or before != node_from_record([node.type], props):
                node_changes.add(node.type, _CREATED if before is None else _UPDATED)
                upserts.setdefault(node.type, []).append({"id": node.id, "props": props})
            else:
                node_changes.add(node.type, _UNCHANGED)
        for node_type in NODE_TYPES:
            write(cypher.upsert_nodes(node_type), "rows", upserts.get(node_type.name, []), "nodes")
        write(cypher.HOLD_NODES, "ids", sorted(new_ids - held), "holders")
        write(cypher.RELEASE_NODES, "ids", [id for id in released if id not in gone], "holders")

        # Relationships: the same, by id; one whose type or endpoints change is replaced.
        new_rel_ids = {r.id for r in new_rels}
        live_rels = self._relationships_in(tx, sorted(new_rel_ids))
        held_rels = {r["id"] for r in rows(cypher.HELD_RELATIONSHIPS, source=source)}
        released_rels = sorted(held_rels - new_rel_ids)
        unheld: set[str] = set()  # released relationships no other source holds
        for batch in _batches(released_rels, self.batch_size):
            for row in rows(cypher.RELATIONSHIP_HOLDERS, ids=list(batch)):
                if not set(row["sources"]) - {source}:
                    unheld.add(row["id"])
        deletions: dict[str, set[str]] = {}
        rel_upserts: dict[str, list[dict[str, Any]]] = {}
        for rel in new_rels:
            before_rel = live_rels.get(rel.id)
            props = relationship_properties(rel)
            expected = relationship_from_record(rel.id, rel.type, rel.source, rel.target, props)
            if before_rel is None or before_rel != expected:
                rel_changes.add(rel.type, _CREATED if before_rel is None else _UPDATED)
                if before_rel is not None and (
                    before_rel.type,
                    before_rel.source,
                    before_rel.target,
                ) != (rel.type, rel.source, rel.target):
                    deletions.setdefault(before_rel.type, set()).add(rel.id)
                rel_upserts.setdefault(rel.type, []).append(
                    {"id": rel.id, "source": rel.source, "target": rel.target, "props": props}
                )
            else:
                rel_changes.add(rel.type, _UNCHANGED)
        removed: set[str] = set()  # relationships that go, whose holdings go with them
        for id, rel in self._relationships_in(tx, sorted(unheld)).items():
            deletions.setdefault(rel.type, set()).add(id)
            rel_changes.add(rel.type, _REMOVED)
            removed.add(id)
        for batch in _batches(sorted(gone), self.batch_size):
            for row in rows(cypher.RELATIONSHIPS_TOUCHING, ids=list(batch)):
                if row["id"] not in new_rel_ids and row["id"] not in deletions.get(row["type"], ()):
                    deletions.setdefault(row["type"], set()).add(row["id"])
                    rel_changes.add(row["type"], _REMOVED)
                    removed.add(row["id"])
        for rel_type in RELATION_TYPES:
            name = rel_type.name
            ids = sorted(deletions.get(name, ()))
            write(cypher.delete_relationships(rel_type), "ids", ids, "pruning")
            upserts_of = rel_upserts.get(name, [])
            write(cypher.upsert_relationships(rel_type), "rows", upserts_of, "relationships")
        write(cypher.REMOVE_HOLDINGS, "ids", sorted(removed | unheld), "pruning")
        write(cypher.HOLD_RELATIONSHIPS, "ids", sorted(new_rel_ids - held_rels), "holders")
        kept = [id for id in released_rels if id not in unheld and id not in removed]
        write(cypher.RELEASE_RELATIONSHIPS, "ids", kept, "holders")

        # Nodes nobody holds go, with every relationship touching them, in bounded batches.
        for id in sorted(gone):
            node_changes.add(released_types[id], _REMOVED)
        write(cypher.REMOVE_NODES, "ids", sorted(gone), "pruning")

        version = _next_version(rows(cypher.DATA_VERSION))
        tx.run(cypher.PUBLISH_VERSION.text, {"version": version, "layout": cypher.LAYOUT}).consume()
        return RefreshReport(
            source=source,
            nodes=node_changes.report(),
            relationships=rel_changes.report(),
            seconds=time.perf_counter() - started,
            data_version=version,
        )

    def _relationships_in(
        self, tx: ManagedTransaction, ids: Sequence[str]
    ) -> dict[str, Relationship]:
        """The relationships among ``ids`` (one indexed lookup per type and batch)."""
        found: dict[str, Relationship] = {}
        for batch in _batches(ids, self.batch_size):
            for rel_type in RELATION_TYPES:
                statement = cypher.read_relationships(rel_type)
                for record in tx.run(statement.text, {"ids": list(batch)}):
                    found[record["id"]] = relationship_from_record(
                        record["id"],
                        record["type"],
                        record["source"],
                        record["target"],
                        dict(record["props"]),
                    )
        return found

    def wipe(self) -> None:
        """Delete every node and relationship of the database, in bounded batches.

        For tests and demos: it empties the whole database, innonet's or not. Relationships go
        first, so that no batch deletes a source node together with all its ``HOLDS``.
        """
        self._ensure_ready()
        self._counts = None
        for statement in (cypher.WIPE_RELATIONSHIPS, cypher.WIPE):
            while True:
                rows = self._run(
                    self._rows(statement, batch=10_000),
                    "wiping the database",
                    write=True,
                    timeout=self.refresh_timeout,
                )
                if not rows or not rows[0]["deleted"]:
                    break

    # --- reading ---------------------------------------------------------------------------
    def data_version(self) -> str:
        rows = self._read(self._rows(cypher.DATA_VERSION), "reading the data version")
        return str(rows[0]["version"]) if rows and rows[0]["version"] else "0"

    def node(self, id: str) -> Node | None:
        return self.nodes([id]).get(id)

    def _node_rows(
        self, ids: Iterable[str], statement: cypher.Statement = cypher.READ_NODES
    ) -> list[dict[str, Any]]:
        unique = list(dict.fromkeys(ids))

        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            found = []
            for batch in _batches(unique, self.batch_size):
                found += [r.data() for r in tx.run(statement.text, {"ids": list(batch)})]
            return found

        return self._read(work, "reading nodes")

    def nodes(self, ids: Sequence[str]) -> dict[str, Node]:
        return {r["id"]: node_from_record(r["labels"], r["props"]) for r in self._node_rows(ids)}

    def node_refs(self, ids: Iterable[str]) -> dict[str, NodeRef]:
        return {
            r["id"]: NodeRef(_model_type(r["labels"]), frozenset(r["sources"]))
            for r in self._node_rows(ids, cypher.NODE_HOLDERS)
        }

    def relationships(self, ids: Sequence[str]) -> dict[str, Relationship]:
        unique = list(dict.fromkeys(ids))
        return self._read(lambda tx: self._relationships_in(tx, unique), "reading relationships")

    def relationships_of(
        self, node_ids: Sequence[str], *, rel_types: Sequence[str] | None = None
    ) -> list[Relationship]:
        types = [cypher.relationship_type(t) for t in rel_types] if rel_types is not None else None
        unique = list(dict.fromkeys(node_ids))

        def work(tx: ManagedTransaction) -> dict[str, Relationship]:
            found = {}
            for batch in _batches(unique, self.batch_size):
                params = {"ids": list(batch), "types": types}
                for r in tx.run(cypher.RELATIONSHIPS_OF.text, params):
                    found[r["id"]] = relationship_from_record(
                        r["id"], r["type"], r["source"], r["target"], dict(r["props"])
                    )
            return found

        found = self._read(work, "reading relationships")
        return [found[id] for id in sorted(found)]

    def search(
        self, where: SearchFilter, *, first: int = 20, after: str | None = None
    ) -> SearchPage:
        if first < 0:
            raise ValueError(f"first must be 0 or more, got {first}")
        params = search_parameters(where)
        page = cypher.search_page(params, after=after is not None)
        if after is not None:
            params["after_name"], params["after_id"] = decode_cursor(after)

        def work(tx: ManagedTransaction) -> tuple[int, list[dict[str, Any]]]:
            if set(params) & set(cypher.SEARCH_FILTERS) == {"types"}:
                # types alone: the count store of each type's label, not a scan of the nodes
                statements = [cypher.count_nodes(NODE_TYPE_BY_NAME[t]) for t in params["types"]]
                total = sum(tx.run(s.text).single(strict=True)["count"] for s in statements)
            else:
                count = cypher.search_count(params.keys() & set(cypher.SEARCH_FILTERS))
                total = tx.run(count.text, params).single(strict=True)["total"]
            rows = tx.run(page.text, {**params, "page_size": first + 1})
            return int(total), [r.data() for r in rows]

        total, rows = self._read(work, "searching")
        found = [node_from_record(r["labels"], r["props"]) for r in rows[:first]]
        end = encode_cursor(found[-1].name, found[-1].id) if found else None
        return SearchPage(nodes=found, total=total, has_next=len(rows) > first, end_cursor=end)

    def counts(self) -> GraphCounts:
        def work(tx: ManagedTransaction) -> GraphCounts:
            version = tx.run(cypher.DATA_VERSION.text).single()
            data_version = str(version["version"]) if version and version["version"] else "0"
            cached = self._counts
            if cached is not None and cached.data_version == data_version:
                return cached

            def count(statement: cypher.Statement) -> int:
                return int(tx.run(statement.text).single(strict=True)["count"])

            by_type = {t.name: count(cypher.count_nodes(t)) for t in NODE_TYPES}
            by_rel = {t.name: count(cypher.count_relationships(t)) for t in RELATION_TYPES}
            sources = [
                SourceInfo(
                    name=r["name"],
                    loaded_at=r["loaded_at"],
                    nodes=int(r["nodes"]),
                    relationships=int(r["relationships"]),
                )
                for r in tx.run(cypher.SOURCES.text)
            ]
            return GraphCounts(
                nodes=sum(by_type.values()),
                relationships=sum(by_rel.values()),
                by_type={k: v for k, v in sorted(by_type.items()) if v},
                by_relation_type={k: v for k, v in sorted(by_rel.items()) if v},
                sources=sources,
                data_version=data_version,
            )

        counts = self._read(work, "counting")
        self._counts = counts
        return counts

    def iter_nodes(self) -> Iterator[Node]:
        """Every node ordered by id, a page of ``PAGE`` per read (each its own transaction)."""
        after = ""
        while True:
            rows = self._read(
                self._rows(cypher.NODE_PAGE, after=after, page_size=PAGE), "streaming nodes"
            )
            for row in rows:
                yield node_from_record(row["labels"], row["props"])
            if len(rows) < PAGE:
                return
            after = rows[-1]["id"]

    def _edges_of(self, rel_type: str) -> Iterator[Edge]:
        statement = cypher.edge_page(RELATION_TYPE_BY_NAME[rel_type])
        after = ""
        while True:
            rows = self._read(
                self._rows(statement, after=after, page_size=PAGE), "streaming relationships"
            )
            for r in rows:
                yield Edge(
                    r["id"], rel_type, r["source"], r["target"], float(r["weight"]), r["date"]
                )
            if len(rows) < PAGE:
                return
            after = rows[-1]["id"]

    def iter_edges(self) -> Iterator[Edge]:
        """Every relationship ordered by id: one id-ordered stream per type, merged."""
        yield from heapq.merge(*(self._edges_of(t.name) for t in RELATION_TYPES))

    # --- push-down -------------------------------------------------------------------------
    def shortest_path_relationships(
        self,
        source: str,
        target: str,
        *,
        max_hops: int,
        via: Sequence[str] | None,
        rel_types: Sequence[str] | None,
    ) -> list[Relationship] | None:
        """One shortest path on U with Cypher's ``shortestPath`` (see the PathPushdown contract)."""
        if source == target:
            return [] if self.node(source) is not None else None
        if rel_types is not None and not rel_types:
            return None
        params: dict[str, Any] = {"source": source, "target": target}
        if rel_types is not None:
            params["types"] = sorted({cypher.relationship_type(t) for t in rel_types})
        if via is not None:  # [] too: then no node may lie between the two endpoints
            params["via"] = sorted({model_node_type(t).name for t in via})
        statement = cypher.shortest_path(max_hops, typed="types" in params, via="via" in params)
        rows = self._read(self._rows(statement, **params), "finding a shortest path")
        if not rows:
            return None
        return [
            relationship_from_record(r["id"], r["type"], r["source"], r["target"], dict(r["props"]))
            for r in rows[0]["rels"]
        ]

    def has_gds(self) -> bool:
        """Whether the Graph Data Science plugin answers (asked once, then remembered)."""
        if self._gds is None:
            try:
                rows = self._read(self._rows(cypher.GDS_VERSION), "asking for Graph Data Science")
            except StoreError as exc:
                if not isinstance(exc.__cause__, ClientError):
                    raise
                self._gds = False
            else:
                self._gds = bool(rows)
                self._gds_version = str(rows[0]["version"]) if rows else ""
                log.info("Neo4j Graph Data Science %s found", self._gds_version)
        return self._gds

    def centrality_scores(
        self, metric: str, *, exact_limit: int, samples: int, seed: int
    ) -> PushedScores | None:
        """DEGREE in Cypher; BETWEENNESS, CLOSENESS and HARMONIC with Graph Data Science when it
        is installed, rescaled to networkx's definitions; None otherwise (and for PAGERANK).

        Above ``exact_limit`` nodes BETWEENNESS is estimated by GDS from ``samples`` source
        nodes (``samplingSize``/``samplingSeed``); CLOSENESS and HARMONIC, which GDS cannot
        sample, answer None there, so that ``queries`` estimates them on the projection as it
        does for the embedded store instead of running an exact all-pairs search here.

        The projection, the stream and the drop run in **one** read transaction: one session,
        one server (a cluster could route three sessions to three members, and the graph
        projected on one is not in the catalog of another). Each attempt projects under a fresh
        name and a retried transaction first drops what earlier attempts projected, so a retry
        never meets its own name; an empty graph is answered without a projection (GDS makes
        none from zero rows).
        """
        if metric == "DEGREE":
            rows = self._read(self._rows(cypher.DEGREE), "scoring degree")
            scores = {r["id"]: float(r["score"]) for r in rows}
            return PushedScores(scores, False, "relationships touching the node, counted in Cypher")
        if metric not in cypher.GDS_METRICS or not self.has_gds():
            return None
        projected: list[str] = []  # names projected by an attempt and perhaps not dropped

        def drop(tx: ManagedTransaction, graph: str) -> None:
            tx.run(cypher.GDS_DROP.text, {"graph": graph}).consume()
            projected.remove(graph)

        def work(tx: ManagedTransaction) -> PushedScores | None:
            for stale in list(projected):  # a retry: what an earlier attempt left
                drop(tx, stale)
            n = int(tx.run(cypher.GRAPH_NODES.text).single(strict=True)["count"])
            if n == 0:
                return PushedScores({}, False, "no nodes to score")
            sampled = n > exact_limit
            if sampled and metric not in cypher.GDS_SAMPLED_METRICS:
                return None
            graph = f"innonet-{uuid.uuid4().hex}"
            projected.append(graph)
            tx.run(cypher.GDS_PROJECT_U.text, {"graph": graph}).consume()
            drawn = min(samples, n)
            stream = cypher.gds_stream(metric, sampled=sampled)
            params = {"graph": graph, "samples": drawn, "seed": seed}
            raw = {r["id"]: float(r["score"]) for r in tx.run(stream.text, params)}
            drop(tx, graph)
            version = f"Graph Data Science {self._gds_version}"
            if not sampled:
                return PushedScores(gds_scores(metric, raw), False, f"exact, {version}")
            method = (
                f"estimated by {version} from {drawn} source nodes (samplingSize {drawn}, "
                f"samplingSeed {seed}; GDS draws sources with a probability that grows with "
                f"their degree), sums scaled by n / {drawn} and as networkx"
            )
            return PushedScores(gds_scores(metric, raw, sources=drawn), True, method)

        try:
            return self._run(
                work, f"scoring {metric.lower()}", write=False, timeout=self.refresh_timeout
            )
        finally:
            for graph in projected:  # the transaction failed: drop what it left, if we can
                try:
                    self._run(
                        self._rows(cypher.GDS_DROP, graph=graph),
                        "dropping a GDS projection",
                        write=False,
                        timeout=self.timeout,
                    )
                except StoreError as exc:
                    log.warning("GDS projection %s left in the catalog: %s", graph, exc)


def gds_scores(
    metric: str, raw: dict[str, float], *, sources: int | None = None
) -> dict[str, float]:
    """GDS scores on U rescaled to the networkx definitions of API_CONTRACT.md.

    - BETWEENNESS: GDS halves the ordered-pair sums on an undirected graph; networkx
      ``normalized=True`` divides those sums by (n-1)(n-2). From ``sources`` sampled source
      nodes, GDS's sums cover only their searches: they are scaled by n / ``sources``.
    - CLOSENESS: GDS with ``useWassermanFaust`` is networkx's ``wf_improved`` formula as is.
    - HARMONIC: GDS divides the sum of reciprocal distances by n-1; networkx does not.

    >>> gds_scores("BETWEENNESS", {"a": 0.0, "b": 1.0, "c": 0.0})["b"]
    1.0
    >>> gds_scores("BETWEENNESS", {"a": 0.0, "b": 0.5, "c": 0.0}, sources=2)["b"]
    0.75
    """
    n = len(raw)
    if metric == "BETWEENNESS":
        scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
        if sources is not None:
            scale *= n / sources
        return {id: score * scale for id, score in raw.items()}
    if metric == "HARMONIC":
        return {id: score * (n - 1) for id, score in raw.items()}
    return dict(raw)
