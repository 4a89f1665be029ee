"""Build the slim import modules in ontology/imports/ from the verified term slices.

Input: ../shared/ontology-terms/*.obo, which hold only identifiers verified against the ontologies'
own released files (see that folder's README), and the project's own slices in ontology/verified-terms/
(same format, for terms verified here; rows in ontology/verified-terms.tsv). Slices of the same name are
merged into one module. Output: one Turtle module per ontology with, for each
term, its label, exact synonyms, cross-references and is_a parents (parents outside the slice are
declared with the label the slice gives them). Obsolete terms are kept and marked deprecated so that
a QC check can refuse them. Output is sorted, so regenerating gives byte-identical files.

One more module, site_groups.ttl, is derived from ontology/emkg.ttl rather than from a slice: the site
groups (emkg:includesSite) that site queries follow are read off the site list (owl:oneOf) of each
defined relapse class that names its group's root with emkg:siteGroupRoot, so a group is written once,
where the reasoner reads it.
"""

from __future__ import annotations

import re
from pathlib import Path

from emkg.namespaces import EMKG, OBO, PREFIXES, expand

HEADER = "# generated - do not edit: run `emkg imports` to rebuild from {source}\n"
_TAG = re.compile(r"^(\w+):\s*(.*)$")


def _iri(curie: str) -> str:
    """Expand with the project map; a parent from another OBO ontology (CARO, BFO ...) gets its PURL."""
    prefix, _, local = curie.partition(":")
    return expand(curie) if prefix in PREFIXES else f"{OBO}{prefix}_{local}"


def parse_obo(text: str) -> list[dict]:
    """The [Term] stanzas of an OBO file as dicts of tag -> list of values."""
    terms, current = [], None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            current = {} if line == "[Term]" else None
            if current is not None:
                terms.append(current)
            continue
        match = _TAG.match(line)
        if current is not None and match:
            current.setdefault(match.group(1), []).append(match.group(2))
    return terms


def _turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def module_for(obo_text: str, source_name: str) -> str:
    """One import module (Turtle text) for the terms of one OBO slice."""
    terms = parse_obo(obo_text)
    declared = {t["id"][0] for t in terms}
    parents: dict[str, str] = {}
    blocks = []
    for term in sorted(terms, key=lambda t: t["id"][0]):
        curie = term["id"][0]
        lines = [f"<{_iri(curie)}> a owl:Class", f"    rdfs:label {_turtle_string(term['name'][0])}"]
        for synonym in sorted(term.get("synonym", [])):
            match = re.match(r'"(.*)"\s+EXACT', synonym)
            if match:
                lines.append(f"    oboInOwl:hasExactSynonym {_turtle_string(match.group(1))}")
        for xref in sorted(term.get("xref", [])):
            lines.append(f"    oboInOwl:hasDbXref {_turtle_string(xref.split()[0])}")
        for is_a in sorted(term.get("is_a", [])):
            parent, _, label = (part.strip() for part in is_a.partition("!"))
            parent = parent.split()[0]  # drop trailing qualifiers such as {is_inferred="true"}
            lines.append(f"    rdfs:subClassOf <{_iri(parent)}>")
            if parent not in declared and label:
                parents[parent] = label
        if term.get("is_obsolete") == ["true"]:
            lines.append("    owl:deprecated true")
        blocks.append(" ;\n".join(lines) + " .\n")
    for parent, label in sorted(parents.items()):
        blocks.append(f"<{_iri(parent)}> a owl:Class ;\n    rdfs:label {_turtle_string(label)} .\n")
    prefixes = (
        "@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
    )
    return HEADER.format(source=source_name) + prefixes + "\n".join(blocks)


def _source_name(obo: Path) -> str:
    return f"{obo.parent.parent.name}/{obo.parent.name}/{obo.name}"


SITE_GROUPS_MODULE = "site_groups.ttl"


def site_groups_module(ontology_text: str, source_name: str = "ontology/emkg.ttl") -> str:
    """The site groups module: `<root> emkg:includesSite <member>` for every other member of the site list
    of a defined class with `emkg:siteGroupRoot <root>`. A root missing from its class's list, or a class
    without a list, is refused (ValueError)."""
    from rdflib import OWL, Graph, URIRef
    from rdflib.collection import Collection

    graph = Graph().parse(data=ontology_text, format="turtle")
    groups: dict[str, set[str]] = {}
    for defined_class, root in graph.subject_objects(URIRef(EMKG + "siteGroupRoot")):
        lists = [members for node in graph.transitive_objects(defined_class, None)
                 for members in graph.objects(node, OWL.oneOf)]
        if len(lists) != 1:
            raise ValueError(f"{defined_class} names a site group root but has {len(lists)} owl:oneOf site lists")
        sites = {str(site) for site in Collection(graph, lists[0])}
        if str(root) not in sites:
            raise ValueError(f"{defined_class}: its site group root {root} is not in its owl:oneOf site list")
        groups.setdefault(str(root), set()).update(sites - {str(root)})
    blocks = [f"<{root}> emkg:includesSite " + " ,\n    ".join(f"<{m}>" for m in sorted(members)) + " .\n"
              for root, members in sorted(groups.items())]
    header = (f"# generated - do not edit: run `emkg imports` to rebuild from the site lists (owl:oneOf) of the\n"
              f"# defined classes with emkg:siteGroupRoot in {source_name}\n")
    return header + f"@prefix emkg: <{EMKG}> .\n\n" + "\n".join(blocks)


def modules(terms_dirs: list[Path], ontology_file: Path | None = None) -> dict[str, str]:
    """Module file name -> Turtle text, one per slice name found in any of `terms_dirs` (a term in two
    slices of one name would be declared twice, so that is refused), and with `ontology_file` (emkg.ttl)
    the site groups module."""
    slices: dict[str, list[Path]] = {}
    for terms_dir in terms_dirs:
        for obo in sorted(terms_dir.glob("*.obo")) if terms_dir.is_dir() else ():
            slices.setdefault(obo.stem, []).append(obo)
    built = {}
    for stem, files in sorted(slices.items()):
        texts = [f.read_text(encoding="utf-8") for f in files]
        ids = [t["id"][0] for text in texts for t in parse_obo(text)]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} declared in more than one {stem}.obo slice")
        built[f"{stem}_import.ttl"] = module_for("\n".join(texts), " + ".join(_source_name(f) for f in files))
    if ontology_file is not None:
        built[SITE_GROUPS_MODULE] = site_groups_module(ontology_file.read_text(encoding="utf-8"))
    return built


def write_modules(terms_dirs: list[Path], imports_dir: Path, ontology_file: Path | None = None) -> list[Path]:
    """Regenerate every module; returns the files written."""
    built = modules(terms_dirs, ontology_file)  # refused slices raise before anything is created
    imports_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in built.items():
        target = imports_dir / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def stale_modules(terms_dirs: list[Path], imports_dir: Path, ontology_file: Path | None = None) -> list[str]:
    """Module files that differ from what the slices (and emkg.ttl) generate (or are missing)."""
    return sorted(name for name, text in modules(terms_dirs, ontology_file).items()
                  if not (imports_dir / name).is_file() or (imports_dir / name).read_text(encoding="utf-8") != text)
