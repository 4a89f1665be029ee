"""`emkg stats`: what the graph holds, per publication and per relapse site, at a glance.

The two tables are stored queries of the catalogue (queries/coverage-by-*.rq), so they are tested,
documented and served like every other question.
"""

from __future__ import annotations

SECTIONS = (
    ("Per publication (individual patients, their facts, cohort findings, quotes)", "coverage-by-publication"),
    ("Per relapse site (individually curated patients)", "coverage-by-relapse-site"),
)
