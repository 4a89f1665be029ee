"""Write every file derived from the case record schema (schema/emkg_record.yaml, LinkML).

    python -m schema.generate            # rewrite the generated files in place
    python -m schema.generate --out DIR  # write them under DIR instead (the staleness test compares)

Development time only: it needs the `linkml` package (the `dev` extra); nothing at run time imports it.
Generated, each with a "generated - do not edit" header:

  loaders/record_fields.py         the loader's field table, as plain data (read by loaders/record_schema.py)
  evidence/README.md               the record format reference (loaders/record_docs.py renders it)
  shapes/record-fields.shacl.ttl   SHACL shapes for the fields in the schema's `shacl_core` subset
  schema/emkg_record.schema.json   JSON Schema of a record (linkml's generator, adapted to the format's
                                   conventions; editors and `tests/loaders/test_schema.py` use it)
  loaders/csv_columns.py           the CSV template's columns (schema annotation `csv_columns`)
  loaders/phenopacket_fields.py    the record fields the Phenopacket mapping fills, with the Phenopacket
                                   element each comes from (slot annotation `phenopacket`)
"""

from __future__ import annotations

import argparse
import json
import pprint
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema" / "emkg_record.yaml"
OUTPUTS = ("loaders/record_fields.py", "evidence/README.md", "shapes/record-fields.shacl.ttl",
           "schema/emkg_record.schema.json", "loaders/csv_columns.py", "loaders/phenopacket_fields.py")
HEADER = "generated - do not edit: edit schema/emkg_record.yaml and run `python -m schema.generate`"
PARTS = {"Publication": "publication", "Product": "product", "Patient": "patient", "Cohort": "cohort",
         "Finding": "finding"}
LITERAL_KINDS = {"string": "text", "integer": "int", "decimal": "decimal", "boolean": "bool", "uriorcurie": "term",
                 "YearMonth": "yearmonth", "PublicationId": "publication"}
XSD = {"text": "xsd:string", "int": "xsd:integer", "decimal": "xsd:decimal", "bool": "xsd:boolean",
       "yearmonth": "xsd:string"}
PUBLICATION_IRI_PATTERN = "^https://w3id[.]org/emkg/publication/"


def schema_view():
    from linkml_runtime.utils.schemaview import SchemaView

    return SchemaView(str(SCHEMA))


# -- the field table ---------------------------------------------------------------------------------------------
class Table:
    """The schema read into the loader's terms: parts, fields and their kinds."""

    def __init__(self, view):
        self.view = view
        self.fact_classes = [c for c in view.all_classes() if view.get_class(c).is_a == "Fact"]

    def own(self, cls: str) -> list:
        return list(self.view.get_class(cls).attributes.values())

    def annotation(self, element, key: str):
        found = element.annotations.get(key) if element.annotations else None
        return found.value if found is not None else None

    def is_quantity(self, cls: str) -> bool:
        return cls in self.view.class_ancestors("Quantity") or "Quantity" in self.view.class_ancestors(cls)

    def ref_target(self, cls: str) -> str | None:
        if cls in PARTS:
            return PARTS[cls]
        return self.annotation(self.view.get_class(cls), "fact_type")

    def kind(self, slot) -> str:
        rng = slot.range or "string"
        if rng in LITERAL_KINDS:
            return LITERAL_KINDS[rng]
        if rng in self.view.all_enums():
            return "term"
        if slot.inlined is False:
            return "ref"
        return "quantity" if self.is_quantity(rng) else "object"

    def field(self, slot, owner: str | None = None) -> tuple:
        kind = self.kind(slot)
        handled = bool(self.annotation(slot, "loader_handled"))
        predicate = "" if handled else (slot.slot_uri or f"emkg:{slot.name}")
        node_class, fields, target = None, (), None
        if kind in ("quantity", "object") and not handled:
            node_class = self.view.get_class(slot.range).class_uri
            fields = self.fields_of(slot.range)
        if kind == "ref":
            target = self.ref_target(slot.range)
        alternatives = self.one_of_required(owner) if owner else ()
        required = bool(slot.required) or (alternatives[:1] == (slot.name,))
        return (slot.name, predicate, kind, bool(slot.multivalued), required, node_class, fields,
                " ".join((slot.description or "").split()), target)

    def fields_of(self, cls: str) -> tuple:
        """A class's fields, its ancestors' first (Duration = Quantity's fields + ongoing). Part only says that
        its subclasses have an id (each declares its own); a fact's common fields are a table of their own."""
        chain = [c for c in reversed(self.view.class_ancestors(cls)) if c not in ("Part",)]
        if cls in self.fact_classes:
            chain = [cls]
        return tuple(self.field(s, cls) for c in chain for s in self.own(c))

    def one_of_required(self, cls: str) -> tuple[str, ...]:
        """Fields of which at least one is required (a class-level any_of of required slots): the first is marked
        required in the table, and the loader lets any of the others stand for it."""
        rules = self.view.get_class(cls).any_of or []
        return tuple(name for rule in rules for name, condition in rule.slot_conditions.items() if condition.required)

    def data(self) -> dict:
        view = self.view
        facts = []
        for cls in self.fact_classes:
            c = view.get_class(cls)
            facts.append((self.annotation(c, "fact_type"), c.class_uri, " ".join((c.description or "").split()),
                          self.fields_of(cls)))
        parts = {name: (view.get_class(cls).class_uri, " ".join((view.get_class(cls).description or "").split()),
                        self.fields_of(cls)) for cls, name in PARTS.items()}
        alternatives = {self.annotation(view.get_class(c), "fact_type"): self.one_of_required(c)
                        for c in self.fact_classes if self.one_of_required(c)}
        return {"SCHEMA_VERSION": view.schema.version, "QUANTITY_FIELDS": self.fields_of("Quantity"),
                "REQUIRED_ONE_OF": alternatives,
                "COMMON_FACT_FIELDS": self.fields_of("Fact"), "FACT_TYPES": tuple(facts), "PARTS": parts,
                "TOP_LEVEL": tuple(s.name for s in self.own("Record"))}


def record_fields_py(data: dict) -> str:
    out = ["# ruff: noqa: E501", f'"""The case record format\'s field table ({HEADER}).', "",
           "Each field: (name, predicate, kind, many, required, node_class, sub-fields, doc, ref_target);",
           'loaders/record_schema.py turns it into Field and Part objects."""', ""]
    for key, value in data.items():
        out.append(f"{key} = {pprint.pformat(value, width=116, sort_dicts=False)}")
        out.append("")
    return "\n".join(out)


def table_namespace(text: str) -> types.SimpleNamespace:
    """The record_schema objects for a generated table text (for rendering the docs from it)."""
    from loaders import record_schema

    namespace: dict = {}
    exec(compile(text, "record_fields.py", "exec"), namespace)  # our own generated data, nothing else
    return record_schema.from_table(types.SimpleNamespace(**namespace))


# -- SHACL -------------------------------------------------------------------------------------------------------
def shacl_ttl(table: Table) -> str:
    view = table.view
    out = [f"# SHACL shapes for the case record fields in the schema's `shacl_core` subset ({HEADER}).",
           "# Closed value sets are sh:in lists (with emkg:NotReported / emkg:Unknown where the schema allows them),",
           "# then datatypes, cardinality and ranges. The hand-written shapes in this folder keep the rules that",
           "# need SPARQL or span several facts.",
           "@prefix emkg: <https://w3id.org/emkg/> .", "@prefix sh: <http://www.w3.org/ns/shacl#> .",
           "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .", ""]
    unit_shapes = []
    for cls in view.all_classes():
        definition = view.get_class(cls)
        slots = [s for s in table.own(cls) if "shacl_core" in (s.in_subset or [])]
        if not slots:
            continue
        properties = [_property(table, cls, s) for s in slots]
        block = [f"emkg:{cls}FieldsShape a sh:NodeShape ;", f"    sh:targetClass {definition.class_uri} ;",
                 "    sh:property " + " , ".join(properties)]
        if definition.exactly_one_of:
            options = " ".join(f"[ sh:path {_slot_uri(table, cls, name)} ; sh:minCount 1 ]"
                               for option in definition.exactly_one_of for name in option.slot_conditions)
            message = table.annotation(definition, "shacl_message")
            block[-1] += f" ;\n    sh:xone ( {options} ) ;\n    sh:message {_lit(message)}"
        out += block[:-1] + [block[-1] + " .", ""]
        for s in slots:
            units = table.annotation(s, "shacl_unit_in")
            if units:
                unit_shapes += [f"emkg:{cls}{_camel(s.name)}UnitShape a sh:NodeShape ;",
                                f"    sh:targetObjectsOf {s.slot_uri} ;",
                                f"    sh:property [ sh:path emkg:unit ; sh:in ( {units} ) ;",
                                f"        sh:message {_lit(table.annotation(s, 'shacl_message'))} ] .", ""]
    return "\n".join(out + unit_shapes)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _slot_uri(table: Table, cls: str, name: str) -> str:
    return next(s for s in table.own(cls) if s.name == name).slot_uri


def _lit(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _property(table: Table, cls: str, slot) -> str:
    view = table.view
    kind = table.kind(slot)
    parts = [f"sh:path {slot.slot_uri}"]
    if slot.required:
        parts.append("sh:minCount 1")
    if not slot.multivalued:
        parts.append("sh:maxCount 1")
    message = table.annotation(slot, "shacl_message")
    described = " ".join((slot.description or "").split())
    if slot.range in view.all_enums():
        values = [pv.meaning for pv in view.get_enum(slot.range).permissible_values.values()]
        parts.append(f"sh:in ( {' '.join(values)} )")
        message = message or f"'{slot.name}' is one of {', '.join(values)}."
    elif kind in XSD:
        parts.append(f"sh:datatype {XSD[kind]}")
    elif kind == "ref" and slot.range not in ("Part",) or kind in ("quantity", "object"):
        parts.append(f"sh:class {view.get_class(slot.range).class_uri}")
    pattern = table.annotation(slot, "shacl_pattern") or slot.pattern or \
        (view.get_type(slot.range).pattern if slot.range in view.all_types() else None)
    if kind == "publication":
        pattern = PUBLICATION_IRI_PATTERN
    if pattern:
        parts.append(f"sh:pattern {_lit(pattern)}")
    for attribute, constraint in (("minimum_value", "sh:minInclusive"), ("maximum_value", "sh:maxInclusive")):
        if getattr(slot, attribute) is not None:
            parts.append(f"{constraint} {getattr(slot, attribute)}")
    for key, constraint in (("shacl_min_exclusive", "sh:minExclusive"), ("shacl_max_exclusive", "sh:maxExclusive")):
        if table.annotation(slot, key) is not None:
            parts.append(f"{constraint} {table.annotation(slot, key)}")
    other = table.annotation(slot, "shacl_less_than_or_equals")
    if other:
        parts.append(f"sh:lessThanOrEquals {_slot_uri(table, cls, other)}")
    if not message:
        what = {"bool": "true or false", "int": "a whole number", "decimal": "a number", "text": "text",
                "yearmonth": "a year 'YYYY' or a month 'YYYY-MM'", "publication": "curated publication ids",
                "ref": "the id of another part of this record", "quantity": "a quantity {value, unit}",
                "object": "a mapping of its fields"}
        message = f"'{slot.name}' is {what.get(kind, 'a term')}" + ("" if slot.multivalued else ", one value") + \
            (f": {described}" if described else "") + "."
    parts.append(f"sh:message {_lit(message)}")
    return "[\n        " + " ;\n        ".join(parts) + "\n    ]"


# -- JSON Schema -------------------------------------------------------------------------------------------------
def json_schema(table: Table) -> str:
    """linkml's JSON Schema, adapted to two conventions of the format: a single value may stand for a list of
    one, and a fact's class is chosen by its `type` (the fact type), not by a class name."""
    from linkml.generators.jsonschemagen import JsonSchemaGenerator

    schema = json.loads(JsonSchemaGenerator(str(SCHEMA), mergeimports=True).serialize())
    schema["$comment"] = HEADER
    defs = schema["$defs"]
    for definition in defs.values():
        for prop in (definition.get("properties") or {}).values():
            if prop.get("type") == "array" or "array" in (prop.get("type") or []):
                items = prop.get("items", {})
                prop.clear()
                prop["anyOf"] = [items, {"type": "array", "items": items}, {"type": "null"}]
    for cls in table.view.all_classes():
        for slot in table.own(cls):
            prop = defs.get(cls, {}).get("properties", {}).get(slot.name)
            if prop is None:
                continue
            if slot.range == "YearMonth":  # YAML reads 2021 as a number; the loader takes it as the year
                prop["type"] = ["string", "integer", "null"]
            also = table.annotation(slot, "also_allows")  # e.g. age_years: 90+ (privacy)
            if also is not None:
                prop_copy = dict(prop)
                prop.clear()
                prop["anyOf"] = [prop_copy, {"const": also}]
    kinds = []
    for cls in table.fact_classes:
        fact_type = table.annotation(table.view.get_class(cls), "fact_type")
        defs[cls].setdefault("properties", {})["type"] = {"const": fact_type}
        kinds.append({"$ref": f"#/$defs/{cls}"})
    defs["AnyFact"] = {"anyOf": kinds, "description": "a fact of one of the fact types (by its `type`)"}
    text = json.dumps(schema, indent=2, sort_keys=True).replace('"#/$defs/Fact"', '"#/$defs/AnyFact"')
    return text + "\n"


# -- CSV template columns ----------------------------------------------------------------------------------------
def csv_columns_py(table: Table) -> str:
    rows = [tuple(line.split("|")) for line in table.annotation(table.view.schema, "csv_columns").splitlines()]
    for name, part, field, *_ in rows:
        _check_csv_field(table, name, part, field)
    return (f'# ruff: noqa: E501\n"""The CSV template\'s columns ({HEADER}).\n\n'
            '(name, part, field, kind, doc, example, required) per column; loaders/csv_template.py reads them."""\n\n'
            f"COLUMNS = {pprint.pformat(tuple(_column(r) for r in rows), width=116)}\n")


def _column(row: tuple) -> tuple:
    name, part, field, kind, doc, example, required = (list(row) + [""] * 7)[:7]
    return (name, part, field, kind, doc, example, required == "required")


CSV_PARTS = {"publication": "Publication", "patient": "Patient", "product": "Product", "demographics": "Demographics",
             "diagnosis": "Diagnosis", "relapse": "Relapse", "hsct": "Hsct", "therapy": "Therapy",
             "infusion": "CarTInfusion", "toxicity1": "Toxicity", "toxicity2": "Toxicity", "response": "Response",
             "followup": "FollowUp", "notes": "Record"}


def _check_csv_field(table: Table, name: str, part: str, field: str) -> None:
    """Every column fills a field the schema has (its first path step, and the nested one if any)."""
    cls = CSV_PARTS.get(part)
    if cls is None:
        raise SystemExit(f"CSV column {name}: unknown part {part!r}")
    names = {s.name: s for s in table.view.class_induced_slots(cls)}
    head, *rest = field.split(".")
    if head not in names:
        raise SystemExit(f"CSV column {name}: {cls} has no field {head!r}")
    if rest and rest[0] not in {s.name for s in table.view.class_induced_slots(names[head].range)}:
        raise SystemExit(f"CSV column {name}: {names[head].range} has no field {rest[0]!r}")


# -- Phenopacket mapping ----------------------------------------------------------------------------------------
def phenopacket_fields_py(table: Table) -> str:
    """(part, field) -> the Phenopacket element it comes from; part is a fact type, 'fact' (any fact), 'product',
    'publication' or 'patient'."""
    mapped = {}
    for cls in table.view.all_classes():
        part = "fact" if cls == "Fact" else PARTS.get(cls) or table.annotation(table.view.get_class(cls), "fact_type")
        for slot in table.own(cls):
            element = table.annotation(slot, "phenopacket")
            if element and part:
                mapped[(part, slot.name)] = element
    return ('# ruff: noqa: E501\n'
            f'"""The record fields the Phenopacket mapping (loaders/phenopacket.py) fills ({HEADER})."""\n\n'
            f"MAPPED = {pprint.pformat(mapped, width=116)}\n")


# -- all of it ---------------------------------------------------------------------------------------------------
def generate() -> dict[str, str]:
    from loaders import record_docs

    table = Table(schema_view())
    fields_text = record_fields_py(table.data())
    return {
        "loaders/record_fields.py": fields_text,
        "evidence/README.md": record_docs.markdown(table_namespace(fields_text)),
        "shapes/record-fields.shacl.ttl": shacl_ttl(table),
        "schema/emkg_record.schema.json": json_schema(table),
        "loaders/csv_columns.py": csv_columns_py(table),
        "loaders/phenopacket_fields.py": phenopacket_fields_py(table),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT, help="folder to write into (default: the checkout)")
    args = parser.parse_args(argv)
    for relative, text in generate().items():
        target = args.out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
