"""Turtle, N-Triples and JSON-LD submissions -> a fresh rdflib graph, safely.

Safety: the text is parsed into a new, empty Graph, so a failed parse leaves no partial triples in
any graph the caller holds. JSON-LD is checked before rdflib sees it: rdflib would fetch a remote
`@context` (or `@import`) over the network, so every `@context` must be inline (an object, or a list
of objects); any string in a context position (a URL, a relative reference, a file name) is rejected.
The base IRI is a fixed URN, never the file's location, and an `@base <file:///...>` only changes
IRIs, it opens nothing. RDF/XML is not accepted (entity expansion); SPARQL text in a submission is
data, never run: SHACL shapes come only from shapes/.

Strictness and limits: Turtle and N-Triples are first read by pyoxigraph's parser, which follows the
W3C grammars where rdflib's is lenient (rdflib accepts `"\\q"`, `<http://x/{a}>`, `<http://x/a^b>`,
`<http://x/a\\u0020>` and the escape of a lone surrogate; pyoxigraph refuses all five, measured in
tests/hostile). That streaming pass also counts triples and measures literals against loaders.limits
before rdflib builds its (much larger) graph. JSON-LD nesting is measured before json.loads.

Line numbers are best effort: a node's line is the first line where its IRI appears in the file,
written in full (<...>, "...") or as a prefixed name the file declares.
"""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
from rdflib import Graph, URIRef

from loaders.core import compact
from loaders.limits import MAX_LITERAL_CHARS, MAX_NESTING, MAX_TRIPLES, json_depth
from loaders.source_map import Unusable

FORMATS = {"turtle": "turtle", "n-triples": "nt", "json-ld": "json-ld"}
BASE = "urn:emkg:submission:"
_TOKEN = re.compile(r'<([^<>"\s]*)>|"([^"\\\s]+)"|(?<![\w<"])([A-Za-z][\w.\-]*:[\w.\-/]+)')


def read_rdf(text: str, file_name: str, fmt: str) -> tuple[Graph, dict[URIRef, tuple[str, int | None]]]:
    """Parse `text`; return the graph and, per subject, (its CURIE or IRI, first line it appears on)."""
    if fmt == "json-ld":
        check_jsonld(text, file_name)
    else:
        check_strictly(text, file_name, fmt)
    graph = Graph()
    try:
        graph.parse(data=text, format=FORMATS[fmt], publicID=BASE)
    except Exception as exc:  # rdflib raises many kinds; all mean "not this format"
        raise Unusable(f"{file_name}: not valid {fmt}: {_first_line(exc)}") from None
    if len(graph) == 0:
        raise Unusable(f"{file_name}: no triples in the file")
    return graph, _locations(graph, text)


_OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "n-triples": ox.RdfFormat.N_TRIPLES}


def check_strictly(text: str, file_name: str, fmt: str) -> None:
    """Parse with pyoxigraph (strict W3C grammar, streaming): syntax, triple count and literal length."""
    count = 0
    try:
        for triple in ox.parse(text.encode("utf-8"), format=_OX_FORMATS[fmt], base_iri=BASE):
            count += 1
            if count > MAX_TRIPLES:
                raise Unusable(f"{file_name}: more than {MAX_TRIPLES:,} triples, over the limit; split it")
            value = triple.object
            if isinstance(value, ox.Literal) and len(value.value) > MAX_LITERAL_CHARS:
                raise Unusable(f"{file_name}: a literal of {len(value.value):,} characters, over the limit of "
                               f"{MAX_LITERAL_CHARS:,}")
    except SyntaxError as exc:
        raise Unusable(f"{file_name}: not valid {fmt}: {_first_line(exc)}") from None


def check_jsonld(text: str, file_name: str) -> None:
    """Reject JSON-LD that would make rdflib fetch or open anything (remote or file contexts, @import)."""
    deep = json_depth(text)
    if deep is not None:
        raise Unusable(f"{file_name}:{deep}: JSON nested deeper than {MAX_NESTING} levels")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unusable(f"{file_name}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except ValueError:  # a number Python will not convert (over 4,300 digits)
        raise Unusable(f"{file_name}: not valid JSON: a number with more than 4,300 digits") from None

    def walk(node, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@import":
                    raise Unusable(f"{file_name}: {where}.@import: imported contexts are not accepted "
                                   "(they would be fetched); put the context inline")
                if key == "@context":
                    contexts = value if isinstance(value, list) else [value]
                    for context in contexts:
                        if isinstance(context, str):
                            raise Unusable(f"{file_name}: {where}.@context: remote or file context {context!r} is "
                                           "not accepted (it would be fetched); put the context inline as an object")
                        if context is not None and not isinstance(context, dict):
                            raise Unusable(f"{file_name}: {where}.@context: a context is an object")
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]")

    walk(data, "$")


def _locations(graph: Graph, text: str) -> dict[URIRef, tuple[str, int | None]]:
    namespaces = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}
    first: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        for full, quoted, prefixed in _TOKEN.findall(line):
            for candidate in (full, quoted, _expand(prefixed, namespaces)):
                if candidate:
                    first.setdefault(candidate, number)
    locations = {}
    for subject in set(graph.subjects()):
        if isinstance(subject, URIRef):
            locations[subject] = (compact(str(subject)), first.get(str(subject)))
    return locations


def _expand(prefixed: str, namespaces: dict[str, str]) -> str | None:
    prefix, _, local = prefixed.partition(":")
    return namespaces[prefix] + local if prefix in namespaces else None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
