"""Reading one CSV cell as the value its model property declares.

Every parser is derived from a :class:`graphsvc.model.Property`: its type, its bounds, its
vocabulary. A parser takes a non-empty cell and returns the value to store, or raises
:class:`CellError` with a message that says what is wrong and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from typing import Any, Final

from graphsvc.model import Property, PropertyType
from loaders.countries import ISO_3166_ALPHA2

CellParser = Callable[[str], Any]
"""Turns a non-empty cell into its stored value; raises :class:`CellError`."""

_BOOLEANS: Final = {"true": True, "false": False}
TAG_SEPARATOR: Final = ";"
DATES_KEPT: Final = 1 << 16
"""Most answers a date column's parser remembers (65,536)."""
_DATE_KEPT_LENGTH: Final = 40
"""Longest cell whose answer is remembered (an ISO date and time with an offset is 32)."""


class CellError(ValueError):
    """A cell that does not hold a value of its column's type."""


def _bound(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _check_bounds(prop: Property, value: float, shown: str) -> None:
    low, high = prop.minimum, prop.maximum
    if low is not None and high is not None and not low <= value <= high:
        raise CellError(f"{shown} is out of range {_bound(low)} to {_bound(high)}")
    if low is not None and value < low:
        raise CellError(f"{shown} is below the minimum {_bound(low)}")
    if high is not None and value > high:
        raise CellError(f"{shown} is above the maximum {_bound(high)}")
    if prop.positive and value <= 0:
        raise CellError(f"{shown} is not positive")


def cell_parser(prop: Property) -> CellParser:
    """The parser of ``prop``'s cells.

    >>> from graphsvc.model import node_type
    >>> trl = cell_parser(node_type("Achievement").column("trl"))
    >>> trl(" 7 ")
    7
    >>> trl("10")
    Traceback (most recent call last):
    ...
    loaders.cells.CellError: 10 is out of range 1 to 9
    """
    kind = prop.type
    if kind is PropertyType.TEXT:
        return str if prop.max_length is None else _bounded_text_parser(prop)
    if kind is PropertyType.INTEGER:
        return _integer_parser(prop)
    if kind is PropertyType.DECIMAL:
        return _decimal_parser(prop)
    if kind is PropertyType.BOOLEAN:
        return _boolean
    if kind is PropertyType.DATE:
        return _date_parser()
    if kind is PropertyType.COUNTRY:
        return _country
    if kind is PropertyType.TAGS:
        return _tags
    if kind is PropertyType.CHOICE:
        return _choice_parser(prop)
    raise AssertionError(f"no parser for property type {kind}")


def _bounded_text_parser(prop: Property) -> CellParser:
    """A text cell of at most ``prop.max_length`` characters (an indexed column).

    >>> from graphsvc.model import node_type
    >>> name = cell_parser(node_type("Broker").column("name"))
    >>> name("上海技术交易所")
    '上海技术交易所'
    >>> name("x" * 1001)
    Traceback (most recent call last):
    ...
    loaders.cells.CellError: 1001 characters long; at most 1000 (the column is indexed)
    """
    longest = prop.max_length

    def parse(cell: str) -> str:
        if longest is not None and len(cell) > longest:
            raise CellError(
                f"{len(cell)} characters long; at most {longest} (the column is indexed)"
            )
        return cell

    return parse


def _integer_parser(prop: Property) -> CellParser:
    """An integer, its surrounding spaces dropped.

    >>> from graphsvc.model import node_type
    >>> founded = cell_parser(node_type("Institution").column("founded"))
    >>> founded("1896")
    1896
    >>> founded("1_896")
    Traceback (most recent call last):
    ...
    loaders.cells.CellError: not an integer: '1_896'
    """
    low, high, positive = prop.minimum, prop.maximum, prop.positive

    def parse(cell: str) -> int:
        text = cell.strip()
        # int() alone would also take "1_000" and non-ASCII digits
        if not text.isascii() or "_" in text:
            raise CellError(f"not an integer: {cell!r}")
        try:
            value = int(text)
        except ValueError:
            raise CellError(f"not an integer: {cell!r}") from None
        if (
            (low is not None and value < low)
            or (high is not None and value > high)
            or (positive and value <= 0)
        ):
            _check_bounds(prop, value, text)  # says which bound
        return value

    return parse


def _decimal_parser(prop: Property) -> CellParser:
    """A finite decimal number, its surrounding spaces dropped.

    >>> from graphsvc.model import relation_type
    >>> weight = cell_parser(relation_type("SERVES").column("weight"))
    >>> weight(" 2.5")
    2.5
    >>> weight("0")
    Traceback (most recent call last):
    ...
    loaders.cells.CellError: 0 is not positive
    """
    low, high, positive = prop.minimum, prop.maximum, prop.positive
    isinf = math.isinf

    def parse(cell: str) -> float:
        text = cell.strip()
        try:
            value = float(text)
        except ValueError:
            raise CellError(f"not a decimal number: {cell!r}") from None
        # float() alone would also take "nan", "1_000" and non-ASCII digits
        if value != value or "_" in text or not text.isascii():
            raise CellError(f"not a decimal number: {cell!r}")
        if isinf(value):
            raise CellError(f"not a finite number: {cell!r}")
        if (
            (low is not None and value < low)
            or (high is not None and value > high)
            or (positive and value <= 0)
        ):
            _check_bounds(prop, value, text)  # says which bound
        return value

    return parse


def _boolean(cell: str) -> bool:
    value = _BOOLEANS.get(cell.strip().lower())
    if value is None:
        raise CellError(f"not a boolean (true or false): {cell!r}")
    return value


def _date_parser() -> CellParser:
    """:func:`_date`, remembering the answers for the latest :data:`DATES_KEPT` cells of at most
    :data:`_DATE_KEPT_LENGTH` characters (a bundle's dates repeat: a few thousand days).

    >>> date = _date_parser()
    >>> date("2024-05-01"), date(" 2024-05-01T09:30 "), date("2024-05-01")
    ('2024-05-01', '2024-05-01T09:30:00', '2024-05-01')
    """
    remembered = functools.lru_cache(maxsize=DATES_KEPT)(_date)

    def parse(cell: str) -> str:
        return remembered(cell) if len(cell) <= _DATE_KEPT_LENGTH else _date(cell)

    return parse


def _date(cell: str) -> str:
    text = cell.strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text).isoformat()
    except ValueError:
        raise CellError(f"not an ISO 8601 date: {cell!r}") from None


def _country(cell: str) -> str:
    code = cell.strip().upper()
    if code not in ISO_3166_ALPHA2:
        raise CellError(f"not an ISO 3166-1 alpha-2 country code: {cell!r}")
    return code


def _tags(cell: str) -> list[str]:
    return [tag for part in cell.split(TAG_SEPARATOR) if (tag := part.strip())]


def _choice_parser(prop: Property) -> CellParser:
    """One of ``prop.choices``, its surrounding spaces dropped.

    >>> from graphsvc.model import node_type
    >>> kind = cell_parser(node_type("Broker").column("kind"))
    >>> kind(" agency")
    'agency'
    """
    allowed = frozenset(prop.choices)

    def parse(cell: str) -> str:
        value = cell.strip()
        if value not in allowed:
            raise CellError(f"unknown {prop.name} {cell!r}; allowed: {', '.join(prop.choices)}")
        return value

    return parse
