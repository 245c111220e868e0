"""SHACL over what is already stored: the project graphs read back a batch at a time and validated as at ingest."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from atlas_ld.ingest import DEFAULT_BATCH_SIZE, chunked
from atlas_ld.store import GraphStore
from atlas_ld.uris import UriScheme
from atlas_ld.validation import ValidationReport, validate_graphs


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


def validate_store(store: GraphStore, uris: UriScheme, *, batch_size: int = DEFAULT_BATCH_SIZE) -> ValidationReport:
    """Validate every stored project graph against the shapes, with the stored shared graphs as support."""
    shared = {g: _graph_triples(store, g) for g in store.named_graphs() if uris.prj_id_of_graph(g) is None}
    found = ValidationReport()
    for graphs in stored_project_graphs(store, uris, batch_size=batch_size):
        report = validate_graphs(graphs, uris, support=shared)
        found.violations += report.violations
        found.checked += report.checked
    return found
