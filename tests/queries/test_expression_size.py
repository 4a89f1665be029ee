"""No stored query makes Virtuoso compile an exponentially large expression.

Virtuoso 7.2 copies a BIND's expression into every expression of the same group that uses its variable.
Twelve chained Newton steps (each uses the step before twice) became 2^12 copies: cohort-count-findings
then took 162 s to compile on a busy machine and the endpoint test's 60 s timeout failed now and then.
This counts, per group, how many copies each BIND expands to and keeps it far below that.
"""

from __future__ import annotations

import re

import pytest

from emkg import catalogue

MAX_COPIES = 1000  # 2 x 2^6 steps in a DISTINCT subquery: 127; twelve steps in one group: 8191


def _binds_by_group(text: str) -> dict[int, list[tuple[str, str]]]:
    """{group number: [(variable, expression), ...]} for every BIND, in order, comments removed."""
    body = "\n".join(line.split("#", 1)[0] if not line.lstrip().startswith("#") else "" for line in text.splitlines())
    groups: dict[int, list[tuple[str, str]]] = {}
    stack, counter, i = [0], 0, 0
    while i < len(body):
        char = body[i]
        if char == "{":
            counter += 1
            stack.append(counter)
        elif char == "}":
            stack.pop()
        elif body.startswith("BIND(", i):
            depth, j = 0, i + 4
            while True:
                depth += {"(": 1, ")": -1}.get(body[j], 0)
                if depth == 0:
                    break
                j += 1
            expression, _, variable = body[i + 5:j].rpartition(" AS ?")
            groups.setdefault(stack[-1], []).append((variable.strip(), expression))
            i = j
        i += 1
    return groups


def largest_expansion(text: str) -> int:
    worst = 0
    for binds in _binds_by_group(text).values():
        copies: dict[str, int] = {}
        for variable, expression in binds:
            used = re.findall(r"\?(\w+)", expression)
            copies[variable] = 1 + sum(copies.get(name, 0) for name in used)
            worst = max(worst, copies[variable])
    return worst


def test_the_measure_finds_a_twelve_step_chain():
    chain = "SELECT * WHERE { BIND(1.0 AS ?s0) " + " ".join(
        f"BIND((?s{k} + ?a / ?s{k}) / 2 AS ?s{k + 1})" for k in range(12)) + " }"
    assert largest_expansion(chain) > 4000
    halves = "SELECT * WHERE { { SELECT * WHERE { BIND(1.0 AS ?s0) " + " ".join(
        f"BIND((?s{k} + ?a / ?s{k}) / 2 AS ?s{k + 1})" for k in range(6)) + " } } " + " ".join(
        f"BIND((?s{k} + ?a / ?s{k}) / 2 AS ?s{k + 1})" for k in range(6, 12)) + " }"
    assert largest_expansion(halves) < 200


@pytest.mark.parametrize("name", sorted(catalogue.catalogue()))
def test_no_query_expands_beyond_the_limit(name):
    assert largest_expansion(catalogue.get(name).text) <= MAX_COPIES
