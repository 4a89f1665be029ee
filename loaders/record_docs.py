"""Write the field reference of the curation format (evidence/README.md) from `record_schema`.

The format is documented from the same table the loader uses (generated from schema/emkg_record.yaml), so
the two cannot drift apart; `python -m schema.generate` writes evidence/README.md with it and
tests/loaders/test_schema.py fails when a committed generated file is stale.
"""

from __future__ import annotations

from loaders import record_schema as schema
from loaders.yaml_record import DEFAULT_EVIDENCE_CODE, SCHEMA_ID

INTRO = f"""# Curated evidence: the case record format

<!-- generated - do not edit: edit schema/emkg_record.yaml and run `python -m schema.generate` -->

## Changes in `emkg-record/2` (evidence model 2)

Records headed `schema: emkg-record/1` stay valid: version 2 only adds fields. New:

- **Nothing invented**: any term field, required ones included (product `targets`, relapse `sites`),
  accepts `emkg:NotReported` (the text does not give it) or `emkg:Unknown` (the text says it is
  unknown), alone. Product `name` is optional (label "unnamed product"). Demographics `age_group`
  (`emkg:Adult`, `emkg:Pediatric`, `emkg:AdolescentYoungAdult`), `age_low`, `age_high`. Publication
  `year`, `authors`.
- **Time**: every fact has `timing` (list of `{{from | from_event, after, before, approximate}}`),
  `duration` (a quantity with `ongoing`) and `month` (next to `year`). Publication `enrollment_start`,
  `enrollment_end` ("YYYY" or "YYYY-MM"). Every quantity has `qualifier` and `approximate`.
- **Sites**: `site_details` (list of `{{site, laterality, shown_by, involved}}`) on relapse, diagnosis,
  assessment, response and observation; an involved site also counts as one of `sites` (a relapse
  may give `site_details` instead of `sites`). `cns_status` on relapse, diagnosis and assessment;
  relapse `relapse_kind` (`emkg:IsolatedExtramedullary`, `emkg:CombinedMarrowExtramedullary`,
  `emkg:IsolatedMarrow`), stated explicitly, never inferred from `marrow_involved`.
- **Measurements**: `qualifier`, `approximate`, `ratio_to`, `specimen`; response `mrd_method`,
  `mrd_specimen`, `mrd_threshold`.
- **Cohort findings**: `value_qualifier`, `iqr_low`, `iqr_high`, `ci_low`, `ci_high`, `ci_level`,
  `standard_error`, `p_value`, `p_qualifier`, `compared_with`, `subgroup_definition`, `subgroup_of`,
  `members`, `same_patients_as`, `grade_qualifier`; statistics `emkg:CumulativeIncidence`,
  `emkg:OverallResponseRate`, `emkg:HazardRatio`, `emkg:OddsRatio`, `emkg:Reported` (no number).
- **History, genetics, transplant**: fact type `medical-history` (`condition`, `finding`, `present`);
  genetic-finding `alteration_type`, `alteration` (text as reported; `alteration_class` for a term
  such as `emkg:PhLikeSignature`); hsct `donor_relationship`, `hla_match`, `conditioning_intensity`,
  `chimerism`.
- **Sources**: publication `source_kind` (`emkg:PrimaryReport`, `emkg:SecondaryReport`), `reports_on`,
  `possible_overlap_with` (ids of curated publications), `note`.

## The format

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
CURIE), ref (the id of another part of the same record), publication (the id of another curated
publication), yearmonth (`"YYYY"` or `"YYYY-MM"`), quantity (`{{value, low, high, unit, qualifier,
approximate}}`), object (nested fields, listed below the field).
"""


def _rows(fields: tuple[schema.Field, ...], quantity_size: int, prefix: str = "") -> list[str]:
    rows = []
    for f in fields:
        kind = f.kind + (" list" if f.many else "")
        need = "yes" if f.required else ""
        rows.append(f"| `{prefix}{f.name}` | {kind} | {need} | {f.predicate or '-'} | {f.doc} |")
        if f.fields and (f.kind == "object" or len(f.fields) > quantity_size):
            rows += _rows(f.fields, quantity_size, prefix + f.name + ".")
    return rows


def _table(title: str, part: schema.Part, quantity_size: int) -> str:
    header = ["", f"### {title}", "", part.doc, "", "| field | kind | required | RDF | meaning |",
              "|---|---|---|---|---|"]
    return "\n".join(header + _rows(part.fields, quantity_size)) + "\n"


def markdown(table=schema) -> str:
    """The reference for `table` (record_schema itself, or the objects of a freshly generated table)."""
    size = len(table.QUANTITY_FIELDS)
    out = [INTRO, "\n## Record parts\n"]
    for title, part in (("publication", table.PUBLICATION), ("products[]", table.PRODUCT),
                        ("patients[]", table.PATIENT), ("cohorts[]", table.COHORT),
                        ("cohorts[].findings[]", table.FINDING)):
        out.append(_table(title, part, size))
    out.append("\n## Facts (`patients[].facts[]`)\n")
    common = schema.Part("common", "emkg:Fact", table.COMMON_FACT_FIELDS, "Fields every fact has.")
    out.append(_table("every fact", common, size))
    for name, part in table.FACT_TYPES.items():
        out.append(_table(f"type: {name}  ({part.node_class})", part, size))
    return "".join(out)
