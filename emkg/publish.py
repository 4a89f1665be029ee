"""`emkg publish`: load a release into a Virtuoso server as a versioned named graph, then switch atomically.

1. The release (build/release/emkg.nt) gets a version: the first 16 hex digits of its SHA-256, so the
   same graph always has the same version and a changed graph a new one.
2. Virtuoso's bulk loader (ld_dir + rdf_loader_run, through isql) loads it into GRAPH/version/VERSION;
   the triple count is checked over the SPARQL endpoint against the file's lines.
3. One SQL transaction replaces the quads of GRAPH (the graph clients query) by those of the new
   version and records `<GRAPH> dcterms:hasVersion <GRAPH/version/VERSION>` in GRAPH/versions: it
   commits whole or not at all, and a release that fails to load or to check never reaches GRAPH.
   Caveat, measured: Virtuoso's readers run at READ COMMITTED, row by row, so a query scanning GRAPH
   while the switch commits can see a mix (a reader polling COUNT(*) once saw 9553 triples between
   releases of 9758 and 9658). Virtuoso graph groups were tried as a pointer and are worse (their
   membership cache is not transactional: readers saw the union, 19416). A client that needs a
   consistent snapshot reads the version from GRAPH/versions and queries GRAPH/version/VERSION.
4. The previous version's graph is dropped.
The release folder must be in DirsAllowed of virtuoso.ini. The password is read from the environment
(EMKG_PUBLISH_PASSWORD), never from the command line, and isql runs without a shell.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HAS_VERSION = "http://purl.org/dc/terms/hasVersion"
_IRI = re.compile(r"^https?://[^\s<>\"'{}|\\^`]+$")


class PublishError(RuntimeError):
    """Publishing failed; the message says at which step. The graph clients query is unchanged."""


@dataclass
class Published:
    graph: str
    version_graph: str
    triples: int
    previous: str | None
    loaded: bool  # False when this version was already there (nothing reloaded)


def release_version(ntriples: Path) -> str:
    digest = hashlib.sha256()
    with ntriples.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def count_lines(ntriples: Path) -> int:
    with ntriples.open("rb") as handle:
        return sum(1 for line in handle if line.strip() and not line.lstrip().startswith(b"#"))


class Virtuoso:
    """isql on the SQL port for loading and switching; the SPARQL endpoint for checks."""

    def __init__(self, endpoint: str, sql_address: str, user: str, password: str, isql: str | None = None):
        self.endpoint, self.sql_address, self.user, self.password = endpoint, sql_address, user, password
        self.isql = isql or shutil.which("isql-vt") or shutil.which("isql-v")
        if not self.isql:
            raise PublishError("no isql-vt (Virtuoso's isql) on PATH; pass --isql-command")

    def sql(self, statements: str, timeout: float = 3600) -> str:
        command = [self.isql, self.sql_address, self.user, self.password, "VERBOSE=OFF", "BANNER=OFF",
                   "PROMPT=OFF", "ERRORS=STDOUT", f"EXEC={statements}"]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PublishError(f"isql did not finish within {timeout:g} s") from None
        output = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in output:
            raise PublishError(f"isql failed: {output.strip().replace(self.password, '***')[-500:]}")
        return done.stdout

    def select(self, query: str, timeout: float = 120) -> list[dict]:
        data = urllib.parse.urlencode({"query": query}).encode()
        request = urllib.request.Request(self.endpoint, data=data,
                                         headers={"Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) checked
                answer = json.loads(response.read())
        except (OSError, ValueError) as exc:
            raise PublishError(f"SPARQL endpoint {self.endpoint}: {exc}") from None
        return [{k: v["value"] for k, v in b.items()} for b in answer["results"]["bindings"]]

    def count(self, graph: str) -> int:
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]) if rows else 0

    def current_version(self, graph: str) -> str | None:
        rows = self.select(f"SELECT ?v WHERE {{ GRAPH <{graph}/versions> {{ <{graph}> <{HAS_VERSION}> ?v }} }}")
        return rows[0]["v"] if rows else None


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish(ntriples: Path, target: Virtuoso, graph: str, progress=None) -> Published:
    """Load `ntriples` as a new version of `graph` and switch `graph` to it in one transaction."""
    if not _IRI.match(graph) or not _IRI.match(target.endpoint):
        raise PublishError("--graph and --endpoint must be absolute http(s) IRIs")
    if not ntriples.is_file():
        raise PublishError(f"no release at {ntriples}; run `emkg build` first")
    expected = count_lines(ntriples)
    version_graph = f"{graph}/version/{release_version(ntriples)}"
    step = progress or (lambda message: None)
    previous = target.current_version(graph)
    loaded = False
    if target.count(version_graph) != expected:
        step(f"loading {expected} triples into <{version_graph}>")
        folder, name = _sql_string(str(ntriples.parent.resolve())), _sql_string(ntriples.name)
        g, file = _sql_string(version_graph), _sql_string(str(ntriples.resolve()))
        # the load list is keyed by file: forget earlier loads of this file (or into this graph) so it loads again
        target.sql(f"SPARQL CLEAR GRAPH <{version_graph}>; "
                   f"DELETE FROM DB.DBA.load_list WHERE ll_graph = {g} OR ll_file = {file}; "
                   f"ld_dir({folder}, {name}, {g}); rdf_loader_run(); checkpoint;")
        errors = target.sql(f"SELECT ll_error FROM DB.DBA.load_list WHERE ll_graph = {g} AND ll_error IS NOT NULL;")
        if name.strip("'") in errors or "Error" in errors:
            raise PublishError(f"Virtuoso's bulk loader reported errors: {errors.strip()[-300:]}")
        loaded = True
    found = target.count(version_graph)
    if found != expected:
        raise PublishError(f"<{version_graph}> holds {found} triples, the release {expected} (is the release "
                           "folder in DirsAllowed?); the published graph is unchanged")
    step(f"switching <{graph}> to <{version_graph}>")
    g, v, registry = (f"iri_to_id({_sql_string(x)})" for x in (graph, version_graph, f"{graph}/versions"))
    target.sql("set autocommit manual; "
               f"DELETE FROM DB.DBA.RDF_QUAD WHERE G = {g}; "
               f"INSERT INTO DB.DBA.RDF_QUAD (G, S, P, O) SELECT {g}, S, P, O FROM DB.DBA.RDF_QUAD WHERE G = {v}; "
               f"DELETE FROM DB.DBA.RDF_QUAD WHERE G = {registry}; "
               f"INSERT INTO DB.DBA.RDF_QUAD (G, S, P, O) VALUES ({registry}, {g}, "
               f"iri_to_id({_sql_string(HAS_VERSION)}), {v}); "
               "commit work; checkpoint;")
    if target.count(graph) != expected or target.current_version(graph) != version_graph:
        raise PublishError(f"after the switch <{graph}> does not hold the release; check the server")
    if previous and previous != version_graph:
        step(f"dropping the previous version <{previous}>")
        target.sql(f"SPARQL CLEAR GRAPH <{previous}>; checkpoint;")
    return Published(graph, version_graph, expected, previous, loaded)
