"""emkg publish against a private Virtuoso: versioned graph, all-or-nothing switch, previous version dropped."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from emkg import paths, publish
from emkg.cli import main

GRAPH = "https://w3id.org/emkg/test/published"


def target(server):
    return publish.Virtuoso(server.endpoint, f"127.0.0.1:{server.sql_port}", "dba", server.password, server.isql)


def test_publish_then_replace_atomically(virtuoso_server, built):
    server = virtuoso_server
    release = paths.release_dir(built) / "emkg.nt"
    lines = release.read_text(encoding="utf-8").splitlines()
    first = publish.publish(release, target(server), GRAPH)
    assert first.triples == len(lines) and first.loaded and first.previous is None
    assert first.version_graph == f"{GRAPH}/version/{publish.release_version(release)}"
    assert target(server).count(GRAPH) == len(lines)

    # a release that does not load leaves the published graph as it was
    broken = server.scratch / "broken" / "emkg.nt"
    broken.parent.mkdir()
    broken.write_text("\n".join(lines[:50]) + "\nthis is not N-Triples\n", encoding="utf-8")
    with pytest.raises(publish.PublishError):
        publish.publish(broken, target(server), GRAPH)
    assert target(server).count(GRAPH) == len(lines)
    assert target(server).current_version(GRAPH) == first.version_graph

    # a second release: the same graph with 100 triples fewer
    smaller = server.scratch / "emkg.nt"
    smaller.write_text("\n".join(lines[:-100]) + "\n", encoding="utf-8")
    second = publish.publish(smaller, target(server), GRAPH)
    assert second.previous == first.version_graph and second.triples == len(lines) - 100
    assert target(server).count(GRAPH) == len(lines) - 100
    assert target(server).current_version(GRAPH) == second.version_graph
    assert target(server).count(first.version_graph) == 0  # the previous version is dropped

    # publishing the same release again reloads nothing
    again = publish.publish(smaller, target(server), GRAPH)
    assert not again.loaded and again.version_graph == second.version_graph
    assert target(server).count(GRAPH) == len(lines) - 100


def test_cli_publish_reads_the_password_from_the_environment(virtuoso_server, built, monkeypatch):
    server = virtuoso_server
    monkeypatch.setenv("EMKG_PUBLISH_PASSWORD", server.password)
    result = CliRunner().invoke(main, ["publish", "--endpoint", server.endpoint, "--graph", GRAPH + "/cli",
                                       "--isql", f"127.0.0.1:{server.sql_port}", "--isql-command", server.isql,
                                       "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    assert "published" in result.output
    lines = len((paths.release_dir(built) / "emkg.nt").read_text(encoding="utf-8").splitlines())
    assert target(server).count(GRAPH + "/cli") == lines
    monkeypatch.setenv("EMKG_PUBLISH_PASSWORD", "wrong")
    result = CliRunner().invoke(main, ["publish", "--endpoint", server.endpoint, "--graph", GRAPH + "/cli",
                                       "--isql", f"127.0.0.1:{server.sql_port}", "--isql-command", server.isql,
                                       "--build-dir", str(built)])
    assert result.exit_code == 1 and "wrong" not in result.output
    assert os.environ["EMKG_PUBLISH_PASSWORD"] == "wrong"
