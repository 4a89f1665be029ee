"""The command-line wrappers no other test runs: `emkg record-format` and `emkg serve` itself (the server
code is tested in tests/web/, in a thread; here the command as a user starts it)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from emkg.cli import main
from loaders.record_docs import markdown


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_record_format_prints_the_field_reference():
    result = run("record-format")
    assert result.exit_code == 0
    assert result.output == markdown() and "publication" in result.output


def test_serve_without_a_build_is_a_usage_error(tmp_path):
    result = run("serve", "--build-dir", tmp_path, "--port", "0")
    assert result.exit_code == 2 and "emkg build" in result.output and "Traceback" not in result.output


def test_serve_on_a_port_in_use_is_a_usage_error(built):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = run("serve", "--build-dir", built, "--port", busy.getsockname()[1])
    assert result.exit_code == 2 and "cannot listen on 127.0.0.1" in result.output


def test_serve_answers_sparql_on_the_port_it_names(built):
    env = dict(os.environ, EMKG_NO_PROGRESS="1")
    server = subprocess.Popen([sys.executable, "-m", "emkg.cli", "serve", "--build-dir", str(built), "--port", "0",
                               "--workers", "1"], stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = server.stderr.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+/) \(SPARQL: /sparql", line)
        assert match, line
        query = urllib.parse.urlencode({"query": "ASK { ?s a <https://w3id.org/emkg/Patient> }"})
        request = urllib.request.Request(f"{match[1]}sparql?{query}",
                                         headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert json.loads(answer.read()) == {"head": {}, "boolean": True}
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_python_dash_m_emkg_cli_runs_the_command_line():
    # benchmarks/bench_validate.py falls back to `python -m emkg.cli` when the console script is missing:
    # that must run the command (an invalid case exits 1), not import the module and exit 0.
    invalid = Path(__file__).parents[1] / "records" / "invalid" / "grade-out-of-range.yaml"
    done = subprocess.run([sys.executable, "-m", "emkg.cli", "validate", str(invalid), "--format", "json"],
                          capture_output=True, text=True, timeout=300, env=dict(os.environ, EMKG_NO_PROGRESS="1"))
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)[0]["file"] == "grade-out-of-range.yaml"
