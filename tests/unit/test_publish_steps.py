"""emkg.publish.publish's steps and result against an in-memory stand-in for Virtuoso's SQL interface
(the real server is tested in tests/web/test_publish.py, out of process)."""

from __future__ import annotations

import re

from emkg.publish import Published, publish, release_version

GRAPH = "https://example.org/emkg"


class _FakeVirtuoso:
    """Counts per graph and the versions registry, changed the way publish's SQL would change them."""

    endpoint = "http://localhost:8890/sparql"

    def __init__(self, ntriples):
        self.lines = len(ntriples.read_text(encoding="utf-8").splitlines())
        self.counts: dict[str, int] = {}
        self.current: str | None = None
        self.statements: list[str] = []

    def current_version(self, graph):
        return self.current

    def count(self, graph):
        return self.counts.get(graph, 0)

    def sql(self, text):
        self.statements.append(text)
        loaded = re.search(r"ld_dir\([^)]*'([^']*)'\)", text)
        if loaded:
            self.counts[loaded.group(1)] = self.lines
        if "set autocommit manual" in text:
            self.current = re.search(
                r"S, P, O FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id\('([^']*)'\)", text).group(1)
            self.counts[GRAPH] = self.counts[self.current]
        for dropped in re.findall(r"SPARQL CLEAR GRAPH <([^>]*)>; checkpoint;$", text):
            self.counts.pop(dropped, None)
        return ""


def test_publish_loads_switches_and_then_finds_the_version_already_there(tmp_path):
    release = tmp_path / "emkg.nt"
    release.write_text("<a:s> <a:p> <a:o1> .\n<a:s> <a:p> <a:o2> .\n<a:s> <a:p> <a:o3> .\n", encoding="utf-8")
    target = _FakeVirtuoso(release)
    version = f"{GRAPH}/version/{release_version(release)}"
    steps: list[str] = []
    assert publish(release, target, GRAPH, steps.append) == Published(GRAPH, version, 3, None, True)
    assert steps == [f"loading 3 triples into <{version}>", f"switching <{GRAPH}> to <{version}>"]
    steps.clear()
    assert publish(release, target, GRAPH, steps.append) == Published(GRAPH, version, 3, version, False)
    assert steps == [f"switching <{GRAPH}> to <{version}>"]
    newer = tmp_path / "newer" / "emkg.nt"
    newer.parent.mkdir()
    newer.write_text("<a:s> <a:p> <a:o4> .\n<a:s> <a:p> <a:o5> .\n<a:s> <a:p> <a:o6> .\n", encoding="utf-8")
    new_version = f"{GRAPH}/version/{release_version(newer)}"
    steps.clear()
    assert publish(newer, target, GRAPH, steps.append) == Published(GRAPH, new_version, 3, version, True)
    assert steps == [f"loading 3 triples into <{new_version}>", f"switching <{GRAPH}> to <{new_version}>",
                     f"dropping the previous version <{version}>"]
    assert version not in target.counts and target.count(GRAPH) == 3
