"""The query catalogue as SIB sparql-examples Turtle (https://github.com/sib-swiss/sparql-examples).

One file per stored query, DIR/<name>.ttl, in the collection's conventions: the query is an
`sh:SPARQLExecutable` and `sh:SPARQLSelectExecutable` with its question as `rdfs:comment` (language-tagged),
its summary as `rdfs:label`, the query text in `sh:select`, its tags as `schema:keywords` and the endpoint of
its header as `schema:target`. The text is the stored query with its default parameters bound (the same
VALUES block `emkg query` sends), so each example runs as it stands; the grlc header lines are left out.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

from emkg import catalogue, store

SCHEMA = Namespace("https://schema.org/")
SPEX = Namespace("https://purl.expasy.org/sparql-examples/ontology#")
EXAMPLES = Namespace("https://w3id.org/emkg/.well-known/sparql-examples/")


def example_graph(stored: catalogue.StoredQuery) -> Graph:
    graph = Graph()
    for prefix, namespace in (("ex", EXAMPLES), ("sh", SH), ("schema", SCHEMA), ("spex", SPEX), ("rdfs", RDFS)):
        graph.bind(prefix, namespace)
    node = EXAMPLES[stored.name]
    graph.add((node, RDF.type, SH.SPARQLExecutable))
    graph.add((node, RDF.type, SH.SPARQLSelectExecutable))
    graph.add((node, RDFS.label, Literal(stored.summary, lang="en")))
    graph.add((node, RDFS.comment, Literal(stored.question, lang="en")))
    text = "\n".join(line for line in stored.text.split("\n") if not line.startswith("#+")).strip() + "\n"
    graph.add((node, SH.select, Literal(store.bind_values(text, stored.bindings({})))))
    for tag in stored.tags:
        graph.add((node, SCHEMA.keywords, Literal(tag)))
    if stored.extra.get("endpoint"):
        graph.add((node, SCHEMA.target, URIRef(stored.extra["endpoint"])))
    return graph


def write(folder: Path, queries_dir: Path | None = None) -> list[Path]:
    """Write one Turtle file per stored query into ``folder``; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, stored in catalogue.catalogue(queries_dir).items():
        target = folder / f"{name}.ttl"
        target.write_text(example_graph(stored).serialize(format="turtle"), encoding="utf-8")
        written.append(target)
    return written
