"""Check that every evidence quote occurs verbatim in its source text.

Source texts come from PDF extraction: words are hyphenated across line breaks ("extrame-\\ndullary"),
spacing around symbols varies, and Unicode forms differ (e.g. 'μ' vs 'µ'). Both sides are therefore
compared after NFKC normalisation with all whitespace and hyphens removed; everything else must match
exactly, character for character.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

_IGNORED = re.compile(r"[\s\-\u00ad\u2010\u2011]+")
# A record names its source text by a plain file name in the seeds folder (no folders, nothing hidden),
# so neither `emkg build` nor `emkg submit` can be made to read a file outside that folder.
PLAIN_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def canonical(text: str) -> str:
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text))


def source_text(seeds_dir: Path, name: str | None) -> str | None:
    """The canonical text of the source text file `name` in `seeds_dir`; None when `name` is not a plain
    file name or the file is not there."""
    if not name or not PLAIN_FILE_NAME.match(name):
        return None
    path = seeds_dir / name
    return canonical(path.read_text(encoding="utf-8")) if path.is_file() else None


@dataclass(frozen=True)
class MissingQuote:
    subject: str
    quote: str
    source_text: str

    def __str__(self) -> str:
        return f"{self.subject}: quote not found in {self.source_text}: {self.quote!r}"


def missing_quotes(graph, seeds_dir: Path) -> tuple[list[MissingQuote], list[str]]:
    """Quotes of `graph` not found in their publication's source text.

    Returns (missing, unchecked publications): a publication whose source text file is not in
    `seeds_dir` cannot be checked and is named so that the caller can decide whether that is an error.
    """
    rows = graph.query(
        """
        PREFIX emkg: <https://w3id.org/emkg/>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?subject ?exact ?pub ?file WHERE {
          ?subject emkg:hasEvidence ?quote .
          ?quote oa:exact ?exact ; prov:wasQuotedFrom ?pub .
          OPTIONAL { ?pub emkg:sourceTextFile ?file }
        }"""
    )
    texts: dict[str, str | None] = {}
    missing, unchecked = [], set()
    for subject, exact, pub, file in rows:
        name = str(file) if file else None
        if name not in texts:
            texts[name] = source_text(seeds_dir, name)
        text = texts[name]
        if text is None:
            unchecked.add(str(pub))
        elif canonical(str(exact)) not in text:
            missing.append(MissingQuote(str(subject), str(exact), name))
    return sorted(missing, key=lambda m: (m.subject, m.quote)), sorted(unchecked)
