"""The one way a name becomes a record id (a product named "CD3ζ-4-1BB CAR-T" -> "cd3-4-1bb-car-t").

Converters (CSV template, Phenopacket) make ids for things the submitter named but gave no id; the id
must pass the record format's own id rule (ASCII letters and digits, '-', '_', '.'; at most 120
characters), or the submitter is refused for an id they never wrote. Anything else in the name is a
separator: Greek letters, accents, slashes and brackets are dropped, never kept.
"""

from __future__ import annotations

MAX_LENGTH = 100  # below the id limit (120), leaving room for a suffix


def slug(text: str, keep_case: bool = False) -> str:
    """ASCII letters and digits of `text` joined by '-' (lower case unless `keep_case`); '' when none."""
    text = text if keep_case else text.lower()
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in text).split()
    return "-".join(words)[:MAX_LENGTH].rstrip("-")
