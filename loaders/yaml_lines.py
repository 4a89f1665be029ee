"""Read YAML into plain Python data while remembering the line of every value.

Errors shown to a curator or submitter must point at their own file ("patients[0].facts[3].grade,
line 57"), so the loader keeps a map from field path to line number. Only YAML's safe core is used:
no tags, no Python objects; aliases are rejected so that a hostile file cannot expand exponentially.
"""

from __future__ import annotations

from typing import Any

import yaml

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


def load(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse YAML text; return the data and {path: 1-based line}."""
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
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
    value = _SCALARS.construct_object(node, deep=True)
    _SCALARS.constructed_objects.clear()  # it remembers every node it built: keep it from growing
    return value


def _scalar_constructor() -> yaml.constructor.SafeConstructor:
    """One safe constructor for every scalar (making one per scalar was a fifth of reading a record)."""
    constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
    yaml.constructor.SafeConstructor.__init__(constructor)
    return constructor


_SCALARS = _scalar_constructor()
