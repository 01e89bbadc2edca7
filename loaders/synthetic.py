"""Synthetic bundles of any size, for tests and benchmarks (``innonet generate``).

:func:`write_bundle` writes all six node files and ``relations.csv`` of a valid bundle
(../shared/DATA_CONTRACT.md), streaming rows to disk. Columns, kinds, choices and the allowed
endpoint types all come from :mod:`graphsvc.model`, so a property added there is filled here too.

The network looks like a city's technology-transfer network:

- the type mix of the real one: many achievements and enterprises, fewer brokers and investors,
  a handful of overseas channels;
- a heavy-tailed degree: every actor draws an activity from a Pareto law, and each relation picks
  its counterpart with probability proportional to that activity times a factor for its kind
  (universities develop, enterprises receive transfers, the exchange brokers), so a few hubs carry
  most relations and most actors have one or two; collaborations attach each institution to
  earlier ones, in the manner of preferential attachment;
- every relation type used with the endpoint types it allows, no relation twice (collaborations,
  which have no direction, are written once per pair), no self-loops;
- statuses that agree with the relations: a transferred achievement has a ``TRANSFERRED_TO`` whose
  ``mode`` fits its status, a solved demand has a ``SOLVES``, every demand has one ``RAISED``;
- every optional property filled on some rows and empty on others.

The same ``seed`` gives the same bytes. Memory grows with the number of nodes (a few arrays of
numbers), not with the number of relations.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     counts = write_bundle(Path(tmp), nodes=60, relations=250, seed=7)
>>> counts["relations.csv"], sum(n for f, n in counts.items() if f != "relations.csv")
(250, 60)
"""

from __future__ import annotations

import csv
import datetime
import math
import random
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Final

from graphsvc.model import (
    RELATION_FILE,
    RELATION_TYPES,
    NodeType,
    Property,
    PropertyType,
    node_type,
    relation_type,
)

Progress = Callable[[str, int], None]
"""Called with a file name and the number of rows written to it so far."""

PROGRESS_EVERY: Final = 50_000
"""Rows between two progress calls (each file also reports once when it is complete)."""

RELATIONS_PER_NODE: Final = 5
"""The default number of relations per node."""

NODE_SHARES: Final[Mapping[str, float]] = {
    "Achievement": 0.38,
    "Institution": 0.34,
    "Demand": 0.14,
    "Broker": 0.07,
    "Investor": 0.05,
    "OverseasChannel": 0.02,
}
"""The share of each node type among the nodes, roughly that of Shanghai's network."""

ID_PREFIXES: Final[Mapping[str, str]] = {
    "Institution": "inst",
    "Achievement": "ach",
    "Broker": "brk",
    "Investor": "inv",
    "OverseasChannel": "chn",
    "Demand": "dem",
}
"""Node ids are ``<prefix>-<n>``; the prefixes keep ids unique across files."""

KIND_SHARES: Final[Mapping[str, Mapping[str, float]]] = {
    "Institution": {
        "enterprise": 70,
        "university": 5,
        "research_institute": 5,
        "hospital": 3,
        "new_rd_institution": 3,
        "platform": 3,
        "incubator": 5,
        "science_park": 4,
        "government": 2,
    },
    "Broker": {
        "agency": 45,
        "transfer_office": 20,
        "technology_manager": 22,
        "poc_center": 6,
        "platform": 3,
        "association": 3,
        "exchange": 1,
    },
    "Investor": {
        "vc": 40,
        "angel": 15,
        "bank": 15,
        "guidance_fund": 10,
        "corporate_vc": 10,
        "insurer": 5,
        "government_fund": 5,
    },
}
"""How often each ``kind`` occurs; a kind the model adds and this table lacks gets share 1."""

TRANSFER_MODE_BY_STATUS: Final[Mapping[str, str]] = {
    "transferred": "transfer",
    "licensed": "license",
    "equity": "equity",
    "spun_off": "equity",
}
"""The achievement statuses that mean "transferred", and the ``TRANSFERRED_TO`` mode of each."""

BROKERED_STATUSES: Final = ("listed", "under_negotiation")
"""Statuses of an achievement that a broker handles but nobody has taken yet."""

SOLVED_DEMAND_STATUSES: Final = ("solved", "matched")
"""Statuses of a demand that an achievement answers."""

UNSOLVED_DEMAND_STATUSES: Final = ("open", "open", "open", "withdrawn")
"""Statuses of a demand nobody answers yet (mostly open)."""

FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "新材料": ("石墨烯薄膜", "高温合金", "碳纤维复合材料", "可降解高分子", "纳米涂层"),
    "集成电路": ("硅基光电子芯片", "先进封装", "射频前端", "存储器工艺", "EDA算法"),
    "生物医药": ("单克隆抗体", "mRNA递送", "细胞治疗", "体外诊断试剂", "小分子靶向药"),
    "人工智能": ("视觉检测", "大模型推理加速", "语音识别", "工业知识图谱", "自动驾驶感知"),
    "新能源": ("固态电解质", "高镍正极材料", "钠离子电池", "氢燃料电池电堆", "光伏钙钛矿"),
    "高端装备": ("精密减速器", "工业机器人", "航空发动机叶片", "数控机床", "船舶动力系统"),
    "电子信息": ("MEMS传感器", "5G天线", "量子通信", "卫星导航", "柔性显示"),
    "节能环保": ("废水处理膜", "碳捕集", "固废资源化", "VOCs治理", "余热回收"),
}
"""Fields of technology and a few topics in each (Chinese, as in the source documents)."""
FIELD_NAMES: Final = tuple(FIELDS)

IPC_BY_FIELD: Final[Mapping[str, tuple[str, ...]]] = {
    "新材料": ("C08L", "C01B", "C22C"),
    "集成电路": ("H01L", "G06F"),
    "生物医药": ("A61K", "C12N", "G01N"),
    "人工智能": ("G06N", "G06V", "G06T"),
    "新能源": ("H01M", "H02J"),
    "高端装备": ("B25J", "F16H", "B23Q"),
    "电子信息": ("H04B", "H01Q", "G01S"),
    "节能环保": ("C02F", "B01D", "F27D"),
}

SHANGHAI_DISTRICTS: Final = (
    "浦东新区", "闵行区", "徐汇区", "杨浦区", "嘉定区", "松江区", "宝山区", "奉贤区",
    "青浦区", "金山区", "普陀区", "长宁区", "静安区", "黄浦区", "虹口区", "崇明区",
)  # fmt: skip
OTHER_REGIONS: Final = ("江苏省", "浙江省", "安徽省", "北京市", "广东省", "湖北省")
OVERSEAS_CITIES: Final = (
    ("DE", "Berlin"), ("DE", "München"), ("US", "Boston"), ("US", "San Jose"),
    ("GB", "Cambridge"), ("FR", "Paris"), ("IL", "Tel Aviv"), ("JP", "Osaka"),
    ("KR", "Seoul"), ("SG", "Singapore"), ("FI", "Helsinki"), ("NL", "Eindhoven"),
    ("IT", "Milano"), ("RU", "Moscow"), ("AU", "Melbourne"), ("CA", "Toronto"),
)  # fmt: skip
NAME_SYLLABLES: Final = (
    ("华", "Hua"), ("瑞", "Rui"), ("澜", "Lan"), ("芯", "Xin"), ("睿", "Rui"), ("宏", "Hong"),
    ("博", "Bo"), ("远", "Yuan"), ("鼎", "Ding"), ("晟", "Sheng"), ("启", "Qi"), ("航", "Hang"),
    ("恒", "Heng"), ("锐", "Rui"), ("泽", "Ze"), ("源", "Yuan"), ("微", "Wei"), ("联", "Lian"),
    ("智", "Zhi"), ("创", "Chuang"), ("驰", "Chi"), ("海", "Hai"), ("川", "Chuan"), ("云", "Yun"),
    ("峰", "Feng"), ("凯", "Kai"), ("力", "Li"), ("谱", "Pu"), ("新", "Xin"), ("科", "Ke"),
)  # fmt: skip
"""Syllables of made-up names, with their pinyin for ``name_en``."""
SURNAMES: Final = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN_NAMES: Final = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
TAG_WORDS: Final = ("高新技术企业", "专精特新", "长三角", "G60科创走廊", "张江", "临港", "紫竹")
NOTE_WORDS: Final = ("技术合同登记", "框架协议", "联合实验室", "揭榜挂帅", "概念验证项目")
BROKER_SUFFIXES: Final[Mapping[str, str]] = {
    "transfer_office": "大学技术转移中心",
    "agency": "技术转移服务有限公司",
    "exchange": "技术交易所",
    "platform": "科技成果转化平台",
    "association": "技术转移协会",
    "poc_center": "概念验证中心",
}
INVESTOR_SUFFIXES: Final[Mapping[str, str]] = {
    "vc": "创业投资管理有限公司",
    "angel": "天使投资基金",
    "guidance_fund": "科技成果转化引导基金",
    "bank": "银行科技支行",
    "insurer": "科技保险有限公司",
    "corporate_vc": "产业投资有限公司",
    "government_fund": "政府投资基金",
}
FILLED: Final = 0.75
"""The share of rows on which an optional column has a value."""


@dataclass(frozen=True, slots=True)
class RelationPlan:
    """How one relation type (or one target type of it) is drawn.

    Each *item* (a node of ``item_type``) gets a number of relations that grows with its activity
    (zero where ``item_factors`` of its kind is zero); each relation picks a distinct counterpart
    among the nodes of ``pool_type`` with probability proportional to activity times
    ``pool_factors`` of its kind.
    A kind absent from a factor table has factor 0 (it takes no part) unless the table is empty
    (every kind takes part equally). ``item_is_source`` says on which end the item sits.
    ``earlier_only`` restricts the counterpart to nodes with a smaller index (each pair once).
    ``on_every_item`` gives every item its ``item_cap`` relations (as far as the total allows)
    before the other plans share the rest.
    """

    relation: str
    item_type: str
    pool_type: str
    item_is_source: bool
    share: float
    item_factors: Mapping[str, float]
    pool_factors: Mapping[str, float]
    item_cap: int | None = None
    earlier_only: bool = False
    on_every_item: bool = False

    @property
    def source_type(self) -> str:
        return self.item_type if self.item_is_source else self.pool_type

    @property
    def target_type(self) -> str:
        return self.pool_type if self.item_is_source else self.item_type


_ANY: Final[Mapping[str, float]] = {}
_DEVELOPERS: Final = {
    "university": 30.0,
    "research_institute": 25.0,
    "new_rd_institution": 10.0,
    "hospital": 6.0,
    "platform": 2.0,
    "enterprise": 1.0,
}
_ADOPTERS: Final = {"enterprise": 1.0, "new_rd_institution": 0.3, "hospital": 0.1}
_DEAL_BROKERS: Final = {
    "exchange": 40.0,
    "platform": 8.0,
    "agency": 2.0,
    "transfer_office": 2.0,
    "poc_center": 1.5,
    "technology_manager": 1.0,
    "association": 0.5,
}
_GLOBAL_INSTITUTIONS: Final = {
    "university": 6.0,
    "research_institute": 4.0,
    "platform": 3.0,
    "science_park": 1.0,
    "enterprise": 0.2,
}
_GLOBAL_BROKERS: Final = {"exchange": 10.0, "platform": 6.0, "agency": 1.0, "association": 1.0}
_COLLABORATORS: Final = {
    "university": 5.0,
    "research_institute": 4.0,
    "new_rd_institution": 2.0,
    "enterprise": 1.0,
    "hospital": 1.0,
    "platform": 1.0,
    "science_park": 1.0,
    "incubator": 0.5,
    "government": 0.3,
}
_FUNDERS_OF_RESULTS: Final = {"guidance_fund": 5.0, "government_fund": 5.0, "vc": 1.0, "angel": 1.0}

RELATION_PLANS: Final[tuple[RelationPlan, ...]] = (
    RelationPlan("DEVELOPED", "Achievement", "Institution", False, 0.13, _ANY, _DEVELOPERS),
    RelationPlan("TRANSFERRED_TO", "Achievement", "Institution", True, 0.09, _ANY, _ADOPTERS),
    RelationPlan("BROKERED", "Achievement", "Broker", False, 0.12, _ANY, _DEAL_BROKERS),
    RelationPlan("SERVES", "Institution", "Broker", False, 0.11, _ANY, _ANY),
    RelationPlan("INVESTED_IN", "Institution", "Investor", False, 0.06, _ADOPTERS, _ANY),
    RelationPlan("INVESTED_IN", "Achievement", "Investor", False, 0.03, _ANY, _FUNDERS_OF_RESULTS),
    RelationPlan(
        "PARTNERS_WITH", "OverseasChannel", "Institution", False, 0.04, _ANY, _GLOBAL_INSTITUTIONS
    ),
    RelationPlan("PARTNERS_WITH", "OverseasChannel", "Broker", False, 0.02, _ANY, _GLOBAL_BROKERS),
    RelationPlan(
        "COLLABORATES_WITH",
        "Institution",
        "Institution",
        True,
        0.26,
        _ANY,
        _COLLABORATORS,
        earlier_only=True,
    ),
    RelationPlan(
        "RAISED",
        "Demand",
        "Institution",
        False,
        0.0,
        _ANY,
        {"enterprise": 1.0},
        item_cap=1,
        on_every_item=True,
    ),
    RelationPlan("SOLVES", "Demand", "Achievement", False, 0.12, _ANY, _ANY),
)
"""Every relation type with its endpoint types, as :mod:`graphsvc.model` allows them."""


@dataclass(slots=True)
class _Nodes:
    """The nodes of one type: how many, each one's kind (an index into ``kinds``) and activity."""

    type: NodeType
    kinds: tuple[str, ...]
    kind_of: array[int]
    activity: array[float]

    def __len__(self) -> int:
        return len(self.activity)

    def node_id(self, index: int) -> str:
        return f"{ID_PREFIXES[self.type.name]}-{index}"


@dataclass(slots=True)
class _Pool:
    """The nodes a plan draws counterparts from: their indices and cumulative weights."""

    members: array[int]
    cumulative: array[float]

    def limit_below(self, index: int) -> int:
        """How many members have a node index smaller than ``index``."""
        return bisect_left(self.members, index)

    def pick_distinct(self, rng: random.Random, count: int, limit: int) -> list[int]:
        """``count`` distinct node indices among the first ``limit`` members, by weight."""
        if count * 2 > limit:
            return [self.members[k] for k in rng.sample(range(limit), count)]
        total = self.cumulative[limit - 1]
        chosen: dict[int, None] = {}
        for _ in range(4 * count + 8):
            position = bisect_right(self.cumulative, rng.random() * total, 0, limit - 1)
            chosen[position] = None
            if len(chosen) == count:
                break
        while len(chosen) < count:  # heavy hubs crowd the weighted draw: fill the rest evenly
            chosen[rng.randrange(limit)] = None
        return [self.members[k] for k in chosen]


def write_bundle(
    out: Path,
    *,
    nodes: int,
    seed: int = 0,
    relations: int | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write a valid synthetic bundle of ``nodes`` nodes and ``relations`` relations into ``out``.

    ``relations`` defaults to ``RELATIONS_PER_NODE * nodes``. Both counts are exact; asking for more
    distinct relations than the nodes can hold raises ``ValueError``. The directory is created if
    needed and the seven files in it are overwritten. Returns the number of data rows per file name.
    ``progress``, if given, is called with a file name and the rows written to it so far.
    """
    if nodes < 0:
        raise ValueError(f"nodes must be >= 0, not {nodes}")
    wanted = RELATIONS_PER_NODE * nodes if relations is None else relations
    if wanted < 0:
        raise ValueError(f"relations must be >= 0, not {wanted}")
    rng = random.Random(seed)
    graph = {
        name: _draw_nodes(rng, node_type(name), size)
        for name, size in _split(nodes, NODE_SHARES).items()
    }
    pools = [_pool(graph[plan.pool_type], plan.pool_factors) for plan in RELATION_PLANS]
    per_item = _relations_per_item(rng, graph, pools, wanted)
    statuses = _statuses(rng, per_item, graph)
    out.mkdir(parents=True, exist_ok=True)
    report = progress or _ignore_progress
    counts: dict[str, int] = {}
    for nodes_of_type in graph.values():
        rows = _node_rows(rng, nodes_of_type, statuses)
        counts[nodes_of_type.type.file] = _write_csv(
            out / nodes_of_type.type.file, _node_header(nodes_of_type.type), rows, report
        )
    counts[RELATION_FILE] = _write_csv(
        out / RELATION_FILE,
        _relation_header(),
        _relation_rows(rng, graph, pools, per_item, statuses["Achievement"]),
        report,
    )
    return counts


def write_changed_bundle(bundle: Path, out: Path, *, every: int = 10) -> dict[str, int]:
    """Copy ``bundle`` into ``out`` with one data row in ``every`` changed (10% by default).

    For a reload that changes part of a graph: in each node file the name (or title) of every
    ``every``-th row gets a suffix; in ``relations.csv`` every ``every``-th row is alternately
    removed and given another weight. Returns the rows changed per file name.

    Parameters
    ----------
    bundle : Path
        A bundle as :func:`write_bundle` writes it.
    out : Path
        The directory to write (created; its bundle files are overwritten).
    every : int
        One row in ``every`` changes.

    Returns
    -------
    dict of str to int
        How many rows changed (renamed, reweighted or removed) per file.

    Examples
    --------
    >>> import tempfile
    >>> scratch = Path(tempfile.mkdtemp())
    >>> _ = write_bundle(scratch / "a", nodes=40, relations=100, seed=1)
    >>> changed = write_changed_bundle(scratch / "a", scratch / "b")
    >>> changed["relations.csv"], sum(changed.values()) - changed["relations.csv"]
    (10, 2)
    """
    if every < 1:
        raise ValueError(f"every must be 1 or more, not {every}")
    out.mkdir(parents=True, exist_ok=True)
    changed: dict[str, int] = {}
    for source in sorted(bundle.glob("*.csv")):
        with source.open(encoding="utf-8", newline="") as file:
            rows = list(csv.reader(file))
        header, data = rows[0], rows[1:]
        count = 0
        kept = []
        for n, row in enumerate(data, 1):
            if n % every:
                kept.append(row)
                continue
            count += 1
            if source.name != RELATION_FILE:
                row[1] = f"{row[1]} (改)"
            elif (n // every) % 2:
                continue  # removed
            else:
                row[header.index("weight")] = "9.5"
            kept.append(row)
        with (out / source.name).open("w", encoding="utf-8", newline="") as file:
            csv.writer(file, lineterminator="\n").writerows([header, *kept])
        changed[source.name] = count
    return changed


def _ignore_progress(file: str, rows: int) -> None:
    """The progress callback used when the caller gives none."""


def _split(total: int, shares: Mapping[str, float]) -> dict[str, int]:
    """``total`` split by ``shares`` (largest remainders), at least one each while there are enough.

    >>> _split(10, {"a": 0.5, "b": 0.3, "c": 0.2})
    {'a': 5, 'b': 3, 'c': 2}
    >>> _split(2, {"a": 0.9, "b": 0.05, "c": 0.05})
    {'a': 1, 'b': 1, 'c': 0}
    """
    names = list(shares)
    floor = min(len(names), total)
    counts = {name: 1 if i < floor else 0 for i, name in enumerate(names)}
    rest = total - floor
    weight = sum(shares.values())
    exact = {name: rest * shares[name] / weight for name in names}
    for name in names:
        counts[name] += int(exact[name])
    left = total - sum(counts.values())
    by_remainder = sorted(names, key=lambda n: (int(exact[n]) - exact[n], names.index(n)))
    for name in by_remainder[:left]:
        counts[name] += 1
    return counts


def _draw_nodes(rng: random.Random, type_: NodeType, size: int) -> _Nodes:
    """Kinds and Pareto activities for ``size`` nodes; the first nodes take each kind once."""
    kinds = type_.kinds
    shares = KIND_SHARES.get(type_.name, {})
    cumulative = list(accumulate(shares.get(kind, 1.0) for kind in kinds))
    kind_of = array("B")
    activity = array("d")
    for index in range(size):
        if not kinds:
            kind_of.append(0)
        elif index < len(kinds):
            kind_of.append(index)
        else:
            kind_of.append(rng.choices(range(len(kinds)), cum_weights=cumulative)[0])
        activity.append(rng.paretovariate(1.2))
    return _Nodes(type_, kinds, kind_of, activity)


def _factor(nodes: _Nodes, index: int, factors: Mapping[str, float]) -> float:
    """The kind factor of one node in a plan (1 for every node when ``factors`` is empty)."""
    if not factors:
        return 1.0
    return factors.get(nodes.kinds[nodes.kind_of[index]], 0.0)


def _pool(nodes: _Nodes, factors: Mapping[str, float]) -> _Pool:
    """The nodes with a non-zero factor, in index order, with their cumulative weights."""
    members = array("I")
    weights = array("d")
    for index in range(len(nodes)):
        factor = _factor(nodes, index, factors)
        if factor > 0:
            members.append(index)
            weights.append(nodes.activity[index] * factor)
    return _Pool(members, array("d", accumulate(weights)))


def _item_caps(plan: RelationPlan, items: _Nodes, pool: _Pool) -> array[int]:
    """The most relations each item of ``plan`` can have (0 for items that take no part)."""
    caps = array("I")
    for index in range(len(items)):
        if _factor(items, index, plan.item_factors) <= 0:
            caps.append(0)
            continue
        cap = pool.limit_below(index) if plan.earlier_only else len(pool.members)
        if plan.item_cap is not None:
            cap = min(cap, plan.item_cap)
        caps.append(cap)
    return caps


def _relations_per_item(
    rng: random.Random, graph: Mapping[str, _Nodes], pools: list[_Pool], wanted: int
) -> list[array[int]]:
    """For each plan, how many relations each of its items gets; they add up to ``wanted``."""
    caps = [
        _item_caps(plan, graph[plan.item_type], pool)
        for plan, pool in zip(RELATION_PLANS, pools, strict=True)
    ]
    capacities = [sum(c) for c in caps]
    if wanted > sum(capacities):
        raise ValueError(
            f"{wanted} distinct relations do not fit among these nodes; at most {sum(capacities)}"
        )
    first = [
        capacity if plan.on_every_item else 0
        for plan, capacity in zip(RELATION_PLANS, capacities, strict=True)
    ]
    budgets = _fill(first, first, min(wanted, sum(first)))
    shared = _fill(
        [round(plan.share * 1000) for plan in RELATION_PLANS],
        [c - b for c, b in zip(capacities, budgets, strict=True)],
        wanted - sum(budgets),
    )
    budgets = [b + s for b, s in zip(budgets, shared, strict=True)]
    per_item = []
    for plan, plan_caps, budget in zip(RELATION_PLANS, caps, budgets, strict=True):
        items = graph[plan.item_type]
        weights = [
            items.activity[i] ** 0.5 * rng.uniform(0.5, 1.5) if plan_caps[i] else 0.0
            for i in range(len(items))
        ]
        per_item.append(array("I", _fill(weights, list(plan_caps), budget)))
    return per_item


def _fill(weights: list[float] | list[int], caps: list[int], total: int) -> list[int]:
    """``total`` units shared in proportion to ``weights``, no share above its cap.

    Assumes ``total <= sum(caps)``. What a capped share cannot take goes to the others.

    >>> _fill([1, 1, 8], [5, 5, 5], 10)
    [2, 3, 5]
    >>> _fill([0, 0], [2, 2], 3)
    [1, 2]
    """
    shares = [0] * len(caps)
    left = total
    while left > 0:
        open_weights = [w if s < c else 0 for w, s, c in zip(weights, shares, caps, strict=True)]
        weight = sum(open_weights)
        if weight <= 0:  # only weightless shares have room: fill them evenly
            open_weights = [1 if s < c else 0 for s, c in zip(shares, caps, strict=True)]
            weight = sum(open_weights)
        handed = 0
        running = 0.0
        for i, w in enumerate(open_weights):
            if not w:
                continue
            before = math.floor(left * running / weight)
            running += w
            room = caps[i] - shares[i]
            give = min(room, math.floor(left * running / weight) - before)
            shares[i] += give
            handed += give
        if handed == 0:  # rounding left a few units: give them one by one
            for i in range(len(shares)):
                if handed < left and shares[i] < caps[i] and open_weights[i]:
                    shares[i] += 1
                    handed += 1
        left -= handed
    return shares


def _node_header(type_: NodeType) -> list[str]:
    return ["id", *(prop.name for prop in type_.properties)]


def _relation_header() -> list[str]:
    """``source``, ``target``, ``type``, then every property any relation type declares."""
    names: dict[str, None] = {}
    for rel in RELATION_TYPES:
        names.update((prop.name, None) for prop in rel.properties)
    return ["source", "target", "type", *names]


def _write_csv(path: Path, header: list[str], rows: Iterator[list[str]], report: Progress) -> int:
    """Stream ``rows`` into ``path`` (RFC 4180, '\\n' line ends); the number of rows written."""
    written = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            written += 1
            if written % PROGRESS_EVERY == 0:
                report(path.name, written)
    report(path.name, written)
    return written


def _items_with_relations(relation: str, item_type: str, per_item: list[array[int]]) -> set[int]:
    """The items of ``item_type`` that get at least one relation of type ``relation``."""
    found: set[int] = set()
    for plan, counts in zip(RELATION_PLANS, per_item, strict=True):
        if plan.relation == relation and plan.item_type == item_type:
            found.update(i for i, n in enumerate(counts) if n)
    return found


def _statuses(
    rng: random.Random, per_item: list[array[int]], graph: Mapping[str, _Nodes]
) -> dict[str, list[str]]:
    """The ``status`` of every achievement and demand, agreeing with their relations."""
    transferred = _items_with_relations("TRANSFERRED_TO", "Achievement", per_item)
    brokered = _items_with_relations("BROKERED", "Achievement", per_item)
    solved = _items_with_relations("SOLVES", "Demand", per_item)
    achievements = []
    for index in range(len(graph["Achievement"])):
        if index in transferred:
            achievements.append(rng.choice(tuple(TRANSFER_MODE_BY_STATUS)))
        elif index in brokered:
            achievements.append(rng.choice(BROKERED_STATUSES))
        else:
            achievements.append("available")
    demands = [
        rng.choice(SOLVED_DEMAND_STATUSES if index in solved else UNSOLVED_DEMAND_STATUSES)
        for index in range(len(graph["Demand"]))
    ]
    return {"Achievement": achievements, "Demand": demands}


def _node_rows(
    rng: random.Random, nodes: _Nodes, statuses: Mapping[str, list[str]]
) -> Iterator[list[str]]:
    """The rows of one node file, in the order of its header."""
    type_ = nodes.type
    status_of = statuses.get(type_.name)
    makers = {prop.name: _value_maker(prop) for prop in type_.properties}
    for index in range(len(nodes)):
        kind = nodes.kinds[nodes.kind_of[index]] if nodes.kinds else ""
        known = _domain_values(rng, type_, kind)
        if status_of is not None:
            known["status"] = _sometimes(rng, status_of[index])
        row = [nodes.node_id(index)]
        for prop in type_.properties:
            if prop.name in known:
                row.append(known[prop.name])
            elif prop.required or rng.random() < FILLED:
                row.append(makers[prop.name](rng))
            else:
                row.append("")
        yield row


def _sometimes(rng: random.Random, value: str) -> str:
    """``value`` on most rows, empty on the others (optional columns are not always known)."""
    return value if rng.random() < FILLED else ""


def _domain_values(rng: random.Random, type_: NodeType, kind: str) -> dict[str, str]:
    """The values of a node that depend on its type and kind (names, fields, places).

    Columns not given here are filled from their declared type by :func:`_value_maker`.
    """
    field = rng.choice(FIELD_NAMES)
    topic = rng.choice(FIELDS[field])
    syllables = rng.choices(NAME_SYLLABLES, k=2)
    word = "".join(hanzi for hanzi, _ in syllables)
    word_en = "".join(pinyin for _, pinyin in syllables).capitalize()
    values: dict[str, str] = {"tags": _tags(rng)}
    if type_.name == "Institution":
        values["name"] = _institution_name(word, kind, field)
        values["name_en"] = _sometimes(rng, f"Shanghai {word_en} {kind.replace('_', ' ')}")
        region, values["lat"], values["lon"] = _place(rng)
        values["region"] = _sometimes(rng, region)
        values["city"] = _sometimes(rng, "上海") if region in SHANGHAI_DISTRICTS else ""
        values["country"] = _sometimes(rng, "CN")
    elif type_.name == "Broker":
        person = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        suffix = BROKER_SUFFIXES.get(kind, kind)
        values["name"] = person if kind == "technology_manager" else f"{word}{suffix}"
        values["region"] = _sometimes(rng, rng.choice(SHANGHAI_DISTRICTS))
        values["country"] = _sometimes(rng, "CN")
    elif type_.name == "Investor":
        values["name"] = f"上海{word}{INVESTOR_SUFFIXES.get(kind, kind)}"
        values["region"] = _sometimes(rng, rng.choice(SHANGHAI_DISTRICTS))
        values["country"] = _sometimes(rng, "CN")
    elif type_.name == "OverseasChannel":
        country, city = rng.choice(OVERSEAS_CITIES)
        values.update(name=f"{city}技术转移渠道", country=country, city=_sometimes(rng, city))
        values["partner"] = _sometimes(rng, f"{word_en} Innovation Centre {city}")
    elif type_.name == "Achievement":
        values["title"] = f"{word}{topic}关键技术"
        values["year"] = _sometimes(rng, str(rng.randint(2005, 2024)))
        ipc = f"{rng.choice(IPC_BY_FIELD[field])} {rng.randint(1, 99)}/{rng.randint(0, 99):02d}"
        values["ipc"] = _sometimes(rng, ipc)
    elif type_.name == "Demand":
        values["title"] = f"{topic}技术需求"
    if type_.column("field"):
        values["field"] = field
    if type_.column("kind"):
        values["kind"] = kind
    return values


def _tags(rng: random.Random) -> str:
    """``synthetic`` and up to two more labels."""
    return ";".join(["synthetic", *rng.sample(TAG_WORDS, rng.randint(0, 2))])


def _institution_name(word: str, kind: str, field: str) -> str:
    suffix = {
        "enterprise": f"{field}科技有限公司",
        "university": "大学",
        "research_institute": f"{field}研究所",
        "hospital": "医院",
        "new_rd_institution": f"{field}研究院",
        "platform": f"{field}创新平台",
        "incubator": "孵化器",
        "science_park": "科技园",
        "government": "科技局",
    }.get(kind, kind)
    return f"上海{word}{suffix}"


def _place(rng: random.Random) -> tuple[str, str, str]:
    """A region, latitude and longitude: mostly a Shanghai district, sometimes a province.

    The coordinates are both empty on some rows (a place not yet geocoded).
    """
    if rng.random() < 0.85:
        region, lat, lon = rng.choice(SHANGHAI_DISTRICTS), (31.23, 0.2), (121.47, 0.25)
    else:
        region, lat, lon = rng.choice(OTHER_REGIONS), (31.0, 3.0), (117.0, 4.0)
    if rng.random() >= FILLED:
        return region, "", ""
    return region, _coordinate(rng, *lat), _coordinate(rng, *lon)


def _coordinate(rng: random.Random, centre: float, spread: float) -> str:
    return f"{centre + rng.uniform(-spread, spread):.5f}"


ValueMaker = Callable[[random.Random], str]
"""Makes one cell's text."""

DATES: Final = tuple(
    (datetime.date(2015, 1, 1) + datetime.timedelta(days=day)).isoformat() for day in range(3650)
)
"""The dates relations and demands carry: ten years from 2015."""


def _value_maker(prop: Property) -> ValueMaker:
    """How to make a plausible value for a column, read from its declared type and bounds."""
    kind = prop.type
    if kind is PropertyType.INTEGER:
        first = int(prop.minimum) if prop.minimum is not None else 0
        last = int(prop.maximum) if prop.maximum is not None else 100
        if last - first > 100:  # a year
            first, last = max(first, 1950), min(last, 2024)
        return lambda rng: str(first + int(rng.random() * (last - first + 1)))
    if kind is PropertyType.DECIMAL:
        low = prop.minimum if prop.minimum is not None else 0.0
        high = prop.maximum
        if prop.positive:  # a weight
            return lambda rng: f"{0.5 + 4.5 * rng.random():.2f}"
        if high is None:  # an amount: log-uniform from ten thousand to a hundred million
            return lambda rng: f"{max(low, 1.0) * 10 ** (4 + 4 * rng.random()):.2f}"
        return lambda rng: f"{low + (high - low) * rng.random():.4f}"
    if kind is PropertyType.BOOLEAN:
        return lambda rng: "true" if rng.random() < 0.5 else "false"
    if kind is PropertyType.DATE:
        return lambda rng: DATES[int(rng.random() * len(DATES))]
    if kind is PropertyType.COUNTRY:
        return lambda rng: "CN" if rng.random() < 0.9 else rng.choice(OVERSEAS_CITIES)[0]
    if kind is PropertyType.TAGS:
        return _tags
    if kind is PropertyType.CHOICE:
        choices = prop.choices
        return lambda rng: choices[int(rng.random() * len(choices))]
    return lambda rng: NOTE_WORDS[int(rng.random() * len(NOTE_WORDS))]


def _relation_rows(
    rng: random.Random,
    graph: Mapping[str, _Nodes],
    pools: list[_Pool],
    per_item: list[array[int]],
    achievement_status: list[str],
) -> Iterator[list[str]]:
    """The rows of ``relations.csv``, plan by plan, item by item.

    Each optional column is filled on some rows; a transfer's ``mode`` always, following the
    status of its achievement; other relations leave ``mode`` empty.
    """
    header = _relation_header()
    mode_column = header.index("mode")
    random_ = rng.random
    for plan, pool, counts in zip(RELATION_PLANS, pools, per_item, strict=True):
        rel = relation_type(plan.relation)
        assert rel.fits(plan.source_type, plan.target_type), plan
        items, others = graph[plan.item_type], graph[plan.pool_type]
        makers = [
            (position, _value_maker(prop))
            for position, prop in enumerate(rel.column(name) for name in header)
            if prop is not None and prop.name != "mode"
        ]
        blank = [""] * len(header)
        blank[2] = rel.name
        for index, count in enumerate(counts):
            if not count:
                continue
            item_id = items.node_id(index)
            mode = ""
            if rel.name == "TRANSFERRED_TO":
                mode = TRANSFER_MODE_BY_STATUS.get(achievement_status[index], "")
            limit = pool.limit_below(index) if plan.earlier_only else len(pool.members)
            for other in pool.pick_distinct(rng, count, limit):
                row = blank.copy()
                if plan.item_is_source:
                    row[0], row[1] = item_id, others.node_id(other)
                else:
                    row[0], row[1] = others.node_id(other), item_id
                row[mode_column] = mode
                for position, make in makers:
                    if random_() < FILLED:
                        row[position] = make(rng)
                yield row
