"""Read JSON into plain Python data while remembering the line of every value.

Python's json module gives no positions, so this is a small position-tracking scan: objects and arrays
are walked here, every scalar (string, number, true/false/null) is decoded by json's own `raw_decode`
at its offset, so escapes and number syntax follow the standard library exactly. Paths are JSON paths
in the form `medicalActions[0].treatment.agent.id`. Duplicate keys and very deep nesting are errors, and
so is anything over the limits of loaders.limits (integers with too many digits are refused before
int() sees them, long strings after they are decoded).
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any

from loaders.limits import MAX_INTEGER_DIGITS, MAX_LITERAL_CHARS, MAX_NESTING, too_many_digits
from loaders.yaml_lines import Path

MAX_DEPTH = MAX_NESTING
_SPACE = re.compile(r"[ \t\n\r]*")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_DECODER = json.JSONDecoder()


class JsonError(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def load(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse JSON text; return the data and {path: 1-based line}."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    lines: dict[Path, int] = {}

    def line_of(pos: int) -> int:
        return bisect.bisect_right(starts, pos)

    def skip(pos: int) -> int:
        return _SPACE.match(text, pos).end()

    def value(pos: int, path: Path, depth: int) -> tuple[Any, int]:
        pos = skip(pos)
        lines[path] = line_of(pos)
        char = text[pos:pos + 1]
        if char in ("{", "[") and depth >= MAX_DEPTH:  # `depth` containers enclose this one: it is level depth + 1
            raise JsonError(f"JSON nested deeper than {MAX_DEPTH} levels", line_of(pos))
        if char == "{":
            out: dict[str, Any] = {}
            pos = skip(pos + 1)
            if text[pos:pos + 1] == "}":
                return out, pos + 1
            while True:
                if text[pos:pos + 1] != '"':
                    raise JsonError("expected a quoted key", line_of(pos))
                try:
                    key, pos = _DECODER.raw_decode(text, pos)
                except json.JSONDecodeError as exc:
                    raise JsonError(f"not valid JSON: {exc.msg}", line_of(pos)) from None
                if key in out:
                    raise JsonError(f"key {key!r} is given twice", line_of(pos))
                pos = skip(pos)
                if text[pos:pos + 1] != ":":
                    raise JsonError("expected ':' after a key", line_of(pos))
                out[key], pos = value(pos + 1, path + (key,), depth + 1)
                pos = skip(pos)
                if text[pos:pos + 1] == ",":
                    pos = skip(pos + 1)
                    continue
                if text[pos:pos + 1] == "}":
                    return out, pos + 1
                raise JsonError("expected ',' or '}'", line_of(pos))
        if char == "[":
            items: list[Any] = []
            pos = skip(pos + 1)
            if text[pos:pos + 1] == "]":
                return items, pos + 1
            while True:
                item, pos = value(pos, path + (len(items),), depth + 1)
                items.append(item)
                pos = skip(pos)
                if text[pos:pos + 1] == ",":
                    pos += 1
                    continue
                if text[pos:pos + 1] == "]":
                    return items, pos + 1
                raise JsonError("expected ',' or ']'", line_of(pos))
        number = _NUMBER.match(text, pos)
        if number and too_many_digits(number.group()):
            raise JsonError(f"a number with more than {MAX_INTEGER_DIGITS} digits is not accepted", line_of(pos))
        try:
            scalar, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise JsonError(f"not valid JSON: {exc.msg}", line_of(pos)) from None
        except ValueError as exc:  # e.g. a number Python will not convert
            raise JsonError(f"not valid JSON: {exc}", line_of(pos)) from None
        if isinstance(scalar, str) and _SURROGATE.search(scalar):
            raise JsonError("a lone surrogate escape (\\ud800-\\udfff) is not valid Unicode", line_of(pos))
        if isinstance(scalar, str) and len(scalar) > MAX_LITERAL_CHARS:
            raise JsonError(f"a string of {len(scalar):,} characters, over the limit of {MAX_LITERAL_CHARS:,}",
                            line_of(pos))
        return scalar, end

    data, end = value(0, (), 0)
    if skip(end) != len(text):
        raise JsonError("unexpected text after the JSON value", line_of(skip(end)))
    return data, lines
