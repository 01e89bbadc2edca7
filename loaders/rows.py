"""Turning CSV records into nodes and relationships, as the graph model declares them.

A :class:`NodeRows` or :class:`RelationRows` is built from a file's header: it knows which column
holds what and how to read it (all derived from :mod:`graphsvc.model`). ``transform`` checks one
record on its own (ids, vocabularies, numbers, dates) and returns the node or relationship with
the problems found; what needs other rows or the graph (duplicates, endpoints) is checked by
:mod:`loaders.validate`.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import Any, Final, NamedTuple

from graphsvc.model import (
    ID_PATTERN,
    RELATION_PROPERTIES,
    RELATION_TYPE_BY_NAME,
    RELATION_TYPE_NAMES,
    NodeType,
    Property,
    PropertyType,
    relation_id,
)
from graphsvc.stores.contract import Node, Relationship
from loaders.bundle import Record
from loaders.cells import CellError, CellParser, cell_parser
from loaders.problems import WHOLE_RECORD, Problem

ID_COLUMN: Final = "id"
RELATION_ENDPOINT_COLUMNS: Final = ("source", "target")
RELATION_TYPE_COLUMN: Final = "type"
RELATION_REQUIRED_COLUMNS: Final = (*RELATION_ENDPOINT_COLUMNS, RELATION_TYPE_COLUMN)
_TEXT: Final = Property("extra", PropertyType.TEXT)
ROWS_NOT_CHECKED: Final = "rows not checked until the header is fixed"
_valid_id: Final = ID_PATTERN.fullmatch


def bad_id_message(value: str) -> str:
    """What is wrong with an id that does not match :data:`graphsvc.model.ID_PATTERN`."""
    if not value:
        return "empty; an id is required"
    return f"bad id {value!r}: an id is 1 to 128 characters of A-Z a-z 0-9 . _ : -"


class Column(NamedTuple):
    """A header column read as a property: its position, name, parser and model rules."""

    position: int
    name: str
    parse: CellParser
    required: bool
    default: Any


def _columns(header: Sequence[str], properties: Sequence[Property], skip: set[str]) -> list[Column]:
    """The property columns of ``header``; columns the model does not know are kept as text."""
    by_name = {p.name: p for p in properties}
    columns = []
    for index, name in enumerate(header):
        if name in skip:
            continue
        prop = by_name.get(name, _TEXT)
        columns.append(Column(index, name, cell_parser(prop), prop.required, prop.default))
    return columns


def _defaults(header: Sequence[str], properties: Sequence[Property]) -> dict[str, Any]:
    """The defaults of properties whose column the header lacks."""
    return {p.name: p.default for p in properties if p.default is not None and p.name not in header}


def check_header(
    file: str, header: Sequence[str], required: Sequence[str], needed: Sequence[str]
) -> tuple[list[Problem], bool]:
    """Missing required columns and repeated column names, reported on line 1, and whether the
    rows can be read: only when no column is repeated and the ``needed`` ones are there.

    When they cannot, the last problem says the rows were not checked (rather than reporting
    every row wrong because of its header).
    """
    problems = [
        Problem(file, 1, name, f"required column missing (the header has: {', '.join(header)})")
        for name in required
        if name not in header
    ]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(file, 1, name, "column given twice"))
        seen.add(name)
    readable = len(seen) == len(header) and all(name in seen for name in needed)
    if not readable:
        last = problems[-1]
        problems[-1] = last._replace(message=f"{last.message}; {ROWS_NOT_CHECKED}")
    return problems, readable


def _read_properties(
    file: str,
    line: int,
    fields: list[str],
    columns: Sequence[Column],
    properties: dict[str, Any],
    problems: list[Problem],
) -> None:
    """Read ``columns`` of ``fields`` into ``properties``, adding what is wrong to ``problems``."""
    for index, name, parse, required, default in columns:
        cell = fields[index]
        if not cell or cell.isspace():
            if required:
                problems.append(Problem(file, line, name, "empty; a value is required"))
            elif default is not None:
                properties[name] = default
        elif parse is str:  # unbounded text is kept as it is, without a call
            properties[name] = cell
        else:
            try:
                properties[name] = parse(cell)
            except CellError as exc:
                problems.append(Problem(file, line, name, str(exc)))


def _fields(file: str, record: Record, width: int) -> tuple[list[str], list[Problem]]:
    """The record's fields, one a header column (a short record padded with empty cells)."""
    fields = record.fields
    count = len(fields)
    if count == width:
        return fields, []
    problem = Problem(
        file, record.line, WHOLE_RECORD, f"{count} fields, but the header has {width}"
    )
    return fields + [""] * (width - count), [problem]


class NodeRows:
    """How the records of one node file become :class:`Node` objects."""

    def __init__(self, node_type: NodeType, header: Sequence[str]) -> None:
        self.node_type = node_type
        self.file = node_type.file
        self.width = len(header)
        self.problems, self.readable = check_header(
            self.file, header, node_type.required_columns, (ID_COLUMN,)
        )
        # the ids of a file whose rows are not read still count as known endpoints
        self.ids_readable = header.count(ID_COLUMN) == 1
        self._id_index = header.index(ID_COLUMN) if self.ids_readable else 0
        self._columns = _columns(header, node_type.properties, {ID_COLUMN})
        self._defaults = _defaults(header, node_type.properties)

    def node_id(self, record: Record) -> str | None:
        """The id of ``record`` when it has a valid one (for a file with :attr:`ids_readable`)."""
        fields = record.fields
        if self._id_index >= len(fields):
            return None
        node_id = fields[self._id_index]
        return node_id if ID_PATTERN.fullmatch(node_id) is not None else None

    def transform(self, record: Record) -> tuple[Node | None, list[Problem]]:
        """The node of ``record`` (None when its id is bad) and the problems of the record."""
        fields, problems = _fields(self.file, record, self.width)
        node_id = fields[self._id_index]
        valid_id = _valid_id(node_id) is not None
        if not valid_id:
            problems.append(Problem(self.file, record.line, ID_COLUMN, bad_id_message(node_id)))
        properties = self._defaults.copy()
        _read_properties(self.file, record.line, fields, self._columns, properties, problems)
        if not valid_id:
            return None, problems
        name = properties.pop(self.node_type.name_column, "")
        return Node(node_id, self.node_type.name, name, properties), problems


class RelationRows:
    """How the records of ``relations.csv`` become :class:`Relationship` objects.

    An endpoint among ``valid_ids`` (the node ids the bundle holds, all checked already) is not
    matched against :data:`graphsvc.model.ID_PATTERN` again.
    """

    def __init__(
        self, file: str, header: Sequence[str], valid_ids: Container[str] = frozenset()
    ) -> None:
        self.file = file
        self._valid_ids = valid_ids
        self.header = tuple(header)
        self.width = len(header)
        self.problems, self.readable = check_header(
            file, header, RELATION_REQUIRED_COLUMNS, RELATION_REQUIRED_COLUMNS
        )
        index = {name: i for i, name in enumerate(header)}
        self._source = index.get("source", 0)  # unused unless readable
        self._target = index.get("target", 0)
        self._type = index.get(RELATION_TYPE_COLUMN, 0)
        self._id = index.get(ID_COLUMN, -1)
        skip = {ID_COLUMN, *RELATION_REQUIRED_COLUMNS}
        self._columns_by_type = {
            name: _columns(header, rel.properties, skip)
            for name, rel in RELATION_TYPE_BY_NAME.items()
        }
        self._defaults_by_type = {
            name: _defaults(header, rel.properties) for name, rel in RELATION_TYPE_BY_NAME.items()
        }
        self._any_type_columns = _columns(header, RELATION_PROPERTIES, skip)

    def transform(self, record: Record) -> tuple[Relationship | None, list[Problem]]:
        """The relationship of ``record`` (None when its ids or type are bad) and its problems."""
        file, line = self.file, record.line
        fields, problems = _fields(file, record, self.width)
        valid = True
        source = fields[self._source]
        target = fields[self._target]
        valid_ids = self._valid_ids
        if source not in valid_ids and _valid_id(source) is None:
            problems.append(Problem(file, line, "source", bad_id_message(source)))
            valid = False
        if target not in valid_ids and _valid_id(target) is None:
            problems.append(Problem(file, line, "target", bad_id_message(target)))
            valid = False
        given_id = fields[self._id] if self._id >= 0 else ""
        if given_id and _valid_id(given_id) is None:
            problems.append(Problem(file, line, ID_COLUMN, bad_id_message(given_id)))
            valid = False
        type_name = fields[self._type].strip()
        columns = self._columns_by_type.get(type_name)
        if columns is None:
            problems.append(Problem(file, line, RELATION_TYPE_COLUMN, _type_message(type_name)))
            columns = self._any_type_columns
            properties: dict[str, Any] = {}
            valid = False
        else:
            properties = self._defaults_by_type[type_name].copy()
        _read_properties(file, line, fields, columns, properties, problems)
        if not valid:
            return None, problems
        rel_id = given_id or relation_id(source, type_name, target)
        return Relationship(rel_id, type_name, source, target, properties), problems


def _type_message(type_name: str) -> str:
    allowed = ", ".join(RELATION_TYPE_NAMES)
    if not type_name:
        return f"empty; a relation type is required (one of {allowed})"
    return f"unknown relation type {type_name!r}; allowed: {allowed}"
