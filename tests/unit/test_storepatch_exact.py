"""emkg.storepatch in-process: when the previous build's store may be patched (`plan`: every reason for a fresh
load, and the exact lists of records leaving, entering and kept), and what a patch leaves in the store (`apply`:
exactly the triples of a fresh load, the previous store untouched, a shared triple kept while a source states it)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from emkg import storepatch
from emkg.namespaces import EMKG

TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


def _record(record_id: str, label: str, extra: str = "") -> bytes:
    """A record's cached N-Triples: its publication, a case node, and `extra` lines."""
    return (f"<{EMKG}publication/{record_id}> {TYPE} <{EMKG}Publication> .\n"
            f"<{EMKG}case/{record_id}/P1> {LABEL} \"{label}\" .\n"
            f"<{EMKG}case/{record_id}/P1> <{EMKG}reportedIn> <{EMKG}publication/{record_id}> .\n" + extra).encode()


def _previous(folder: Path, per_record: list[dict], status: str = "ok", ontology_key: str = "K",
              store: bool = True, triples: bytes = b"") -> Path:
    folder.mkdir(parents=True)
    (folder / "build-report.json").write_text(json.dumps({"status": status, "ontology_key": ontology_key,
                                                          "per_record": per_record}), encoding="utf-8")
    if store:
        db = ox.Store(str(folder / "store"))
        if triples:
            db.load(triples, format=ox.RdfFormat.N_TRIPLES)
        db.flush()
        del db
    return folder


def _cache(folder: Path, texts: dict[str, bytes]):
    folder.mkdir(exist_ok=True)
    for key, text in texts.items():
        (folder / f"{key}.nt").write_bytes(text)
    return lambda key: folder / f"{key}.nt"


def _keys(n: int) -> dict[str, str]:
    return {f"r{i:02}.yaml": f"k{i:02}" for i in range(n)}


def _report(keys: dict[str, str]) -> list[dict]:
    return [{"file": f, "key": k} for f, k in keys.items()]


def test_the_plan_lists_the_records_leaving_entering_and_kept(tmp_path):
    old = _keys(25)
    previous = _previous(tmp_path / "v1", _report(old))
    new = dict(old)
    new["r03.yaml"] = "k03-new"  # changed
    del new["r07.yaml"]  # removed; 2 changed files of 24 records is within the 10 % share
    nt_path = _cache(tmp_path / "cache", {k: b"" for k in [*old.values(), "k03-new"]})
    plan = storepatch.plan(previous, new, "K", nt_path)
    assert plan == storepatch.Plan(previous / "store", ["k03", "k07"], ["k03-new"],
                                   sorted(k for f, k in new.items() if f != "r03.yaml"))


def test_an_added_record_enters_and_nothing_leaves(tmp_path):
    old = _keys(10)
    previous = _previous(tmp_path / "v1", _report(old))
    new = {**old, "new.yaml": "knew"}
    nt_path = _cache(tmp_path / "cache", {"knew": b""})
    assert storepatch.plan(previous, new, "K", nt_path) == storepatch.Plan(
        previous / "store", [], ["knew"], sorted(old.values()))


@pytest.mark.parametrize("changed,patched", [(2, True), (3, False)])
def test_more_than_a_tenth_of_the_records_changed_is_a_fresh_load(tmp_path, changed, patched):
    old = _keys(20)
    previous = _previous(tmp_path / "v1", _report(old))
    new = {f: (k + "-new" if i < changed else k) for i, (f, k) in enumerate(old.items())}
    nt_path = _cache(tmp_path / "cache", {k: b"" for k in [*old.values(), *new.values()]})
    assert (storepatch.plan(previous, new, "K", nt_path) is not None) is patched


@pytest.mark.parametrize("changed,patched", [(1, True), (2, False)])
def test_with_few_records_one_change_is_still_patched(tmp_path, changed, patched):
    old = _keys(3)
    previous = _previous(tmp_path / "v1", _report(old))
    new = {f: (k + "-new" if i < changed else k) for i, (f, k) in enumerate(old.items())}
    nt_path = _cache(tmp_path / "cache", {k: b"" for k in [*old.values(), *new.values()]})
    assert (storepatch.plan(previous, new, "K", nt_path) is not None) is patched


def _fresh_load_reasons(tmp_path: Path):
    old = _keys(20)
    new = {**old, "r00.yaml": "k00-new"}
    texts = {k: b"" for k in [*old.values(), "k00-new"]}
    yield "no previous version", None, new, texts
    folder = tmp_path / "unreadable"
    folder.mkdir()
    (folder / "build-report.json").write_text("{not json", encoding="utf-8")
    yield "report not JSON", folder, new, texts
    no_report = _previous(tmp_path / "noreport", _report(old))
    (no_report / "build-report.json").unlink()
    yield "no report", no_report, new, texts
    yield "previous build failed", _previous(tmp_path / "failed", _report(old), status="failed"), new, texts
    yield "other ontology", _previous(tmp_path / "ontology", _report(old), ontology_key="K2"), new, texts
    yield "a record without key", _previous(tmp_path / "nokey", [*_report(old), {"file": "x.yaml"}]), new, texts
    no_list = _previous(tmp_path / "nolist", [])
    (no_list / "build-report.json").write_text(json.dumps({"status": "ok", "ontology_key": "K"}), encoding="utf-8")
    yield "a report without records: every record is new", no_list, new, texts
    yield "no store", _previous(tmp_path / "nostore", _report(old), store=False), new, texts
    yield "a cached file missing", _previous(tmp_path / "nocache", _report(old)), new, \
        {k: v for k, v in texts.items() if k != "k00-new"}
    yield "the old file missing", _previous(tmp_path / "nocache2", _report(old)), new, \
        {k: v for k, v in texts.items() if k != "k00"}


def test_every_reason_for_a_fresh_load(tmp_path):
    outcomes = {}
    for index, (reason, previous, new, texts) in enumerate(_fresh_load_reasons(tmp_path)):
        nt_path = _cache(tmp_path / f"cache{index}", texts)
        outcomes[reason] = storepatch.plan(previous, new, "K", nt_path)
    assert outcomes == {reason: None for reason in outcomes}
    # and the same previous build with nothing wrong is patched: the reasons above are what made the difference
    good = _previous(tmp_path / "good", _report(_keys(20)))
    nt_path = _cache(tmp_path / "cache-good", {k: b"" for k in [*_keys(20).values(), "k00-new"]})
    assert storepatch.plan(good, {**_keys(20), "r00.yaml": "k00-new"}, "K", nt_path) is not None


ONTOLOGY = f"<{EMKG}Patient> {LABEL} \"patient\" .\n".encode()
SHARED = f"<{EMKG}Patient> <{EMKG}note> \"stated by a and b\" .\n"
ONLY_A = f"<{EMKG}Patient> <{EMKG}note> \"stated by a alone\" .\n"
IN_ONTOLOGY = f"<{EMKG}Patient> {LABEL} \"patient\" .\n"


def _contents(db) -> set[str]:
    return {str(quad) for quad in db}


def test_a_patched_store_holds_exactly_the_triples_of_a_fresh_load(tmp_path):
    a_old = _record("a", "old label", SHARED + ONLY_A + IN_ONTOLOGY)
    a_new = _record("a", "new label")
    b = _record("b", "b", SHARED)
    previous = _previous(tmp_path / "v1", [{"file": "a.yaml", "key": "ka"}, {"file": "b.yaml", "key": "kb"}],
                         triples=a_old + b + ONTOLOGY)
    nt_path = _cache(tmp_path / "cache", {"ka": a_old, "ka2": a_new, "kb": b})
    plan = storepatch.plan(previous, {"a.yaml": "ka2", "b.yaml": "kb"}, "K", nt_path)
    assert plan == storepatch.Plan(previous / "store", ["ka"], ["ka2"], ["kb"])

    db = storepatch.apply(tmp_path / "v2-store", plan, nt_path, ONTOLOGY)
    fresh = ox.Store()
    fresh.load(a_new + b + ONTOLOGY, format=ox.RdfFormat.N_TRIPLES)
    assert _contents(db) == _contents(fresh)
    assert f'<{EMKG}case/a/P1> {LABEL} "new label"' in {str(q).removesuffix(" .") for q in db}
    del db
    before = ox.Store.read_only(str(previous / "store"))
    assert _contents(before) == _contents_of(a_old + b + ONTOLOGY), "the previous version's store is untouched"


def _contents_of(nt: bytes) -> set[str]:
    db = ox.Store()
    db.load(nt, format=ox.RdfFormat.N_TRIPLES)
    return _contents(db)


def test_a_removed_record_takes_its_own_triples_and_the_shared_ones_no_one_else_states(tmp_path):
    a = _record("a", "a", SHARED + ONLY_A + IN_ONTOLOGY)
    b = _record("b", "b", SHARED)
    previous = _previous(tmp_path / "v1", [], triples=a + b + ONTOLOGY)
    nt_path = _cache(tmp_path / "cache", {"ka": a, "kb": b})
    db = storepatch.apply(tmp_path / "v2-store", storepatch.Plan(previous / "store", ["ka"], [], ["kb"]),
                          nt_path, ONTOLOGY)
    assert _contents(db) == _contents_of(b + ONTOLOGY)


def test_a_shared_triple_of_a_record_without_publication_stays_only_while_stated(tmp_path):
    """A removed record with no publication owns no prefix: each of its triples leaves unless stated elsewhere."""
    a = (f"<{EMKG}case/a/P1> {LABEL} \"a\" .\n" + SHARED + ONLY_A).encode()
    b = _record("b", "b", SHARED)
    previous = _previous(tmp_path / "v1", [], triples=a + b + ONTOLOGY)
    nt_path = _cache(tmp_path / "cache", {"ka": a, "kb": b})
    db = storepatch.apply(tmp_path / "v2-store", storepatch.Plan(previous / "store", ["ka"], [], ["kb"]),
                          nt_path, ONTOLOGY)
    assert _contents(db) == _contents_of(b + ONTOLOGY)


def test_a_changed_record_with_a_blank_node_cannot_be_patched(tmp_path):
    a_old, a_new = _record("a", "a"), _record("a", "a", f"_:x {LABEL} \"blank\" .\n")
    previous = _previous(tmp_path / "v1", [], triples=a_old)
    nt_path = _cache(tmp_path / "cache", {"ka": a_old, "ka2": a_new})
    with pytest.raises(storepatch.NotPatchable, match="^a changed record has blank nodes$"):
        storepatch.apply(tmp_path / "v2-store", storepatch.Plan(previous / "store", ["ka"], ["ka2"], []),
                         nt_path, b"")
    assert not (tmp_path / "v2-store").exists(), "refused before the copy"


def test_every_removed_record_owns_its_prefixes():
    lines = set(_record("a", "a").splitlines()) | set(_record("b", "b").splitlines())
    assert sorted(storepatch._owned_subject_prefixes(lines)) == sorted(
        f"<{EMKG}{kind}/{record}{end}".encode() for record in ("a", "b") for kind in ("publication", "case")
        for end in (">", "/"))
