"""`emkg docs`: the ontology and the stored query catalogue as HTML, three self-contained pages.

* ``index.html``: pyLODE (3.3.4, the ecosystem's ontology documentation tool) on the ontology: every
  class and object / datatype / annotation property with IRI, label, definition, parents, class
  expressions, domain / range, and the term's SSSOM mappings. pyLODE 3.3.4 crashes on the
  owl:complementOf nested in emkg:SevereCRS / emkg:SevereICANS; ``emkg.pylode_patch`` fixes that one bug
  at call time (upstream report: docs/upstream/pylode-complementof.md). pyLODE shows skos:definition,
  not IAO:0000115, and no SKOS mappings, so it is given a copy of the ontology with each definition as
  skos:definition and each mapping of the SSSOM set as a skos:note; pyLODE renders these texts as
  Markdown, so they are HTML-escaped first.
* ``values.html``: the named individuals (value sets), which pyLODE 3.3.4 does not document, with the
  same facts, from our own small generator.
* ``queries.html``: the query catalogue (queries/README.md rendered with Python-Markdown).

No page loads a script or a remote style or font: they open offline. Every text taken from the ontology
is HTML-escaped.
"""

from __future__ import annotations

import csv
import html
import logging
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from emkg import paths
from emkg.namespaces import EMKG, IAO_DEFINITION, compact, expand

DEFINITION = URIRef(IAO_DEFINITION)
NAV = ('<nav class="emkg-pages"><a href="index.html">Ontology (pyLODE)</a> | '
       '<a href="values.html">Value sets</a> | <a href="queries.html">Stored queries</a></nav>')
STYLE = """body{font-family:sans-serif;max-width:60em;margin:auto;padding:1em;line-height:1.4}
.term{border-top:1px solid #ccc;padding:.4em 0}.iri{font-family:monospace;color:#555}
table{border-collapse:collapse;display:block;overflow-x:auto}
td,th{border:1px solid #ccc;padding:.2em .4em;vertical-align:top}
code,pre{background:#f4f4f4}pre{overflow-x:auto;padding:.4em}"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _anchor(iri: str) -> str:
    return compact(iri).replace(":", "-").replace("/", "-")


def read_mappings(tsv: Path) -> dict[str, list[dict[str, str]]]:
    """SSSOM rows by subject CURIE (the file's '#' metadata lines skipped)."""
    with tsv.open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        by_subject: dict[str, list[dict[str, str]]] = {}
        for row in rows:
            by_subject.setdefault(row["subject_id"], []).append(row)
    return by_subject


def _label(graph: Graph, term) -> str:
    return str(graph.value(term, RDFS.label) or compact(str(term)))


def _link(graph: Graph, term) -> str:
    if not isinstance(term, URIRef):
        return "<em>(class expression)</em>"
    if str(term).startswith(EMKG) and (term, RDF.type, OWL.NamedIndividual) in graph:
        return f'<a href="#{_anchor(str(term))}">{_e(_label(graph, term))}</a>'
    if str(term).startswith(EMKG):  # a class or property: on pyLODE's page
        return f'<a href="index.html">{_e(_label(graph, term))}</a> <span class="iri">{_e(compact(str(term)))}</span>'
    return f'{_e(_label(graph, term))} <span class="iri">{_e(compact(str(term)))}</span>'


def _term_html(graph: Graph, term: URIRef, mappings: dict[str, list[dict[str, str]]]) -> str:
    curie = compact(str(term))
    parts = [f'<div class="term" id="{_anchor(str(term))}">',
             f"<h3>{_e(_label(graph, term))}</h3>",
             f'<p class="iri">{_e(curie)} &lt;{_e(term)}&gt;</p>']
    definition = graph.value(term, DEFINITION)
    if definition is not None:
        parts.append(f'<p class="definition">{_e(definition)}</p>')
    facts = []
    for predicate, name in ((RDFS.subClassOf, "parents"), (RDFS.subPropertyOf, "parent properties"),
                            (RDFS.domain, "domain"), (RDFS.range, "range")):
        values = sorted(v for v in graph.objects(term, predicate) if isinstance(v, URIRef))
        if values:
            facts.append(f"<dt>{name}</dt><dd>{', '.join(_link(graph, v) for v in values)}</dd>")
    types = sorted(t for t in graph.objects(term, RDF.type) if str(t).startswith(EMKG))
    if types:
        facts.append(f"<dt>member of</dt><dd>{', '.join(_link(graph, t) for t in types)}</dd>")
    if (term, OWL.equivalentClass, None) in graph:
        facts.append("<dt>defined class</dt><dd>has an owl:equivalentClass definition (see emkg.ttl)</dd>")
    if facts:
        parts.append("<dl>" + "".join(facts) + "</dl>")
    rows = mappings.get(curie, [])
    if rows:
        parts.append('<table class="mappings"><tr><th>mapping</th><th>external term</th><th>label</th></tr>')
        for row in sorted(rows, key=lambda r: (r["predicate_id"], r["object_id"])):
            cells = (row["predicate_id"], row["object_id"], row["object_label"])
            parts.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    parts.append("</div>")
    return "\n".join(parts)


def _terms(graph: Graph, kind: URIRef) -> list[URIRef]:
    terms = {t for t in graph.subjects(RDF.type, kind) if isinstance(t, URIRef) and str(t).startswith(EMKG)}
    return sorted(terms, key=lambda t: (_label(graph, t).lower(), str(t)))


def _page(title: str, body: list[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><style>{STYLE}</style></head>\n<body>\n{NAV}\n" + "\n".join(body)
            + "\n</body></html>\n")


def values_page(graph: Graph, mappings: dict[str, list[dict[str, str]]]) -> str:
    """The named individuals (value sets) of emkg: pyLODE 3.3.4 has no section for them."""
    terms = _terms(graph, OWL.NamedIndividual)
    body = [f"<h1>Named individuals (value sets) ({len(terms)})</h1>", '<section id="individuals">']
    body += [_term_html(graph, term, mappings) for term in terms]
    return _page("emkg value sets", [*body, "</section>"])


def queries_page(catalogue_markdown: str) -> str:
    import markdown

    # queries/README.md is the project's own generated file (`emkg queries --markdown`), not user input.
    catalogue_html = markdown.markdown(catalogue_markdown, extensions=["tables"])
    section = f'<section id="queries"><h1>Stored queries</h1>\n{catalogue_html}\n</section>'
    return _page("emkg stored queries", [section])


def pylode_input(graph: Graph, mappings: dict[str, list[dict[str, str]]]) -> Graph:
    """A copy of the ontology for pyLODE: definitions as skos:definition, mappings as skos:note, and the
    texts pyLODE renders as Markdown (descriptions, comments, notes) HTML-escaped."""
    doc = Graph()
    for prefix, namespace in graph.namespaces():
        doc.bind(prefix, namespace)
    markdown_props = (RDFS.comment, SKOS.definition, SKOS.note, DCTERMS.description)
    for s_, p_, o in graph:
        if p_ in markdown_props and isinstance(o, Literal):
            o = Literal(_e(o), lang=o.language)
        doc.add((s_, p_, o))
    for term, definition in graph.subject_objects(DEFINITION):
        if isinstance(term, URIRef) and str(term).startswith(EMKG):
            doc.add((term, SKOS.definition, Literal(_e(definition), lang="en")))
    for curie, rows in mappings.items():
        term = URIRef(expand(curie))
        for row in rows:
            note = f"{row['predicate_id']} {row['object_id']} {row['object_label']} (SSSOM mapping)"
            doc.add((term, SKOS.note, Literal(_e(note), lang="en")))
    return doc


def ontology_page(graph: Graph, mappings: dict[str, list[dict[str, str]]]) -> str:
    """pyLODE's page for the ontology (classes, properties, definitions, mappings)."""
    from pylode import OntPub

    from emkg import pylode_patch

    pylode_patch.apply()
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)  # pyLODE logs its progress on the root logger
    try:
        page = OntPub(ontology=pylode_input(graph, mappings)).make_html()
    finally:
        root.setLevel(level)
    return page.replace("<body>", f"<body>\n{NAV}", 1)


def write(out_dir: Path, graph: Graph | None = None) -> Path:
    """Write index.html (pyLODE), values.html and queries.html into out_dir; returns index.html's path."""
    from emkg.graph import ontology_graph

    graph = graph if graph is not None else ontology_graph()
    mappings = read_mappings(paths.MAPPINGS_DIR / "emkg.sssom.tsv")
    catalogue_markdown = (paths.QUERIES_DIR / "README.md").read_text(encoding="utf-8")
    written = {"index.html": ontology_page(graph, mappings), "values.html": values_page(graph, mappings),
               "queries.html": queries_page(catalogue_markdown)}  # all made before anything is written
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in written.items():
        (out_dir / name).write_text(text, encoding="utf-8")
    return out_dir / "index.html"
