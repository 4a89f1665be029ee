"""Loaders: each input format -> RDF.

`yaml_record` reads the curation format (one YAML file per publication, see evidence/README.md);
`record_schema` declares, as data, which fields each kind of fact has and how they become triples.
"""
