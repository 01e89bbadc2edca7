"""The world outline under the global channel map, and where each country and each located actor
goes on it.

The outline is the world map the PyPI package ``pygal_maps_world`` ships (``worldmap.svg``, one
group of relative SVG paths per ISO 3166-1 alpha-2 country; installed with innonet as a dependency,
nothing copied here). A country is placed at the centroid of its largest outline polygon (the
mainland: France in Europe, not in Guiana), in the map's own coordinates, multiplied by
:data:`SCALE`. The home city's actors, which carry latitude and longitude, go into an inset below
the world, in an equirectangular projection of their own extent.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Final

WORLD_PACKAGE: Final = "pygal_maps_world"
SCALE: Final = 2.0
"""Map units per outline unit: the outline is 2,475 x 1,388; nodes are sized for a wider map."""
INSET_GAP: Final = 120.0
"""Space between the world and the city inset, in map units."""
INSET_WIDTH: Final = 1600.0

_GROUP: Final = re.compile(r'<g class="([a-z]{2}) country[^"]*">(.*?)</g>', re.S)
_PATH: Final = re.compile(r' d="([^"]+)"')
_TOKEN: Final = re.compile(r"[a-zA-Z]|-?(?:\d+\.?\d*|\.\d+)")
_VIEWBOX: Final = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')
_ARITY: Final = {"m": 2, "l": 2, "c": 6, "s": 4, "h": 1, "v": 1}


@dataclass(frozen=True, slots=True)
class World:
    """The outline: its size in outline units, each country's paths and its centre (map units)."""

    width: float
    height: float
    paths: dict[str, list[str]]
    centres: dict[str, tuple[float, float]]


def polygons(path: str) -> list[list[tuple[float, float]]]:
    """The vertices of each sub-path of a relative SVG path (``m l c s h v``, as the outline
    uses), curve end points only.

    Examples
    --------
    >>> polygons("m10 10 l5 0 0 5 m10 0 h3 v3")
    [[(10.0, 10.0), (15.0, 10.0), (15.0, 15.0)], [(25.0, 15.0), (28.0, 15.0), (28.0, 18.0)]]
    """
    tokens = _TOKEN.findall(path)
    shapes: list[list[tuple[float, float]]] = []
    x = y = 0.0
    command = ""
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i].lower()
            if command not in _ARITY:
                raise ValueError(f"unexpected path command {tokens[i]!r}")
            i += 1
            if command == "m":
                shapes.append([])
        arity = _ARITY[command]
        values = [float(t) for t in tokens[i : i + arity]]
        i += arity
        if command == "h":
            x += values[0]
        elif command == "v":
            y += values[0]
        else:
            x += values[-2]
            y += values[-1]
        shapes[-1].append((x, y))
        if command == "m":
            command = "l"  # further pairs after a move are lines
    return shapes


def centroid(points: Sequence[tuple[float, float]]) -> tuple[float, tuple[float, float]]:
    """The area and the centroid of a polygon (the mean of its points when it has no area).

    Examples
    --------
    >>> centroid([(0, 0), (4, 0), (4, 2), (0, 2)])
    (8.0, (2.0, 1.0))
    """
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, [*points[1:], points[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        n = max(len(points), 1)
        return 0.0, (sum(p[0] for p in points) / n, sum(p[1] for p in points) / n)
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


@functools.cache
def world() -> World:
    """The outline and the country centres, read once from the installed package."""
    text = resources.files(WORLD_PACKAGE).joinpath("worldmap.svg").read_text(encoding="utf-8")
    box = _VIEWBOX.search(text)
    if box is None:
        raise ValueError(f"{WORLD_PACKAGE}/worldmap.svg has no viewBox")
    paths: dict[str, list[str]] = {}
    centres: dict[str, tuple[float, float]] = {}
    for code, body in _GROUP.findall(text):
        found = _PATH.findall(body)
        paths[code.upper()] = found
        best = max(
            (centroid(shape) for d in found for shape in polygons(d) if len(shape) > 2),
            default=None,
        )
        if best is not None:
            x, y = best[1]
            centres[code.upper()] = (round(x * SCALE, 1), round(y * SCALE, 1))
    return World(float(box.group(1)), float(box.group(2)), paths, centres)


@dataclass(frozen=True, slots=True)
class Inset:
    """Where located actors go: an equirectangular projection of their extent into a box below
    the world map (map units)."""

    west: float
    east: float
    south: float
    north: float
    left: float
    top: float
    width: float
    height: float

    @classmethod
    def around(cls, points: Sequence[tuple[float, float]], world_height: float) -> Inset:
        """An inset for ``(lat, lon)`` points: their extent without the outer 2 % each way (a
        stray point does not shrink the city), a little margin, below a world ``world_height``
        high."""
        lats = sorted(p[0] for p in points)
        lons = sorted(p[1] for p in points)
        cut = len(points) // 50
        south, north = lats[cut], lats[-1 - cut]
        west, east = lons[cut], lons[-1 - cut]
        pad_lat = max((north - south) * 0.05, 0.01)
        pad_lon = max((east - west) * 0.05, 0.01)
        south, north, west, east = south - pad_lat, north + pad_lat, west - pad_lon, east + pad_lon
        squeeze = math.cos(math.radians((south + north) / 2))
        height = INSET_WIDTH * (north - south) / ((east - west) * squeeze)
        return cls(
            west,
            east,
            south,
            north,
            (world().width * SCALE - INSET_WIDTH) / 2,
            world_height + INSET_GAP,
            INSET_WIDTH,
            height,
        )

    def at(self, lat: float, lon: float) -> tuple[float, float]:
        """The map point of ``(lat, lon)``, clamped to the inset.

        Examples
        --------
        >>> inset = Inset(121.0, 122.0, 31.0, 32.0, 0.0, 0.0, 100.0, 100.0)
        >>> inset.at(31.5, 121.5), inset.at(40.0, 121.0)
        ((50.0, 50.0), (0.0, 0.0))
        """
        u = min(1.0, max(0.0, (lon - self.west) / (self.east - self.west)))
        v = min(1.0, max(0.0, (self.north - lat) / (self.north - self.south)))
        return (round(self.left + u * self.width, 1), round(self.top + v * self.height, 1))
