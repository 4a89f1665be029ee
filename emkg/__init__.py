"""emkg: the Extramedullary relapse Knowledge Graph.

Published evidence on CAR-T therapy for extramedullary relapse of B-cell acute lymphoblastic
leukemia, curated into OWL/RDF, validated with SHACL and queried with SPARQL.
"""

__version__ = "0.1.0"
