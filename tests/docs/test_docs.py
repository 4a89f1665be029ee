"""`emkg docs`: the page, opened in headless Chromium, shows every emkg term with its definition, the
mappings and the stored query catalogue."""

from __future__ import annotations

import html
import re
import subprocess

import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, Literal, URIRef
from support.chromium import FLAGS, ensure_chromium

from emkg import catalogue, docs, paths
from emkg.cli import main
from emkg.graph import ontology_graph
from emkg.namespaces import EMKG, IAO_DEFINITION


@pytest.fixture(scope="module")
def dom(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("docs")
    result = CliRunner().invoke(main, ["docs", "--out", str(out)])
    assert result.exit_code == 0, result.output
    chromium = ensure_chromium()
    profile = tmp_path_factory.mktemp("chromium-profile")
    done = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", "--dump-dom",
                           (out / "index.html").as_uri()], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<body>" in done.stdout
    return done.stdout


def _text(dom: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", dom))


def test_every_emkg_term_is_on_the_page_with_its_definition(dom):
    graph = ontology_graph()
    terms = {t for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                            OWL.NamedIndividual) for t in graph.subjects(RDF.type, kind) if str(t).startswith(EMKG)}
    anchors = set(re.findall(r'<div class="term" id="([^"]+)"', dom))
    assert anchors == {docs._anchor(str(t)) for t in terms}
    text = " ".join(_text(dom).split())
    for term in terms:
        definition = " ".join(str(graph.value(term, URIRef(IAO_DEFINITION))).split())
        assert definition in text, term


def test_named_classes_definitions_and_mappings_render(dom):
    text = " ".join(_text(dom).split())
    assert "severe cytokine release syndrome" in text  # a defined class pyLODE crashes on
    assert "Cytokine release syndrome of grade 3 or higher that was present" in text
    assert "has year" in text and "testicular relapse" in text.lower()
    assert re.search(r"skos:exactMatch\s+NCIT:C120309\s+Axicabtagene Ciloleucel", text)
    assert "Classes (" in text and "Object properties (" in text


def test_the_query_catalogue_is_rendered(dom):
    text = _text(dom)
    for name in catalogue.catalogue(paths.QUERIES_DIR):
        assert name in text, name
    assert "<table" in dom.split('id="queries"', 1)[1]  # the Markdown tables became HTML tables


def test_ontology_text_is_escaped(tmp_path):
    graph = ontology_graph()
    graph.set((URIRef(EMKG + "Relapse"), URIRef(IAO_DEFINITION), Literal("<script>x</script>")))
    page = docs.write(tmp_path, graph).read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
