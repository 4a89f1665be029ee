"""The verified external term tables: the shared one (../shared/ontology-terms.tsv) and the project's
extension (ontology/verified-terms.tsv, same columns), read as one table keyed by IRI.

A term is verified once: a CURIE in both tables, or twice in one, is an error rather than a silent
override, so a project row can never change what the shared table says about a term.
"""

from __future__ import annotations

import csv
from pathlib import Path

from emkg import paths

COLUMNS = ("curie", "iri", "label", "synonyms", "ontology", "verified_from", "status", "note")


class VerifiedTermsError(ValueError):
    pass


def display_name(table: Path) -> str:
    """How mapping comments and messages name a table: relative to the checkout where possible."""
    for base, prefix in ((paths.PROJECT_ROOT, ""), (paths.PROJECT_ROOT.parent, "../")):
        try:
            return prefix + str(table.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(table)


def read_table(table: Path) -> list[dict[str, str]]:
    with table.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise VerifiedTermsError(f"{display_name(table)}: columns must be {', '.join(COLUMNS)}")
        rows = list(reader)
    for row in rows:
        row["table"] = display_name(table)
    return rows


def read_verified(*tables: Path) -> dict[str, dict[str, str]]:
    """Every row of the given tables (default: shared + project), keyed by IRI; each row also says which
    table it came from (`table`). Rows without an IRI (UNVERIFIED placeholders such as `NCIT:?`) are kept
    out of the IRI index but still checked for duplicate CURIEs."""
    tables = tables or (paths.SHARED_TERMS_TABLE, paths.VERIFIED_TERMS_TABLE)
    by_iri: dict[str, dict[str, str]] = {}
    seen: dict[str, str] = {}
    for table in tables:
        for row in read_table(table):
            curie = row["curie"]
            if not curie.endswith("?") and curie in seen:
                raise VerifiedTermsError(f"{curie} is listed in {seen[curie]} and again in {row['table']}; "
                                         "one row per CURIE")
            seen[curie] = row["table"]
            if row["iri"]:
                by_iri[row["iri"]] = row
    return by_iri


def slice_dirs() -> list[Path]:
    """The folders of verified .obo slices that `emkg imports` builds the import modules from."""
    return [paths.SHARED_TERMS_DIR, paths.VERIFIED_TERMS_DIR]
