"""SHACL over what is already stored: the project graphs read back a batch at a time and validated as at ingest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from atlas_ld.store.base import GraphStore
from atlas_ld.uris import UriScheme
from atlas_ld.validation.shacl import (
    DEFAULT_BATCH_SIZE,
    ValidationReport,
    chunked,
    validate_graphs,
)

# IRIs per VALUES block when reading the shared graph's descriptions back.
_VALUES_CHUNK = 2_000


def _graph_triples(store: GraphStore, graph: str) -> list[ox.Triple]:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
    return list(store.query(query))  # type: ignore[arg-type]


def stored_project_graphs(
    store: GraphStore, uris: UriScheme, *, batch_size: int = DEFAULT_BATCH_SIZE
) -> Iterator[dict[int, list[ox.Triple]]]:
    """The project graphs in the store, `batch_size` at a time (prjId → triples), in prjId order."""
    ids = sorted(i for i in (uris.prj_id_of_graph(g) for g in store.named_graphs()) if i is not None)
    for chunk in chunked(ids, batch_size):
        values = " ".join(str(ox.NamedNode(uris.project_graph(i))) for i in chunk)
        rows = store.query(f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}")
        graphs: dict[int, list[ox.Triple]] = {i: [] for i in chunk}
        for row in rows:  # type: ignore[union-attr]
            graphs[uris.prj_id_of_graph(row["g"].value)].append(ox.Triple(row["s"], row["p"], row["o"]))  # type: ignore[index]
        yield graphs


def _linked(triples: Iterable[ox.Triple]) -> set[str]:
    return {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}


def with_shared_descriptions(
    store: GraphStore, uris: UriScheme, graphs: dict[int, list[ox.Triple]]
) -> dict[int, list[ox.Triple]]:
    """Each project graph with what the shared graph says of the resources it links to, and of theirs in turn.

    That is what the project's page said of them at ingest (with what other pages said of the same resources):
    SHACL then sees each project as it saw it at ingest, and ties a fault in a shared description to the projects
    that rely on it.
    """
    shared = ox.NamedNode(uris.graph("shared"))
    described: dict[str, list[ox.Triple]] = {}
    frontier = set().union(*(_linked(triples) for triples in graphs.values()))
    while frontier:
        found: dict[str, list[ox.Triple]] = defaultdict(list)
        for chunk in chunked(sorted(frontier), _VALUES_CHUNK):
            values = " ".join(str(ox.NamedNode(iri)) for iri in chunk)
            rows = store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} GRAPH {shared} {{ ?s ?p ?o }} }}")
            for row in rows:  # type: ignore[union-attr]
                found[row["s"].value].append(ox.Triple(row["s"], row["p"], row["o"]))  # type: ignore[index]
        described.update({iri: found.get(iri, []) for iri in frontier})
        frontier = _linked(t for triples in found.values() for t in triples) - described.keys()
    whole: dict[int, list[ox.Triple]] = {}
    for prj_id, triples in graphs.items():
        reached: set[str] = set()
        pending = _linked(triples)
        while pending:
            reached |= pending
            pending = _linked(t for iri in pending for t in described.get(iri, ())) - reached
        whole[prj_id] = triples + [t for iri in sorted(reached) for t in described.get(iri, ())]
    return whole


def validate_store(store: GraphStore, uris: UriScheme, *, batch_size: int = DEFAULT_BATCH_SIZE) -> ValidationReport:
    """Validate every stored project graph, with the shared descriptions it relies on, against the shapes; the
    vocabulary, schemes and funding structure are the support."""
    support_graphs = [g for g in store.named_graphs() if uris.prj_id_of_graph(g) is None and g != uris.graph("shared")]
    support = {g: _graph_triples(store, g) for g in support_graphs}
    found = ValidationReport()
    for graphs in stored_project_graphs(store, uris, batch_size=batch_size):
        report = validate_graphs(with_shared_descriptions(store, uris, graphs), uris, support=support)
        found.violations += report.violations
        found.checked += report.checked
    return found
