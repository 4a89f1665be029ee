"""Namespaces and the prefix map: a re-export of `loaders.core`, where they are defined.

Kept because most of `emkg` (and the tests) import them from here; `loaders` itself imports
`loaders.core` so that dependencies run one way (emkg -> loaders).
"""

from loaders.core import (  # noqa: F401
    EMKG,
    EXTERNAL_ONTOLOGY_PREFIXES,
    IAO_DEFINITION,
    OBO,
    PREFIXES,
    CurieError,
    bind_prefixes,
    compact,
    converter,
    expand,
    jsonld_context,
    jsonld_context_json,
    prefix_map_json,
    rdflib_namespaces,
    sparql_prefix_block,
)
