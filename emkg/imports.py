"""Build the slim import modules in ontology/imports/ from the verified term slices.

Input: ../shared/ontology-terms/*.obo, which hold only identifiers verified against the ontologies'
own released files (see that folder's README), and the project's own slices in ontology/verified-terms/
(same format, for terms verified here; rows in ontology/verified-terms.tsv). Slices of the same name are
merged into one module. Output: one Turtle module per ontology with, for each
term, its label, exact synonyms, cross-references and is_a parents (parents outside the slice are
declared with the label the slice gives them). Obsolete terms are kept and marked deprecated so that
a QC check can refuse them. Output is sorted, so regenerating gives byte-identical files.
"""

from __future__ import annotations

import re
from pathlib import Path

from emkg.namespaces import OBO, PREFIXES, expand

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


def modules(terms_dirs: list[Path]) -> dict[str, str]:
    """Module file name -> Turtle text, one per slice name found in any of `terms_dirs` (a term in two
    slices of one name would be declared twice, so that is refused)."""
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
    return built


def write_modules(terms_dirs: list[Path], imports_dir: Path) -> list[Path]:
    """Regenerate every module; returns the files written."""
    built = modules(terms_dirs)  # refused slices raise before anything is created
    imports_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in built.items():
        target = imports_dir / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def stale_modules(terms_dirs: list[Path], imports_dir: Path) -> list[str]:
    """Module files that differ from what the slices generate (or are missing)."""
    return sorted(name for name, text in modules(terms_dirs).items()
                  if not (imports_dir / name).is_file() or (imports_dir / name).read_text(encoding="utf-8") != text)
