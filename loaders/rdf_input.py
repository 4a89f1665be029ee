"""Turtle, N-Triples and JSON-LD submissions -> a fresh rdflib graph, safely.

Safety: the text is parsed into a new, empty Graph, so a failed parse leaves no partial triples in
any graph the caller holds. JSON-LD is checked before rdflib sees it: rdflib would fetch a remote
`@context` (or `@import`) over the network, so every `@context` must be inline (an object, or a list
of objects); any string in a context position (a URL, a relative reference, a file name) is rejected.
The base IRI is a fixed URN, never the file's location, and an `@base <file:///...>` only changes
IRIs, it opens nothing. RDF/XML is not accepted (entity expansion); SPARQL text in a submission is
data, never run: SHACL shapes come only from shapes/.

Line numbers are best effort: a node's line is the first line where its IRI appears in the file,
written in full (<...>, "...") or as a prefixed name the file declares.
"""

from __future__ import annotations

import json
import re

from rdflib import Graph, URIRef

from emkg.namespaces import compact
from loaders.source_map import Unusable

FORMATS = {"turtle": "turtle", "n-triples": "nt", "json-ld": "json-ld"}
BASE = "urn:emkg:submission:"
_TOKEN = re.compile(r'<([^<>"\s]*)>|"([^"\\\s]+)"|(?<![\w<"])([A-Za-z][\w.\-]*:[\w.\-/]+)')


def read_rdf(text: str, file_name: str, fmt: str) -> tuple[Graph, dict[URIRef, tuple[str, int | None]]]:
    """Parse `text`; return the graph and, per subject, (its CURIE or IRI, first line it appears on)."""
    if fmt == "json-ld":
        check_jsonld(text, file_name)
    graph = Graph()
    try:
        graph.parse(data=text, format=FORMATS[fmt], publicID=BASE)
    except Exception as exc:  # rdflib raises many kinds; all mean "not this format"
        raise Unusable(f"{file_name}: not valid {fmt}: {_first_line(exc)}") from None
    if len(graph) == 0:
        raise Unusable(f"{file_name}: no triples in the file")
    return graph, _locations(graph, text)


def check_jsonld(text: str, file_name: str) -> None:
    """Reject JSON-LD that would make rdflib fetch or open anything (remote or file contexts, @import)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unusable(f"{file_name}:{exc.lineno}: not valid JSON: {exc.msg}") from None

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
