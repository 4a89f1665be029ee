"""evidence/README.md is generated from the format table and must be current."""

from emkg import paths
from loaders.record_docs import markdown


def test_record_format_reference_is_current():
    committed = (paths.EVIDENCE_DIR / "README.md").read_text(encoding="utf-8")
    assert committed == markdown(), "evidence/README.md is stale: run `emkg record-format > evidence/README.md`"
