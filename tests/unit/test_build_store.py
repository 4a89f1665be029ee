"""emkg.build._store: a fresh store is bulk-loaded; with a previous version whose records mostly match,
the previous store is patched instead, to exactly the triples a fresh load gives."""

from __future__ import annotations

import json
from pathlib import Path

from emkg import build

ONTOLOGY = b"<https://example.org/C> <http://www.w3.org/2000/01/rdf-schema#label> \"c\" .\n"
TRIPLES = {key: f"<https://example.org/{key}> <https://example.org/p> \"{key}\" .\n".encode()
           for key in ("ka", "kb", "kb2")}


class _Cache:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir()
        for key, text in TRIPLES.items():
            (folder / f"{key}.nt").write_bytes(text)

    def nt_path(self, key: str) -> Path:
        return self.folder / f"{key}.nt"


def _store(build_dir: Path, scratch: Path, keys: dict[str, str], cache: _Cache, ontology: Path):
    scratch.mkdir(parents=True)
    merged = scratch / "merged.nt"
    merged.write_bytes(b"".join(TRIPLES[k] for k in keys.values()))
    files = [Path(name) for name in keys]
    results = {name: {"key": key} for name, key in keys.items()}
    db, patched = build._store(build_dir, scratch, files, results, "K", cache, merged, ontology)
    db.flush()  # as the build does before the version is switched in
    triples = {str(q) for q in db}
    del db
    return triples, patched


def test_store_is_loaded_first_then_patched_to_what_a_fresh_load_holds(tmp_path):
    cache, ontology = _Cache(tmp_path / "cache"), tmp_path / "ontology.nt"
    ontology.write_bytes(ONTOLOGY)
    build_dir = tmp_path / "build"
    old = {"a.yaml": "ka", "b.yaml": "kb"}
    first, patched = _store(build_dir, build_dir / "v1", old, cache, ontology)
    assert not patched and '<https://example.org/kb> <https://example.org/p> "kb"' in first
    (build_dir / "v1" / "build-report.json").write_text(json.dumps({
        "status": "ok", "ontology_key": "K", "per_record": [{"file": f, "key": k} for f, k in old.items()]}),
        encoding="utf-8")
    (build_dir / "current").symlink_to("v1")

    new = {"a.yaml": "ka", "b.yaml": "kb2"}
    fresh, patched = _store(tmp_path / "other", tmp_path / "other" / "v1", new, cache, ontology)
    assert not patched
    second, patched = _store(build_dir, build_dir / "v2", new, cache, ontology)
    assert patched
    assert second == fresh and '<https://example.org/kb2> <https://example.org/p> "kb2"' in second
    assert '<https://example.org/kb> <https://example.org/p> "kb"' not in second
