"""The first pass over a bundle: check every record, keep only what later checks need, and (for a
load that writes) the nodes and relationships found, on disk (:class:`CheckedRows`).

What stays in memory is one small entry per node id (its type and first line), one per relation
key (its first line, byte offset and a 64-bit hash of its cells), a count of the rows that repeat
an earlier relation cell for cell (merged: kept once), and the graph's answer for endpoints the
bundle does not hold. A row repeating a relation's key with other cells is read back from its
offset to say which cells differ. Checks that ask the graph (an id held by a node of another
type, an endpoint from another source) are made in batches; problems are reported in line order
within each batch of records, and a file's count of further invalid UTF-8 lines at its end.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import tempfile
from collections import Counter
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

from graphsvc.model import (
    NODE_TYPE_BY_FILE,
    NODE_TYPES,
    RELATION_FILE,
    RELATION_TYPE_BY_NAME,
    RELATION_TYPES,
    relation_id,
)
from graphsvc.stores.contract import Node, NodeRef, Progress, Relationship, Store
from loaders.bundle import (
    Bundle,
    BundleError,
    Record,
    file_changed,
    new_digest,
    read_record_at,
    read_records,
)
from loaders.problems import WHOLE_RECORD, Problem, ProblemLog
from loaders.rows import ID_COLUMN, NodeRows, RelationRows

LOOKUP_BATCH: Final = 5000
"""Records checked against the graph in one round trip."""
PROGRESS_EVERY: Final = 10_000
_TYPE_BITS: Final = 3  # node type index packed under the line number: len(NODE_TYPES) <= 8
_TYPE_MASK: Final = (1 << _TYPE_BITS) - 1
_TYPE_INDEX: Final = {t.name: i for i, t in enumerate(NODE_TYPES)}
_FITS: Final = frozenset(
    (rel.name, _TYPE_INDEX[source], _TYPE_INDEX[target])
    for rel in RELATION_TYPES
    for source in rel.sources
    for target in rel.targets
)
"""(relation type, source type index, target type index) for every pair of endpoints allowed."""
_HASH_BITS: Final = 64
_HASH_MASK: Final = (1 << _HASH_BITS) - 1
_LINE_BITS: Final = 40
_LINE_MASK: Final = (1 << _LINE_BITS) - 1
"""A relation key's entry packs, from the low bits up: its cells' hash, its line, its offset."""


@dataclass
class BundleContents:
    """What the first pass learnt: each file's digest and record count, and what it holds."""

    digests: dict[str, bytes] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)
    nodes: Counter[str] = field(default_factory=Counter)
    relationships: Counter[str] = field(default_factory=Counter)
    repeated: int = 0
    """How many relation rows repeat an earlier row cell for cell (merged: kept once)."""


class TemporaryFolderFull(BundleError):
    """The temporary folder had no room for the rows the first pass keeps."""


class CheckedRows:
    """The nodes and relationships the first pass found, in reading order (a relation row that
    repeats an earlier one cell for cell once), so that the second pass does not read and parse
    the files again: each file's rows as tuples of their fields, in marshal chunks of
    ``_CHUNK`` rows in an anonymous temporary file (1.8 times the size of the files; memory holds
    one chunk). Close it to drop the file.

    >>> kept = CheckedRows()
    >>> kept.start("brokers.csv")
    >>> kept.add_node(Node("b1", "Broker", "Exchange", {"kind": "agency"}))
    >>> kept.finish()
    >>> list(kept.nodes("brokers.csv"))
    [Node(id='b1', type='Broker', name='Exchange', properties={'kind': 'agency'})]
    >>> kept.close()
    """

    _SIZE: Final = 8  # bytes of a chunk's length, before it
    _CHUNK: Final = 250
    """Rows a chunk: validating 300k rows took 0.5 s longer keeping chunks of 5,000 (their
    objects no longer reused while warm), 0.17 s longer keeping chunks of 200."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self._starts: dict[str, tuple[int, int]] = {}  # file -> offset of its first chunk, chunks
        self._file_name = ""
        self._chunk: list[tuple[Any, ...]] = []

    def start(self, file: str) -> None:
        """The rows added from now on are of ``file``."""
        self._write_chunk()
        self._file_name = file
        self._starts[file] = (self._file.tell(), 0)

    def add_node(self, node: Node) -> None:
        chunk = self._chunk
        chunk.append((node.id, node.type, node.name, node.properties))
        if len(chunk) >= self._CHUNK:
            self._write_chunk()

    def add_relationship(self, rel: Relationship) -> None:
        chunk = self._chunk
        chunk.append((rel.id, rel.type, rel.source, rel.target, rel.properties))
        if len(chunk) >= self._CHUNK:
            self._write_chunk()

    def finish(self) -> None:
        """Write out the rows added last."""
        self._write_chunk()
        try:
            self._file.flush()
        except OSError as exc:
            raise self._full(exc) from exc

    def nodes(self, file: str) -> Iterator[Node]:
        """The nodes added from ``file``, in the order added."""
        for row in self._rows(file):
            yield Node(*row)

    def relationships(self, file: str) -> Iterator[Relationship]:
        """The relationships added from ``file``, in the order added."""
        for row in self._rows(file):
            yield Relationship(*row)

    def close(self) -> None:
        """Drop the file (what it could not write, after a full disk, is dropped with it)."""
        with contextlib.suppress(OSError):
            self._file.close()

    def _write_chunk(self) -> None:
        if not self._chunk:
            return
        data = marshal.dumps(self._chunk)
        try:
            self._file.write(len(data).to_bytes(self._SIZE, "little"))
            self._file.write(data)
        except OSError as exc:
            raise self._full(exc) from exc
        offset, chunks = self._starts[self._file_name]
        self._starts[self._file_name] = (offset, chunks + 1)
        self._chunk = []

    @staticmethod
    def _full(exc: OSError) -> TemporaryFolderFull:
        return TemporaryFolderFull(
            f"no room to keep the checked rows in the temporary folder {tempfile.gettempdir()} "
            f"({exc.strerror}); nothing was written: free space there, or set TMPDIR to a "
            "folder with about twice the bundle's size free"
        )

    def _rows(self, file: str) -> Iterator[tuple[Any, ...]]:
        position, chunks = self._starts.get(file, (0, 0))
        for _ in range(chunks):  # seeking each time: two readers may take turns
            self._file.seek(position)
            size = int.from_bytes(self._file.read(self._SIZE), "little")
            data = self._file.read(size)
            position += self._SIZE + size
            yield from marshal.loads(data)


def _described(types: tuple[str, ...]) -> str:
    return " or ".join(types)


class _Batch:
    """Problems of records not yet checked against the graph, with those checks."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.nodes: list[tuple[int, str, str]] = []  # line, id, type
        self.relationships: list[tuple[int, Relationship]] = []


class BundleValidator:
    """Checks a bundle against the model, itself and the graph, for a refresh of ``source``."""

    def __init__(
        self,
        store: Store,
        source: str,
        problems: ProblemLog,
        progress: Progress | None = None,
        kept: CheckedRows | None = None,
    ) -> None:
        self.store = store
        self.source = source
        self.problems = problems
        self.progress = progress
        self.kept = kept  # where the nodes and relationships found go, for a load that writes
        self._node_index: dict[str, int] = {}  # id -> first line << _TYPE_BITS | type index
        self._relations: dict[str, int] = {}  # relationship id -> offset, line, cells' hash
        self._graph: dict[str, NodeRef | None] = {}  # endpoints the bundle does not hold

    def validate(self, bundle: Bundle) -> BundleContents:
        """Check every file of ``bundle``; problems go to the log, the contents are returned."""
        contents = BundleContents()
        for name in bundle.files:
            if self.kept is not None:
                self.kept.start(name)
            digest = new_digest()
            records = self._validate_file(bundle, name, digest, contents)
            contents.digests[name] = digest.digest()
            contents.records[name] = records
        if self.kept is not None:
            self.kept.finish()
        self._relations.clear()
        return contents

    def _validate_file(
        self, bundle: Bundle, name: str, digest: hashlib.blake2b, contents: BundleContents
    ) -> int:
        rows: NodeRows | RelationRows | None = None
        # which check each record gets, known from the header on
        relations: RelationRows | None = None
        nodes: NodeRows | None = None
        ids_only: NodeRows | None = None
        batch = _Batch()
        in_batch = 0
        count = 0
        progress = self.progress
        stage = f"validating {name}"
        path = bundle.path / name
        said = False  # the reading itself found a problem
        for item in read_records(path, digest, offsets=name == RELATION_FILE):
            if isinstance(item, Problem):
                batch.problems.append(item)
                said = True
                continue
            if rows is None:
                rows = _rows_for(name, item.fields, self._node_index)
                batch.problems.extend(rows.problems)
                if isinstance(rows, RelationRows):
                    relations = rows if rows.readable else None
                elif rows.readable:
                    nodes = rows
                elif rows.ids_readable:
                    ids_only = rows
                continue
            count += 1
            if relations is not None:
                self._check_relationship(path, relations, item, batch, contents)
            elif nodes is not None:
                self._check_node(nodes, item, batch, contents)
            elif ids_only is not None:
                self._index_node(ids_only, item)
            in_batch += 1
            if in_batch >= LOOKUP_BATCH:
                self._flush(name, batch)
                batch = _Batch()
                in_batch = 0
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(stage, count)
        if rows is None and not said:
            batch.problems.append(Problem(name, 1, WHOLE_RECORD, "empty file: no header row"))
        self._flush(name, batch)
        if self.progress is not None:
            self.progress(stage, count)
        return count

    def _check_node(
        self, rows: NodeRows, record: Record, batch: _Batch, contents: BundleContents
    ) -> None:
        node, problems = rows.transform(record)
        if problems:
            batch.problems.extend(problems)
        if node is None:
            return
        first = self._node_index.get(node.id)
        if first is not None:
            where = f"{NODE_TYPES[first & _TYPE_MASK].file}:{first >> _TYPE_BITS}"
            batch.problems.append(
                Problem(
                    rows.file,
                    record.line,
                    ID_COLUMN,
                    f"duplicate id {node.id!r}, first given at {where}",
                )
            )
            return
        self._node_index[node.id] = record.line << _TYPE_BITS | _TYPE_INDEX[node.type]
        batch.nodes.append((record.line, node.id, node.type))
        contents.nodes[node.type] += 1
        if self.kept is not None:
            self.kept.add_node(node)

    def _index_node(self, rows: NodeRows, record: Record) -> None:
        """Know the id of a record whose file's rows are not checked, as an endpoint."""
        node_id = rows.node_id(record)
        if node_id is not None and node_id not in self._node_index:
            self._node_index[node_id] = record.line << _TYPE_BITS | _TYPE_INDEX[rows.node_type.name]

    def _check_relationship(
        self,
        path: Path,
        rows: RelationRows,
        record: Record,
        batch: _Batch,
        contents: BundleContents,
    ) -> None:
        relationship, problems = rows.transform(record)
        if problems:
            batch.problems.extend(problems)
        if relationship is None:
            return
        cells = hash(tuple(record.fields)) & _HASH_MASK
        rel_id = relationship.id
        relations = self._relations
        first = relations.get(rel_id)
        if first is not None:
            if first & _HASH_MASK == cells:
                contents.repeated += 1
            else:
                batch.problems.extend(_conflicts(path, rows, record, relationship, first))
            return
        relations[rel_id] = (record.offset << _LINE_BITS | record.line) << _HASH_BITS | cells
        type_name = relationship.type
        contents.relationships[type_name] += 1
        if self.kept is not None:
            self.kept.add_relationship(relationship)
        node_index = self._node_index
        source = node_index.get(relationship.source)
        target = node_index.get(relationship.target)
        if source is not None and target is not None:
            if (type_name, source & _TYPE_MASK, target & _TYPE_MASK) not in _FITS:
                batch.problems.extend(self._endpoint_problems(rows.file, record.line, relationship))
        elif self._known(relationship.source) and self._known(relationship.target):
            batch.problems.extend(self._endpoint_problems(rows.file, record.line, relationship))
        else:
            batch.relationships.append((record.line, relationship))

    def _known(self, node_id: str) -> bool:
        return node_id in self._node_index or node_id in self._graph

    def _flush(self, file: str, batch: _Batch) -> None:
        """Make the batch's graph checks, then log its problems in line order."""
        problems = batch.problems
        if batch.nodes:
            refs = self.store.node_refs([node_id for _, node_id, _ in batch.nodes])
            for line, node_id, type_name in batch.nodes:
                ref = refs.get(node_id)
                if ref is not None and ref.type != type_name:
                    holders = ", ".join(sorted(ref.sources)) or "no source"
                    problems.append(
                        Problem(
                            file,
                            line,
                            ID_COLUMN,
                            f"id {node_id!r} is already a {ref.type} in the graph (held by "
                            f"{holders}); an id names one node across the whole graph",
                        )
                    )
        if batch.relationships:
            unknown = {
                node_id
                for _, rel in batch.relationships
                for node_id in (rel.source, rel.target)
                if not self._known(node_id)
            }
            refs = self.store.node_refs(sorted(unknown))
            for node_id in unknown:
                self._graph[node_id] = refs.get(node_id)
            for line, rel in batch.relationships:
                problems.extend(self._endpoint_problems(file, line, rel))
        problems.sort(key=lambda problem: problem.line)
        for problem in problems:
            self.problems.add(problem)

    def _endpoint_problems(self, file: str, line: int, rel: Relationship) -> list[Problem]:
        rel_type = RELATION_TYPE_BY_NAME[rel.type]
        problems = []
        for column, node_id, allowed in (
            ("source", rel.source, rel_type.sources),
            ("target", rel.target, rel_type.targets),
        ):
            found = self._endpoint_type(node_id)
            if found.startswith("!"):
                problems.append(Problem(file, line, column, found[1:]))
            elif found not in allowed:
                problems.append(
                    Problem(
                        file,
                        line,
                        column,
                        f"{rel.type} needs a {column} of type {_described(allowed)}; "
                        f"{node_id!r} is of type {found}",
                    )
                )
        return problems

    def _endpoint_type(self, node_id: str) -> str:
        """The type ``node_id`` has after the load, or ``!`` and why it has none."""
        packed = self._node_index.get(node_id)
        if packed is not None:
            return NODE_TYPES[packed & _TYPE_MASK].name
        ref = self._graph.get(node_id)
        if ref is None:
            return f"!no node {node_id!r} in the bundle or in the graph"
        if ref.sources <= {self.source}:
            return (
                f"!no node {node_id!r} in the bundle; in the graph only source "
                f"{self.source!r} holds it, and this load removes it"
            )
        return ref.type


def _conflicts(
    path: Path, rows: RelationRows, record: Record, relationship: Relationship, first: int
) -> list[Problem]:
    """What is wrong with ``record``, whose relation key an earlier row with other cells has.

    The earlier row (``first`` is its packed entry) is read back from its offset: a relation id
    given to another source, target or type, or else each cell that differs.
    """
    line = first >> _HASH_BITS & _LINE_MASK
    earlier_fields = read_record_at(path, first >> (_HASH_BITS + _LINE_BITS))
    earlier, _ = rows.transform(Record(line, earlier_fields))
    if earlier is None or earlier.id != relationship.id:
        raise file_changed(path)
    before = relation_id(earlier.source, earlier.type, earlier.target)
    derived = relation_id(relationship.source, relationship.type, relationship.target)
    if before != derived:
        return [
            Problem(
                rows.file,
                record.line,
                ID_COLUMN,
                f"relation id {relationship.id!r} is already used at line {line} for {before}",
            )
        ]
    named, advice = (
        (derived, "an id")
        if relationship.id == derived
        else (f"{relationship.id!r} ({derived})", "its own id")
    )
    problems = []
    fields = record.fields
    for index in range(max(len(fields), len(earlier_fields))):
        given = earlier_fields[index] if index < len(earlier_fields) else None
        if given != (fields[index] if index < len(fields) else None):
            column = rows.header[index] if index < rows.width else WHOLE_RECORD
            problems.append(
                Problem(
                    rows.file,
                    record.line,
                    column,
                    f"the relation {named} was given at line {line} with {_shown(given)}; "
                    f"give each row {advice} to keep both",
                )
            )
    return problems


def _shown(cell: str | None) -> str:
    if cell is None:
        return "no such field"
    return repr(cell) if cell else "an empty cell"


def _rows_for(name: str, header: list[str], node_ids: Container[str]) -> NodeRows | RelationRows:
    if name == RELATION_FILE:
        return RelationRows(name, header, node_ids)
    return NodeRows(NODE_TYPE_BY_FILE[name], header)
