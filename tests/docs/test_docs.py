"""`emkg docs`: pyLODE's page (with emkg's patch of its owl:complementOf crash), opened in headless
Chromium, shows every emkg class and property with its definition and mappings; the value-set page
every named individual; the catalogue page every stored query."""

from __future__ import annotations

import html
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, Literal, URIRef
from support.chromium import FLAGS, ensure_chromium

from emkg import catalogue, docs, paths, pylode_patch
from emkg.cli import main
from emkg.graph import ontology_graph
from emkg.namespaces import EMKG, IAO_DEFINITION, compact

PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, str]:
    """page name -> the DOM Chromium built from it"""
    out = tmp_path_factory.mktemp("docs")
    result = CliRunner().invoke(main, ["docs", "--out", str(out)])
    assert result.exit_code == 0, result.output
    chromium = ensure_chromium()
    doms = {}
    for name in ("index.html", "values.html", "queries.html"):
        profile = tmp_path_factory.mktemp("chromium-profile")
        done = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", (out / name).as_uri()],
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "<body>" in done.stdout, name
        doms[name] = done.stdout
    return doms


@pytest.fixture(scope="module")
def ontology():
    return ontology_graph()


def _text(dom: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", dom)).split())


def _emkg(graph, *kinds) -> set[URIRef]:
    return {t for kind in kinds for t in graph.subjects(RDF.type, kind)
            if isinstance(t, URIRef) and str(t).startswith(EMKG)}


def _definition(graph, term) -> str:
    return " ".join(str(graph.value(term, URIRef(IAO_DEFINITION))).split())


def test_pylode_page_has_every_class_and_property_with_its_definition(pages, ontology):
    dom, text = pages["index.html"], _text(pages["index.html"])
    assert "pyLODE" in dom
    terms = _emkg(ontology, OWL.Class, *PROPERTY_KINDS)
    assert len(terms) > 150
    missing = sorted(compact(str(t)) for t in terms if str(t) not in dom or _definition(ontology, t) not in text)
    assert not missing, missing


def test_the_complement_in_severe_crs_renders_instead_of_crashing(pages):
    text = _text(pages["index.html"])
    section = text[text.index("https://w3id.org/emkg/SevereCRS"):][:1500]
    assert "Cytokine release syndrome of grade 3 or higher that was present" in section
    assert re.search(r"\band not present dp value false\b", section), section


def test_every_mapping_of_the_sssom_set_is_shown(pages, ontology):
    rows = docs.read_mappings(paths.MAPPINGS_DIR / "emkg.sssom.tsv")
    individuals = {compact(str(t)) for t in _emkg(ontology, OWL.NamedIndividual)}
    index, values = _text(pages["index.html"]), _text(pages["values.html"])
    assert re.search(r"skos:exactMatch NCIT:C120309 Axicabtagene Ciloleucel \(SSSOM mapping\)", index)
    shown = 0
    for subject, subject_rows in rows.items():
        for row in subject_rows:
            if subject in individuals:
                assert f"{row['predicate_id']} {row['object_id']} {row['object_label']}" in values, row
            else:
                assert f"{row['predicate_id']} {row['object_id']} {row['object_label']} (SSSOM mapping)" in index, row
            shown += 1
    assert shown >= 45


def test_value_set_page_has_every_named_individual_with_its_definition(pages, ontology):
    dom, text = pages["values.html"], _text(pages["values.html"])
    individuals = _emkg(ontology, OWL.NamedIndividual)
    anchors = set(re.findall(r'<div class="term" id="([^"]+)"', dom))
    assert anchors == {docs._anchor(str(t)) for t in individuals}
    assert all(_definition(ontology, t) in text for t in individuals)


def test_the_query_catalogue_is_rendered(pages):
    text = _text(pages["queries.html"])
    for name in catalogue.catalogue(paths.QUERIES_DIR):
        assert name in text, name
    assert "<table" in pages["queries.html"]  # the Markdown tables became HTML tables
    assert all('href="queries.html"' in dom for dom in pages.values())


def test_ontology_text_is_escaped(tmp_path):
    graph = ontology_graph()
    graph.set((URIRef(EMKG + "Relapse"), URIRef(IAO_DEFINITION), Literal("<script>x</script>")))
    graph.set((URIRef(EMKG + "Male"), URIRef(IAO_DEFINITION), Literal("<img src=x onerror=alert(1)>")))
    docs.write(tmp_path, graph)
    index, values = (tmp_path / "index.html").read_text(encoding="utf-8"), (tmp_path / "values.html").read_text()
    assert "<script>x" not in index and "&lt;script&gt;x&lt;/script&gt;" in index
    assert "<img src=x" not in values and "&lt;img src=x" in values


def test_unpatched_pylode_crashes_on_the_ontology(tmp_path):
    """The upstream bug the patch fixes, still there in the installed pyLODE (so the patch is needed)."""
    source = tmp_path / "emkg.ttl"
    ontology_graph().serialize(source, format="turtle")
    code = ("import sys\nfrom pylode import OntPub\n"
            "try:\n    OntPub(ontology=sys.argv[1]).make_html()\n"
            "except TypeError as exc:\n    print('TypeError:', exc)\n")
    done = subprocess.run([sys.executable, "-c", code, str(source)], capture_output=True, text=True, timeout=300)
    assert "TypeError: unhashable type: 'list'" in done.stdout, done.stdout + done.stderr[-2000:]


def test_the_patch_refuses_another_pylode_release(monkeypatch):
    import pylode.version

    monkeypatch.setattr(pylode.version, "__version__", "3.4.1")
    with pytest.raises(pylode_patch.PatchError, match="3.4.1"):
        pylode_patch.apply()


def test_the_patch_refuses_changed_source(monkeypatch, tmp_path):
    import pylode.utils

    def rdf_obj_html(*args, **kwargs):  # not pyLODE's source
        return None

    monkeypatch.setattr(pylode.utils, "rdf_obj_html", rdf_obj_html)
    with pytest.raises(pylode_patch.PatchError, match="not the source"):
        pylode_patch.apply()
    out = tmp_path / "docs"
    result = CliRunner().invoke(main, ["docs", "--out", str(out)])
    assert result.exit_code == 1 and "not the source" in result.output and "Traceback" not in result.output
    assert not out.exists(), "no page is written when pyLODE cannot run"
