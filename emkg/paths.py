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
