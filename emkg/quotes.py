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


def canonical(text: str) -> str:
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text))


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
            # a plain file name only: a record must not make the build read outside the seeds folder
            path = seeds_dir / name if name and Path(name).name == name and name not in (".", "..") else None
            texts[name] = canonical(path.read_text(encoding="utf-8")) if path and path.is_file() else None
        text = texts[name]
        if text is None:
            unchecked.add(str(pub))
        elif canonical(str(exact)) not in text:
            missing.append(MissingQuote(str(subject), str(exact), name))
    return sorted(missing, key=lambda m: (m.subject, m.quote)), sorted(unchecked)
