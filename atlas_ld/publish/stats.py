"""Counts of what the store holds, each one a SPARQL query over the union of the graphs."""

from __future__ import annotations

from atlas_ld.store.base import GraphStore
from atlas_ld.uris import EU_COUNTRY, UriScheme
from atlas_ld.vocab import DCTERMS, QB, RDF, atlas_namespace


def _count_queries(uris: UriScheme) -> dict[str, str]:
    """Name → a SELECT query binding ?n; a resource that several projects link to counts once."""
    atlas = atlas_namespace(uris.base)
    return {
        "projects": f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x {RDF.type} {atlas.Project} }}",
        "authorities": f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x {RDF.type} {atlas.LocalAuthority} }}",
        "posts": f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?project {atlas.diplomaticPost} ?x }}",
        "countries": (
            f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?authority {DCTERMS.spatial} ?x "
            f'FILTER(STRSTARTS(STR(?x), "{EU_COUNTRY}")) }}'
        ),
        "observations": f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x {RDF.type} {QB.Observation} }}",
    }


def count_resources(store: GraphStore, uris: UriScheme) -> dict[str, int]:
    """Projects, authorities, posts, countries, funding observations, and the number of stored triples."""
    counts = {}
    for name, query in _count_queries(uris).items():
        solution = next(iter(store.query(query)))  # type: ignore[call-overload]
        counts[name] = int(solution["n"].value)
    counts["triples"] = store.triple_count()
    return counts
