"""Write the field reference of the curation format (evidence/README.md) from `record_schema`.

The format is documented from the same table the loader uses, so the two cannot drift apart;
tests/loaders/test_record_docs.py fails when the committed README is stale.
"""

from __future__ import annotations

from loaders import record_schema as schema
from loaders.yaml_record import DEFAULT_EVIDENCE_CODE, SCHEMA_ID

INTRO = f"""# Curated evidence: the case record format

<!-- generated - do not edit: run `emkg record-format > evidence/README.md` -->

One YAML file per publication, named `<first-author>-<year>-<topic>.yaml` (or, where the text names
no authors, `<registration>-<topic>.yaml`), whose `publication.id` equals the file name. The first
line is `schema: {SCHEMA_ID}`. Top level: {", ".join(f"`{k}`" for k in schema.TOP_LEVEL)}.

- Every fact, product, cohort and finding carries `quote:` (one string or a list): short verbatim
  passages from the source text, at most about 40 words each. `emkg build` and the tests check that
  each occurs in the source named by `publication.source_text` (layout, hyphenation and whitespace
  are ignored; nothing else is).
- Vocabulary values are CURIEs: `emkg:` terms from `ontology/emkg.ttl`, external terms (UBERON,
  MONDO, NCIT, PR, HGNC ...) from `ontology/imports/` only, i.e. verified identifiers.
- `day:` counts from a CAR-T infusion (day 0). A patient with one infusion needs no `relative_to`;
  with several, every fact with a day names its anchor. `order:` places facts without a day.
- `present: false` records an explicit negative ("no CRES was detected"); what the source does not
  say is left out, not recorded as absent.
- No exact dates (the loader rejects them), names, record numbers or contact details. Keep the year.
- The default evidence code is `{DEFAULT_EVIDENCE_CODE}` (clinical study evidence used in manual
  assertion); set `evidence_code:` on the record or a part to override it.

Field kinds: text, int, decimal (digits, e.g. `5.0e+6`; the unit goes in `unit`), bool, term (a
CURIE), ref (the id of another part of the same record), quantity (`{{value, low, high, unit}}`),
object (nested fields, listed below the field).
"""


def _rows(fields: tuple[schema.Field, ...], prefix: str = "") -> list[str]:
    rows = []
    for f in fields:
        kind = f.kind + (" list" if f.many else "")
        need = "yes" if f.required else ""
        rows.append(f"| `{prefix}{f.name}` | {kind} | {need} | {f.predicate or '-'} | {f.doc} |")
        if f.fields and f.kind == "object":
            rows += _rows(f.fields, prefix + f.name + ".")
    return rows


def _table(title: str, part: schema.Part, fields: tuple[schema.Field, ...] | None = None) -> str:
    header = ["", f"### {title}", "", part.doc, "", "| field | kind | required | RDF | meaning |",
              "|---|---|---|---|---|"]
    return "\n".join(header + _rows(fields or part.fields)) + "\n"


def markdown() -> str:
    out = [INTRO, "\n## Record parts\n"]
    for title, part in (("publication", schema.PUBLICATION), ("products[]", schema.PRODUCT),
                        ("patients[]", schema.PATIENT), ("cohorts[]", schema.COHORT),
                        ("cohorts[].findings[]", schema.FINDING)):
        out.append(_table(title, part))
    out.append("\n## Facts (`patients[].facts[]`)\n")
    common = schema.Part("common", "emkg:Fact", schema.COMMON_FACT_FIELDS, "Fields every fact has.")
    out.append(_table("every fact", common))
    for name, part in schema.FACT_TYPES.items():
        out.append(_table(f"type: {name}  ({part.node_class})", part))
    return "".join(out)
