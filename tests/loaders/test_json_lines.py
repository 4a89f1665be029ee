"""The position-tracking JSON reader: same values as json.loads, plus the line of every path."""

from __future__ import annotations

import json

import pytest

from loaders.json_lines import JsonError, load

TEXT = '{\n  "a": [1, 2.5e3,\n    {"b": "x\\"y"}],\n  "c": null,\n  "d": true\n}\n'


def test_values_match_json_and_lines_are_tracked():
    data, lines = load(TEXT)
    assert data == json.loads(TEXT)
    assert lines[("a",)] == 2 and lines[("a", 2, "b")] == 3 and lines[("d",)] == 5


@pytest.mark.parametrize("bad, line", [('{"a": 1,\n "a": 2}', 2), ('{"a": 1\n "b": 2}', 2), ("[1, 2", 1),
                                       ('{"a": 1} x', 1), ("[" * 200 + "]" * 200, 1)])
def test_malformed_json_is_an_error_with_a_line(bad, line):
    with pytest.raises(JsonError) as caught:
        load(bad)
    assert caught.value.line == line
