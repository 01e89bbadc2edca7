"""The Neo4j store: the graph in a Neo4j 5 database, for production and scale.

Every statement it runs comes from :mod:`graphsvc.stores.cypher` (generated from the model).

All or nothing
--------------
A refresh writes in many short transactions, under a new version that readers do not see, and
publishes it with one small transaction (see :mod:`graphsvc.stores.cypher` for how versions are
kept on the graph, and docs/neo4j.md):

1. It takes the refresh lock (a lease on the meta node, renewed by a heartbeat thread and by
   every write transaction of the refresh, on the server's clock) and reads the published
   version P. If the last refresh did not finish, its leftovers go first (a *sweep*).
2. It compares the rows with version P (reads only) and works out what changes; a conflict is
   found here, before anything is written.
3. It writes version P + 1 in batches of ``batch_size`` rows, each batch a transaction of its
   own that, before it commits, checks (holding the meta node's write lock) that the refresh
   lock is still its own. Server memory per transaction is one batch, whatever the refresh.
4. One transaction publishes: changed nodes take their staged properties, and the meta node's
   ``published`` becomes P + 1. Readers switch from P to P + 1 at its commit.
5. What P + 1 removed is deleted in batches; then the lock is released.

A failure before step 4 publishes nothing: the refresh sweeps its writes away if it can, and
otherwise (a killed process, a lost server) the next refresh does. A reader passes the version
it reads to every statement and reads it again at the end; when a refresh published in between,
it reads again, so no answer mixes two versions. Running out of server memory fails at once with
the setting to raise; it is never retried.

Who holds what is kept as ``HOLDS`` relationships from each source's node, so what a source held
is a walk from that node: a refresh reads in proportion to its source and writes in proportion
to its change, never scanning the graph.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import math
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

import neo4j
from neo4j import Driver, GraphDatabase, ManagedTransaction, Transaction
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graphsvc.model import (
    NODE_TYPE_BY_NAME,
    NODE_TYPES,
    RELATION_SINCE,
    RELATION_TYPE_BY_NAME,
    RELATION_TYPES,
)
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
    encode_properties,
)

log = logging.getLogger(__name__)
logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
"""The driver logs every server notification as a warning: on a new database, every read names
a property no node has yet ("property key does not exist"), which would fill a loader's output.
The notifications themselves stay on every result's summary."""

DEFAULT_DATABASE: Final = "neo4j"
DEFAULT_USER: Final = "neo4j"
BATCH: Final = 10_000
"""Rows per write statement and ids per read statement."""
PAGE: Final = 5_000
"""Rows per page when streaming every node or edge."""
MAX_CONFLICTS: Final = 100
LEASE: Final = 60.0
"""Seconds a refresh lock lasts unless renewed (``INNONET_REFRESH_LEASE``)."""
READ_ATTEMPTS: Final = 3
"""Times a read runs while refreshes keep publishing under it."""
WRITE_ATTEMPTS: Final = 3
"""Times a write transaction runs on transient errors (never on running out of memory)."""
SWEEP_BATCH: Final = 20_000
"""Nodes or relationships deleted per transaction when cleaning up an unfinished refresh."""
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


_RELATIONSHIP_COLUMNS: Final = {
    rel_type.name: frozenset(cypher.relationship_columns(rel_type)) for rel_type in RELATION_TYPES
}


def _extra_columns(rel_type: str, props: dict[str, Any]) -> dict[str, Any]:
    """The properties of ``props`` that are not columns the model names for ``rel_type``."""
    columns = _RELATIONSHIP_COLUMNS[rel_type]
    return {k: v for k, v in props.items() if k not in columns}


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


class _Changes:
    """Created/updated/removed/unchanged counts per type, while a refresh is worked out."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}

    def add(self, type_: str, what: int) -> None:
        self.counts.setdefault(type_, [0, 0, 0, 0])[what] += 1

    def report(self) -> dict[str, TypeChanges]:
        return {t: TypeChanges(*c) for t, c in sorted(self.counts.items())}


_CREATED, _UPDATED, _REMOVED, _UNCHANGED = range(4)


def _batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def memory_setting(exc: Neo4jError) -> str | None:
    """The server setting to raise when ``exc`` says Neo4j ran out of memory, else None.

    Neo4j reports these as transient errors, but the same transaction would run out again:
    they are never retried.

    >>> from neo4j.exceptions import TransientError
    >>> error = TransientError()
    >>> error._neo4j_code = "Neo.TransientError.General.TransactionMemoryLimit"
    >>> memory_setting(error)
    'db.memory.transaction.max'
    """
    code = exc.code or ""
    if not code.startswith("Neo.TransientError.General.") or "Memory" not in code:
        return None
    named = _THRESHOLD.search(exc.message or str(exc))
    if named:
        return named.group(1)
    return _MEMORY_SETTINGS.get(code.rsplit(".", 1)[-1], "the server's memory settings")


_THRESHOLD: Final = re.compile(r"([a-z_]+(?:\.[a-z_]+)+) threshold reached")
_MEMORY_SETTINGS: Final = {
    "TransactionMemoryLimit": "db.memory.transaction.max",
    "MemoryPoolOutOfMemoryError": "db.memory.transaction.total.max",
    "TransactionOutOfMemoryError": "server.memory.off_heap.transaction_max_size",
    "OutOfMemoryError": "server.memory.heap.max_size (the JVM's -Xmx)",
}


class ReadTx:
    """A transaction whose statements read version ``published`` (passed as ``$published``)."""

    def __init__(self, tx: ManagedTransaction, published: int) -> None:
        self._tx = tx
        self.published = published

    def run(self, query: str, parameters: dict[str, Any] | None = None) -> neo4j.Result:
        return self._tx.run(query, {**(parameters or {}), "published": self.published})


def _lock_contended(exc: BaseException | None) -> bool:
    """Whether ``exc`` is the server ending a transaction that waited for a lock too long (past
    its timeout, or in a deadlock)."""
    code = (exc.code or "") if isinstance(exc, Neo4jError) else ""
    words = ("TimedOut", "Terminated", "LockClientStopped", "Deadlock")
    return any(word in code for word in words)


def _published(tx: ManagedTransaction) -> int:
    row = tx.run(cypher.DATA_VERSION.text).single()
    return int(row["published"] or 0) if row else 0


class _Republished(Exception):
    """A read saw the published version change under it (it runs again)."""


class LockLost(StoreBusy):
    """The refresh lock is no longer this refresh's: its lease ran out and another took it (the
    store is busy with another load, as for :class:`StoreBusy`: load again later)."""


class _Lease:
    """Renews a refresh lock's lease every quarter of it, on a thread of its own, so that only
    a dead refresh's lock ever goes stale; ``lost`` is set when the lock is no longer its own."""

    def __init__(self, store: Neo4jStore, tag: str) -> None:
        self.lost = threading.Event()
        self._store = store
        self._tag = tag
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="innonet-lease", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        while not self._stopped.wait(self._store.lease / 4):
            try:
                if not self._store._renew(self._tag):
                    self.lost.set()
                    return
            except StoreError as exc:  # the next beat tries again; the writes check it too
                log.warning("renewing the refresh lock: %s", exc)

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()


@dataclass
class _Plan:
    """What a refresh writes, worked out from the published graph before anything is written."""

    node_changes: _Changes = field(default_factory=lambda: _Changes())
    rel_changes: _Changes = field(default_factory=lambda: _Changes())
    create_nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    stage_nodes: list[dict[str, Any]] = field(default_factory=list)
    hold_nodes: list[str] = field(default_factory=list)
    release_nodes: list[str] = field(default_factory=list)
    remove_nodes: list[str] = field(default_factory=list)
    remove_rels: dict[str, set[str]] = field(default_factory=dict)
    create_rels: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    replace_rels: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    extra_rels: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    remove_holdings: list[str] = field(default_factory=list)
    hold_rels: list[str] = field(default_factory=list)
    release_rels: list[str] = field(default_factory=list)


def _relationship_of(record: neo4j.Record) -> Relationship:
    return relationship_from_record(
        record["id"], record["type"], record["source"], record["target"], dict(record["props"])
    )


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
        Seconds publishing, or one batch of cleaning up, may run (a write batch may run for
        ``lease`` seconds).
    lock_wait : float
        Seconds a refresh waits for another refresh before :class:`StoreBusy`.
    batch_size : int
        Rows per write transaction.
    lease : float
        Seconds the refresh lock lasts unless its refresh renews it (every ``lease / 4``): a
        killed refresh's lock is taken over ``lease`` seconds after its last renewal.
    """

    in_process = False

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
        lease: float = LEASE,
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
        self.lease = lease
        self._auth = auth
        self._driver: Driver | None = _acquire_driver(uri, auth, timeout)
        self._ready = False
        self._ready_lock = threading.Lock()
        self._gds: bool | None = None
        self._gds_version = ""
        self._counts: GraphCounts | None = None

    @classmethod
    def from_env(cls, uri: str) -> Neo4jStore:
        """The store at ``uri`` with ``NEO4J_USER`` (default ``neo4j``), ``NEO4J_PASSWORD``,
        ``NEO4J_DATABASE`` (default ``neo4j``) and ``INNONET_REFRESH_LEASE`` (seconds, default
        60) from the environment."""
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
        lease_text = os.environ.get("INNONET_REFRESH_LEASE", "").strip()
        try:
            lease = float(lease_text) if lease_text else LEASE
        except ValueError:
            lease = -1.0
        if not 1.0 <= lease <= 86_400.0:
            raise StoreError(
                f"INNONET_REFRESH_LEASE={lease_text!r}: give the refresh lock's lease in seconds, "
                "1 to 86400"
            )
        return cls(uri, (user, password), database=database, lease=lease)

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
            setting = memory_setting(exc)
            if setting is not None:
                return StoreError(
                    f"store {self.uri}: Neo4j ran out of memory while {doing} ({exc.code}); "
                    f"raise {setting} on the server. Nothing of this refresh is visible"
                )
            return StoreError(f"store {self.uri}: Neo4j failed while {doing}: {exc.code}")
        return StoreError(f"store {self.uri}: {doing} failed: {exc}")

    def _read(self, work: Callable[[ReadTx], T], doing: str) -> T:
        """Run ``work`` on the published graph, in a managed read transaction.

        It reads the published version first and passes it to every statement; if a refresh
        publishes before the work is done (the version read again at its end differs), what it
        read may mix two versions, so it runs again (up to :data:`READ_ATTEMPTS` times).
        """
        self._ensure_ready()

        def attempt(tx: ManagedTransaction) -> T:
            published = _published(tx)
            result = work(ReadTx(tx, published))
            if _published(tx) != published:
                raise _Republished
            return result

        for _ in range(READ_ATTEMPTS):
            try:
                return self._managed(attempt, doing, write=False, timeout=self.timeout)
            except _Republished:
                continue
        raise StoreError(
            f"store {self.uri}: the graph was refreshed {READ_ATTEMPTS} times while {doing}; "
            "ask again"
        )

    def _run(
        self,
        work: Callable[[ReadTx], T],
        doing: str,
        *,
        write: bool,
        timeout: float,
        published: int = 0,
    ) -> T:
        """Run ``work`` in a managed transaction, its statements reading version ``published``."""
        return self._managed(
            lambda tx: work(ReadTx(tx, published)), doing, write=write, timeout=timeout
        )

    def _managed(
        self, work: Callable[[ManagedTransaction], T], doing: str, *, write: bool, timeout: float
    ) -> T:
        """A managed transaction: retried on transient errors, except running out of memory,
        which fails at once (a retry would only run out again)."""

        def bounded(tx: ManagedTransaction) -> T:
            try:
                return work(tx)
            except Neo4jError as exc:
                if memory_setting(exc) is not None:
                    raise self._fail(exc, doing) from exc
                raise

        unit = neo4j.unit_of_work(timeout=timeout)(bounded)
        try:
            with self.driver.session(database=self.database) as session:
                if write:
                    return session.execute_write(unit)
                return session.execute_read(unit)
        except (RefreshConflict, StoreError, _Republished):
            raise
        except (Neo4jError, DriverError) as exc:
            raise self._fail(exc, doing) from exc

    def _rows(
        self, statement: cypher.Statement, **params: Any
    ) -> Callable[[ReadTx], list[dict[str, Any]]]:
        def work(tx: ReadTx) -> list[dict[str, Any]]:
            # dict(items()), not data(): no statement returns a node, relationship or path, so
            # data()'s recursive conversion (an isinstance test against abstract classes for
            # every value in every map and list) converted nothing, and cost a third of the
            # client's CPU in a projection's read of the whole graph
            return [dict(record.items()) for record in tx.run(statement.text, params)]

        return work

    def _ensure_ready(self) -> None:
        """Create the constraints, indexes and meta node once (each idempotent), on first use."""
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
            self._create_meta()
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
                    f"{cypher.LAYOUT}); wipe the database (in cypher-shell: MATCH (n) DETACH "
                    "DELETE n) and load the sources again"
                )
            self._ready = True

    def _create_meta(self) -> None:
        """The meta node, unless there is one: an empty graph, published version 0."""
        self._run(
            self._rows(cypher.CREATE_META, layout=cypher.LAYOUT, data_version="0", no_lock=""),
            "setting up the schema",
            write=True,
            timeout=self.timeout,
        )

    # --- writing ---------------------------------------------------------------------------
    def refresh(
        self,
        source: str,
        nodes: Iterable[Node],
        relationships: Iterable[Relationship],
        *,
        progress: Progress | None = None,
    ) -> RefreshReport:
        """Make ``source`` hold exactly these nodes and relationships; see the module docstring
        for how it stays all or nothing."""
        started = time.perf_counter()
        new_nodes = list(nodes)
        new_rels = list(relationships)
        problems = _row_problems(new_nodes, new_rels)
        if problems:
            raise RefreshConflict(problems[:MAX_CONFLICTS])
        self._ensure_ready()
        tag = uuid.uuid4().hex
        published, dirty = self._acquire(tag)
        lease = _Lease(self, tag)
        clean = not dirty  # no unpublished writes and no uncollected removals in the database
        publishing = False
        try:
            if dirty:
                self._sweep(tag, published, progress)
                clean = True
            plan = self._plan(source, new_nodes, new_rels, published)
            new_nodes.clear()  # the plan holds what is written; let the rest go
            new_rels.clear()
            version = published + 1
            clean = False
            self._write_plan(tag, plan, source, version, published, progress)
            data_version = f"{version}-{uuid.uuid4().hex[:12]}"
            publishing = True
            self._publish(tag, source, version, data_version)
            publishing = False
            self._collect(tag, plan, version, progress)
            clean = True
            self._release(tag, dirty=False)
        except Exception:
            if not clean and not publishing and not lease.lost.is_set():
                try:  # leave nothing for the next refresh to clean up, if the server lets us
                    self._sweep(tag, self._published_now(), None)
                    clean = True
                except StoreError as exc:
                    log.warning("cleaning up after a failed refresh: %s", exc)
            self._release_quietly(tag, dirty=not clean)
            raise
        except BaseException:
            self._release_quietly(tag, dirty=not clean)
            raise
        finally:
            lease.stop()
        return RefreshReport(
            source=source,
            nodes=plan.node_changes.report(),
            relationships=plan.rel_changes.report(),
            seconds=time.perf_counter() - started,
            data_version=data_version,
        )

    def _write(
        self,
        work: Callable[[Transaction], T],
        doing: str,
        *,
        tag: str | None,
        timeout: float | None = None,
    ) -> T:
        """``work`` in a write transaction of its own, committed; the server ends it after
        ``timeout`` seconds (by default the larger of 120 s and ten leases).

        With ``tag``, the transaction ends by taking the meta node's write lock, checking that
        the refresh lock is still ``tag``'s and renewing its lease, just before it commits: no
        write of a refresh whose lock was taken over can commit, and the meta node is locked
        for a moment only (a process frozen in the middle of a batch holds no lock another
        refresh needs, besides the rows of its own batch). Transient errors are retried (the
        transaction did not commit), except running out of memory, which fails at once naming
        the setting to raise. A lost connection is not retried: the commit may or may not have
        happened.
        """
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with (
                    self.driver.session(database=self.database) as session,
                    session.begin_transaction(timeout=timeout or self._batch_timeout) as tx,
                ):
                    result = work(tx)
                    if tag is not None:
                        self._hold(tx, tag)
                    tx.commit()
                    return result
            except Neo4jError as exc:
                if memory_setting(exc) is None and exc.is_retryable() and attempt < WRITE_ATTEMPTS:
                    time.sleep(0.2 * attempt)
                    continue
                raise self._fail(exc, doing) from exc
            except DriverError as exc:
                raise self._fail(exc, doing) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _hold(self, tx: Transaction, tag: str) -> int:
        """Take the meta node's write lock and renew the lease of ``tag``; the published version.
        :class:`LockLost` when the refresh lock is not ``tag``'s any more."""
        tx.run(cypher.TAKE_META_LOCK.text).consume()
        row = tx.run(cypher.RENEW_LEASE.text, {"tag": tag, "lease_ms": self._lease_ms}).single()
        if row is None:
            raise LockLost(
                f"store {self.uri}: this load's refresh lock was taken over (its lease of "
                f"{self.lease:g} s ran out); nothing of this refresh was published"
            )
        return int(row["published"] or 0)

    @property
    def _lease_ms(self) -> int:
        return int(self.lease * 1000)

    @property
    def _batch_timeout(self) -> float:
        return max(120.0, 10 * self.lease)

    def _acquire(self, tag: str) -> tuple[int, bool]:
        """Take the refresh lock, waiting up to ``lock_wait`` seconds; the published version and
        whether an earlier refresh left something to clean up."""

        def take(tx: Transaction) -> tuple[int, bool] | None:
            tx.run(cypher.TAKE_META_LOCK.text).consume()
            lease = {"tag": tag, "lease_ms": self._lease_ms}
            row = tx.run(cypher.ACQUIRE_LOCK.text, lease).single()
            return None if row is None else (int(row["published"] or 0), bool(row["dirty"]))

        deadline = time.monotonic() + self.lock_wait
        wait = max(1.0, min(self.lease, self.lock_wait))
        while True:
            try:
                taken = self._write(take, "taking the refresh lock", tag=None, timeout=wait)
            except StoreError as exc:  # the meta node stayed locked by a running transaction
                if not _lock_contended(exc.__cause__):
                    raise
                taken = None
            if taken is not None:
                return taken
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    f"store {self.uri}: another load is writing; waited {self.lock_wait:g} s "
                    "for it to finish"
                )
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))

    def _renew(self, tag: str) -> bool:
        """Renew the lease of ``tag`` (the heartbeat); False when the lock is not its own."""
        try:
            self._write(
                lambda tx: self._hold(tx, tag),
                "renewing the refresh lock",
                tag=None,
                timeout=self.lease,
            )
        except LockLost:
            return False
        return True

    def _release(self, tag: str, *, dirty: bool) -> None:
        def release(tx: Transaction) -> None:
            tx.run(cypher.TAKE_META_LOCK.text).consume()
            tx.run(cypher.RELEASE_LOCK.text, {"tag": tag, "dirty": dirty}).consume()

        self._write(release, "releasing the refresh lock", tag=None, timeout=self.lease)

    def _release_quietly(self, tag: str, *, dirty: bool) -> None:
        try:
            self._release(tag, dirty=dirty)
        except StoreError as exc:  # the lease runs out, and the next refresh cleans up
            log.warning("%s", exc)

    def _published_now(self) -> int:
        """The published version, as a read transaction reads it now."""
        return self._managed(
            _published, "reading the data version", write=False, timeout=self.timeout
        )

    def _batches_of(
        self,
        tag: str,
        statement: cypher.Statement,
        key: str,
        items: Sequence[Any],
        params: dict[str, Any],
        stage: str,
        progress: Progress | None,
        done: list[int],
    ) -> None:
        """Write ``items`` ``batch_size`` at a time, each batch its own leased transaction."""
        for batch in _batches(items, self.batch_size):
            values = {**params, key: list(batch)}

            def write(tx: Transaction, values: dict[str, Any] = values) -> None:
                tx.run(statement.text, values).consume()

            self._write(write, f"writing ({stage})", tag=tag)
            done[0] += len(batch)
            if progress:
                progress(stage, done[0])

    def _sweep(self, tag: str, published: int, progress: Progress | None) -> None:
        """Remove what no reader of version ``published`` may see: the writes of a refresh that
        never published, and the removals of a published one not deleted yet; and keep what an
        unpublished refresh meant to remove. Each batch is its own leased transaction."""
        done = 0
        for statement in cypher.sweep_statements():
            while True:
                params = {"published": published, "batch": SWEEP_BATCH}

                def run(
                    tx: Transaction, text: str = statement.text, params: dict[str, Any] = params
                ) -> int:
                    return int(tx.run(text, params).single(strict=True)["done"])

                count = self._write(
                    run, "cleaning up an unfinished refresh", tag=tag, timeout=self.refresh_timeout
                )
                done += count
                if progress and count:
                    progress("cleaning up", done)
                if count < SWEEP_BATCH:
                    break

    def _plan(
        self, source: str, new_nodes: list[Node], new_rels: list[Relationship], published: int
    ) -> _Plan:
        """Compare the rows with published version ``published``: what to write (and the counts
        of the report), or :class:`RefreshConflict`. It reads, never writes."""

        # Into a database without a single graph node (a first load), nothing is live or held:
        # every read below would come back empty, so none is sent.
        empty = not self._run(
            lambda tx: bool(tx.run(cypher.ANY_NODE.text).single(strict=True)["any"]),
            "reading whether the graph is empty",
            write=False,
            timeout=self.refresh_timeout,
            published=published,
        )

        def rows(statement: cypher.Statement, **params: Any) -> list[dict[str, Any]]:
            if empty:
                return []
            return self._run(
                self._rows(statement, **params),
                f"reading what {source!r} holds",
                write=False,
                timeout=self.refresh_timeout,
                published=published,
            )

        def batched(statement: cypher.Statement, ids: Sequence[str]) -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = []
            for batch in _batches(ids, self.batch_size):
                found += rows(statement, ids=list(batch))
            return found

        plan = _Plan()
        new_ids = {n.id for n in new_nodes}

        # What the graph holds now of these nodes, and what the source holds: a walk from the
        # source node (its HOLDS), never a scan of the graph.
        live = {
            row["id"]: node_from_record(row["labels"], row["props"])
            for row in batched(cypher.READ_NODES, sorted(new_ids))
        }
        held = {r["id"] for r in rows(cypher.HELD_NODES, source=source)}
        released = sorted(held - new_ids)
        # Who else holds what this source lets go: only those nodes are read (the change).
        released_types: dict[str, str] = {}
        gone: set[str] = set()
        for row in batched(cypher.NODE_HOLDERS, released):
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
        for row in batched(cypher.READ_NODES, outside):
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

        # Nodes: what is new is created (held by the source in the same statement); what changes
        # is staged until publishing.
        created: set[str] = set()
        for node in new_nodes:
            before = live.get(node.id)
            props = node_properties(node)
            if before is None:
                plan.node_changes.add(node.type, _CREATED)
                plan.create_nodes.setdefault(node.type, []).append({"props": props})
                created.add(node.id)
            elif before != node_from_record([node.type], props):
                plan.node_changes.add(node.type, _UPDATED)
                plan.stage_nodes.append({"props": props})
            else:
                plan.node_changes.add(node.type, _UNCHANGED)
        plan.hold_nodes = sorted(new_ids - held - created)
        plan.release_nodes = [id for id in released if id not in gone]
        plan.remove_nodes = sorted(gone)
        for id in plan.remove_nodes:
            plan.node_changes.add(released_types[id], _REMOVED)

        # Relationships, by id. What changes at all (its values, type or endpoints) is replaced
        # by a new relationship.
        new_rel_ids = {r.id for r in new_rels}
        live_rels = {} if empty else self._relationships_by_type(new_rels, published)
        held_rels = {r["id"] for r in rows(cypher.HELD_RELATIONSHIPS, source=source)}
        released_rels = sorted(held_rels - new_rel_ids)
        unheld: set[str] = set()  # released relationships no other source holds
        for row in batched(cypher.RELATIONSHIP_HOLDERS, released_rels):
            if not set(row["sources"]) - {source}:
                unheld.add(row["id"])
        created_rels: set[str] = set()  # new relationships: their holdings come with them
        for rel in new_rels:
            before_rel = live_rels.get(rel.id)
            props = relationship_properties(rel)
            if before_rel is not None and before_rel == relationship_from_record(
                rel.id, rel.type, rel.source, rel.target, props
            ):
                plan.rel_changes.add(rel.type, _UNCHANGED)
                continue
            plan.rel_changes.add(rel.type, _CREATED if before_rel is None else _UPDATED)
            row = {"source": rel.source, "target": rel.target, "props": props}
            extra = _extra_columns(rel.type, props)
            if extra:
                plan.extra_rels.setdefault(rel.type, []).append({"id": rel.id, "extra": extra})
            if before_rel is None:
                plan.create_rels.setdefault(rel.type, []).append(row)
                created_rels.add(rel.id)
            else:
                plan.remove_rels.setdefault(before_rel.type, set()).add(rel.id)
                plan.replace_rels.setdefault(rel.type, []).append(row)
        removed: set[str] = set()  # relationships that go, whose holdings go with them
        unheld_rels = self._run(
            lambda tx: self._relationships_in(tx, sorted(unheld)),
            "reading relationships",
            write=False,
            timeout=self.refresh_timeout,
            published=published,
        )
        for id, rel in unheld_rels.items():
            plan.remove_rels.setdefault(rel.type, set()).add(id)
            plan.rel_changes.add(rel.type, _REMOVED)
            removed.add(id)
        for row in batched(cypher.RELATIONSHIPS_TOUCHING, plan.remove_nodes):
            if row["id"] not in new_rel_ids and row["id"] not in plan.remove_rels.get(
                row["type"], ()
            ):
                plan.remove_rels.setdefault(row["type"], set()).add(row["id"])
                plan.rel_changes.add(row["type"], _REMOVED)
                removed.add(row["id"])
        plan.remove_holdings = sorted(removed | unheld)
        plan.hold_rels = sorted(new_rel_ids - held_rels - created_rels)
        plan.release_rels = [id for id in released_rels if id not in unheld and id not in removed]
        return plan

    def _relationships_by_type(
        self, rels: Sequence[Relationship], published: int
    ) -> dict[str, Relationship]:
        """The stored relationships under the ids of ``rels``: looked up under each one's type;
        of those not found there, the ones someone holds (so they exist: their type changes)
        under every type."""

        def work(tx: ReadTx) -> dict[str, Relationship]:
            found: dict[str, Relationship] = {}
            by_type: dict[str, list[str]] = {}
            for rel in rels:
                by_type.setdefault(rel.type, []).append(rel.id)
            for type_name, ids in by_type.items():
                statement = cypher.read_relationships(RELATION_TYPE_BY_NAME[type_name])
                for batch in _batches(ids, self.batch_size):
                    for record in tx.run(statement.text, {"ids": list(batch)}):
                        found[record["id"]] = _relationship_of(record)
            missing = sorted({r.id for r in rels} - found.keys())
            held: list[str] = []
            for batch in _batches(missing, self.batch_size):
                held += [r["id"] for r in tx.run(cypher.RELATIONSHIP_HOLDERS.text, {"ids": batch})]
            found.update(self._relationships_in(tx, held))
            return found

        return self._run(
            work,
            "reading relationships",
            write=False,
            timeout=self.refresh_timeout,
            published=published,
        )

    def _write_plan(
        self,
        tag: str,
        plan: _Plan,
        source: str,
        version: int,
        published: int,
        progress: Progress | None,
    ) -> None:
        """Write the plan under ``version``, unpublished, batch by batch."""
        params = {"source": source, "version": version, "published": published}
        loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
        self._write(
            lambda tx: tx.run(cypher.RECORD_SOURCE.text, {**params, "loaded_at": loaded_at}),
            "recording the source",
            tag=tag,
        )

        def write(statement: cypher.Statement, key: str, items: Sequence[Any], stage: str) -> None:
            self._batches_of(tag, statement, key, items, params, stage, progress, counters[stage])

        stages = ("nodes", "holders", "relationships", "extra columns", "pruning")
        counters = {stage: [0] for stage in stages}
        for node_type in NODE_TYPES:
            rows = plan.create_nodes.get(node_type.name, [])
            write(cypher.create_nodes(node_type), "rows", rows, "nodes")
        write(cypher.STAGE_NODES, "rows", plan.stage_nodes, "nodes")
        write(cypher.HOLD_NODES, "ids", plan.hold_nodes, "holders")
        write(cypher.RELEASE_NODES, "ids", plan.release_nodes, "holders")
        for rel_type in RELATION_TYPES:
            ids = sorted(plan.remove_rels.get(rel_type.name, ()))
            write(cypher.remove_relationships(rel_type), "ids", ids, "pruning")
        for rel_type in RELATION_TYPES:
            rows = plan.create_rels.get(rel_type.name, [])
            write(cypher.create_relationships(rel_type), "rows", rows, "relationships")
            rows = plan.replace_rels.get(rel_type.name, [])
            write(cypher.replace_relationships(rel_type), "rows", rows, "relationships")
            rows = plan.extra_rels.get(rel_type.name, [])
            write(cypher.set_extra_columns(rel_type), "rows", rows, "extra columns")
        write(cypher.REMOVE_HOLDINGS, "ids", plan.remove_holdings, "pruning")
        write(cypher.HOLD_RELATIONSHIPS, "ids", plan.hold_rels, "holders")
        write(cypher.RELEASE_RELATIONSHIPS, "ids", plan.release_rels, "holders")
        write(cypher.REMOVE_NODES, "ids", plan.remove_nodes, "pruning")
        write(cypher.REMOVE_NODE_LINKS, "ids", plan.remove_nodes, "pruning")

    def _publish(self, tag: str, source: str, version: int, data_version: str) -> None:
        """One transaction: changed nodes take their staged properties, and version ``version``
        becomes the one readers see. Nothing else of the refresh is written here."""

        def publish(tx: Transaction) -> None:
            tx.run(cypher.APPLY_STAGED.text).consume()
            tx.run(
                cypher.STAMP_SOURCE.text,
                {"source": source, "loaded_at": datetime.now(UTC).isoformat(timespec="seconds")},
            ).consume()
            tx.run(
                cypher.PUBLISH_VERSION.text,
                {"version": version, "data_version": data_version, "layout": cypher.LAYOUT},
            ).consume()

        self._write(publish, "publishing the refresh", tag=tag, timeout=self.refresh_timeout)
        self._counts = None

    def _collect(self, tag: str, plan: _Plan, version: int, progress: Progress | None) -> None:
        """After publishing: delete what version ``version`` removed (no reader sees it)."""
        params = {"published": version}
        done = [0]

        def write(statement: cypher.Statement, ids: Sequence[str]) -> None:
            self._batches_of(tag, statement, "ids", ids, params, "cleaning up", progress, done)

        write(cypher.COLLECT_NODES, plan.remove_nodes)
        for rel_type in RELATION_TYPES:
            ids = sorted(plan.remove_rels.get(rel_type.name, ()))
            write(cypher.collect_relationships(rel_type), ids)
        write(cypher.COLLECT_HOLDS, plan.release_nodes)
        write(cypher.COLLECT_HOLDINGS, sorted([*plan.remove_holdings, *plan.release_rels]))

    def _relationships_in(self, tx: ReadTx, ids: Sequence[str]) -> dict[str, Relationship]:
        """The relationships among ``ids`` (one indexed lookup per type and batch)."""
        found: dict[str, Relationship] = {}
        for batch in _batches(ids, self.batch_size):
            for rel_type in RELATION_TYPES:
                statement = cypher.read_relationships(rel_type)
                for record in tx.run(statement.text, {"ids": list(batch)}):
                    found[record["id"]] = _relationship_of(record)
        return found

    def wipe(self) -> None:
        """Delete every node and relationship of the database, in bounded batches.

        For tests and demos: it empties the whole database, innonet's or not (a refresh lock
        too). Relationships go first, so that no batch deletes a source node together with all
        its ``HOLDS``.
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
        self._create_meta()

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

        def work(tx: ReadTx) -> list[dict[str, Any]]:
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

        def work(tx: ReadTx) -> dict[str, Relationship]:
            found = {}
            for batch in _batches(unique, self.batch_size):
                params = {"ids": list(batch), "types": types}
                for r in tx.run(cypher.RELATIONSHIPS_OF.text, params):
                    found[r["id"]] = _relationship_of(r)
            return found

        found = self._read(work, "reading relationships")
        return [found[id] for id in sorted(found)]

    def relationships_among(
        self, node_ids: Sequence[str], *, rel_types: Sequence[str] | None = None
    ) -> list[Relationship]:
        types = [cypher.relationship_type(t) for t in rel_types] if rel_types is not None else None
        members = list(dict.fromkeys(node_ids))
        inside = dict.fromkeys(members, True)

        def work(tx: ReadTx) -> dict[str, Relationship]:
            found = {}
            for batch in _batches(members, self.batch_size):
                params = {"ids": list(batch), "members": inside, "types": types}
                for r in tx.run(cypher.RELATIONSHIPS_AMONG.text, params):
                    found[r["id"]] = _relationship_of(r)
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

        def work(tx: ReadTx) -> tuple[int, list[dict[str, Any]]]:
            if set(params) & set(cypher.SEARCH_FILTERS) <= {"types"}:
                # types alone, or no filter: the published nodes of each type's label
                types = params["types"] if "types" in params else [t.name for t in NODE_TYPES]
                statements = [cypher.count_nodes(NODE_TYPE_BY_NAME[t]) for t in types]
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
        def work(tx: ReadTx) -> GraphCounts:
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
                shown = relationship_from_record(
                    r["id"], rel_type, r["source"], r["target"], r["props"]
                )
                yield Edge(
                    r["id"],
                    rel_type,
                    r["source"],
                    r["target"],
                    shown.weight,
                    shown.properties.get(RELATION_SINCE),
                    encode_properties(shown.properties),
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
        self, metric: str, *, samples: int | None, seed: int
    ) -> PushedScores | None:
        """DEGREE in Cypher; BETWEENNESS, CLOSENESS and HARMONIC with Graph Data Science when it
        is installed, rescaled to networkx's definitions; None otherwise (and for PAGERANK).

        With ``samples`` (``queries`` asks for an estimate when exact scores do not fit its time
        budget) BETWEENNESS is estimated by GDS from ``samples`` source nodes
        (``samplingSize``/``samplingSeed``); CLOSENESS and HARMONIC, which GDS cannot sample,
        answer None there, so that ``queries`` estimates them on the projection as it does for
        the embedded store instead of running an exact all-pairs search here.

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

        def drop(tx: ReadTx, graph: str) -> None:
            tx.run(cypher.GDS_DROP.text, {"graph": graph}).consume()
            projected.remove(graph)

        def work(tx: ReadTx) -> PushedScores | None:
            for stale in list(projected):  # a retry: what an earlier attempt left
                drop(tx, stale)
            n = int(tx.run(cypher.GRAPH_NODES.text).single(strict=True)["count"])
            if n == 0:
                return PushedScores({}, False, "no nodes to score")
            sampled = samples is not None
            if sampled and metric not in cypher.GDS_SAMPLED_METRICS:
                return None
            graph = f"innonet-{uuid.uuid4().hex}"
            projected.append(graph)
            tx.run(cypher.GDS_PROJECT_U.text, {"graph": graph}).consume()
            drawn = n if samples is None else min(samples, n)
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
                work,
                f"scoring {metric.lower()}",
                write=False,
                timeout=self.refresh_timeout,
                published=self._published_now(),
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

    A score GDS leaves undefined (NaN: harmonic centrality of a lone node, 0 / 0) is 0, as
    networkx has it.

    >>> gds_scores("BETWEENNESS", {"a": 0.0, "b": 1.0, "c": 0.0})["b"]
    1.0
    >>> gds_scores("BETWEENNESS", {"a": 0.0, "b": 0.5, "c": 0.0}, sources=2)["b"]
    0.75
    >>> gds_scores("HARMONIC", {"a": float("nan")})
    {'a': 0.0}
    """
    raw = {id: 0.0 if math.isnan(score) else score for id, score in raw.items()}
    n = len(raw)
    if metric == "BETWEENNESS":
        scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
        if sources is not None:
            scale *= n / sources
        return {id: score * scale for id, score in raw.items()}
    if metric == "HARMONIC":
        return {id: score * (n - 1) for id, score in raw.items()}
    return dict(raw)
