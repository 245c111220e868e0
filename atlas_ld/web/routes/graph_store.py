"""The SPARQL 1.1 Graph Store HTTP Protocol at /store: read, replace, add to and delete whole graphs.

Only with updates on and the bearer token (it is for administrators, like SPARQL Update). A graph is
named by `?graph=IRI`; `?default` is the default graph, which reads as the union of all graphs (what a plain
query sees) while writes go to the store's own unnamed graph, itself part of that union. A GET with neither
reads the whole dataset.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, Any

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from atlas_ld.media_types import N_QUADS, RDF, TRIG, Offer, rdf_format
from atlas_ld.sparql.streaming import serialised
from atlas_ld.store.base import GraphStore
from atlas_ld.web.dependencies import require_update_access, store_of
from atlas_ld.web.errors import (
    bad_request,
    not_found,
    unsupported_media_type,
)
from atlas_ld.web.negotiation import choose
from atlas_ld.web.streaming import ClosingStreamingResponse

_TEXT: dict[str, Any] = {"text/plain": {}}
router = APIRouter(
    tags=["Graph Store"],
    dependencies=[Depends(require_update_access)],
    default_response_class=Response,
    responses={
        400: {"description": "No graph named, two named, an IRI that is not one, a body not parsed.", "content": _TEXT},
        401: {"description": "Update token missing or wrong.", "content": _TEXT},
        403: {"description": "The server is read-only: the Graph Store Protocol is turned off.", "content": _TEXT},
    },
)
_NO_GRAPH: dict[int | str, dict[str, Any]] = {404: {"description": "No such graph in the store.", "content": _TEXT}}
_WRITTEN: dict[int | str, dict[str, Any]] = {
    201: {"description": "Graph created."},
    204: {"description": "Graph written."},
    415: {"description": "A body that is not one graph in an RDF syntax.", "content": _TEXT},
}

_GRAPH = Query(None, description="IRI of the graph.")
_DEFAULT = Query(None, description="Present (empty): the default graph.")
_DATASET_FIRST: tuple[Offer, ...] = (N_QUADS, TRIG, *(o for o in RDF if o not in (N_QUADS, TRIG)))


@router.get(
    "/store",
    summary="Read a graph (or the whole dataset)",
    responses={
        200: {"description": "The graph, or the dataset.", "content": {offer.media_type: {} for offer in RDF}},
        406: {"description": "None of the accepted media types can be served.", "content": _TEXT},
        **_NO_GRAPH,
    },
)
async def read_graph(request: Request, graph: str | None = _GRAPH, default: str | None = _DEFAULT) -> Response:
    store, target = store_of(request), _target(request)
    offer = choose(RDF if target else _DATASET_FIRST, accept=request.headers.get("accept"))
    output_format = rdf_format(offer)
    if target and target != "default" and not await run_in_threadpool(_exists, store, target):
        raise not_found(f"No graph <{target}> in this store.")
    if target == "default":
        chunks = serialised(lambda out: _union(store, out, output_format))
    else:
        chunks = serialised(lambda out: store.dump(out, output_format, graph=target))
    return ClosingStreamingResponse(chunks, media_type=offer.media_type, headers={"Vary": "Accept"})


@router.put("/store", status_code=204, responses=_WRITTEN, summary="Replace a graph")
async def replace_graph(request: Request, graph: str | None = _GRAPH, default: str | None = _DEFAULT) -> Response:
    return await _write(request, replace=True)


@router.post("/store", status_code=204, responses=_WRITTEN, summary="Add to a graph")
async def add_to_graph(request: Request, graph: str | None = _GRAPH, default: str | None = _DEFAULT) -> Response:
    return await _write(request, replace=False)


@router.delete("/store", status_code=204, responses=_NO_GRAPH, summary="Delete a graph")
async def delete_graph(request: Request, graph: str | None = _GRAPH, default: str | None = _DEFAULT) -> Response:
    store, target = store_of(request), _target(request)
    if target is None:
        raise bad_request("Name the graph to delete with ?graph=IRI or ?default.")
    if target == "default":
        await run_in_threadpool(store.update, "DROP SILENT DEFAULT")
    elif not await run_in_threadpool(_exists, store, target):
        raise not_found(f"No graph <{target}> in this store.")
    else:
        await run_in_threadpool(store.update, f"DROP GRAPH {ox.NamedNode(target)}")
    return Response(status_code=204)


async def _write(request: Request, *, replace: bool) -> Response:
    store, target = store_of(request), _target(request)
    if target is None:
        raise bad_request("Name the graph to write with ?graph=IRI or ?default.")
    content_type = request.headers.get("content-type", "")
    body_format = ox.RdfFormat.from_media_type(content_type) if content_type else None
    # A graph takes triples: quad formats would name other graphs (JSON-LD is read for its default graph).
    if body_format is None or body_format.supports_datasets and body_format != ox.RdfFormat.JSON_LD:
        raise unsupported_media_type(content_type, [o.media_type for o in RDF if o not in (N_QUADS, TRIG)])
    body = await request.body()
    base = target if target != "default" else str(request.url.replace(query=None))
    try:
        triples = [quad.triple for quad in ox.parse(body, body_format, base_iri=base)]
    except (SyntaxError, ValueError) as error:
        raise bad_request(f"The body is not valid {body_format.name}: {error}") from error
    created = target != "default" and not await run_in_threadpool(_exists, store, target)
    await run_in_threadpool(_store_triples, store, target, triples, replace)
    return Response(status_code=201 if created else 204)


def _target(request: Request) -> str | None:
    """'default', a graph IRI (checked), or None for the whole dataset."""
    graphs = request.query_params.getlist("graph")
    has_default = "default" in request.query_params
    if len(graphs) + has_default > 1:
        raise bad_request("Name one graph: either ?graph=IRI or ?default.")
    if has_default:
        return "default"
    if not graphs:
        return None
    try:
        return ox.NamedNode(graphs[0]).value
    except ValueError as error:
        raise bad_request(f"?graph= must be an absolute IRI: {error}") from error


def _union(store: GraphStore, output: IO[bytes], output_format: ox.RdfFormat) -> None:
    result = store.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    result.serialize(output, output_format)


def _exists(store: GraphStore, graph: str) -> bool:
    return bool(store.query(f"ASK {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}")) or graph in store.named_graphs()


def _store_triples(store: GraphStore, target: str, triples: Sequence[ox.Triple], replace: bool) -> None:
    """Write in one transaction; terms are written by pyoxigraph, so no text from the request reaches SPARQL."""
    if replace and target != "default":
        store.replace_graphs({target: triples})
        return
    clear = "DROP SILENT DEFAULT ; " if replace else ""
    data = _statements(triples)
    graph = data if target == "default" else f"GRAPH {ox.NamedNode(target)} {{ {data} }}"
    store.update(f"{clear}INSERT DATA {{ {graph} }}")


def _statements(triples: Iterable[ox.Triple]) -> str:
    return " ".join(f"{triple} ." for triple in triples)
