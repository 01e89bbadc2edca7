"""The graph model of innonet, declared once as data.

Everything that knows about node types, relation types or their properties reads it from here:
the loaders validate CSV rows with it, the stores derive their schema and statements from it, the
GraphQL service derives its enums from it, and the maps derive their legends from it. Adding a
property or a type is an edit to this file alone.

The vocabulary follows ../shared/DATA_CONTRACT.md.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Final, Literal

ID_PATTERN: Final = re.compile(r"[A-Za-z0-9._:-]{1,128}")
"""Node ids (and explicit relation ids): 1-128 characters of ``A-Z a-z 0-9 . _ : -``."""

DEFAULT_COUNTRY: Final = "CN"

INDEXED_TEXT_MAX: Final = 1_000
"""The most characters of a text column that a store indexes (names, titles, regions).

Neo4j's range indexes refuse a key above about 8 kB (its whole composite key, here name and id),
and a refused key fails a whole refresh with a server error. 1,000 characters are at most
4,000 bytes in UTF-8, so every key fits with room for the id; the loaders refuse a longer cell
as a ``file:line: column:`` problem before any store is written, the same for both stores."""


class PropertyType(enum.Enum):
    """How a CSV cell is read and what value it is stored as."""

    TEXT = "text"  # free Unicode text
    INTEGER = "integer"  # whole number
    DECIMAL = "decimal"  # a decimal number, stored as float
    BOOLEAN = "boolean"  # true/false
    DATE = "date"  # ISO 8601 date or date-time, stored as its ISO text
    COUNTRY = "country"  # ISO 3166-1 alpha-2 code
    TAGS = "tags"  # ';'-separated list, stored as a list of strings
    CHOICE = "choice"  # one of a fixed vocabulary


@dataclass(frozen=True, slots=True)
class Property:
    """One column of a node or relation file.

    ``minimum``/``maximum`` bound numbers (inclusive); ``positive`` excludes zero;
    ``choices`` is the vocabulary of a CHOICE property; ``default`` applies when the cell is
    empty or the column is absent; ``max_length`` bounds a TEXT cell's characters.
    """

    name: str
    type: PropertyType
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    positive: bool = False
    default: object = None
    description: str = ""
    max_length: int | None = None  # most characters of a TEXT cell (see INDEXED_TEXT_MAX)


@dataclass(frozen=True, slots=True)
class NodeType:
    """A node type: the CSV file it comes from, its columns, its map colour."""

    name: str  # the type's name, also its Neo4j label: "Institution"
    enum: str  # its GraphQL enum value: "INSTITUTION"
    file: str  # the bundle file: "institutions.csv"
    name_column: str  # the column that gives Node.name: "name" or "title"
    properties: tuple[Property, ...]
    colour: str  # map colour (legend): Okabe-Ito / Tol colours, told apart under deuteranopia
    shape: str  # map shape (vis-network shape name)
    description: str
    since: str | None = None  # the property giving the date from which the node exists

    @property
    def kinds(self) -> tuple[str, ...]:
        """The ``kind`` vocabulary, empty when the type has no kind."""
        prop = self.column("kind")
        return prop.choices if prop else ()

    def column(self, name: str) -> Property | None:
        for prop in self.properties:
            if prop.name == name:
                return prop
        return None

    @property
    def required_columns(self) -> tuple[str, ...]:
        return ("id", *(p.name for p in self.properties if p.required))

    @property
    def has_country(self) -> bool:
        return self.column("country") is not None


Flow = Literal["forward", "reverse", "both"]
"""Which way technology moves along a relation: ``"forward"`` source -> target, ``"reverse"``
target -> source, ``"both"`` either way."""


@dataclass(frozen=True, slots=True)
class RelationType:
    """A relation type: which node types it joins and what it means.

    ``flow`` says which way technology (and what carries it: a deal, a solution, funding) moves
    along the relation, whatever way the relation is written; brokerage roles are read on it
    (``queries.roles``). The reason for each relation type's flow is written next to it in
    :data:`RELATION_TYPES`.
    """

    name: str  # "DEVELOPED"; also the Neo4j relationship type and the GraphQL enum value
    sources: tuple[str, ...]  # node type names allowed at the source
    targets: tuple[str, ...]  # node type names allowed at the target
    description: str
    colour: str
    symmetric: bool = False  # no direction in meaning: D holds both directions
    properties: tuple[Property, ...] = field(default=())
    flow: Flow = "forward"

    def column(self, name: str) -> Property | None:
        for prop in self.properties:
            if prop.name == name:
                return prop
        return None

    def fits(self, source_type: str, target_type: str) -> bool:
        return source_type in self.sources and target_type in self.targets


def _text(name: str, required: bool = False, description: str = "") -> Property:
    return Property(name, PropertyType.TEXT, required=required, description=description)


def _indexed_text(name: str, required: bool = False, description: str = "") -> Property:
    """A text column the stores index: at most :data:`INDEXED_TEXT_MAX` characters."""
    limit = f"indexed: at most {INDEXED_TEXT_MAX:,} characters"
    return Property(
        name,
        PropertyType.TEXT,
        required=required,
        description=f"{description}; {limit}" if description else limit,
        max_length=INDEXED_TEXT_MAX,
    )


def _choice(name: str, choices: tuple[str, ...], required: bool = False) -> Property:
    return Property(name, PropertyType.CHOICE, required=required, choices=choices)


def _amount(name: str) -> Property:
    return Property(name, PropertyType.DECIMAL, minimum=0, description="CNY, non-negative")


_YEAR_MIN, _YEAR_MAX = 1800, 2100
_TAGS = Property("tags", PropertyType.TAGS, description="';'-separated labels")
_REGION = _indexed_text("region", description="district or province")
_COUNTRY = Property("country", PropertyType.COUNTRY, default=DEFAULT_COUNTRY)

NODE_TYPES: Final[tuple[NodeType, ...]] = (
    NodeType(
        name="Institution",
        since="founded",
        enum="INSTITUTION",
        file="institutions.csv",
        name_column="name",
        colour="#0072b2",
        shape="dot",
        description="A university, institute, enterprise, hospital, platform or park",
        properties=(
            _indexed_text("name", required=True),
            _choice(
                "kind",
                (
                    "university",
                    "research_institute",
                    "enterprise",
                    "hospital",
                    "new_rd_institution",
                    "platform",
                    "incubator",
                    "science_park",
                    "government",
                ),
                required=True,
            ),
            _text("name_en"),
            _REGION,
            _COUNTRY,
            _text("city"),
            Property("lat", PropertyType.DECIMAL, minimum=-90, maximum=90),
            Property("lon", PropertyType.DECIMAL, minimum=-180, maximum=180),
            Property("founded", PropertyType.INTEGER, minimum=_YEAR_MIN, maximum=_YEAR_MAX),
            _TAGS,
        ),
    ),
    NodeType(
        name="Achievement",
        since="year",
        enum="ACHIEVEMENT",
        file="achievements.csv",
        name_column="title",
        colour="#e69f00",
        shape="square",
        description="A technology achievement: a patent, a result, a know-how package",
        properties=(
            _indexed_text("title", required=True),
            _text("field", required=True),
            Property("year", PropertyType.INTEGER, minimum=_YEAR_MIN, maximum=_YEAR_MAX),
            Property(
                "trl",
                PropertyType.INTEGER,
                minimum=1,
                maximum=9,
                description="technology readiness level",
            ),
            _choice(
                "status",
                (
                    "available",
                    "listed",
                    "under_negotiation",
                    "transferred",
                    "licensed",
                    "equity",
                    "spun_off",
                ),
            ),
            _text("ipc", description="IPC classification"),
            _amount("value_cny"),
            _TAGS,
        ),
    ),
    NodeType(
        name="Broker",
        since="founded",
        enum="BROKER",
        file="brokers.csv",
        name_column="name",
        colour="#cc6677",
        shape="diamond",
        description="A transfer office, agency, exchange, platform or technology manager",
        properties=(
            _indexed_text("name", required=True),
            _choice(
                "kind",
                (
                    "transfer_office",
                    "agency",
                    "exchange",
                    "platform",
                    "technology_manager",
                    "association",
                    "poc_center",
                ),
                required=True,
            ),
            _REGION,
            _COUNTRY,
            Property("certified", PropertyType.BOOLEAN),
            Property("founded", PropertyType.INTEGER, minimum=_YEAR_MIN, maximum=_YEAR_MAX),
            _TAGS,
        ),
    ),
    NodeType(
        name="Investor",
        enum="INVESTOR",
        file="investors.csv",
        name_column="name",
        colour="#882255",
        shape="triangle",
        description="A fund, bank, insurer or angel that invests, lends or funds",
        properties=(
            _indexed_text("name", required=True),
            _choice(
                "kind",
                (
                    "vc",
                    "angel",
                    "guidance_fund",
                    "bank",
                    "insurer",
                    "corporate_vc",
                    "government_fund",
                ),
                required=True,
            ),
            _REGION,
            _COUNTRY,
            _amount("aum_cny"),
            _TAGS,
        ),
    ),
    NodeType(
        name="OverseasChannel",
        since="established",
        enum="OVERSEAS_CHANNEL",
        file="channels.csv",
        name_column="name",
        colour="#88ccee",
        shape="star",
        description="An overseas branch or international partner that carries transfer abroad",
        properties=(
            _indexed_text("name", required=True),
            Property("country", PropertyType.COUNTRY, required=True),
            _text("partner"),
            _text("city"),
            Property("established", PropertyType.INTEGER, minimum=_YEAR_MIN, maximum=_YEAR_MAX),
            _TAGS,
        ),
    ),
    NodeType(
        name="Demand",
        since="posted",
        enum="DEMAND",
        file="demands.csv",
        name_column="title",
        colour="#000000",
        shape="triangleDown",
        description="A technology demand posted by an enterprise",
        properties=(
            _indexed_text("title", required=True),
            _text("field", required=True),
            _amount("budget_cny"),
            _choice("status", ("open", "matched", "solved", "withdrawn")),
            Property("posted", PropertyType.DATE),
            _TAGS,
        ),
    ),
)

RELATION_FILE: Final = "relations.csv"

RELATION_PROPERTIES: Final[tuple[Property, ...]] = (
    Property("date", PropertyType.DATE),
    _amount("amount_cny"),
    Property("weight", PropertyType.DECIMAL, positive=True, default=1.0),
    _text("mode"),
    _text("note"),
)
"""Optional columns of every relation (besides ``source``, ``target``, ``type``, ``id``)."""

RELATION_SINCE: Final = "date"
"""The property giving the date from which a relation exists (every relation type has it).

A node exists from its type's ``since`` property (a year from 1 January of that year, a date from
that day); a relation from its ``date``; a node or relation without one (an undated one, or an
Investor, whose type has none) always exists. ``queries.timeline`` reads the graph as of a date
with this definition."""


UNDATED: Final = 0
"""The day number of an undated node or relation: before every date, so it always exists."""

FIRST_YEAR: Final = 1800
LAST_YEAR: Final = 2100
"""The years a date may fall in; a year outside them dates nothing."""


def day_number(day: dt.date) -> int:
    """``day`` as ``YYYYMMDD`` (comparing day numbers compares dates).

    >>> day_number(dt.date(2023, 1, 9))
    20230109
    """
    return day.year * 10000 + day.month * 100 + day.day


def day_of(value: Any) -> int:
    """The day number from which a property value dates a node or relation, :data:`UNDATED`
    when it gives none: a year (integer) counts from 1 January, an ISO date or date-time from
    its day.

    >>> day_of(2019), day_of("2021-03-04"), day_of("2021-03-04T10:00:00Z"), day_of(None)
    (20190101, 20210304, 20210304, 0)
    """
    if isinstance(value, bool) or value is None:
        return UNDATED
    if isinstance(value, int):
        return value * 10000 + 101 if FIRST_YEAR <= value <= LAST_YEAR else UNDATED
    if isinstance(value, str) and len(value) >= 10:
        try:
            return _day_number_of(value[:10])
        except ValueError:
            return UNDATED
    return UNDATED


DAYS_KEPT: Final = 1 << 16
"""Days :func:`day_of` remembers the number of (the latest): a load asks for the same days
again and again, and a remembered one takes 0.17 us against 0.35 us to parse it."""


@functools.lru_cache(maxsize=DAYS_KEPT)
def _day_number_of(day: str) -> int:
    return day_number(dt.date.fromisoformat(day))


_TRANSFER_MODE = _choice("mode", ("transfer", "license", "equity", "joint_rd", "service"))


def _with(props: tuple[Property, ...], override: Property) -> tuple[Property, ...]:
    return tuple(override if p.name == override.name else p for p in props)


RELATION_TYPES: Final[tuple[RelationType, ...]] = (
    RelationType(
        "DEVELOPED",
        ("Institution",),
        ("Achievement",),
        "produced or holds the achievement",
        "#009e73",
        properties=RELATION_PROPERTIES,
        flow="forward",  # the achievement comes out of the lab that developed it
    ),
    RelationType(
        "TRANSFERRED_TO",
        ("Achievement",),
        ("Institution",),
        "the achievement was transferred to the institution",
        "#0072b2",
        properties=_with(RELATION_PROPERTIES, _TRANSFER_MODE),
        flow="forward",  # the achievement goes to the institution that receives it
    ),
    RelationType(
        "BROKERED",
        ("Broker",),
        ("Achievement",),
        "the broker served a deal on this achievement",
        "#e69f00",
        properties=RELATION_PROPERTIES,
        flow="reverse",  # the achievement goes to the broker, who takes it to market
    ),
    RelationType(
        "SERVES",
        ("Broker",),
        ("Institution",),
        "the institution is the broker's client",
        "#000000",
        properties=RELATION_PROPERTIES,
        flow="forward",  # the broker brings technology to its client; what a client hands over
        # is its achievements the broker BROKERED (DEVELOPED, then BROKERED)
    ),
    RelationType(
        "INVESTED_IN",
        ("Investor",),
        ("Institution", "Achievement"),
        "invested, lent or funded",
        "#882255",
        properties=RELATION_PROPERTIES,
        flow="forward",  # money and backing go to what the investor funds, never back
    ),
    RelationType(
        "PARTNERS_WITH",
        ("Institution", "Broker"),
        ("OverseasChannel",),
        "works through that overseas channel",
        "#56b4e9",
        properties=RELATION_PROPERTIES,
        flow="both",  # channels carry transfer both ways: the city's technology abroad, and
        # foreign technology in (seed 003: 200+ brought in by the eastern centre; "双向技术转移")
    ),
    RelationType(
        "COLLABORATES_WITH",
        ("Institution",),
        ("Institution",),
        "joint lab, joint R&D, alliance",
        "#bbbbbb",
        symmetric=True,
        properties=RELATION_PROPERTIES,
        flow="both",  # joint R&D: no direction
    ),
    RelationType(
        "RAISED",
        ("Institution",),
        ("Demand",),
        "the enterprise posted the demand",
        "#332288",
        properties=RELATION_PROPERTIES,
        flow="reverse",  # a demand leads to the enterprise that posted it (the solution goes there)
    ),
    RelationType(
        "SOLVES",
        ("Achievement",),
        ("Demand",),
        "the achievement answers the demand",
        "#117733",
        properties=RELATION_PROPERTIES,
        flow="forward",  # the achievement goes to the demand it answers
    ),
)

NODE_TYPE_BY_NAME: Final = {t.name: t for t in NODE_TYPES}
NODE_TYPE_BY_ENUM: Final = {t.enum: t for t in NODE_TYPES}
NODE_TYPE_BY_FILE: Final = {t.file: t for t in NODE_TYPES}
RELATION_TYPE_BY_NAME: Final = {t.name: t for t in RELATION_TYPES}

NODE_TYPE_NAMES: Final = tuple(t.name for t in NODE_TYPES)
RELATION_TYPE_NAMES: Final = tuple(t.name for t in RELATION_TYPES)


def node_type(name: str) -> NodeType:
    """The node type called ``name`` (its model name such as ``"Broker"`` or its enum ``"BROKER"``).

    Raises ``KeyError`` naming the known types when there is none.
    """
    found = NODE_TYPE_BY_NAME.get(name) or NODE_TYPE_BY_ENUM.get(name)
    if found is None:
        raise KeyError(f"unknown node type {name!r}; known: {', '.join(NODE_TYPE_NAMES)}")
    return found


def relation_type(name: str) -> RelationType:
    """The relation type called ``name``; ``KeyError`` naming the known types when there is none."""
    found = RELATION_TYPE_BY_NAME.get(name)
    if found is None:
        raise KeyError(f"unknown relation type {name!r}; known: {', '.join(RELATION_TYPE_NAMES)}")
    return found


def relation_id(source: str, type_: str, target: str) -> str:
    """The stable id of a relation given without an ``id``.

    ``>`` is not an id character, so a derived id never clashes with an explicit one.

    >>> relation_id("sjtu", "DEVELOPED", "ach-1")
    'sjtu>DEVELOPED>ach-1'
    """
    return f"{source}>{type_}>{target}"
