"""`emkg docs`: one self-contained HTML page documenting the ontology and the stored query catalogue.

Why our own generator: pyLODE (3.3.4, the last release that imports; 3.4.1 fails at import looking for
its own pyproject.toml) crashes with ``TypeError: unhashable type: 'list'`` in ``_setclass_html`` on an
``owl:complementOf`` nested inside an ``owl:intersectionOf``, which is how emkg:SevereCRS and
emkg:SevereICANS say "not an explicit negative"; rewriting those definitions to suit a documentation
tool would change what the reasoner infers. Widoco and LODE are Java tools outside Debian. The page is
small: every class, object / datatype / annotation property and named individual of emkg, with IRI,
label, definition (IAO:0000115), parents, domain / range, the SSSOM mappings of the term, and the query
catalogue (queries/README.md rendered with Python-Markdown). No scripts, no remote styles or fonts:
it opens offline, and every text taken from the ontology is HTML-escaped.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS

from emkg import paths
from emkg.namespaces import EMKG, IAO_DEFINITION, compact

DEFINITION = URIRef(IAO_DEFINITION)
SECTIONS = (
    ("classes", "Classes", OWL.Class),
    ("object-properties", "Object properties", OWL.ObjectProperty),
    ("datatype-properties", "Datatype properties", OWL.DatatypeProperty),
    ("annotation-properties", "Annotation properties", OWL.AnnotationProperty),
    ("individuals", "Named individuals (value sets)", OWL.NamedIndividual),
)
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
    if str(term).startswith(EMKG):
        return f'<a href="#{_anchor(str(term))}">{_e(_label(graph, term))}</a>'
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


def render(graph: Graph, mappings: dict[str, list[dict[str, str]]], catalogue_markdown: str) -> str:
    import markdown

    header = next(s for s in graph.subjects(RDF.type, OWL.Ontology) if str(s).startswith(EMKG))
    title = str(graph.value(header, DCTERMS.title) or graph.value(header, RDFS.label) or "emkg")
    meta = [("IRI", header), ("version", graph.value(header, OWL.versionInfo)),
            ("version IRI", graph.value(header, OWL.versionIRI)), ("license", graph.value(header, DCTERMS.license)),
            ("creators", ", ".join(sorted(str(c) for c in graph.objects(header, DCTERMS.creator))))]
    body = [f"<h1>{_e(title)}</h1>",
            f"<p>{_e(graph.value(header, DCTERMS.description) or '')}</p>",
            "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in meta if v) + "</dl>",
            "<nav><ul>" + "".join(f'<li><a href="#{key}">{_e(name)}</a></li>' for key, name, _ in SECTIONS)
            + '<li><a href="#queries">Stored queries</a></li></ul></nav>']
    for key, name, kind in SECTIONS:
        terms = _terms(graph, kind)
        body.append(f'<section id="{key}"><h2>{_e(name)} ({len(terms)})</h2>')
        body += [_term_html(graph, term, mappings) for term in terms]
        body.append("</section>")
    # queries/README.md is the project's own generated file (`emkg queries --markdown`), not user input.
    catalogue_html = markdown.markdown(catalogue_markdown, extensions=["tables"])
    body.append(f'<section id="queries"><h2>Stored queries</h2>\n{catalogue_html}\n</section>')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><style>{STYLE}</style></head>\n<body>\n" + "\n".join(body)
            + "\n</body></html>\n")


def write(out_dir: Path, graph: Graph | None = None) -> Path:
    """Write out_dir/index.html from the ontology, the SSSOM set and queries/README.md; returns its path."""
    from emkg.graph import ontology_graph

    graph = graph if graph is not None else ontology_graph()
    mappings = read_mappings(paths.MAPPINGS_DIR / "emkg.sssom.tsv")
    catalogue_markdown = (paths.QUERIES_DIR / "README.md").read_text(encoding="utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / "index.html"
    page.write_text(render(graph, mappings, catalogue_markdown), encoding="utf-8")
    return page
