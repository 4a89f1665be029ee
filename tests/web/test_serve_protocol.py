"""emkg serve as a SPARQL 1.1 Protocol endpoint, driven by SPARQLWrapper (a real client) and urllib."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from conftest import MAX_ROWS, SLOW_QUERY, TIMEOUT
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, QueryBadFormed, SPARQLWrapperException

from emkg import catalogue, paths, store

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def client(endpoint, query, fmt=JSON, method=None):
    wrapper = SPARQLWrapper(f"{endpoint}/sparql")
    wrapper.setQuery(query)
    wrapper.setReturnFormat(fmt)
    if method:
        wrapper.setMethod(method)
    wrapper.setTimeout(30)
    return wrapper.query()


def raw(endpoint, path, data=None, headers=None):
    request = urllib.request.Request(f"{endpoint}{path}", data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type"), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type"), exc.read()


def triple_count(built) -> int:
    db = store.open_read_only(paths.store_dir(built))
    return int(store.select(db, COUNT)[1][0][0].value)


@pytest.mark.parametrize("method", ["GET", POST])
def test_select_json_gives_the_stores_rows(endpoint, built, method):
    stored = catalogue.get("patients-by-relapse-site")
    answer = client(endpoint, stored.text, JSON, method).convert()
    columns, rows = store.select(store.open_read_only(paths.store_dir(built)), stored.text)
    assert answer["head"]["vars"] == columns
    got = [[b.get(c, {}).get("value") for c in columns] for b in answer["results"]["bindings"]]
    assert got == [[None if t is None else t.value for t in row] for row in rows]
    assert len(got) > 5


def test_csv_and_tsv_by_accept(endpoint, built):
    expected = triple_count(built)
    csv_text = client(endpoint, COUNT, CSV).convert().decode()
    assert list(csv.reader(io.StringIO(csv_text))) == [["n"], [str(expected)]]
    tsv_text = client(endpoint, COUNT, TSV).convert().decode()
    assert tsv_text.splitlines()[0] == "?n"
    assert tsv_text.splitlines()[1].startswith(f'"{expected}"') or tsv_text.splitlines()[1] == str(expected)


def test_construct_as_turtle_and_ntriples(endpoint):
    query = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> CONSTRUCT { ?s rdfs:label ?l } "
             "WHERE { ?s rdfs:label ?l } LIMIT 20")
    turtle = client(endpoint, query, TURTLE).convert()
    graph = turtle if isinstance(turtle, Graph) else Graph().parse(data=turtle, format="turtle")
    assert len(graph) == 20
    status, media_type, body = raw(endpoint, "/sparql?" + urllib.parse.urlencode({"query": query}),
                                   headers={"Accept": "application/n-triples"})
    assert status == 200 and media_type.startswith("application/n-triples")
    assert len(Graph().parse(data=body.decode(), format="nt")) == 20


def test_query_in_a_sparql_query_body(endpoint, built):
    status, media_type, body = raw(endpoint, "/sparql", COUNT.encode(),
                                   {"Content-Type": "application/sparql-query", "Accept": "application/json"})
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(triple_count(built))


def test_ask(endpoint):
    assert client(endpoint, "ASK { ?s ?p ?o }").convert()["boolean"] is True


@pytest.mark.parametrize("query, says", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://127.0.0.1:9/x> { ?s ?q ?r } } }", "SERVICE"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ("LOAD <file:///etc/passwd>", "read-only"),
    ("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }", "read-only"),
    ("DROP ALL", "read-only"),
])
def test_refused_queries(endpoint, built, query, says):
    before = triple_count(built)
    status, _, body = raw(endpoint, "/sparql", urllib.parse.urlencode({"query": query}).encode(),
                          {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403, body
    assert says in body.decode()
    assert triple_count(built) == before


def test_update_operations_and_dataset_parameters_are_refused(endpoint):
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    assert raw(endpoint, "/sparql", urllib.parse.urlencode({"update": update}).encode(),
               {"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    assert raw(endpoint, "/sparql", update.encode(), {"Content-Type": "application/sparql-update"})[0] == 403
    query = urllib.parse.urlencode({"query": COUNT, "default-graph-uri": "http://example.org/g"})
    assert raw(endpoint, f"/sparql?{query}")[0] == 403


def test_syntax_error_is_a_bad_request(endpoint):
    with pytest.raises(QueryBadFormed):
        client(endpoint, "SELECT WHERE {")


def test_result_cap(endpoint):
    status, _, body = raw(endpoint, "/sparql?" + urllib.parse.urlencode(
        {"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS + 1}"}))
    assert status == 507 and str(MAX_ROWS) in body.decode()
    status, _, body = raw(endpoint, "/sparql?" + urllib.parse.urlencode(
        {"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}"}), headers={"Accept": "application/json"})
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == MAX_ROWS


def test_timeout_cuts_a_running_query_while_others_are_answered(short_timeout_endpoint, built):
    endpoint = short_timeout_endpoint
    expected = triple_count(built)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        started = time.monotonic()
        slow = pool.submit(raw, endpoint, "/sparql?" + urllib.parse.urlencode({"query": SLOW_QUERY}))
        time.sleep(0.3)
        # the slow query holds one worker; the other keeps answering
        for _ in range(5):
            answer = client(endpoint, COUNT).convert()
            assert answer["results"]["bindings"][0]["n"]["value"] == str(expected)
        status, _, body = slow.result()
        elapsed = time.monotonic() - started
    assert status == 503 and b"timeout" in body
    assert TIMEOUT <= elapsed < TIMEOUT + 2
    # the killed worker is replaced: the server still runs two queries at once afterwards
    time.sleep(1.5)
    assert client(endpoint, COUNT).convert()["results"]["bindings"][0]["n"]["value"] == str(expected)


def test_sparqlwrapper_sees_timeout_as_an_error(short_timeout_endpoint):
    with pytest.raises((EndPointInternalError, SPARQLWrapperException, urllib.error.HTTPError)):
        client(short_timeout_endpoint, SLOW_QUERY)


def test_stored_query_api_binds_parameters(endpoint, built):
    status, _, body = raw(endpoint, "/api/queries/patients-by-relapse-site?site=UBERON:0000473",
                          headers={"Accept": "application/json"})
    assert status == 200
    stored = catalogue.get("patients-by-relapse-site")
    columns, rows = store.select(store.open_read_only(paths.store_dir(built)), stored.text,
                                 stored.bindings({"site": "UBERON:0000473"}))
    assert len(json.loads(body)["results"]["bindings"]) == len(rows) > 0
    status, _, body = raw(endpoint, "/api/queries/patients-by-relapse-site?site=not%20a%20curie")
    assert status == 400
    assert raw(endpoint, "/api/queries/no-such-query")[0] == 400


def test_catalogue_json_lists_every_stored_query(endpoint):
    status, media_type, body = raw(endpoint, "/api/queries")
    listed = {q["name"]: q for q in json.loads(body)}
    assert set(listed) == set(catalogue.catalogue())
    assert listed["response-by-relapse-site"]["params"][0]["allowed"]


def test_static_files_only_from_the_web_folder(endpoint):
    assert raw(endpoint, "/")[0] == 200
    assert raw(endpoint, "/vendor/yasgui.min.js")[0] == 200
    for path in ("/static/../serve.py", "/vendor/../../serve.py", "/static/vendor", "/etc/passwd"):
        assert raw(endpoint, path)[0] == 404, path


def test_terms_round_trip_through_pyoxigraph(endpoint):
    # the JSON is pyoxigraph's own serialisation: parse it back with pyoxigraph's parser
    _, _, body = raw(endpoint, "/sparql?" + urllib.parse.urlencode({"query": COUNT}))
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert [s["n"].datatype.value for s in solutions] == ["http://www.w3.org/2001/XMLSchema#integer"]
