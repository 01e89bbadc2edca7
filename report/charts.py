"""Charts as inline SVG, drawn with matplotlib's SVG backend (no network, no JavaScript) in a
CJK font found on the machine, so Chinese labels render in the browser and in the PDF.

matplotlib is the charting library because it renders offline, to SVG text that embeds in one
HTML file, and finds system fonts (Noto CJK from Debian's fonts-noto-cjk) by itself; text is kept
as glyph paths (``svg.fonttype = "path"``) so that the report needs no font at reading time.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Sequence

import matplotlib

matplotlib.use("svg")

import matplotlib.pyplot as plt
from matplotlib import font_manager

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei")
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")


@functools.cache
def cjk_font() -> str | None:
    """The family name of a CJK font installed on the machine, None when there is none."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def _style() -> None:
    family = cjk_font()
    plt.rcParams.update(
        {
            "svg.fonttype": "path",
            "svg.hashsalt": "innonet",
            "font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"],
            "axes.unicode_minus": False,
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def _svg(figure: plt.Figure) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = out.getvalue()
    return text[text.index("<svg") :]


def stacked_bars(
    title: str, years: Sequence[int], series: dict[str, Sequence[float]], ylabel: str
) -> str:
    """Bars per year, stacked by part (``series``: part -> value per year)."""
    _style()
    figure, axes = plt.subplots(figsize=(6.4, 3.0))
    bottom = [0.0] * len(years)
    for k, (part, values) in enumerate(series.items()):
        axes.bar(
            [str(y) for y in years],
            values,
            bottom=bottom,
            label=part,
            color=PALETTE[k % len(PALETTE)],
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    if series:
        axes.legend(
            fontsize=7,
            ncols=min(6, len(series)),
            frameon=False,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
        )
    return _svg(figure)


def line(title: str, years: Sequence[int], values: Sequence[float], ylabel: str) -> str:
    """One yearly series as a line with its points labelled."""
    _style()
    figure, axes = plt.subplots(figsize=(6.4, 2.6))
    axes.plot([str(y) for y in years], values, marker="o", color=PALETTE[0])
    for year, value in zip(years, values, strict=True):
        axes.annotate(
            f"{value:.0%}" if max(values, default=0) <= 1 else f"{value:,.0f}",
            (str(year), value),
            textcoords="offset points",
            xytext=(0, 5),
            ha="center",
            fontsize=7,
        )
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    return _svg(figure)


def bars(title: str, labels: Sequence[str], values: Sequence[float], xlabel: str) -> str:
    """Horizontal bars, the first label on top."""
    _style()
    figure, axes = plt.subplots(figsize=(6.4, 0.6 + 0.28 * max(len(labels), 1)))
    axes.barh(list(labels)[::-1], list(values)[::-1], color=PALETTE[0])
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    return _svg(figure)


def network(
    title: str,
    nodes: dict[str, tuple[float, float, float, str, str]],
    edges: Sequence[tuple[str, str]],
) -> str:
    """A network drawn at given places: node id -> (x, y, size, colour, label); the lines in
    one collection and the dots in one scatter, so that a large map stays quick to draw."""
    from matplotlib.collections import LineCollection

    _style()
    figure, axes = plt.subplots(figsize=(7.0, 6.0))
    segments = [
        [(nodes[a][0], nodes[a][1]), (nodes[b][0], nodes[b][1])]
        for a, b in edges
        if a in nodes and b in nodes
    ]
    axes.add_collection(LineCollection(segments, colors="#bbbbbb", linewidths=0.5, zorder=1))
    places = list(nodes.values())
    axes.scatter(
        [p[0] for p in places],
        [p[1] for p in places],
        s=[p[2] for p in places],
        c=[p[3] for p in places],
        zorder=2,
        edgecolors="white",
        linewidths=0.5,
    )
    for x, y, _, _, label in places:
        if label:
            axes.annotate(
                label,
                (x, y),
                fontsize=6,
                ha="center",
                va="bottom",
                xytext=(0, 4),
                textcoords="offset points",
                zorder=3,
            )
    axes.set_title(title)
    axes.set_axis_off()
    return _svg(figure)


def ring(count: int, radius: float) -> list[tuple[float, float]]:
    """``count`` places evenly on a circle."""
    return [
        (
            radius * math.cos(2 * math.pi * k / max(count, 1)),
            radius * math.sin(2 * math.pi * k / max(count, 1)),
        )
        for k in range(count)
    ]
