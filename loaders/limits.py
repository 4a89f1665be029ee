"""Limits on untrusted input, stated once and checked before the parsers see the data where possible.

Every input format (YAML records, the CSV template, Phenopacket JSON, Turtle / N-Triples / JSON-LD)
and the answers of remote SPARQL endpoints pass through these checks, so a hostile or broken file
ends as one clear "over the limit" message instead of a parser's recursion error, hours of work or
gigabytes of memory. The figures are far above any real submission: the largest curated record is
74 kB, 1,000 patients in one CSV file are about 1 MB and 95,000 triples.

This module is the core side of the dependency rule: it imports only the standard library, so both
`loaders` and `emkg` import it without a cycle. The README's "Limits" section lists the same figures.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

MAX_INPUT_BYTES = 20_000_000  # a submitted file, checked with stat() before it is read
MAX_YAML_BYTES = 5_000_000  # YAML is parsed in pure Python (about 1 MB/s): a tighter cap
MAX_NESTING = 100  # levels of YAML / JSON / JSON-LD nesting (real records use fewer than 10)
MAX_INTEGER_DIGITS = 30  # digits of an integer (YAML, JSON); Python refuses over 4,300 with a traceback
MAX_ROWS = 5_000  # data rows (patients) in one CSV file; 1,000 validate in about 16 s
MAX_TRIPLES = 200_000  # triples in one RDF submission (counted by a streaming parse before rdflib)
MAX_LITERAL_CHARS = 100_000  # one string: a CSV cell, a YAML / JSON string, an RDF literal
MAX_RESPONSE_BYTES = 16_000_000  # one answer of a remote SPARQL endpoint
MAX_TIMEOUT_SECONDS = 3_600  # the largest --timeout accepted

_KIND = {stat.S_IFIFO: "a named pipe", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
         stat.S_IFBLK: "a block device"}
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class LimitExceeded(ValueError):
    """The input is over a stated limit, or is not something that can be read as a file (one line)."""


def read_file(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; a directory, pipe or device is named as such.

    The kind and size come from stat() before anything is opened, so a FIFO is never opened (opening
    one blocks until a writer appears) and an oversized file is never read. The read itself stops one
    byte past the limit, in case the file grows in between.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise LimitExceeded(f"{path}: no such file") from None
    except OSError as exc:
        raise LimitExceeded(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    if stat.S_ISDIR(info.st_mode):
        raise LimitExceeded(f"{path}: is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        kind = _KIND.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise LimitExceeded(f"{path}: is {kind}, not a regular file")
    if info.st_size > max_bytes:
        raise LimitExceeded(f"{Path(path).name}: {info.st_size:,} bytes, larger than the limit of {max_bytes:,}; "
                            "split it")
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise LimitExceeded(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > max_bytes:
        raise LimitExceeded(f"{Path(path).name}: larger than the limit of {max_bytes:,} bytes; split it")
    return data


def json_depth(text: str, limit: int = MAX_NESTING) -> int | None:
    """None when JSON text nests at most `limit` levels, else the 1-based line where it goes deeper.

    A scan of brackets outside strings, done before json.loads (whose C decoder recurses and raises
    RecursionError, or rdflib's JSON-LD expansion, which recurses in Python).
    """
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, match.start()) + 1
        elif char in "]}":
            depth -= 1
    return None



def too_many_digits(number_text: str) -> bool:
    """True when a number's text has more than MAX_INTEGER_DIGITS digits (checked before int() sees it)."""
    return sum(ch.isdigit() for ch in number_text) > MAX_INTEGER_DIGITS
