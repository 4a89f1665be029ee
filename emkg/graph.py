"""Assemble the knowledge graph: ontology + import modules + every curated record.

Each record is parsed into its own fresh graph first, so a record that fails leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from emkg import paths
from emkg.namespaces import bind_prefixes
from loaders.yaml_record import Problem, RecordInvalid, read_record


@dataclass
class Assembled:
    graph: Graph
    problems: list[Problem] = field(default_factory=list)
    locations: dict[URIRef, tuple[str, str, int | None]] = field(default_factory=dict)  # node -> file, path, line
    record_files: list[Path] = field(default_factory=list)
    ontology: Graph = field(default_factory=Graph)  # the ontology + imports part of `graph`, parsed once


def ontology_graph(ontology_dir: Path | None = None) -> Graph:
    """The edit file plus every slim import module."""
    ontology_dir = ontology_dir or paths.ONTOLOGY_DIR
    graph = Graph()
    graph.parse(ontology_dir / "emkg.ttl", format="turtle")
    for module in sorted((ontology_dir / "imports").glob("*.ttl")):
        graph.parse(module, format="turtle")
    return graph


def shapes_graph(shapes_dir: Path | None = None) -> Graph:
    graph = Graph()
    for shapes in sorted((shapes_dir or paths.SHAPES_DIR).glob("*.shacl.ttl")):
        graph.parse(shapes, format="turtle")
    return graph


def record_files(evidence_dir: Path | None = None) -> list[Path]:
    return sorted((evidence_dir or paths.EVIDENCE_DIR).glob("*.yaml"))


def evidence_graph(files: list[Path]) -> Assembled:
    """Every record's triples, or the problems of every record that could not be read."""
    assembled = Assembled(Graph(), record_files=list(files))
    for path in files:
        try:
            record = read_record(path)
        except RecordInvalid as exc:
            assembled.problems.extend(exc.problems)
            continue
        assembled.graph += record.graph
        for node, (field_path, line) in record.locations.items():
            assembled.locations[node] = (record.file, field_path, line)
    return assembled


def knowledge_graph(evidence_dir: Path | None = None, ontology_dir: Path | None = None) -> Assembled:
    """Ontology, imports and evidence in one graph (problems listed, nothing partial added)."""
    assembled = evidence_graph(record_files(evidence_dir))
    assembled.ontology = ontology_graph(ontology_dir)
    assembled.graph += assembled.ontology
    bind_prefixes(assembled.graph)
    return assembled
