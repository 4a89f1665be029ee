"""Namespaces and the prefix map: the one module that knows them.

Prefixes follow the Bioregistry preferred spellings (../shared/ontology-terms/bioregistry_prefixes.tsv),
so a CURIE written in a curated record, a query parameter or an SSSOM file expands the same way
everywhere. Kept free of rdflib so that `emkg query` starts fast; `rdflib_namespaces()` gives the
same map to rdflib users.
"""

from __future__ import annotations

import re

EMKG = "https://w3id.org/emkg/"
OBO = "http://purl.obolibrary.org/obo/"
# IAO:0000115 "definition": the OBO Foundry property for a term's textual definition.
IAO_DEFINITION = OBO + "IAO_0000115"

PREFIXES: dict[str, str] = {
    "emkg": EMKG,
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
    "IAO": OBO + "IAO_",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    "UBERON": OBO + "UBERON_",
    "MONDO": OBO + "MONDO_",
    "NCIT": OBO + "NCIT_",
    "CHEBI": OBO + "CHEBI_",
    "PR": OBO + "PR_",
    "CL": OBO + "CL_",
    "ECO": OBO + "ECO_",
    "OBI": OBO + "OBI_",
    "SEPIO": OBO + "SEPIO_",
    "HP": OBO + "HP_",
    "HGNC": "http://identifiers.org/hgnc/",
    "clinicaltrials": "http://identifiers.org/clinicaltrials/",
    "doi": "http://identifiers.org/doi/",
    "pubmed": "http://identifiers.org/pubmed/",
}

# Prefixes whose terms come from external ontologies and must appear in ontology/imports/.
EXTERNAL_ONTOLOGY_PREFIXES = ("UBERON", "MONDO", "NCIT", "CHEBI", "PR", "CL", "ECO", "OBI", "SEPIO", "HP", "HGNC")

_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_.\-]*):([^\s<>\"{}|\\^`]+)$")


class CurieError(ValueError):
    """A CURIE that is malformed or uses an unknown prefix."""


def expand(curie: str) -> str:
    """Expand a CURIE like 'UBERON:0000473' to its IRI; raise CurieError when it cannot be."""
    match = _CURIE.match(curie.strip()) if isinstance(curie, str) else None
    if not match:
        raise CurieError(f"{curie!r} is not a CURIE (expected PREFIX:ID, e.g. UBERON:0000473)")
    prefix, local = match.groups()
    if prefix not in PREFIXES:
        known = ", ".join(sorted(PREFIXES))
        raise CurieError(f"unknown prefix {prefix!r} in {curie!r}; known prefixes: {known}")
    return PREFIXES[prefix] + local


def compact(iri: str) -> str:
    """Shorten an IRI to a CURIE with the longest matching namespace; unchanged if none matches."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def sparql_prefix_block() -> str:
    """PREFIX lines for every namespace, for queries written without their own."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def rdflib_namespaces():
    """The prefix map as rdflib Namespace objects, bound onto graphs for readable output."""
    from rdflib import Namespace

    return {prefix: Namespace(ns) for prefix, ns in PREFIXES.items()}


def bind_prefixes(graph) -> None:
    """Bind every project prefix on an rdflib graph (replacing rdflib's defaults)."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
