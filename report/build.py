"""The annual report as one HTML file: figures with year-over-year change, charts, ranked tables
with names, the channel and hub maps as images, and the method. Every figure comes from
:func:`queries.changes.trends` and :func:`queries.changes.changes` and the analyses as of the
year's end, so the report says what the API says."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from graphsvc.model import NODE_TYPE_BY_NAME
from graphsvc.stores.contract import Node, Store
from queries.centrality import centrality
from queries.changes import TREND_MEANINGS, Changes, Trend, changes, trends
from queries.errors import BadRequest
from queries.fragility import fragility
from queries.projection import ACTOR_TYPES, Projection, projection
from queries.reach import OverseasReach, overseas_reach
from queries.results import Score
from queries.roles import brokerage_roles
from report import charts

LANGUAGES = ("zh", "en")
SERIES_YEARS = 8
"""Years the charts show, ending with the report's year."""

FIGURES = (
    "NODES",
    "RELATIONSHIPS",
    "NEW_NODES",
    "NEW_RELATIONSHIPS",
    "DEMANDS_POSTED",
    "DEMANDS_SOLVED",
    "MATCH_RATE",
    "TRANSFERS",
    "TRANSFER_AMOUNT",
    "OVERSEAS_CHANNELS",
    "COUNTRIES_REACHED",
    "TOP_BROKER_SHARE",
)
"""The figures of the report's first table, each a :data:`queries.changes.TREND_METRICS`."""

TEXT = {
    "zh": {
        "title": "{year}年度科技成果转移转化网络报告",
        "subtitle": "由 innonet 根据图数据（数据版本 {version}）生成；对比年份 {compare}。",
        "figures": "年度主要指标",
        "figure": "指标",
        "change": "同比变化",
        "charts": "图表",
        "tables": "排名",
        "maps": "网络图",
        "method": "计算方法",
        "hubs": "枢纽（按关系数，{year}年末），及与{compare}年末相比的排名变化",
        "brokers": "经纪者（Gould-Fernandez 经纪角色总数，{year}年末）",
        "gatekeepers": "守门人（gatekeeper 角色，{year}年末）",
        "cuts": "单点故障（移除后切断的节点数，{year}年末）",
        "shares": "经纪机构成交份额变化（BROKERED，{compare}年末 → {year}年末）",
        "rank": "排名",
        "before": "上期排名",
        "name": "名称",
        "kind": "类型",
        "score": "得分",
        "cut_off": "切断节点",
        "share_before": "上期份额",
        "share": "本期份额",
        "new": "新",
        "series_new": "每年新增节点（按类型）",
        "series_match": "需求匹配率（年末已解决需求 / 已发布需求）",
        "by_mode": "{year}年技术交易金额（按方式，元）",
        "by_actor": "{year}年技术交易金额（按卖方类型，元）",
        "top_share": "前{n}家经纪机构的成交份额（{year}年末）",
        "countries": "海外渠道所在国家（{year}年末渠道数）",
        "channel_map": "全球渠道图（{year}年末）：中心为连接海外渠道最多的机构，外圈为国家",
        "hub_map": "枢纽图（{year}年末）：关系数最多的{n}个主体及其相互关系",
        "amount": "金额（元）",
        "count": "数量",
        "undated": "注：无日期的节点与关系视为一直存在：{year}年末图中 {nodes:,} 个节点中有 "
        "{undated_nodes:,} 个无日期，{rels:,} 条关系中有 {undated_rels:,} 条无日期。",
        "method_intro": "某一日期的图：节点自其日期起存在（机构、经纪机构按成立年份，成果按年份，"
        "海外渠道按设立年份，需求按发布日期；年份自当年1月1日起计），关系自其日期起存在且两端节点"
        "均已存在；无日期者始终存在。某年的指标按该年12月31日的图计算；“新增”指在上年末不存在、"
        "本年末存在。各指标定义如下（英文原文）：",
    },
    "en": {
        "title": "Technology transfer network: annual report {year}",
        "subtitle": "Written by innonet from the graph (data version {version}); compared with "
        "{compare}.",
        "figures": "The year's figures",
        "figure": "figure",
        "change": "change",
        "charts": "Charts",
        "tables": "Rankings",
        "maps": "Maps",
        "method": "Method",
        "hubs": "Hubs (relationships, end of {year}) and their rank at the end of {compare}",
        "brokers": "Brokers (Gould-Fernandez brokerage roles, end of {year})",
        "gatekeepers": "Gatekeepers (gatekeeper role, end of {year})",
        "cuts": "Single points of failure (nodes cut off when removed, end of {year})",
        "shares": "Brokers' share of deals (BROKERED), end of {compare} to end of {year}",
        "rank": "rank",
        "before": "rank before",
        "name": "name",
        "kind": "kind",
        "score": "score",
        "cut_off": "cut off",
        "share_before": "share before",
        "share": "share",
        "new": "new",
        "series_new": "New nodes per year, by type",
        "series_match": "Demand match rate (solved / posted, at the year's end)",
        "by_mode": "Transfer amounts in {year} by mode (CNY)",
        "by_actor": "Transfer amounts in {year} by seller kind (CNY)",
        "top_share": "Share of deals of the top {n} brokers (end of {year})",
        "countries": "Countries of the overseas channels (channels at the end of {year})",
        "channel_map": "Global channel map (end of {year}): the actors with most overseas "
        "channels in the centre, countries around",
        "hub_map": "Hub map (end of {year}): the top {n} actors by relationships and the "
        "relations among them",
        "amount": "amount (CNY)",
        "count": "count",
        "undated": "Undated nodes and relationships count as always there: of the {nodes:,} "
        "nodes at the end of {year}, {undated_nodes:,} are undated; of the {rels:,} "
        "relationships, {undated_rels:,}.",
        "method_intro": "The graph as of a date: a node exists from its date (institutions and "
        "brokers from the year founded, achievements from their year, overseas channels from "
        "the year established, demands from the day posted; a year from 1 January), a "
        "relationship from its date once both ends exist; undated ones always. A year's figure "
        "is computed on the graph of its 31 December; 'new' means absent at the end of the "
        "year before and present at the end of the year. The figures:",
    },
}

METRIC_NAMES = {
    "zh": {
        "NODES": "节点总数",
        "RELATIONSHIPS": "关系总数",
        "NEW_NODES": "新增节点",
        "NEW_RELATIONSHIPS": "新增关系",
        "DEMANDS_POSTED": "发布需求",
        "DEMANDS_SOLVED": "解决需求",
        "MATCH_RATE": "需求匹配率",
        "TRANSFERS": "技术转让/许可/作价投资笔数",
        "TRANSFER_AMOUNT": "技术交易金额（元）",
        "OVERSEAS_CHANNELS": "海外渠道",
        "COUNTRIES_REACHED": "覆盖国家",
        "TOP_BROKER_SHARE": "前5家经纪机构成交份额",
        "TRANSFER_AMOUNT_BY_ACTOR": "技术交易金额（按卖方类型）",
    },
    "en": {name: name.replace("_", " ").lower() for name in TREND_MEANINGS},
}

RATIOS = ("MATCH_RATE", "TOP_BROKER_SHARE")


def _fmt(metric: str, value: float) -> str:
    return f"{value:.1%}" if metric in RATIOS else f"{value:,.0f}"


def _change(metric: str, now: float, then: float) -> str:
    if metric in RATIOS:
        return f"{(now - then) * 100:+.1f} pp"
    if then == 0:
        return "—"
    return f"{(now - then) / then:+.1%}"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], cls: str = "") -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f'<table class="{cls}"><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>'


def build_report(store: Store, year: int, compare: int | None = None, lang: str = "zh") -> str:
    """The annual report of ``year`` compared with ``compare`` (the year before by default).

    Parameters
    ----------
    store : Store
        The graph store.
    year : int
        The report's year: its figures are those of the graph as of 31 December.
    compare : int, optional
        The year compared with; ``year - 1`` when omitted.
    lang : str, default "zh"
        ``"zh"`` (Chinese) or ``"en"``.

    Returns
    -------
    str
        The self-contained HTML page; each figure's row carries ``data-metric``,
        ``data-value`` and ``data-before`` (the values of this year and the compared one).

    Raises
    ------
    BadRequest
        When the language is unknown or ``compare`` is not before ``year``.
    """
    if lang not in LANGUAGES:
        raise BadRequest(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    compare = year - 1 if compare is None else compare
    if compare >= year:
        raise BadRequest(f"--compare {compare} must be before --year {year}")
    t = TEXT[lang]
    names_of = METRIC_NAMES[lang]
    first = min(compare, year - SERIES_YEARS + 1)
    series: dict[str, Trend] = {
        m: trends(store, m, first, year) for m in (*FIGURES, "TRANSFER_AMOUNT_BY_ACTOR")
    }
    years = [p.year for p in series["NODES"].points]

    def at(metric: str, y: int) -> float:
        return series[metric].points[y - first].value

    figures = {m: (at(m, year), at(m, compare)) for m in FIGURES}
    delta: Changes = changes(store, str(compare), str(year), top=15)
    as_of = str(year)
    graph = projection(store, as_of=as_of)

    figure_rows = "".join(
        f'<tr data-metric="{m}" data-value="{now!r}" data-before="{then!r}">'
        f"<td>{html.escape(names_of[m])}</td><td>{_fmt(m, now)}</td><td>{_fmt(m, then)}</td>"
        f"<td>{_change(m, now, then)}</td></tr>"
        for m, (now, then) in figures.items()
    )
    figure_table = (
        f'<table class="figures"><thead><tr><th>{t["figure"]}</th><th>{year}</th>'
        f"<th>{compare}</th><th>{t['change']}</th></tr></thead><tbody>{figure_rows}</tbody></table>"
    )
    undated = t["undated"].format(
        year=year,
        nodes=delta.after.nodes,
        undated_nodes=delta.after.undated_nodes,
        rels=delta.after.relationships,
        undated_rels=delta.after.undated_relationships,
    )

    new_nodes = series["NEW_NODES"].points
    types = sorted({k for p in new_nodes for k in p.parts})
    amount_year = series["TRANSFER_AMOUNT"].points[-1].parts
    actor_year = series["TRANSFER_AMOUNT_BY_ACTOR"].points[-1].parts
    shares = series["TOP_BROKER_SHARE"].points[-1].parts
    channels = series["OVERSEAS_CHANNELS"].points[-1].parts

    roles = brokerage_roles(store, top=10, as_of=as_of)
    gatekeepers = brokerage_roles(store, role="gatekeeper", top=10, as_of=as_of)
    cuts = fragility(store, top=10, as_of=as_of).cut_points
    reach = overseas_reach(store, top=25, as_of=as_of)
    hubs_map = centrality(store, "DEGREE", types=list(ACTOR_TYPES), top=30, as_of=as_of).scores
    ids = {
        *(h.node for h in delta.hubs),
        *(b.node for b in (*delta.brokers_rose, *delta.brokers_fell)),
        *(r.node for r in roles),
        *(g.node for g in gatekeepers),
        *(c.node for c in cuts),
        *(a.node for a in reach.items),
        *(s.node for s in hubs_map),
        *shares,
    }
    nodes = store.nodes(sorted(ids))

    def name(i: str) -> str:
        node = nodes.get(i)
        return node.name if node else i

    def kind(i: str) -> str:
        node = nodes.get(i)
        return (node.kind or node.type) if node else ""

    chart_html = [
        charts.stacked_bars(
            t["series_new"],
            years,
            {k: [p.parts.get(k, 0.0) for p in new_nodes] for k in types},
            t["count"],
        ),
        charts.line(t["series_match"], years, [p.value for p in series["MATCH_RATE"].points], ""),
        charts.bars(
            t["by_mode"].format(year=year),
            list(amount_year),
            list(amount_year.values()),
            t["amount"],
        ),
        charts.bars(
            t["by_actor"].format(year=year),
            list(actor_year),
            list(actor_year.values()),
            t["amount"],
        ),
        charts.bars(
            t["top_share"].format(n=len(shares), year=year),
            [name(i) for i in shares],
            list(shares.values()),
            t["share"],
        ),
        charts.bars(
            t["countries"].format(year=year),
            sorted(channels, key=lambda c: -channels[c])[:25],
            sorted(channels.values(), reverse=True)[:25],
            t["count"],
        ),
    ]

    tables = [
        (
            t["hubs"].format(year=year, compare=compare),
            _table(
                [t["rank"], t["before"], t["name"], t["kind"], t["score"]],
                [
                    [
                        str(h.rank),
                        t["new"] if h.rank_before is None else str(h.rank_before),
                        name(h.node),
                        kind(h.node),
                        f"{h.score:,.0f}",
                    ]
                    for h in delta.hubs
                ],
            ),
        ),
        (
            t["brokers"].format(year=year),
            _table(
                [t["rank"], t["name"], t["kind"], t["score"]],
                [
                    [str(k), name(r.node), kind(r.node), f"{r.total:,}"]
                    for k, r in enumerate(roles, 1)
                ],
            ),
        ),
        (
            t["gatekeepers"].format(year=year),
            _table(
                [t["rank"], t["name"], t["kind"], t["score"]],
                [
                    [str(k), name(r.node), kind(r.node), f"{r.counts['gatekeeper']:,}"]
                    for k, r in enumerate(gatekeepers, 1)
                ],
            ),
        ),
        (
            t["cuts"].format(year=year),
            _table(
                [t["rank"], t["name"], t["kind"], t["cut_off"]],
                [
                    [str(k), name(c.node), kind(c.node), f"{c.separation.size:,}"]
                    for k, c in enumerate(cuts, 1)
                ],
            ),
        ),
        (
            t["shares"].format(year=year, compare=compare),
            _table(
                [t["name"], t["share_before"], t["share"], t["change"]],
                [
                    [
                        name(b.node),
                        f"{b.share_before:.1%}",
                        f"{b.share:.1%}",
                        f"{b.change * 100:+.1f} pp",
                    ]
                    for b in (*delta.brokers_rose[:8], *delta.brokers_fell[:8])
                ],
            ),
        ),
    ]

    maps = [
        _channel_map(t["channel_map"].format(year=year), reach, name),
        _hub_map(t["hub_map"].format(year=year, n=len(hubs_map)), graph, hubs_map, name, nodes),
    ]
    method = "".join(
        f"<li><b>{html.escape(names_of.get(m, m))}</b> ({m}): {html.escape(TREND_MEANINGS[m])}</li>"
        for m in (*FIGURES, "TRANSFER_AMOUNT_BY_ACTOR")
    )
    title = t["title"].format(year=year)
    page = f"""<!DOCTYPE html>
<html lang="{"zh-CN" if lang == "zh" else "en"}">
<head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{STYLE}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="sub">{html.escape(t["subtitle"].format(version=graph.version[:12], compare=compare))}</p>
<h2>{t["figures"]}</h2>
{figure_table}
<p class="note">{html.escape(undated)}</p>
<h2>{t["charts"]}</h2>
{"".join(f"<figure>{c}</figure>" for c in chart_html)}
<h2>{t["tables"]}</h2>
{"".join(f"<h3>{html.escape(h)}</h3>{body}" for h, body in tables)}
<h2>{t["maps"]}</h2>
{"".join(f"<figure>{m}</figure>" for m in maps)}
<h2>{t["method"]}</h2>
<p>{html.escape(t["method_intro"])}</p>
<ul>{method}</ul>
</body></html>
"""
    return page


STYLE = """
body { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; max-width: 920px; margin: 2em auto;
  color: #222; line-height: 1.5; }
h1 { font-size: 1.6em; margin-bottom: 0; } .sub, .note { color: #666; font-size: 0.9em; }
h2 { border-bottom: 1px solid #ccc; margin-top: 1.6em; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin: 0.5em 0 1em; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 3px 6px; text-align: left; }
td:nth-child(n+2) { font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; page-break-inside: avoid; } figure svg { max-width: 100%; height: auto; }
"""


def _channel_map(title: str, reach: OverseasReach, name: Callable[[str], str]) -> str:
    """The channel map as an image: countries on the outer ring (size by channels reached),
    the actors with most channels on the inner ring, a line from each actor to its countries."""
    countries = sorted({c for a in reach.items for c in a.countries})
    places: dict[str, tuple[float, float, float, str, str]] = {}
    for (x, y), country in zip(charts.ring(len(countries), 1.0), countries, strict=True):
        total = sum(a.countries.get(country, 0) for a in reach.items)
        places["country:" + country] = (x, y, 40 + 20 * total, "#444444", country)
    edges = []
    colour = NODE_TYPE_BY_NAME["Institution"].colour
    for (x, y), actor in zip(charts.ring(len(reach.items), 0.45), reach.items, strict=True):
        places[actor.node] = (x, y, 20 + 15 * actor.direct, colour, name(actor.node)[:12])
        edges += [(actor.node, "country:" + c) for c in actor.countries]
    return charts.network(title, places, edges)


def _hub_map(
    title: str,
    graph: Projection,
    ranked: Sequence[Score],
    name: Callable[[str], str],
    nodes: Mapping[str, Node],
) -> str:
    """The hub map as an image: the hubs placed by a seeded spring layout of the relations among
    them, size by score, colour by node type, the top 15 labelled."""
    import networkx as nx

    inside = np.zeros(graph.number_of_nodes(), dtype=bool)
    inside[[graph.node_index(h.node) for h in ranked]] = True
    among_pairs = graph.pairs[inside[graph.pairs[:, 0]] & inside[graph.pairs[:, 1]]]
    edges = [(graph.ids[u], graph.ids[v]) for u, v in among_pairs.tolist()]
    among = nx.Graph()
    among.add_nodes_from(h.node for h in ranked)
    among.add_edges_from(edges)
    layout = nx.kamada_kawai_layout(among) if edges else nx.circular_layout(among)
    top = max((h.score for h in ranked), default=1.0) or 1.0
    places = {}
    for h in ranked:
        x, y = layout[h.node]
        node = nodes.get(h.node)
        colour = NODE_TYPE_BY_NAME[node.type if node else "Institution"].colour
        label = name(h.node)[:12] if h.rank <= 15 else ""
        places[h.node] = (float(x), float(y), 30 + 400 * h.score / top, colour, label)
    return charts.network(title, places, edges)
