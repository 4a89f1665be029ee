"""Hostile files through `emkg validate` and `emkg submit`: refused in one line, in bounds, nothing reached.

Small inputs are files under corpus/<category>/; large or deep ones (a 1M-triple N-Triples file, a
200k-row CSV, YAML nested 10,000 deep ...) are generated here into the test's tmp folder, never
committed. Every run goes through fenced.run (own interpreter, memory limit, audit recorder).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from fenced import refused, run

from loaders import limits

CORPUS = Path(__file__).with_name("corpus")
VALID = Path(__file__).parent.parent / "records" / "valid"

# corpus file -> (exit code, a fragment of its one error line); exit 1 entries are reports of invalid cases
EXPECTED = {
    "yaml/alias-billion-laughs.yaml": (2, "aliases"),
    "yaml/custom-tag.yaml": (2, "tag"),
    "yaml/date-day-0.yaml": (2, "not a valid date"),
    "yaml/date-february-30.yaml": (2, "not a valid date"),
    "yaml/date-month-13.yaml": (2, "'2024-13-45' is not a valid date"),
    "yaml/duplicate-key.yaml": (2, "given twice"),
    "yaml/empty.yaml": (2, "empty"),
    "yaml/escape-sequence-in-value.yaml": (1, "\\x1b"),
    "yaml/integer-5000-digits.yaml": (2, "more than 30 digits"),
    "yaml/integer-grade-31-digits.yaml": (2, "more than 30 digits"),
    "yaml/integer-hex-5000-digits.yaml": (2, "more than 30 digits"),
    "yaml/integer-negative-5000-digits.yaml": (2, "more than 30 digits"),
    "yaml/latin1-not-utf8.yaml": (2, "not UTF-8"),
    "yaml/merge-key-alias.yaml": (2, "aliases"),
    "yaml/nul-byte.yaml": (2, "binary"),
    "yaml/python-name-tag.yaml": (2, "python/name"),
    "yaml/python-object-tag.yaml": (2, "python/object"),
    "yaml/scalar-top-level.yaml": (2, "not a case record"),
    "yaml/tab-indentation.yaml": (2, "not valid YAML"),
    "yaml/timestamp-hour-25.yaml": (2, "not a valid date"),
    "yaml/unclosed-flow.yaml": (2, "not valid YAML"),
    "yaml/whitespace-only.yaml": (2, "empty"),
    "phenopacket/duplicate-key.json": (2, "given twice"),
    "phenopacket/integer-5000-digits.phenopacket.json": (2, "more than 30 digits"),
    "phenopacket/invalid-escape.json": (2, "not valid JSON"),
    "phenopacket/lone-surrogate.phenopacket.json": (2, "surrogate"),
    "phenopacket/not-a-phenopacket.json": (2, "not a Phenopacket"),
    "phenopacket/number-5000-digit-fraction.phenopacket.json": (2, "more than 30 digits"),
    "phenopacket/schema-version-1.phenopacket.json": (2, "'1.0'; only Phenopacket schema 2"),
    "phenopacket/schema-version-3.phenopacket.json": (2, "'3.0.0'; only Phenopacket schema 2"),
    "phenopacket/schema-version-missing.phenopacket.json": (2, "None; only Phenopacket schema 2"),
    "phenopacket/schema-version-number.phenopacket.json": (2, "only Phenopacket schema 2"),
    "phenopacket/top-level-array.json": (2, "not a Phenopacket"),
    "phenopacket/trailing-garbage.json": (2, "unexpected text"),
    "phenopacket/unterminated.json": (2, "expected"),
    "jsonld/context-list-with-url.jsonld": (2, "would be fetched"),
    "jsonld/file-context.jsonld": (2, "would be fetched"),
    "jsonld/import-context.jsonld": (2, "would be fetched"),
    "jsonld/integer-5000-digits.jsonld": (2, "more than 4,300 digits"),
    "jsonld/invalid-json.jsonld": (2, "not valid JSON"),
    "jsonld/nested-remote-context.jsonld": (2, "would be fetched"),
    "jsonld/no-triples.jsonld": (2, "no triples"),
    "jsonld/relative-file-context.jsonld": (2, "would be fetched"),
    "jsonld/remote-context.jsonld": (2, "would be fetched"),
    "rdf/bad-language-tag.nt": (2, "not valid n-triples"),
    "rdf/empty-graph.ttl": (2, "no triples"),
    "rdf/escape-sequence-in-iri.nt": (2, "not valid n-triples"),
    "rdf/invalid-escape.nt": (2, "not valid n-triples"),  # rdflib alone accepted it
    "rdf/iri-with-braces.nt": (2, "not valid n-triples"),  # rdflib alone accepted it
    "rdf/iri-with-braces.ttl": (2, "not valid turtle"),
    "rdf/iri-with-caret.nt": (2, "not valid n-triples"),  # rdflib alone accepted it
    "rdf/iri-with-escaped-space.nt": (2, "not valid n-triples"),  # rdflib alone accepted it
    "rdf/literal-subject.nt": (2, "not valid n-triples"),
    "rdf/lone-surrogate-escape.nt": (2, "not valid n-triples"),  # rdflib alone accepted it
    "rdf/missing-dot.nt": (2, "not valid n-triples"),
    "rdf/relative-iri.nt": (2, "not valid n-triples"),
    "rdf/syntax-error.ttl": (2, "not valid turtle"),
    "rdf/turtle-in-ntriples.nt": (2, "not valid n-triples"),
    "rdf/undeclared-prefix.ttl": (2, "not valid turtle"),
    # RDF/XML is accepted nowhere: refused by name, and by content when named as another format
    "rdfxml/entity-bomb-named.jsonld": (2, "not valid JSON"),
    "rdfxml/entity-bomb-named.ttl": (2, "not valid turtle"),
    "rdfxml/entity-bomb.owl": (2, "unsupported file type '.owl'"),
    "rdfxml/entity-bomb.rdf": (2, "unsupported file type '.rdf'"),
    "rdfxml/entity-bomb.xml": (2, "unsupported file type '.xml'"),
    "rdfxml/external-entity-named.nt": (2, "not valid n-triples"),
    "rdfxml/external-entity.rdf": (2, "unsupported file type '.rdf'"),
    "csv/bom-only.csv": (2, "empty"),
    "csv/duplicate-column.csv": (2, "patient_id more than once"),
    "csv/duplicate-publication-id-column.csv": (2, "publication_id more than once"),
    "csv/escape-sequence-in-cell.csv": (1, "\\x1b]0;owned\\x07\\x1b[2J"),
    "csv/formula-cells.csv": (1, "=HYPERLINK"),
    "csv/header-and-comments-only.csv": (2, "no rows"),
    "csv/header-only.csv": (2, "no rows"),
    "csv/latin1-not-utf8.csv": (2, "not UTF-8"),
    "csv/no-publication-id-column.csv": (2, "publication_id"),
    "csv/nul-byte.csv": (2, "binary"),
    "csv/row-longer-than-header.csv": (1, "52 cells"),
    "csv/unbalanced-quote.csv": (1, "patient_id"),
}
CATEGORY = {"yaml": "yaml", "phenopacket": "phenopacket", "jsonld": "json-ld", "rdf": "n-triples/turtle",
            "rdfxml": "rdf/xml", "csv": "csv"}


def invalid_report(result, fragment: str) -> None:
    """Exit 1: a report of problems, one line each; values quoted escaped; no traceback; in bounds."""
    from fenced import bounded

    assert result.code == 1, result.describe()
    assert "Traceback" not in result.output, result.describe()
    assert not any(c in result.output for c in "\x1b\x07\x9b\u202e"), result.describe()
    assert fragment in result.output, result.describe()
    bounded(result)


def test_every_corpus_file_has_an_expectation():
    files = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file()}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_is_refused_by_validate(name, tmp_path):
    code, fragment = EXPECTED[name]
    path = CORPUS / name
    result = run(["validate", path], tmp_path, category=CATEGORY[name.split("/")[0]], reads=[path])
    if code == 1:
        invalid_report(result, fragment)
    else:
        refused(result, fragment, codes=(2,))


# --- generated inputs (large or deep): written into tmp at test time ---------------------------------

def _minimal_csv_rows(count: int) -> str:
    header = (VALID / "minimal-case.csv").read_text(encoding="utf-8").splitlines()[0]
    width = header.count(",")
    return header + "\n" + "".join(f"pub-{i % 7},P{i}" + "," * (width - 1) + "\n" for i in range(count))


def _full_csv_rows(count: int) -> str:
    header, example = (VALID / "minimal-case.csv").read_text(encoding="utf-8").splitlines()[:2]
    return header + "\n" + "\n".join(example.replace(",P1,", f",P{i},", 1) for i in range(count)) + "\n"


def _pp_with(extra: str) -> str:
    text = (VALID / "minimal-case.phenopacket.json").read_text(encoding="utf-8")
    return text.replace('"metaData": {', '"metaData": {' + extra + ", ", 1)


GENERATED = {
    "yaml-flow-sequence-10000-deep.yaml": (lambda: "a: " + "[" * 10_000 + "]" * 10_000 + "\n",
                                           "nested deeper than 100"),
    "yaml-flow-mapping-10000-deep.yaml": (lambda: "a: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
                                          "nested deeper than 100"),
    "yaml-block-3000-deep.yaml": (lambda: "".join(" " * i + "k:\n" for i in range(3000)) + " " * 3000 + "v\n",
                                  "nested deeper than 100"),
    "yaml-string-200k.yaml": (lambda: "schema: emkg-record/1\nlabel: " + "a" * 200_000 + "\n", "over the limit"),
    "yaml-6MB.yaml": (lambda: "schema: emkg-record/1\n" + "# padding\n" * 600_000, "over the limit"),
    "phenopacket-100000-deep.json": (lambda: _pp_with('"x": ' + "[" * 100_000 + "]" * 100_000),
                                     "nested deeper than 100"),
    "phenopacket-string-200k.json": (lambda: _pp_with('"x": "' + "a" * 200_000 + '"'), "over the limit"),
    "jsonld-100000-deep.jsonld": (lambda: '{"@context": {}, "http://x/p": ' + "[" * 100_000 + "]" * 100_000 + "}",
                                  "nested deeper than 100"),
    "jsonld-101-deep.jsonld": (lambda: '{"@context": {}, "http://x/p": ' + "[" * 100 + "]" * 100 + "}",
                               "nested deeper than 100"),
    "ntriples-1M-triples.nt": (lambda: "".join(f"<http://example.org/s{i}> <http://example.org/p> "
                                               f"\"value {i}\" .\n" for i in range(1_000_000)),
                               "larger than the limit"),
    "ntriples-250k-short-triples.nt": (lambda: "".join(f"<x:{i}> <x:p> <x:o> .\n" for i in range(250_000)),
                                       "more than 200,000 triples"),
    "turtle-literal-200k.ttl": (lambda: '<http://x/a> <http://x/p> "' + "a" * 200_000 + '" .\n', "over the limit"),
    "csv-200k-rows.csv": (lambda: _minimal_csv_rows(200_000), "more than 5,000 rows"),
    "csv-200k-full-rows.csv": (lambda: _full_csv_rows(200_000), "larger than the limit"),
    "csv-cell-200k.csv": (lambda: _minimal_csv_rows(1).replace("pub-0", "a" * 200_000), "over the limit"),
}
GENERATED_CATEGORY = {"yaml": "yaml", "phenopacket": "phenopacket", "jsonld": "json-ld", "ntriples": "n-triples/turtle",
                      "turtle": "n-triples/turtle", "csv": "csv"}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_large_or_deep_input_is_refused(name, tmp_path):
    make, fragment = GENERATED[name]
    path = tmp_path / name
    path.write_text(make(), encoding="utf-8")
    result = run(["validate", path], tmp_path, category=GENERATED_CATEGORY[name.split("-")[0]], reads=[path])
    refused(result, fragment, codes=(2,))


def test_limits_are_those_the_tests_assume():
    # the generated inputs above are sized against these figures (README "Limits")
    assert limits.MAX_NESTING == 100 and limits.MAX_INTEGER_DIGITS == 30 and limits.MAX_ROWS == 5_000
    assert limits.MAX_TRIPLES == 200_000 and limits.MAX_LITERAL_CHARS == 100_000
    assert limits.MAX_INPUT_BYTES == 20_000_000 and limits.MAX_YAML_BYTES == 5_000_000


# --- things that are not regular files ----------------------------------------------------------------

def _directory(tmp_path):
    (tmp_path / "case.yaml").mkdir()
    return tmp_path / "case.yaml", "is a directory"


def _fifo(tmp_path):
    os.mkfifo(tmp_path / "case.yaml")  # opening it would block until a writer comes: it must not be opened
    return tmp_path / "case.yaml", "is a named pipe"


def _socket(tmp_path):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "case.csv"))
    return tmp_path / "case.csv", "is a socket"


def _device_link(tmp_path):
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")  # endless bytes if read
    return tmp_path / "zero.yaml", "is a character device"


def _directory_link(tmp_path):
    (tmp_path / "folder.csv").symlink_to(tmp_path)
    return tmp_path / "folder.csv", "is a directory"


def _missing(tmp_path):
    return tmp_path / "missing.yaml", "no such file"


def _escape_in_name(tmp_path):
    return tmp_path / "\x1b[2J\x1b]0;owned\x07.yaml", "no such file"


def _sparse_25mb(tmp_path):
    path = tmp_path / "big.ttl"
    with open(path, "wb") as handle:
        handle.truncate(25_000_000)  # size known by stat(); the bytes are never read
    return path, "larger than the limit"


NOT_FILES = {"directory": _directory, "fifo": _fifo, "socket": _socket, "device-link": _device_link,
             "directory-link": _directory_link, "missing": _missing, "escape-in-name": _escape_in_name,
             "sparse-25MB": _sparse_25mb}


@pytest.mark.parametrize("kind", sorted(NOT_FILES))
def test_what_is_not_a_readable_file_is_named_as_such(kind, tmp_path):
    path, fragment = NOT_FILES[kind](tmp_path)
    result = run(["validate", path], tmp_path, category="file kinds", reads=[path])
    refused(result, fragment, codes=(2,))
    assert "\x1b" not in result.output


def test_invalid_utf8_file_name(tmp_path):
    name = os.fsencode(tmp_path) + b"/case\xff\xfe.yaml"
    result = run(["validate", name], tmp_path, category="file kinds", reads=[tmp_path])
    refused(result, "no such file", codes=(2,))


# --- submit: refused inputs write nothing ---------------------------------------------------------------

SUBMITTED = {
    "csv/header-only.csv": "no rows",
    "yaml/integer-5000-digits.yaml": "more than 30 digits",
    "yaml/date-month-13.yaml": "not a valid date",
    "phenopacket/schema-version-1.phenopacket.json": "only Phenopacket schema 2",
    "csv/duplicate-column.csv": "more than once",
}


@pytest.mark.parametrize("name", sorted(SUBMITTED))
def test_submit_refuses_and_writes_nothing(name, tmp_path):
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    path = CORPUS / name
    result = run(["submit", path, "--evidence-dir", evidence, "--seeds", tmp_path / "seeds"], tmp_path,
                 category="submit", reads=[path, evidence, tmp_path / "seeds"], writes=[evidence])
    assert result.code == 2, result.describe()
    assert SUBMITTED[name] in result.output and "Traceback" not in result.output, result.describe()
    assert list(evidence.iterdir()) == [], "a refused submission wrote something"
    from fenced import bounded

    bounded(result)


def test_submit_of_a_fifo_writes_nothing(tmp_path):
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    os.mkfifo(tmp_path / "case.csv")
    result = run(["submit", tmp_path / "case.csv", "--evidence-dir", evidence], tmp_path, category="submit",
                 reads=[tmp_path], writes=[evidence])
    assert result.code == 2 and "is a named pipe" in result.output, result.describe()
    assert list(evidence.iterdir()) == []
