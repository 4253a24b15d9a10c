"""A JSON export cut anywhere reads as cut (``formats.export_file.looks_cut``), and an edit in
the middle of a whole file does not.

CI found it: a cut at 90% of an export ended inside a value (``"rpe": nu``), where the parser's
error points at the value, not at the end; the file was refused as invalid JSON without the
"looks truncated" that says what happened to it.
"""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import examples

from calfcoach.formats.export_file import looks_cut

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)


@examples(200, 30)
@given(st.dictionaries(st.text(max_size=5), JSON, min_size=1, max_size=4), st.booleans())
def test_every_prefix_of_a_json_document_that_does_not_parse_looks_cut(document, indent):
    text = json.dumps(document, indent=2 if indent else None, ensure_ascii=False)
    for n in range(1, len(text)):
        cut = text[:n]
        try:
            json.loads(cut)
        except json.JSONDecodeError as error:
            assert looks_cut(cut, error), (cut[-20:], error.msg, error.pos)


def test_an_edit_in_the_middle_of_a_whole_file_does_not_look_cut():
    for text in ('{"a": 1 "b": 2}', '{"a": tru, "b": 1}', '{"a": [1,,2]}', '{"a": 1}}'):
        try:
            json.loads(text)
        except json.JSONDecodeError as error:
            assert not looks_cut(text, error), text
