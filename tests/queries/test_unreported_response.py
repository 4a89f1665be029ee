"""response-by-relapse-site: a response the source does not give (emkg:NotReported, emkg:Unknown,
emkg:NotAssessed) leaves the patient out of the denominator; it is not a failure to reach remission."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from emkg import catalogue, paths, store

CASE = """@prefix emkg: <https://w3id.org/emkg/> .
<https://w3id.org/emkg/case/probe/P1> a emkg:Patient .
<https://w3id.org/emkg/case/probe/P1/relapse> a emkg:Relapse ;
    emkg:aboutPatient <https://w3id.org/emkg/case/probe/P1> ;
    emkg:hasSite <http://purl.obolibrary.org/obo/UBERON_0001017> ;
    emkg:followedByInfusion <https://w3id.org/emkg/case/probe/P1/infusion> .
<https://w3id.org/emkg/case/probe/P1/infusion> a emkg:CarTInfusion ;
    emkg:aboutPatient <https://w3id.org/emkg/case/probe/P1> .
<https://w3id.org/emkg/case/probe/P1/response> a emkg:ResponseAssessment ;
    emkg:assessesTherapy <https://w3id.org/emkg/case/probe/P1/infusion> ; emkg:outcome emkg:{outcome} .
"""
CNS = "http://purl.obolibrary.org/obo/UBERON_0001017"


def cns_patients(built, extra: str | None) -> tuple[int, int]:
    db = ox.Store()
    db.bulk_load(path=str(paths.release_dir(built) / "emkg.nt"), format=ox.RdfFormat.N_TRIPLES)
    if extra:
        db.load(extra.encode(), format=ox.RdfFormat.TURTLE)
    stored = catalogue.get("response-by-relapse-site")
    columns, rows = store.select(db, stored.text, stored.bindings({}))
    row = next((dict(zip(columns, r, strict=True)) for r in rows
                if r[columns.index("site")].value == CNS and r[columns.index("level")].value == "patients"), None)
    return (0, 0) if row is None else (int(row["numerator"].value), int(row["denominator"].value))


@pytest.mark.parametrize("outcome", ["NotReported", "Unknown", "NotAssessed"])
def test_an_unreported_response_is_not_counted(built, outcome):
    assert cns_patients(built, CASE.format(outcome=outcome)) == cns_patients(built, None)


def test_a_reported_response_is_counted(built):
    hits, total = cns_patients(built, None)
    assert cns_patients(built, CASE.format(outcome="CompleteRemission")) == (hits + 1, total + 1)
    assert cns_patients(built, CASE.format(outcome="NoResponse")) == (hits, total + 1)
