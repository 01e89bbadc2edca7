"""``encode_properties`` writes exactly ``json``'s text, whichever encoder writes it: a stored
text that changed would mark every row changed on the next load of the same bundle."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.stores.contract import encode_properties

JSON_TEXT = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
"""The text properties were stored with before orjson wrote any."""

texts = st.text(st.characters(codec="utf-8") | st.sampled_from('\x00\x1f\x7f\u2028"\\/'))
floats = (
    st.floats()
    | st.sampled_from(
        [1e-4, math.nextafter(1e-4, 0), 1e16, math.nextafter(1e16, 0), -0.0, 5e-324, 1.5e-7]
    )
    | st.floats(min_value=1e-4, max_value=1e16)
    | st.floats(min_value=1e-6, max_value=1e-3)
)
values = (
    texts
    | st.integers()
    | st.integers(min_value=-(2**63), max_value=2**64)
    | st.booleans()
    | st.none()
    | floats
    | st.lists(texts, max_size=4)
    | st.lists(st.integers() | floats, max_size=3)
    | st.dictionaries(texts, floats | texts, max_size=3)
)


@settings(max_examples=2000, deadline=None)
@given(st.dictionaries(texts, values, max_size=8))
def test_the_text_is_jsons(properties: dict[str, Any]) -> None:
    assert encode_properties(properties) == JSON_TEXT.encode(properties)


@given(st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1))
def test_a_lone_surrogate_is_written_as_json_writes_it(text: str) -> None:
    assert encode_properties({"note": text}) == JSON_TEXT.encode({"note": text})
