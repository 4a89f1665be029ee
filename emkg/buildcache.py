"""The build cache: one checked record's result on disk, keyed by a content hash.

A record's result (its N-Triples with its inferred types and derived links, its notes) depends on the
record's bytes, the ontology and its imports, the shapes, the QC and derive queries, the emkg code that
converts and checks it, and the source text its quotes are
checked against. All but the source text are known before the record is read and make the key; the source
text is only known after reading, so its name and hash are stored in the entry and compared when the
entry is used. An entry is written only for a record that passed every check, by write-to-temp and
rename, so a killed build never leaves a half-written entry that a later build would trust.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from emkg import paths

FORMAT = "emkg-record-cache/2"  # 2: the N-Triples hold the inferred types and derived links


def _hash_files(digest, files) -> None:
    for path in files:
        digest.update(str(path.name).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")


def code_hash() -> str:
    """Hash of the package source that reads, converts and checks records (emkg/ and loaders/)."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for package in ("emkg", "loaders"):
        _hash_files(digest, sorted((root / package).rglob("*.py")))
    return digest.hexdigest()


def context_hash(ontology_dir: Path | None = None, shapes_dir: Path | None = None, quotes_checked: bool = True,
                 extra: tuple[Path, ...] = ()) -> str:
    """Everything except the record and its source text that a record's check depends on."""
    ontology_dir = ontology_dir or paths.ONTOLOGY_DIR
    digest = hashlib.sha256(FORMAT.encode() + code_hash().encode() + (b"q" if quotes_checked else b"-"))
    _hash_files(digest, extra)
    _hash_files(digest, [ontology_dir / "emkg.ttl", *sorted((ontology_dir / "imports").glob("*.ttl"))])
    _hash_files(digest, sorted((shapes_dir or paths.SHAPES_DIR).glob("*.shacl.ttl")))
    # a record's result also holds the rows of the QC rules and its derived links
    for folder in ("qc", "derive"):
        _hash_files(digest, sorted((paths.QUERIES_DIR / folder).glob("*.rq")))
    return digest.hexdigest()


def record_key(context: str, record_bytes: bytes) -> str:
    return hashlib.sha256(context.encode() + b"\0" + record_bytes).hexdigest()


def file_hash(path: Path | None) -> str | None:
    if path is None or not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


class RecordCache:
    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def nt_path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.nt"

    def get(self, key: str, seeds_dir: Path | None) -> dict | None:
        """The cached result, if present and its source text is unchanged."""
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
            if not self.nt_path(key).is_file():
                return None
        except (OSError, ValueError):
            return None
        if entry.get("format") != FORMAT:
            return None
        name = entry.get("source_text")
        if name is not None and file_hash(seeds_dir / name if seeds_dir else None) != entry.get("source_hash"):
            return None
        return entry

    def put(self, key: str, entry: dict, nt: bytes) -> None:
        """Write the N-Triples, then the entry: the entry is the commit mark of a complete result."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_name(f".{key}.nt.{os.getpid()}")
        scratch.write_bytes(nt)
        os.replace(scratch, self.nt_path(key))
        scratch = target.with_name(f".{target.name}.{os.getpid()}")
        scratch.write_text(json.dumps({**entry, "format": FORMAT}), encoding="utf-8")
        os.replace(scratch, target)
