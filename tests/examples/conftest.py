"""A checker of bundles against graphsvc.model, independent of the loaders.

The tests of the synthetic generator and of the Shanghai sample use it (as the ``check_bundle``
fixture) so that they do not depend on the loaders being written yet.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from graphsvc.model import (
    ID_PATTERN,
    NODE_TYPES,
    RELATION_FILE,
    RELATION_TYPE_BY_NAME,
    Property,
    PropertyType,
)

COUNTRY_CODE = re.compile(r"[A-Z]{2}")


@dataclass
class CheckedBundle:
    """What a valid bundle holds: each node's type and row, and its relations."""

    node_type: dict[str, str] = field(default_factory=dict)
    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    relations: list[dict[str, str]] = field(default_factory=list)
    rows_per_file: dict[str, int] = field(default_factory=dict)

    def degree(self) -> Counter[str]:
        """How many relations touch each node."""
        counts: Counter[str] = Counter()
        for rel in self.relations:
            counts[rel["source"]] += 1
            counts[rel["target"]] += 1
        return counts


def _problem(prop: Property, value: str) -> str | None:
    """What is wrong with ``value`` in a column declared as ``prop``, or None."""
    number: float
    match prop.type:
        case PropertyType.INTEGER:
            if not re.fullmatch(r"-?\d+", value):
                return "not an integer"
            number = int(value)
        case PropertyType.DECIMAL:
            try:
                number = float(value)
            except ValueError:
                return "not a decimal"
        case PropertyType.BOOLEAN:
            return None if value in ("true", "false") else "not true/false"
        case PropertyType.DATE:
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                return "not an ISO date"
            return None
        case PropertyType.COUNTRY:
            return None if COUNTRY_CODE.fullmatch(value) else "not a country code"
        case PropertyType.CHOICE:
            return None if value in prop.choices else f"not one of {prop.choices}"
        case PropertyType.TAGS:
            return None if all(value.split(";")) else "empty tag"
        case _:
            return None
    if prop.minimum is not None and number < prop.minimum:
        return "below minimum"
    if prop.maximum is not None and number > prop.maximum:
        return "above maximum"
    if prop.positive and number <= 0:
        return "not positive"
    return None


def check_bundle(bundle: Path) -> CheckedBundle:
    """Read every file of ``bundle`` and assert it follows the model; return what it holds."""
    checked = CheckedBundle()
    problems: list[str] = []
    for type_ in NODE_TYPES:
        path = bundle / type_.file
        raw = path.read_bytes()
        assert b"\r" not in raw, f"{type_.file}: carriage return"
        with path.open(encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            assert reader.fieldnames is not None
            missing = set(type_.required_columns) - set(reader.fieldnames)
            assert not missing, f"{type_.file}: missing columns {missing}"
            count = 0
            for line, row in enumerate(reader, start=2):
                count += 1
                node_id = row["id"]
                if not ID_PATTERN.fullmatch(node_id):
                    problems.append(f"{type_.file}:{line}: id: bad id {node_id!r}")
                if node_id in checked.node_type:
                    problems.append(f"{type_.file}:{line}: id: duplicate {node_id!r}")
                checked.node_type[node_id] = type_.name
                checked.rows[node_id] = row
                for prop in type_.properties:
                    value = row.get(prop.name) or ""
                    if not value:
                        if prop.required:
                            problems.append(f"{type_.file}:{line}: {prop.name}: empty")
                        continue
                    wrong = _problem(prop, value)
                    if wrong:
                        problems.append(f"{type_.file}:{line}: {prop.name}: {value!r} {wrong}")
            checked.rows_per_file[type_.file] = count
    seen: set[tuple[str, str, str]] = set()
    with (bundle / RELATION_FILE).open(encoding="utf-8", newline="") as stream:
        for line, row in enumerate(csv.DictReader(stream), start=2):
            where = f"{RELATION_FILE}:{line}"
            rel = RELATION_TYPE_BY_NAME.get(row["type"])
            if rel is None:
                problems.append(f"{where}: type: unknown {row['type']!r}")
                continue
            source, target = row["source"], row["target"]
            ends = (checked.node_type.get(source), checked.node_type.get(target))
            if None in ends:
                problems.append(f"{where}: source/target: dangling {source!r} -> {target!r}")
            elif not rel.fits(ends[0] or "", ends[1] or ""):
                problems.append(f"{where}: type: {rel.name} cannot join {ends[0]} -> {ends[1]}")
            key = (source, rel.name, target)
            reverse = (target, rel.name, source)
            if key in seen or (rel.symmetric and reverse in seen):
                problems.append(f"{where}: duplicate relation {key}")
            if source == target:
                problems.append(f"{where}: self-loop on {source!r}")
            seen.add(key)
            if row.get("id") and not ID_PATTERN.fullmatch(row["id"]):
                problems.append(f"{where}: id: bad id {row['id']!r}")
            for prop in rel.properties:
                value = row.get(prop.name) or ""
                wrong = _problem(prop, value) if value else None
                if wrong:
                    problems.append(f"{where}: {prop.name}: {value!r} {wrong}")
            checked.relations.append(row)
    checked.rows_per_file[RELATION_FILE] = len(checked.relations)
    assert not problems, "\n".join(problems[:50])
    return checked


@pytest.fixture(name="check_bundle")
def check_bundle_fixture() -> Callable[[Path], CheckedBundle]:
    """The bundle checker, as a fixture."""
    return check_bundle
