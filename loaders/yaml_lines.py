"""Read YAML into plain Python data while remembering the line of every value.

Errors shown to a curator or submitter must point at their own file ("patients[0].facts[3].grade,
line 57"), so the loader keeps a map from field path to line number. Only YAML's safe core is used:
no tags, no Python objects; aliases are rejected so that a hostile file cannot expand exponentially.
Limits (loaders.limits): nesting is counted on libyaml's event stream before the (recursive) composer
runs (10,000 levels were a RecursionError), and every scalar's length is checked before it is converted; integers
with too many digits and invalid dates (2024-13-45) are reported with their line instead of escaping
as Python errors.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from loaders.limits import MAX_INTEGER_DIGITS, MAX_LITERAL_CHARS, MAX_NESTING, MAX_YAML_BYTES, too_many_digits

Path = tuple[str | int, ...]
_CORE = "tag:yaml.org,2002:"
# libyaml's composer (C) where installed: 5x faster than the pure-Python one, and its nodes carry the
# same start marks (line numbers).
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}


class YamlError(ValueError):
    """The text is not YAML of the accepted shape; carries the line where parsing stopped."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


_STEP = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def parse_path(text: str) -> Path:
    """'patients[0].facts[2].quote' -> ('patients', 0, 'facts', 2, 'quote'): the inverse of format_path."""
    return tuple(int(index) if index else name for index, name in _STEP.findall(text))


def nearest(known: dict[Path, Any], path: Path, whole_file: bool = True) -> Any:
    """The value `known` has for `path`, else for its nearest enclosing part that has one (the whole file,
    path (), only when `whole_file`): the one lookup every format uses to put a problem on a line or a field."""
    for cut in range(len(path), -1 if whole_file else 0, -1):
        if known.get(path[:cut]):
            return known[path[:cut]]
    return None


def nearest_line(lines: dict[Path, int], path: Path, whole_file: bool = True) -> int | None:
    """The line of `path` in the submitted file, else of its nearest enclosing part that has one."""
    return nearest(lines, path, whole_file)


def _check_depth(text: str) -> None:
    """Stop at MAX_NESTING levels on libyaml's event stream (no recursion), before the composer recurses."""
    depth = 0
    for event in yaml.parse(text, Loader=_COMPOSER):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_NESTING:
                raise YamlError(f"YAML nested deeper than {MAX_NESTING} levels", event.start_mark.line + 1)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def load(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse YAML text; return the data and {path: 1-based line}."""
    if len(text) > MAX_YAML_BYTES:
        raise YamlError(f"YAML text over the limit of {MAX_YAML_BYTES:,} characters; split it")
    try:
        _check_depth(text)
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        if "maximum nesting depth" in str(exc.problem):  # libyaml's scanner reads flow collections ahead
            raise YamlError(f"YAML nested deeper than {MAX_NESTING} levels", line) from None
        raise YamlError(f"not valid YAML: {exc.problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"not valid YAML: {exc}") from None
    lines: dict[Path, int] = {}
    if node is None:
        return None, lines
    return _convert(node, (), lines, set()), lines


def _convert(node: yaml.Node, path: Path, lines: dict[Path, int], seen: set[int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if id(node) in seen:
        raise YamlError("YAML aliases (&anchor / *alias) are not accepted", node.start_mark.line + 1)
    seen.add(id(node))
    if node.tag not in ALLOWED_TAGS:
        raise YamlError(f"YAML tag {node.tag!r} is not accepted", node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode) and len(node.value) > MAX_LITERAL_CHARS:
        raise YamlError(f"a value of {len(node.value):,} characters, over the limit of {MAX_LITERAL_CHARS:,}",
                        node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError("mapping keys must be plain words", key_node.start_mark.line + 1)
            if key in out:
                raise YamlError(f"field {key!r} is given twice", key_node.start_mark.line + 1)
            out[key] = _convert(value_node, path + (key,), lines, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), lines, seen) for i, item in enumerate(node.value)]
    # A scalar: let the safe constructor resolve it (int, float, bool, null, str, timestamp).
    line = node.start_mark.line + 1
    # any base: 0x..., 0b..., and YAML 1.1's base-60 "1:59:59" build huge ints without Python's 4,300-digit guard
    if node.tag == _CORE + "int" and (too_many_digits(node.value) or len(node.value.strip()) > MAX_INTEGER_DIGITS + 3):
        raise YamlError(f"an integer with more than {MAX_INTEGER_DIGITS} digits is not accepted", line)
    try:
        return _SCALARS.construct_object(node, deep=True)
    except (ValueError, OverflowError) as exc:  # 2024-13-45: "month must be in 1..12"
        kind = "date" if node.tag == _CORE + "timestamp" else node.tag.removeprefix(_CORE)
        raise YamlError(f"{node.value!r} is not a valid {kind}: {exc}", line) from None
    finally:
        _SCALARS.constructed_objects.clear()  # it remembers every node it built: keep it from growing


def _scalar_constructor() -> yaml.constructor.SafeConstructor:
    """One safe constructor for every scalar (making one per scalar was a fifth of reading a record)."""
    constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
    yaml.constructor.SafeConstructor.__init__(constructor)
    return constructor


_SCALARS = _scalar_constructor()
