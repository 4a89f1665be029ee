"""OWL 2 DL, as the OWL API's own profile checker sees it: the edit file and both built releases load with
zero profile violations and no unparsed triples; a copy missing a declaration is caught."""

from __future__ import annotations

import pytest
from support.owlapi import check_dl_profile

from emkg import paths


def _passes(report) -> None:
    assert (report.violations, report.unparsed, report.returncode) == (0, 0, 0), report.output[-3000:]
    assert report.version_iri.startswith("https://w3id.org/emkg/releases/")


def test_the_edit_file_is_owl2_dl():
    report = check_dl_profile(paths.ONTOLOGY_FILE)
    _passes(report)
    assert report.axioms > 1000


@pytest.mark.parametrize("name", ["emkg.owl", "emkg.nt"])
def test_the_release_is_owl2_dl(built, name):
    report = check_dl_profile(paths.release_dir(built) / name)
    _passes(report)
    assert report.axioms > 5000  # the evidence is in it, not only the ontology


def test_an_undeclared_annotation_property_or_class_is_a_violation(tmp_path):
    text = paths.ONTOLOGY_FILE.read_text(encoding="utf-8")
    declaration = 'IAO:0000115 a owl:AnnotationProperty ;\n    rdfs:label "definition"@en .\n'
    assert declaration in text
    broken = tmp_path / "emkg.ttl"
    undeclared_class = "\n<https://w3id.org/emkg/q> a <http://www.w3.org/ns/oa#Nope> .\n"
    broken.write_text(text.replace(declaration, "") + undeclared_class)
    report = check_dl_profile(broken)
    assert report.returncode == 1
    assert report.output.count("UseOfUndeclaredAnnotationProperty") >= 300  # one per definition
    assert "UseOfUndeclaredClass" in report.output
