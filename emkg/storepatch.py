"""An incremental build's store: the previous build's store patched with the changed records only.

A fresh store is a bulk load of every record's cached N-Triples plus the ontology (5 s at 10,000
patients). When few records changed and the ontology did not, the new store is instead a RocksDB
checkpoint of the previous version's store (hard links to its immutable files: milliseconds, and the
previous version stays untouched for its readers), from which the triples of the changed or removed
records are deleted and to which those of the changed or added records are added.

A triple is deleted only if no source of the new build still states it: triples whose subject is one
of the record's own nodes (`case/<record id>/...`, `publication/<record id>/...`, every record's IRIs are
minted there) belong to that record alone; any other triple (about an ontology term, say) is kept when
the ontology or another record of the new build holds it. tests/build/test_incremental.py checks that a
patched store holds exactly the triples of a fresh build, as canonical N-Triples.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from emkg.namespaces import EMKG

MAX_CHANGED_SHARE = 0.1  # above this share of changed records a fresh bulk load is as quick


@dataclass
class Plan:
    previous_store: Path
    removed_keys: list[str]  # cache keys of the records whose triples leave the store
    added_keys: list[str]  # cache keys of the records whose triples enter it
    kept_keys: list[str]  # cache keys of the unchanged records


def plan(previous_version: Path | None, keys: dict[str, str], ontology_key: str, nt_path) -> Plan | None:
    """How to patch the previous version's store into this build's, or None for a fresh load.

    `keys`: record file name -> cache key of this build; `nt_path(key)`: the cached N-Triples file."""
    if previous_version is None:
        return None
    try:
        report = json.loads((previous_version / "build-report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    old = {r.get("file"): r.get("key") for r in report.get("per_record", [])}
    if report.get("status") != "ok" or report.get("ontology_key") != ontology_key or None in old.values() \
            or not (previous_version / "store" / "CURRENT").is_file():
        return None
    removed = sorted(old[f] for f in old if keys.get(f) != old[f])
    added = sorted(keys[f] for f in keys if old.get(f) != keys[f])
    kept = sorted(keys[f] for f in keys if old.get(f) == keys[f])
    changed_files = {f for f in set(old) | set(keys) if old.get(f) != keys.get(f)}
    if len(changed_files) > max(1, MAX_CHANGED_SHARE * len(keys)):
        return None
    if not all(Path(nt_path(k)).is_file() for k in removed + added):
        return None
    return Plan(previous_version / "store", removed, added, kept)


def _lines(paths) -> set[bytes]:
    found: set[bytes] = set()
    for path in paths:
        found.update(line for line in Path(path).read_bytes().splitlines() if line)
    return found


def _owned_subject_prefixes(lines: set[bytes]) -> tuple[bytes, ...]:
    """The IRI prefixes of the records' own nodes: case/<id>/ and publication/<id> of each publication."""
    marker = f"> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EMKG}Publication> .".encode()
    prefixes = []
    for line in lines:
        if line.endswith(marker):
            publication = line.split(b" ", 1)[0][1:-1].decode()
            record_id = publication.rsplit("/", 1)[1]
            if publication == f"{EMKG}publication/{record_id}":
                prefixes += [f"<{EMKG}publication/{record_id}>", f"<{EMKG}publication/{record_id}/",
                             f"<{EMKG}case/{record_id}>", f"<{EMKG}case/{record_id}/"]
    return tuple(p.encode() for p in prefixes)


class NotPatchable(Exception):
    """The change cannot be patched exactly (blank nodes, which a load renames): load afresh."""


def apply(target: Path, patch: Plan, nt_path, ontology_nt: bytes) -> ox.Store:
    """Check out the previous store into `target` and patch it; returns the open store."""
    old, new = _lines(map(nt_path, patch.removed_keys)), _lines(map(nt_path, patch.added_keys))
    if any(b"_:" in line for line in old ^ new):
        raise NotPatchable("a changed record has blank nodes")
    ox.Store.read_only(str(patch.previous_store)).backup(str(target))
    db = ox.Store(str(target))
    leaving = old - new
    owned = _owned_subject_prefixes(old)
    shared = {line for line in leaving if not line.startswith(owned)} if owned else set(leaving)
    if shared:  # stated elsewhere too? then it stays
        shared &= set(ontology_nt.splitlines()) | _lines(map(nt_path, patch.kept_keys))
        leaving -= shared
    if leaving:
        for triple in ox.parse(b"\n".join(sorted(leaving)) + b"\n", format=ox.RdfFormat.N_TRIPLES):
            db.remove(ox.Quad(triple.subject, triple.predicate, triple.object, ox.DefaultGraph()))
    arriving = new - old
    if arriving:
        db.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                  for t in ox.parse(b"\n".join(sorted(arriving)) + b"\n", format=ox.RdfFormat.N_TRIPLES))
    return db
