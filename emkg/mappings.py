"""The SSSOM mapping set, generated from the mapping triples of ontology/emkg.ttl so it cannot drift.

Every ``skos:exactMatch / closeMatch / broadMatch / narrowMatch / relatedMatch`` from an emkg term to an
external term becomes one row of ``ontology/mappings/emkg.sssom.tsv``, written by sssom-py with the
metadata (curie map, mapping set id, provider, license, date) embedded in the file's ``#`` header, so
`sssom validate` and `sssom parse` read the file alone. The object label is the one the
import module gives (itself generated from the verified slices) and the comment names where the term
was verified (``verified_from`` in ../shared/ontology-terms.tsv or the project's
ontology/verified-terms.tsv). Output is sorted and dated with the ontology's release date, not
today's, so regenerating an unchanged ontology gives identical files; ``tests/ontology/test_mappings.py``
checks that the committed files are current.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef
from rdflib.namespace import DCTERMS

from emkg.namespaces import EMKG, PREFIXES, compact, jsonld_context_json, prefix_map_json

TSV_NAME = "emkg.sssom.tsv"
MAPPING_PROVIDER = "https://w3id.org/emkg"
COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
           "mapping_justification", "comment")
PREDICATES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
JUSTIFICATION = "semapv:ManualMappingCuration"
SEMAPV = "https://w3id.org/semapv/vocab/"


class MappingError(Exception):
    """A mapping that cannot be written: object unlabelled in the imports, or not in the verified table."""


@dataclass(frozen=True, order=True)
class Mapping:
    subject_id: str
    predicate_id: str
    object_id: str
    subject_label: str
    object_label: str
    comment: str

    def row(self) -> dict[str, str]:
        return {"subject_id": self.subject_id, "subject_label": self.subject_label,
                "predicate_id": self.predicate_id, "object_id": self.object_id,
                "object_label": self.object_label, "mapping_justification": JUSTIFICATION,
                "comment": self.comment}


def read_verified(*tables: Path) -> dict[str, dict[str, str]]:
    """The verified term tables (default: the shared one and the project's extension), keyed by IRI."""
    from emkg.verified_terms import read_verified as read

    return read(*tables)


def mappings(ontology: Graph, verified: dict[str, dict[str, str]]) -> list[Mapping]:
    """One Mapping per mapping triple from an emkg term; raise MappingError naming every bad one."""
    found, errors = [], []
    for predicate in PREDICATES:
        for subject, obj in ontology.subject_objects(predicate):
            if not (isinstance(subject, URIRef) and str(subject).startswith(EMKG)):
                continue
            object_label = ontology.value(obj, RDFS.label)
            row = verified.get(str(obj))
            where = f"{compact(str(subject))} {compact(str(predicate))} {compact(str(obj))}"
            if object_label is None:
                errors.append(f"{where}: the object has no label in ontology/imports/")
                continue
            if row is None or row.get("status") != "VERIFIED":
                errors.append(f"{where}: the object is not VERIFIED in ../shared/ontology-terms.tsv "
                              "or ontology/verified-terms.tsv")
                continue
            found.append(Mapping(compact(str(subject)), compact(str(predicate)), compact(str(obj)),
                                 str(ontology.value(subject, RDFS.label) or ""), str(object_label),
                                 f"verified in {row.get('table', '../shared/ontology-terms.tsv')} "
                                 f"from {row['verified_from']}"))
    if errors:
        raise MappingError("; ".join(sorted(errors)))
    return sorted(found)


def _cell(text: str) -> str:
    # TSV cells cannot hold tabs or newlines; the verified table's provenance strings have none, but be safe.
    return " ".join(text.split())


def _ontology_header(ontology: Graph) -> URIRef:
    headers = sorted(s for s in ontology.subjects(RDF.type, OWL.Ontology) if str(s).startswith(EMKG))
    if not headers:
        raise MappingError("the ontology has no emkg owl:Ontology header")
    return headers[0]


def metadata(ontology: Graph, rows: list[Mapping]) -> dict[str, str]:
    """The mapping set metadata (SSSOM slots), taken from the ontology header."""
    header = _ontology_header(ontology)
    version = str(ontology.value(header, OWL.versionInfo) or "")
    return {
        "mapping_set_id": f"{EMKG}mappings/{TSV_NAME}",
        "mapping_set_version": version,
        "mapping_set_description": f"Mappings of emkg terms to verified external ontology terms ({len(rows)} rows)",
        "license": str(ontology.value(header, DCTERMS.license) or ""),
        "mapping_date": version,
        "mapping_provider": MAPPING_PROVIDER,
        "subject_source": str(header),
        "subject_source_version": version,
        "comment": "generated - do not edit; run `emkg mappings`. Object labels come from ontology/imports/ and "
                   "are checked against ../shared/ontology-terms.tsv and ontology/verified-terms.tsv.",
    }


def curie_map(rows: list[Mapping]) -> dict[str, str]:
    """Every prefix the rows use (subjects, predicates, objects, justifications), nothing else."""
    used = {getattr(m, c).split(":")[0] for m in rows for c in ("subject_id", "predicate_id", "object_id")}
    return {prefix: PREFIXES[prefix] for prefix in sorted(used)} | {"semapv": SEMAPV}


def tsv_text(ontology: Graph, rows: list[Mapping]) -> str:
    """The mapping set as SSSOM/TSV with its metadata embedded, written by sssom-py."""
    import io

    import curies
    import pandas as pd
    from sssom.util import MappingSetDataFrame
    from sssom.writers import write_table

    frame = pd.DataFrame([{c: _cell(m.row()[c]) for c in COLUMNS} for m in rows], columns=list(COLUMNS))
    converter = curies.Converter.from_prefix_map(curie_map(rows))
    mapping_set = MappingSetDataFrame(df=frame, converter=converter, metadata=metadata(ontology, rows))
    out = io.StringIO()
    write_table(mapping_set, out)
    return out.getvalue()


def render(ontology: Graph, verified: dict[str, dict[str, str]], mappings_dir: Path) -> dict[Path, str]:
    """Path -> text: the mapping set, and the prefix map and JSON-LD context files generated beside it."""
    from emkg import paths

    return {mappings_dir / TSV_NAME: tsv_text(ontology, mappings(ontology, verified)),
            paths.PREFIX_MAP_FILE: prefix_map_json(), paths.JSONLD_CONTEXT_FILE: jsonld_context_json()}


def stale_files(ontology: Graph, verified: dict[str, dict[str, str]], mappings_dir: Path) -> list[str]:
    """Names of the generated files that differ from what `render` would write (missing counts as stale)."""
    return [path.name for path, text in render(ontology, verified, mappings_dir).items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]


def write(ontology: Graph, verified: dict[str, dict[str, str]], mappings_dir: Path) -> list[Path]:
    written = []
    for path, text in render(ontology, verified, mappings_dir).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
