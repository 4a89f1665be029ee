"""buildcache.RecordCache.get: an entry is used only when complete, of this format, and its source text unchanged."""

from __future__ import annotations

import json

from emkg.buildcache import FORMAT, RecordCache, file_hash

KEY = "ab" + "0" * 62


def _cache(tmp_path, entry):
    cache = RecordCache(tmp_path / "cache")
    cache.put(KEY, entry, b"<https://w3id.org/emkg/a> <https://w3id.org/emkg/b> <https://w3id.org/emkg/c> .\n")
    return cache


def _seeds(tmp_path, text="the source text\n"):
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / "paper.md").write_text(text, encoding="utf-8")
    return seeds


def test_an_entry_with_an_unchanged_source_text_is_used(tmp_path):
    seeds = _seeds(tmp_path)
    cache = _cache(tmp_path, {"ok": True, "source_text": "paper.md", "source_hash": file_hash(seeds / "paper.md")})
    assert cache.get(KEY, seeds) == {"ok": True, "source_text": "paper.md",
                                     "source_hash": file_hash(seeds / "paper.md"), "format": FORMAT}


def test_an_entry_whose_source_text_changed_or_went_is_stale(tmp_path):
    seeds = _seeds(tmp_path)
    cache = _cache(tmp_path, {"ok": True, "source_text": "paper.md", "source_hash": file_hash(seeds / "paper.md")})
    _seeds(tmp_path, "the source text, corrected\n")
    assert cache.get(KEY, seeds) is None
    (seeds / "paper.md").unlink()
    assert cache.get(KEY, seeds) is None


def test_with_no_seeds_folder_an_entry_naming_a_source_text_is_stale(tmp_path):
    seeds = _seeds(tmp_path)
    cache = _cache(tmp_path, {"ok": True, "source_text": "paper.md", "source_hash": file_hash(seeds / "paper.md")})
    assert cache.get(KEY, None) is None


def test_an_entry_without_a_source_text_needs_no_seeds_folder(tmp_path):
    cache = _cache(tmp_path, {"ok": True, "source_text": None, "source_hash": None})
    assert cache.get(KEY, None) == {"ok": True, "source_text": None, "source_hash": None, "format": FORMAT}


def test_missing_incomplete_corrupt_or_old_entries_are_not_used(tmp_path):
    cache = RecordCache(tmp_path / "cache")
    assert cache.get(KEY, None) is None
    cache = _cache(tmp_path, {"ok": True, "source_text": None})
    cache.nt_path(KEY).unlink()  # the entry without its N-Triples
    assert cache.get(KEY, None) is None
    cache = _cache(tmp_path, {"ok": True, "source_text": None})
    path = tmp_path / "cache" / KEY[:2] / f"{KEY}.json"
    path.write_text(json.dumps({"ok": True, "source_text": None, "format": "emkg-record-cache/1"}), encoding="utf-8")
    assert cache.get(KEY, None) is None
    path.write_text("{not json", encoding="utf-8")
    assert cache.get(KEY, None) is None
