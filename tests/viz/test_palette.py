"""The model's type colours stay apart for people with deuteranopia: every pair of node-type
colours and every pair of relation-type colours (and the path map's two route colours), simulated
with Machado 2009 at full severity, differ by at least a stated CIEDE2000 distance."""

from __future__ import annotations

from itertools import combinations

import pytest

from graphsvc.model import NODE_TYPES, RELATION_TYPES
from viz.colour import deuteranopia_difference
from viz.maps import EVIDENCE_COLOUR
from viz.style import GREY, HIGHLIGHT

NODE_THRESHOLD = 20.0
"""ΔE00 between node-type colours (nodes are told apart by colour first; shapes help too)."""
RELATION_THRESHOLD = 15.0
"""ΔE00 between relation-type colours (thin lines; the tooltip and filters name the type too)."""


@pytest.mark.parametrize(
    ("colours", "threshold"),
    [
        ({t.name: t.colour for t in NODE_TYPES}, NODE_THRESHOLD),
        ({t.name: t.colour for t in RELATION_TYPES}, RELATION_THRESHOLD),
        ({"shortest": HIGHLIGHT, "evidence": EVIDENCE_COLOUR, "context": GREY}, NODE_THRESHOLD),
    ],
    ids=["node types", "relation types", "path map"],
)
def test_every_pair_differs_under_deuteranopia(colours: dict[str, str], threshold: float) -> None:
    close = [
        (a, b, round(deuteranopia_difference(colours[a], colours[b]), 1))
        for a, b in combinations(colours, 2)
        if deuteranopia_difference(colours[a], colours[b]) < threshold
    ]
    assert close == [], f"too close under deuteranopia (ΔE00 < {threshold}): {close}"


def test_the_check_catches_the_old_tab10_pair() -> None:
    """tab10's green and red, the pair the issue measured, fail the node threshold."""
    assert deuteranopia_difference("#2ca02c", "#d62728") < NODE_THRESHOLD
