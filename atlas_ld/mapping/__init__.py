"""Records → RDF: a project's triples, the concept schemes and the static graphs every project points at."""
