"""emkg.build.build in-process, three builds of a small evidence folder: the whole build report (returned and
written to build-report.json) compared exactly, but for the timings' values, the version name and the cache keys,
which are checked for their form and for being the same where the record did not change; and what a failed build
leaves: its exception's summary and problems, the failed report, the previous version still current, no scratch."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

from emkg import build

RECORDS = Path(__file__).resolve().parent.parent / "records"
TIMINGS = ["ontology and shapes", "records", "load", "cross-record QC", "release", "store compaction", "switch"]
GRADE_PROBLEM = ("Violation: grade-out-of-range.yaml:34: patients[0].facts[3]: A toxicity grade is a whole number from "
                 "0 to 5 (CTCAE, Lee 2014 and ASTCT 2019: 1-5, 5 = death; 0 = none), and not above grade_max. "
                 "(value: 7)")


def _stable(report: dict) -> dict:
    """The report with its run-dependent values checked for form and set aside."""
    report = json.loads(json.dumps(report))
    assert isinstance(report.pop("seconds"), float)
    timings = report.pop("timings")
    assert list(timings) == TIMINGS and all(isinstance(t, float) and t >= 0 for t in timings.values())
    assert re.fullmatch(r"\d{8}T\d{6}-\d+-\d+", report.pop("version"))
    assert re.fullmatch(r"[0-9a-f]{64}", report.pop("ontology_key"))
    for entry in report["per_record"]:
        assert re.fullmatch(r"[0-9a-f]{64}", entry.pop("key"))
    return report


def _written(build_dir: Path) -> dict:
    return json.loads((build_dir / "build-report.json").read_text(encoding="utf-8"))


def test_three_builds_report_exactly_what_they_did(tmp_path):
    evidence, build_dir = tmp_path / "evidence", tmp_path / "build"
    evidence.mkdir()
    shutil.copy(RECORDS / "valid" / "minimal-case.yaml", evidence)

    started = time.perf_counter()
    first = build.build(build_dir, evidence_dir=evidence, seeds_dir=tmp_path / "no-seeds", check_quotes=True, jobs=1)
    elapsed = time.perf_counter() - started
    written = _written(build_dir)
    assert 0 < first.seconds <= elapsed and written["seconds"] == first.seconds  # the build's own duration
    assert (first.triples, first.records, first.build_dir, first.quotes_checked, first.notes, first.inferred,
            first.derived, first.checked, first.cached) == (
        4188, 1, build_dir, False, [f"source texts not found at {tmp_path / 'no-seeds'}: quotes were not checked "
                                    "(set EMKG_SEEDS)"], 3, 11, ["minimal-case.yaml"], [])
    assert _stable(written) == {
        "status": "ok", "triples": 4188, "records": 1, "build_dir": str(build_dir), "quotes_checked": False,
        "notes": [f"source texts not found at {tmp_path / 'no-seeds'}: quotes were not checked (set EMKG_SEEDS)"],
        "inferred": 3, "derived": 11, "checked": ["minimal-case.yaml"], "cached": [],
        "per_record": [{"file": "minimal-case.yaml", "status": "checked"}], "store": "loaded"}
    assert written["version"] == first.version and written["timings"] == first.timings
    version_report = json.loads((build_dir / "versions" / first.version / "build-report.json").read_text("utf-8"))
    # the version's own report is written before the switch into place, so it has every timing but the switch's
    assert version_report["timings"] == {k: v for k, v in written["timings"].items() if k != "switch"}
    assert {**version_report, "timings": written["timings"], "seconds": 0} == {**written, "seconds": 0}
    assert sorted(p.name for p in build_dir.iterdir()) == [".lock", "build-report.json", "cache", "current",
                                                             "release", "store", "versions"]
    key = written["per_record"][0]["key"]
    (marker,) = (build_dir / "cache").glob("ontology-qc-*.ok")  # the ontology QC passed for this content
    assert re.fullmatch(r"ontology-qc-[0-9a-f]{64}\.ok", marker.name)
    marker.unlink()  # as for new ontology content: the QC runs again, into the cache folder that exists

    second = build.build(build_dir, evidence_dir=evidence, seeds_dir=tmp_path / "no-seeds", check_quotes=True, jobs=1)
    again = _written(build_dir)
    assert (second.checked, second.cached, second.triples, second.inferred, second.derived) == (
        [], ["minimal-case.yaml"], 4188, 3, 11)
    assert again["per_record"] == [{"file": "minimal-case.yaml", "status": "cached", "key": key}]
    assert again["store"] == "patched from the previous build" and again["ontology_key"] == written["ontology_key"]
    assert second.version != first.version
    assert marker.is_file()

    shutil.copy(RECORDS / "invalid" / "grade-out-of-range.yaml", evidence)
    with pytest.raises(build.BuildFailed) as failed:
        build.build(build_dir, evidence_dir=evidence, seeds_dir=tmp_path / "no-seeds", check_quotes=True, jobs=1)
    assert str(failed.value) == "1 problem(s) in the curated records; nothing was changed"
    assert failed.value.problems == [GRADE_PROBLEM]
    report = _written(build_dir)
    assert [e.pop("key") for e in report["per_record"]][1] == key
    assert report == {"status": "failed", "summary": "1 problem(s) in the curated records; nothing was changed",
                      "problems": [GRADE_PROBLEM],
                      "per_record": [{"file": "grade-out-of-range.yaml", "status": "failed"},
                                     {"file": "minimal-case.yaml", "status": "cached"}]}
    assert (build_dir / "current").resolve().name == second.version, "the last good version stays current"
    assert not [p for p in build_dir.rglob(".scratch-*")], "a failed build leaves no scratch folder"
    assert sorted(p.name for p in build_dir.iterdir()) == [".lock", "build-report.json", "cache", "current",
                                                             "release", "store", "versions"]
    (evidence / "grade-out-of-range.yaml").unlink()
    third = build.build(build_dir, evidence_dir=evidence, seeds_dir=tmp_path / "no-seeds", check_quotes=True, jobs=1)
    assert sorted(p.name for p in (build_dir / "versions").iterdir()) == sorted([second.version, third.version]), \
        "the new version and the one before it are kept, older ones removed"
    assert (build_dir / "current").resolve().name == third.version
    assert _written(build_dir)["per_record"] == [{"file": "minimal-case.yaml", "status": "cached", "key": key}]


def test_the_cross_record_check_names_both_publications_and_what_they_share():
    import pyoxigraph as ox

    emkg = "https://w3id.org/emkg/"
    nt = "".join(f"<{emkg}publication/{p}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{emkg}Publication> .\n"
                 for p in ("a", "b", "c", "d"))
    nt += (f'<{emkg}publication/a> <{emkg}doi> "10.1000/x" .\n<{emkg}publication/b> <{emkg}doi> "10.1000/x" .\n'
           f'<{emkg}publication/b> <{emkg}pmid> "123" .\n<{emkg}publication/c> <{emkg}pmid> "123" .\n'
           f'<{emkg}publication/d> <{emkg}pmid> "124" .\n<{emkg}publication/a> <{emkg}sourceTextFile> "a.txt" .\n'
           f'<{emkg}case/x> <{emkg}doi> "10.1000/x" .\n')  # not a publication: not counted
    db = ox.Store()
    db.load(nt.encode(), format=ox.RdfFormat.N_TRIPLES)
    summary = "the same publication is curated in two records"
    assert build._cross_record_checks(db) == [
        f"emkg:publication/a and emkg:publication/b: {summary} (same emkg:doi: 10.1000/x)",
        f"emkg:publication/b and emkg:publication/c: {summary} (same emkg:pmid: 123)"]
