"""Where the project's folders are: the one module that knows the layout.

The data folders (ontology/, shapes/, queries/, evidence/) live at the top of the checkout, beside the
`emkg` package, so a researcher edits them in place. EMKG_HOME points elsewhere (e.g. a second
checkout); EMKG_BUILD moves generated artefacts; EMKG_SEEDS names the folder of source texts.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("EMKG_HOME") or Path(__file__).resolve().parent.parent)

ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "emkg.ttl"
IMPORTS_DIR = ONTOLOGY_DIR / "imports"
MAPPINGS_DIR = ONTOLOGY_DIR / "mappings"
# Verified external terms: the shared table and .obo slices (../shared/ontology-terms*), and the project's own
# extension (same columns and slice format) for terms verified here against the ontology's source.
SHARED_TERMS_TABLE = PROJECT_ROOT.parent / "shared" / "ontology-terms.tsv"
SHARED_TERMS_DIR = PROJECT_ROOT.parent / "shared" / "ontology-terms"
VERIFIED_TERMS_TABLE = ONTOLOGY_DIR / "verified-terms.tsv"
VERIFIED_TERMS_DIR = ONTOLOGY_DIR / "verified-terms"
PREFIX_MAP_FILE = ONTOLOGY_DIR / "emkg.prefixes.json"  # the prefix map, for `curies.load_prefix_map`
JSONLD_CONTEXT_FILE = ONTOLOGY_DIR / "emkg.context.jsonld"  # the published JSON-LD context
SHAPES_DIR = PROJECT_ROOT / "shapes"
QUERIES_DIR = PROJECT_ROOT / "queries"
QC_QUERIES_DIR = QUERIES_DIR / "qc"
EVIDENCE_DIR = PROJECT_ROOT / "evidence"

BUILD_DIR = Path(os.environ.get("EMKG_BUILD") or PROJECT_ROOT / "build")


def store_dir(build_dir: Path | None = None) -> Path:
    """The on-disk Oxigraph store written by `emkg build`."""
    return (build_dir or BUILD_DIR) / "store"


def release_dir(build_dir: Path | None = None) -> Path:
    """Release files (Turtle, N-Triples, RDF/XML) written by `emkg build`."""
    return (build_dir or BUILD_DIR) / "release"


def seeds_dir() -> Path:
    """The folder of source texts that quotes are checked against (../shared/seeds by default)."""
    return Path(os.environ.get("EMKG_SEEDS") or PROJECT_ROOT.parent / "shared" / "seeds")


# The researcher's own source texts (`--source-text` copies them here). Git-ignored: publishers' texts
# may not be redistributable.
USER_SOURCES_DIR = Path(os.environ.get("EMKG_USER_SOURCES") or PROJECT_ROOT / "sources")


def source_text_dirs(first: Path | None = None) -> list[Path]:
    """Every folder a record's `publication.source_text` is looked up in, in this order: `first` (the
    seeds folder by default), ../shared/devset, the user's own folder. EMKG_SOURCE_DIRS (folders joined
    by the path separator) replaces the two after the first."""
    configured = os.environ.get("EMKG_SOURCE_DIRS")
    rest = ([Path(p) for p in configured.split(os.pathsep) if p] if configured is not None
            else [PROJECT_ROOT.parent / "shared" / "devset", USER_SOURCES_DIR])
    found: list[Path] = []
    for folder in [first or seeds_dir(), *rest]:
        if folder not in found:
            found.append(folder)
    return found
