"""Check that every evidence quote occurs verbatim in its source text.

Source texts come from PDF extraction: words are hyphenated across line breaks ("extrame-\\ndullary"),
spacing around symbols varies, and Unicode forms differ (e.g. 'μ' vs 'µ'). Both sides are therefore
compared after NFKC normalisation with all whitespace and hyphens removed; everything else must match
exactly, character for character.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from emkg import paths

_IGNORED = re.compile(r"[\s\-\u00ad\u2010\u2011]+")
_LINE_HYPHEN = re.compile(r"[\-\u00ad\u2010\u2011]\s*\n\s*")
# A record names its source text by a plain file name in a source-text folder (no folders, nothing
# hidden, no trailing newline: \Z, not $), so neither `emkg build` nor `emkg submit` can be made to read
# a file outside those folders. Symbolic links are refused for the same reason.
PLAIN_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,199}\Z")
MAX_SOURCE_BYTES = 20_000_000  # a long article is under 1 MB


def canonical(text: str) -> str:
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text))


def find_source(name: str | None, folders: list[Path]) -> Path | None:
    """The source text file `name` in the first folder that has it as a regular file (not a symbolic
    link, nothing outside the folder); None when `name` is not a plain file name or nowhere."""
    if not isinstance(name, str) or not PLAIN_FILE_NAME.match(name):
        return None
    for folder in folders:
        path = folder / name
        if path.is_symlink() or not path.is_file():
            continue
        if path.resolve().parent != folder.resolve() or path.stat().st_size > MAX_SOURCE_BYTES:
            continue
        return path
    return None


def source_text(seeds_dir: Path, name: str | None) -> str | None:
    """The canonical text of the source text file `name` in `seeds_dir` or the other source-text
    folders (`paths.source_text_dirs`); None when `name` is not a plain file name or is not there."""
    path = find_source(name, paths.source_text_dirs(seeds_dir))
    return None if path is None else _canonical_file(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _canonical_file(path: Path, _mtime: int) -> str:
    return canonical(path.read_text(encoding="utf-8", errors="replace"))


def readable(text: str) -> str:
    """The text as words: NFKC, words hyphenated across lines joined, whitespace collapsed."""
    return " ".join(_LINE_HYPHEN.sub("", unicodedata.normalize("NFKC", text)).split())


def closest_passage(quote: str, text: str) -> tuple[str, list[str]] | None:
    """The passage of `text` (readable form) nearest to `quote`, and the word differences between them
    ('"CD22" -> "CD19"'), so a one-word typo is found at once. None when nothing is alike."""
    words, quote_words = text.split(), readable(quote).split()
    if not words or not quote_words:
        return None
    matcher = difflib.SequenceMatcher(None, [_key(w) for w in quote_words], [_key(w) for w in words],
                                      autojunk=False)
    i, j, size = matcher.find_longest_match(0, len(quote_words), 0, len(words))
    if size == 0:
        return None
    start, end = max(0, j - i), min(len(words), j - i + len(quote_words))
    passage = words[start:end]
    differences = []
    pair = difflib.SequenceMatcher(None, [_key(w) for w in quote_words], [_key(w) for w in passage], autojunk=False)
    for tag, a0, a1, b0, b1 in pair.get_opcodes():
        if tag != "equal":
            differences.append(f"{' '.join(quote_words[a0:a1]) or '(nothing)'!r} -> "
                               f"{' '.join(passage[b0:b1]) or '(nothing)'!r}")
    return " ".join(passage), differences


def _key(word: str) -> str:
    return canonical(word).lower().strip(".,;:()[]\"'")


@dataclass(frozen=True)
class MissingQuote:
    subject: str
    quote: str
    source_text: str
    quote_node: str = ""  # the quote's own IRI: its location in the record (file, field, line)

    def __str__(self) -> str:
        return f"{self.subject}: quote not found in {self.source_text}: {self.quote!r}"

    def located(self, file: str, locations: dict) -> str:
        """The problem as the build reports it: file, line and field of the quote in the record, when known."""
        from rdflib import URIRef

        field, line = locations.get(URIRef(self.quote_node)) or locations.get(URIRef(self.subject)) or (None, None)
        if field is None:
            return f"{file}: {self}"
        return f"{file}:{line}: {field}: quote not found in {self.source_text}: {self.quote!r}"


def missing_quotes(graph, seeds_dir: Path) -> tuple[list[MissingQuote], list[str]]:
    """Quotes of `graph` (an rdflib graph, or a pyoxigraph store with the same triples: the build's record
    store answers the query in a fraction of rdflib's time) not found in their publication's source text.

    Returns (missing, unchecked publications): a publication whose source text file is not in
    `seeds_dir` cannot be checked and is named so that the caller can decide whether that is an error.
    """
    from rdflib import Graph

    from emkg import catalogue

    query = catalogue.parse(paths.QUERIES_DIR / "checks" / "quote-evidence.rq").text
    if isinstance(graph, Graph):
        rows = graph.query(query)
    else:
        rows = [tuple(term.value if term is not None else None for term in row) for row in graph.query(query)]
    texts: dict[str, str | None] = {}
    missing, unchecked = [], set()
    for subject, quote_node, exact, pub, file in rows:
        name = str(file) if file else None
        if name not in texts:
            texts[name] = source_text(seeds_dir, name)
        text = texts[name]
        if text is None:
            unchecked.add(str(pub))
        elif canonical(str(exact)) not in text:
            missing.append(MissingQuote(str(subject), str(exact), name, str(quote_node)))
    return sorted(missing, key=lambda m: (m.subject, m.quote)), sorted(unchecked)
