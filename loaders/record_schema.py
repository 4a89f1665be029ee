"""The curation format as data: which fields each record part has and what they become in RDF.

The table itself is generated from the one schema, schema/emkg_record.yaml (LinkML), into
loaders/record_fields.py (plain data, so nothing of LinkML is imported at run time); this module turns it
into Field and Part objects. One table drives the loader's triples, its early errors (unknown field, wrong
kind of value, missing required field, a reference to the wrong kind of part) and the field reference in
evidence/README.md. Adding a field is one edit of the schema (plus, for a new property, one entry in
ontology/emkg.ttl) and `python -m schema.generate`.

Field kinds:
  text, int, decimal, bool  -> a literal of that datatype
  term                      -> a CURIE expanded to an IRI (an ontology term, unit, grading system ...)
  ref                       -> the local id of another part of the same record (fact, product, patient)
  publication               -> the id of another curated publication (a record file), as its IRI
  quantity                  -> a node with emkg:value / emkg:unit (and optional low / high, qualifier,
                               approximate)
  object                    -> a nested node with its own fields
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field

from loaders import record_fields


@dataclass(frozen=True)
class Field:
    name: str
    predicate: str  # CURIE of the property
    kind: str
    many: bool = False
    required: bool = False
    node_class: str | None = None  # rdf:type of the node minted for quantity/object fields
    fields: tuple[Field, ...] = ()  # sub-fields of an object field
    doc: str = ""
    ref_target: str | None = None  # for a ref: the kind of part it must name (a fact type, 'product' ...)


@dataclass(frozen=True)
class Part:
    """A kind of record part (a fact type, a product, a cohort ...)."""

    name: str
    node_class: str
    fields: tuple[Field, ...]
    doc: str = ""
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})


# Explicit missing values: any term field, required ones included, may hold one of these instead of a value.
MISSING_VALUES = ("emkg:NotReported", "emkg:Unknown")

# Ages over 89 can identify a patient: a record writes `age_years: 90+`, kept as this flag instead of a number.
AGE_90_PLUS = "90+"
AGE_90_PLUS_PREDICATE = "emkg:ageNinetyOrOver"

# The label of a product whose name the source does not give.
UNNAMED_PRODUCT = "unnamed product"


def _field(row: tuple) -> Field:
    name, predicate, kind, many, required, node_class, fields, doc, ref_target = row
    return Field(name, predicate, kind, many, required, node_class, tuple(_field(f) for f in fields), doc, ref_target)


def from_table(table) -> types.SimpleNamespace:
    """Field and Part objects from a generated table (loaders/record_fields.py or a freshly generated one)."""
    parts = {name: Part(name, node_class, tuple(_field(f) for f in fields), doc)
             for name, (node_class, doc, fields) in table.PARTS.items()}
    return types.SimpleNamespace(
        QUANTITY_FIELDS=tuple(_field(f) for f in table.QUANTITY_FIELDS),
        COMMON_FACT_FIELDS=tuple(_field(f) for f in table.COMMON_FACT_FIELDS),
        FACT_TYPES={name: Part(name, node_class, tuple(_field(f) for f in fields), doc)
                    for name, node_class, doc, fields in table.FACT_TYPES},
        PUBLICATION=parts["publication"], PRODUCT=parts["product"], PATIENT=parts["patient"],
        COHORT=parts["cohort"], FINDING=parts["finding"], TOP_LEVEL=tuple(table.TOP_LEVEL),
        SCHEMA_VERSION=table.SCHEMA_VERSION, REQUIRED_ONE_OF=dict(getattr(table, "REQUIRED_ONE_OF", {})))


_TABLE = from_table(record_fields)
QUANTITY_FIELDS = _TABLE.QUANTITY_FIELDS
COMMON_FACT_FIELDS = _TABLE.COMMON_FACT_FIELDS
FACT_TYPES: dict[str, Part] = _TABLE.FACT_TYPES
PUBLICATION, PRODUCT, PATIENT = _TABLE.PUBLICATION, _TABLE.PRODUCT, _TABLE.PATIENT
COHORT, FINDING = _TABLE.COHORT, _TABLE.FINDING
TOP_LEVEL = _TABLE.TOP_LEVEL
# fact type -> fields of which one is enough (the first is the one marked required)
REQUIRED_ONE_OF: dict[str, tuple[str, ...]] = _TABLE.REQUIRED_ONE_OF
