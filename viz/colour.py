"""Colour-vision checks for the map palette: how a colour looks to a person with deuteranopia
(Machado, Oliveira and Fernandes 2009, severity 1.0, applied in linear sRGB) and how far apart
two colours look (CIEDE2000 on CIELAB, D65). The tests hold every pair of node-type colours and
every pair of relation-type colours of :mod:`graphsvc.model` to a minimum distance under the
simulation."""

from __future__ import annotations

import math
from typing import Final

Lab = tuple[float, float, float]
RGB = tuple[float, float, float]

DEUTERANOPIA: Final = (
    (0.367322, 0.860646, -0.227968),
    (0.280085, 0.672501, 0.047413),
    (-0.011820, 0.042940, 0.968881),
)
"""Machado et al. (2009) matrix for deuteranopia at severity 1.0, on linear RGB."""


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _gamma(channel: float) -> float:
    channel = min(1.0, max(0.0, channel))
    return 12.92 * channel if channel <= 0.0031308 else 1.055 * channel ** (1 / 2.4) - 0.055


def hex_rgb(colour: str) -> RGB:
    """``#rrggbb`` as sRGB channels from 0 to 1.

    Examples
    --------
    >>> hex_rgb("#ff8000")
    (1.0, 0.5019607843137255, 0.0)
    """
    text = colour.lstrip("#")
    return (int(text[0:2], 16) / 255, int(text[2:4], 16) / 255, int(text[4:6], 16) / 255)


def deuteranopia(colour: str) -> RGB:
    """The sRGB colour a person with deuteranopia sees for ``colour`` (Machado 2009).

    Parameters
    ----------
    colour
        ``#rrggbb``.

    Returns
    -------
    tuple of float
        sRGB channels from 0 to 1.

    Examples
    --------
    >>> [round(c, 2) for c in deuteranopia("#ff0000")]  # red looks dark olive
    [0.64, 0.57, 0.0]
    >>> [round(c, 2) for c in deuteranopia("#ffffff")]
    [1.0, 1.0, 1.0]
    """
    linear = [_linear(c) for c in hex_rgb(colour)]
    r, g, b = (_gamma(sum(m * v for m, v in zip(row, linear, strict=True))) for row in DEUTERANOPIA)
    return (r, g, b)


def lab(rgb: RGB) -> Lab:
    """CIELAB (D65) of an sRGB colour.

    Examples
    --------
    >>> [round(v, 1) + 0.0 for v in lab((1.0, 1.0, 1.0))]
    [100.0, 0.0, 0.0]
    """
    r, g, b = (_linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))


def ciede2000(first: Lab, second: Lab) -> float:
    """The CIEDE2000 colour difference of two CIELAB colours (about 1: just noticeable).

    Parameters
    ----------
    first, second
        CIELAB colours.

    Returns
    -------
    float
        ΔE00, 0 for equal colours.

    Examples
    --------
    >>> round(ciede2000((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485)), 4)  # Sharma's pair 1
    2.0425
    >>> ciede2000((50.0, 10.0, 10.0), (50.0, 10.0, 10.0))
    0.0
    """
    l1, a1, b1 = first
    l2, a2, b2 = second
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360
    h2p = math.degrees(math.atan2(b2, a2p)) % 360
    dl, dc = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    elif abs(h2p - h1p) <= 180:
        dh = h2p - h1p
    else:
        dh = h2p - h1p - 360 if h2p > h1p else h2p - h1p + 360
    dhh = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_mean = (h1p + h2p) / 2
    else:
        h_mean = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    rotation = 30 * math.exp(-(((h_mean - 275) / 25) ** 2))
    rc = 2 * math.sqrt(cp_mean**7 / (cp_mean**7 + 25**7))
    sl = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    sc = 1 + 0.045 * cp_mean
    sh = 1 + 0.015 * cp_mean * t
    rt = -math.sin(math.radians(2 * rotation)) * rc
    return math.sqrt(
        (dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2 + rt * (dc / sc) * (dhh / sh)
    )


def deuteranopia_difference(first: str, second: str) -> float:
    """CIEDE2000 between two ``#rrggbb`` colours as a person with deuteranopia sees them.

    Examples
    --------
    >>> round(deuteranopia_difference("#2ca02c", "#d62728"), 1)  # tab10 green and red
    4.6
    """
    return ciede2000(lab(deuteranopia(first)), lab(deuteranopia(second)))
