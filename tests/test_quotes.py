"""emkg.quotes: what counts as the same words (and what does not), where source texts are looked up,
and which quotes are reported missing. Near misses on both sides: PDF line breaks and Unicode forms
must match; a changed letter, digit, symbol or word must not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from emkg import quotes

EMKG = Namespace("https://w3id.org/emkg/")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")


@pytest.mark.parametrize(("quote", "text"), [
    ("extramedullary relapse", "extrame-\ndullary relapse"),  # hyphenated across a line break
    ("extramedullary relapse", "extramedullary\n  relapse"),  # line break and indentation
    ("1 x 10^6 cells/µL", "1 x 10^6 cells/\u03bcL"),  # micro sign vs Greek mu (NFKC)
    ("grade 2 CRS", "grade\u00a02 CRS"),  # no-break space
    ("CD19-CAR", "CD19\u2010CAR"),  # Unicode hyphen
    ("CD19-CAR", "CD19\u00adCAR"),  # soft hyphen
    ("ﬁbrosis", "fibrosis"),  # ligature (NFKC)
])
def test_pdf_extraction_differences_still_match(quote, text):
    assert quotes.canonical(quote) in quotes.canonical(text)


@pytest.mark.parametrize(("quote", "text"), [
    ("grade 3 CRS", "grade 2 CRS"),  # a digit
    ("CD22 CAR-T", "CD19 CAR-T"),
    ("Grade 2 CRS", "grade 2 CRS"),  # case is kept
    ("10^6 cells/kg", "10^6 cells/L"),
    ("remission.", "remission,"),  # punctuation other than hyphens is kept
    ("not detected", "no detected"),
    ("CD19+", "CD19-"),  # a sign, not a hyphen
])
def test_a_changed_character_does_not_match(quote, text):
    assert quotes.canonical(quote) not in quotes.canonical(text)


def test_canonical_removes_exactly_whitespace_and_hyphens():
    assert quotes.canonical(" a-b\u2011c\td\ne\u00adf ") == "abcdef"
    assert quotes.canonical("a.b,c;d(e)f+g") == "a.b,c;d(e)f+g"


def test_readable_joins_line_hyphenation_and_collapses_spaces():
    assert quotes.readable("extrame-\n  dullary   relapse\n\nwas  seen") == "extramedullary relapse was seen"
    assert quotes.readable("CD19-CAR") == "CD19-CAR"  # a hyphen inside a line stays


def test_closest_passage_names_the_word_that_differs():
    text = quotes.readable("Before infusion. The patient had isolated testicular relapse of CD19 positive "
                           "disease and then received CAR-T cells.")
    passage, differences = quotes.closest_passage("isolated testicular relapse of CD22 positive disease", text)
    assert passage == "isolated testicular relapse of CD19 positive disease"
    assert differences == ["'CD22' -> 'CD19'"]


def test_closest_passage_reports_missing_and_extra_words():
    text = "she achieved a complete remission at day 28"
    # the passage is as long as the quote, aligned on the longest common run of words
    passage, missing = quotes.closest_passage("achieved complete remission at day 28", text)
    assert passage == "a complete remission at day 28" and missing == ["'achieved' -> 'a'"]
    _, extra = quotes.closest_passage("she achieved a durable complete remission", text)
    assert extra[0] == "'durable' -> '(nothing)'"


def test_closest_passage_of_unrelated_or_empty_text_is_none():
    assert quotes.closest_passage("entirely different words", "nothing alike here") is None
    assert quotes.closest_passage("", "some text") is None
    assert quotes.closest_passage("some words", "") is None


def test_closest_passage_ignores_case_and_punctuation_of_words():
    passage, differences = quotes.closest_passage("Complete remission", "a complete remission, then")
    assert passage == "complete remission," and differences == []


@pytest.mark.parametrize("name", ["../seeds/x.txt", "sub/x.txt", ".hidden.txt", "x.txt\n", "", "-x.txt", None, 3])
def test_only_plain_file_names_are_looked_up(tmp_path, name):
    (tmp_path / "x.txt").write_text("text", encoding="utf-8")
    assert quotes.find_source(name, [tmp_path]) is None


def test_the_first_folder_that_has_the_file_wins(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (second / "paper.txt").write_text("second", encoding="utf-8")
    assert quotes.find_source("paper.txt", [first, second]) == second / "paper.txt"
    (first / "paper.txt").write_text("first", encoding="utf-8")
    assert quotes.find_source("paper.txt", [first, second]) == first / "paper.txt"


def test_symbolic_links_folders_and_oversized_files_are_refused(tmp_path, monkeypatch):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret", encoding="utf-8")
    folder = tmp_path / "sources"
    folder.mkdir()
    os.symlink(outside, folder / "link.txt")
    (folder / "dir.txt").mkdir()
    (folder / "big.txt").write_text("x" * 11, encoding="utf-8")
    (folder / "ok.txt").write_text("x" * 10, encoding="utf-8")
    monkeypatch.setattr(quotes, "MAX_SOURCE_BYTES", 10)
    assert quotes.find_source("link.txt", [folder]) is None
    assert quotes.find_source("dir.txt", [folder]) is None
    assert quotes.find_source("big.txt", [folder]) is None
    assert quotes.find_source("ok.txt", [folder]) == folder / "ok.txt"


def _graph(subject: str, exact: str, source: str | None) -> Graph:
    g = Graph()
    pub, quote = URIRef("https://w3id.org/emkg/publication/p"), URIRef(subject + "/quote-1")
    g.add((URIRef(subject), EMKG.hasEvidence, quote))
    g.add((quote, OA.exact, Literal(exact)))
    g.add((quote, PROV.wasQuotedFrom, pub))
    if source:
        g.add((pub, EMKG.sourceTextFile, Literal(source)))
    return g


def test_missing_quotes_names_subject_quote_and_text(tmp_path, monkeypatch):
    monkeypatch.setenv("EMKG_SOURCE_DIRS", "")
    (tmp_path / "paper.txt").write_text("The boy had isolated testi-\ncular relapse.", encoding="utf-8")
    found = _graph("https://w3id.org/emkg/case/p/P1/relapse", "isolated testicular relapse", "paper.txt")
    missing, unchecked = quotes.missing_quotes(found, tmp_path)
    assert (missing, unchecked) == ([], [])
    typo = _graph("https://w3id.org/emkg/case/p/P1/relapse", "isolated testicular relapses", "paper.txt")
    missing, unchecked = quotes.missing_quotes(typo, tmp_path)
    assert [str(m) for m in missing] == ["https://w3id.org/emkg/case/p/P1/relapse: quote not found in paper.txt: "
                                         "'isolated testicular relapses'"]
    assert unchecked == []


def test_a_publication_without_its_text_is_unchecked_not_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("EMKG_SOURCE_DIRS", "")
    for source in (None, "absent.txt"):
        missing, unchecked = quotes.missing_quotes(_graph("https://w3id.org/emkg/case/p/P1/dx", "x", source),
                                                   tmp_path)
        assert missing == [] and unchecked == ["https://w3id.org/emkg/publication/p"]


def test_source_text_is_the_canonical_text(tmp_path, monkeypatch):
    monkeypatch.setenv("EMKG_SOURCE_DIRS", "")
    path = tmp_path / "t.txt"
    path.write_text("a b-\nc", encoding="utf-8")
    assert quotes.source_text(tmp_path, "t.txt") == "abc"
    assert quotes.source_text(tmp_path, "missing.txt") is None
    assert quotes.source_text(Path(tmp_path / "nowhere"), "t.txt") is None


def test_the_build_names_file_line_and_field_of_a_quote_not_found(tmp_path, monkeypatch):
    from emkg import record_check

    monkeypatch.setenv("EMKG_SOURCE_DIRS", "")
    record = (Path(__file__).parent / "shapes" / "valid" / "minimal-case.yaml").read_text(encoding="utf-8")
    label = '  label: "Test publication"'
    record = record.replace(label, label + "\n  source_text: paper.txt", 1)
    assert "source_text: paper.txt" in record
    words = [line.split('"')[1] for line in record.splitlines() if line.strip().startswith('quote: "')]
    (tmp_path / "paper.txt").write_text("\n".join(w for w in words if w != "grade 2 CRS on day 5"), encoding="utf-8")
    record_check.prepare(None, None, tmp_path)
    result = record_check.check_text(record.encode("utf-8"), "case.yaml")
    line = record.splitlines().index('        quote: "grade 2 CRS on day 5"') + 1
    assert not result["ok"]
    assert result["problems"] == [f"case.yaml:{line}: patients[0].facts[4].quote: quote not found in paper.txt: "
                                  "'grade 2 CRS on day 5'"]


def test_closest_passage_in_a_long_text_of_common_words():
    # difflib's "autojunk" would drop every word of a 200+ word text that repeats often: the quote must
    # still be found (and a long quote still compared word by word)
    text = "the patient had a complete remission after CAR-T cells " * 30
    passage, differences = quotes.closest_passage("a complete remission after CAR-T with", text)
    assert passage == "a complete remission after CAR-T cells" and differences == ["'with' -> 'cells'"]
    words = [w for i in range(260) for w in ([f"w{i}", "cells"] if i % 4 == 0 else [f"w{i}"])]
    long_quote = words[10:230]  # 220 words, "cells" among them 55 times
    long_quote[50] = "changed"
    passage, differences = quotes.closest_passage(" ".join(long_quote), " ".join(words))
    assert passage == " ".join(words[10:230]) and differences == [f"'changed' -> '{words[60]}'"]


def test_closest_passage_aligns_on_the_first_word_too():
    assert quotes.closest_passage("testicular", "isolated testicular relapse") == ("testicular", [])
    text = "beta gamma delta and then alpha beta here"
    assert quotes.closest_passage("alpha beta", text) == ("alpha beta", [])


def test_closest_passage_is_as_long_as_the_quote_when_its_first_words_differ():
    passage, differences = quotes.closest_passage("an isolated testicular relapse", "isolated testicular relapse "
                                                  "of CD19 positive disease")
    assert passage == "isolated testicular relapse" and differences == ["'an' -> '(nothing)'"]


def test_a_difference_of_several_words_is_shown_as_written():
    _, differences = quotes.closest_passage("she had complete remission at day 28",
                                            "she had partial response at day 28")
    assert differences == ["'complete remission' -> 'partial response'"]


def test_a_quote_not_found_is_located_at_its_quote_else_at_its_subject():
    from rdflib import URIRef

    missing = quotes.MissingQuote("https://w3id.org/emkg/case/p/P1/dx", "words", "paper.txt",
                                  "https://w3id.org/emkg/case/p/P1/dx/quote-1")
    at_quote = {URIRef(missing.quote_node): ("patients[0].facts[1].quote", 12),
                URIRef(missing.subject): ("patients[0].facts[1]", 9)}
    assert missing.located("r.yaml", at_quote) == ("r.yaml:12: patients[0].facts[1].quote: quote not found in "
                                                   "paper.txt: 'words'")
    at_subject = {URIRef(missing.subject): ("patients[0].facts[1]", 9)}
    assert missing.located("r.yaml", at_subject).startswith("r.yaml:9: patients[0].facts[1]: quote not found")
    assert missing.located("r.yaml", {}) == f"r.yaml: {missing}"


def test_a_publication_without_a_source_text_is_not_looked_up_under_any_name(tmp_path, monkeypatch):
    monkeypatch.setenv("EMKG_SOURCE_DIRS", "")
    (tmp_path / "None").write_text("x", encoding="utf-8")  # a file whose name is Python's None, printed
    missing, unchecked = quotes.missing_quotes(_graph("https://w3id.org/emkg/case/p/P1/dx", "y", None), tmp_path)
    assert missing == [] and unchecked == ["https://w3id.org/emkg/publication/p"]


def test_a_word_the_quote_lacks_is_shown_against_nothing():
    assert quotes.closest_passage("she achieved complete remission", "she achieved a complete remission") == (
        "she achieved a complete", ["'(nothing)' -> 'a'", "'remission' -> '(nothing)'"])
    assert quotes.closest_passage("testicular", "testicular relapse") == ("testicular", [])  # the text's first word


def test_missing_quotes_are_sorted_by_subject_and_quote(tmp_path, monkeypatch):
    monkeypatch.setenv("EMKG_SOURCE_DIRS", "")
    (tmp_path / "paper.txt").write_text("nothing quoted here", encoding="utf-8")
    graph = Graph()
    for subject in ("c", "a", "d", "b"):
        graph += _graph(f"https://w3id.org/emkg/case/p/P1/{subject}", f"zz {subject}", "paper.txt")
    missing, _ = quotes.missing_quotes(graph, tmp_path)
    assert [m.subject.rsplit("/", 1)[1] for m in missing] == ["a", "b", "c", "d"]


def test_find_source_looks_past_a_link_or_folder_in_an_earlier_folder(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "paper.txt").mkdir()
    (second / "paper.txt").write_text("text", encoding="utf-8")
    assert quotes.find_source("paper.txt", [first, second]) == second / "paper.txt"


def test_source_text_is_read_again_when_the_file_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("EMKG_SOURCE_DIRS", "")
    path = tmp_path / "t.txt"
    path.write_text("first", encoding="utf-8")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert quotes.source_text(tmp_path, "t.txt") == "first"
    path.write_text("second", encoding="utf-8")
    os.utime(path, ns=(2_000_000_000, 2_000_000_000))
    assert quotes.source_text(tmp_path, "t.txt") == "second"


def test_find_source_looks_past_an_oversized_file_in_an_earlier_folder(tmp_path, monkeypatch):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "paper.txt").write_text("x" * 20, encoding="utf-8")
    (second / "paper.txt").write_text("x", encoding="utf-8")
    monkeypatch.setattr(quotes, "MAX_SOURCE_BYTES", 10)
    assert quotes.find_source("paper.txt", [first, second]) == second / "paper.txt"
