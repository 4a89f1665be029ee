"""What `emkg serve` accepts: read-only queries over the built store, nothing that reaches outside it.

A query is parsed with rdflib's SPARQL parser and its parse tree inspected, not its text (a keyword in a
string literal or a comment is not an operation). Refused: updates (LOAD, INSERT, DROP ...), SERVICE
(pyoxigraph's wheels ship an HTTP client, so SERVICE would fetch), and FROM / FROM NAMED (a dataset
description names graphs the server would have to look up; the endpoint serves one fixed dataset).
"""

from __future__ import annotations

from dataclasses import dataclass

QUERY_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
               "DescribeQuery": "DESCRIBE"}


class QueryRefused(ValueError):
    """The request is well formed but not allowed here (HTTP 403)."""


class QuerySyntaxError(ValueError):
    """The query does not parse (HTTP 400)."""


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE


def check(text: str) -> CheckedQuery:
    """Parse a query and refuse what a read-only, closed endpoint must not run."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        if _parses_as_update(text, parseUpdate):
            raise QueryRefused("updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE ...) are refused: "
                               "this endpoint is read-only") from None
        raise QuerySyntaxError(f"query does not parse: {exc}") from None
    except Exception as exc:  # rdflib raises plain errors for e.g. an undeclared prefix
        raise QuerySyntaxError(f"query does not parse: {exc}") from None
    query = parsed[1]
    if "datasetClause" in query and query["datasetClause"]:
        raise QueryRefused("FROM / FROM NAMED are refused: the endpoint queries the built graph only")
    if _contains(parsed, "ServiceGraphPattern"):
        raise QueryRefused("SERVICE is refused: the endpoint does not query other endpoints")
    return CheckedQuery(text=text, form=QUERY_FORMS[query.name])


def _parses_as_update(text: str, parse_update) -> bool:
    try:
        parse_update(text)
    except Exception:
        return False
    return True


def _contains(node, name: str) -> bool:
    """Whether any node of an rdflib parse tree (CompValue / ParseResults / list) is named `name`."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == name:
                return True
            stack.extend(item.values())
        elif isinstance(item, ParseResults | list | tuple):
            stack.extend(item)
    return False
