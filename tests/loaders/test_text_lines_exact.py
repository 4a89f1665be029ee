"""The line-tracking readers (loaders.json_lines, loaders.yaml_lines), exact: the whole {path: line} map of
small documents, every refusal's whole message and line, and the path helpers every format uses."""

from __future__ import annotations

import pytest

from loaders import json_lines, yaml_lines
from loaders.json_lines import JsonError
from loaders.limits import MAX_LITERAL_CHARS
from loaders.yaml_lines import YamlError, format_path, nearest, nearest_line, parse_path

JSON = '{\n "a": [1,\n  {"b": "x\\u00e9"}, [] ],\n\n "c": {},\n "d": -1.5e2,\n "e": [true, null]\n}\n'


def test_json_values_and_the_line_of_every_path():
    data, lines = json_lines.load(JSON)
    assert data == {"a": [1, {"b": "xé"}, []], "c": {}, "d": -150.0, "e": [True, None]}
    assert lines == {(): 1, ("a",): 2, ("a", 0): 2, ("a", 1): 3, ("a", 1, "b"): 3, ("a", 2): 3, ("c",): 5,
                     ("d",): 6, ("e",): 7, ("e", 0): 7, ("e", 1): 7}


@pytest.mark.parametrize(("text", "message", "line"), [
    ('{"a": 1,\n "a": 2}', "key 'a' is given twice", 2),
    ('{\n"a" 1}', "expected ':' after a key", 2),
    ('{"a": 1\n "b": 2}', "expected ',' or '}'", 2),
    ("[1,\n 2\n 3]", "expected ',' or ']'", 3),
    ("{\n  a: 1}", "expected a quoted key", 2),
    ('{"a": tru}', "not valid JSON: Expecting value", 1),
    ('{"a\n": 1}', "not valid JSON: Invalid control character at", 1),
    ("[1]\n\n x", "unexpected text after the JSON value", 3),
    ("\n" + "1" * 31, "a number with more than 30 digits is not accepted", 2),
    ('["\\ud800"]', "a lone surrogate escape (\\ud800-\\udfff) is not valid Unicode", 1),
    ('"' + "a" * (MAX_LITERAL_CHARS + 1) + '"', "a string of 100,001 characters, over the limit of 100,000", 1),
    ("[" * 101 + "]" * 101, "JSON nested deeper than 100 levels", 1),
    ('{"a":\n' * 101 + "1" + "}" * 101, "JSON nested deeper than 100 levels", 101),
    ("", "not valid JSON: Expecting value", 1),
])
def test_json_refusals_give_the_whole_message_and_line(text, message, line):
    with pytest.raises(JsonError) as caught:
        json_lines.load(text)
    assert (str(caught.value), caught.value.line) == (message, line)


def test_json_nesting_up_to_the_limit_is_read():
    """100 levels, like the YAML reader and the JSON-LD check (loaders.limits.json_depth) allow."""
    data, _ = json_lines.load("[" * 99 + "[1]" + "]" * 99)
    for _ in range(99):
        data = data[0]
    assert data == [1]


YAML = "a:\n  - 1\n  - b: x\n    c: [2, 3]\n\nd: {e: 2024-01-02, f: ~}\ng: |\n  text\n"


def test_yaml_values_and_the_line_of_every_path():
    import datetime

    data, lines = yaml_lines.load(YAML)
    assert data == {"a": [1, {"b": "x", "c": [2, 3]}], "d": {"e": datetime.date(2024, 1, 2), "f": None},
                    "g": "text\n"}
    assert lines == {(): 1, ("a",): 2, ("a", 0): 2, ("a", 1): 3, ("a", 1, "b"): 3, ("a", 1, "c"): 4,
                     ("a", 1, "c", 0): 4, ("a", 1, "c", 1): 4, ("d",): 6, ("d", "e"): 6, ("d", "f"): 6, ("g",): 7}
    assert yaml_lines.load("") == (None, {}) and yaml_lines.load("# only a comment\n") == (None, {})


@pytest.mark.parametrize(("text", "message", "line"), [
    ("a: &x 1\nb: *x\n", "YAML aliases (&anchor / *alias) are not accepted", 1),  # the anchor's line
    ("a: 1\nb: !!python/name:os.system x\n", "YAML tag 'tag:yaml.org,2002:python/name:os.system' is not accepted", 2),
    ("a: 1\n\na: 2\n", "field 'a' is given twice", 3),
    ("? [a]\n: 1\n", "mapping keys must be plain words", 1),
    ("a:\n  b: " + "1" * 31 + "\n", "an integer with more than 30 digits is not accepted", 2),
    ("a: 0x" + "f" * 32 + "\n", "an integer with more than 30 digits is not accepted", 1),
    ("a:\n - 2024-13-45\n", "'2024-13-45' is not a valid date: month must be in 1..12", 2),
    ("a: [1, 2\n", "not valid YAML: did not find expected ',' or ']'", 2),
    ("a: " + "x" * (MAX_LITERAL_CHARS + 1), "a value of 100,001 characters, over the limit of 100,000", 1),
    ("\n" + "- " * 101 + "x\n", "YAML nested deeper than 100 levels", 2),
    ("[" * 101 + "]" * 101, "YAML nested deeper than 100 levels", 1),
])
def test_yaml_refusals_give_the_whole_message_and_line(text, message, line):
    with pytest.raises(YamlError) as caught:
        yaml_lines.load(text)
    assert (str(caught.value), caught.value.line) == (message, line)


def test_yaml_over_the_size_limit_is_refused_before_it_is_parsed():
    with pytest.raises(YamlError) as caught:
        yaml_lines.load("#" * 5_000_001)
    assert (str(caught.value), caught.value.line) == ("YAML text over the limit of 5,000,000 characters; split it",
                                                      None)
    assert yaml_lines.load("a: 1" + " " * (5_000_000 - 4)) == ({"a": 1}, {(): 1, ("a",): 1})


def test_paths_are_written_and_read_back_and_the_nearest_known_part_answers():
    path = ("patients", 0, "facts", 12, "dose", "value")
    assert format_path(path) == "patients[0].facts[12].dose.value" and format_path(()) == "(top level)"
    assert format_path((3, "a")) == "[3].a"
    assert parse_path("patients[0].facts[12].dose.value") == path and parse_path("[3].a") == (3, "a")
    lines = {(): 1, ("patients",): 4, ("patients", 0, "facts"): 9, ("patients", 0, "facts", 12): 0}
    assert nearest_line(lines, path) == 9 and nearest_line(lines, ("publication", "id")) == 1
    assert nearest_line(lines, ("publication",), whole_file=False) is None
    assert nearest(lines, ("patients", 1)) == 4 and nearest(lines, ()) == 1
    assert nearest({("a",): "field a"}, ("a", "b"), whole_file=False) == "field a"
    assert nearest({(): "file"}, ("a",), whole_file=False) is None
