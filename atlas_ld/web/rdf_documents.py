"""Small RDF documents built in Python (VoID, the catalogue, the list of dumps): negotiated, serialised, validated.

They are derived from the store and the dump files only, so the store's last write and the dumps on disk name a
version: a client that has it gets 304 without the document being built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request, Response
from rdflib import Graph

from atlas_ld.media_types import JSON_LD, N_TRIPLES, RDF_XML, TURTLE, Offer
from atlas_ld.publish.dump_files import DumpFile
from atlas_ld.web.conditional import Validators
from atlas_ld.web.negotiation import choose as choose_offer

GRAPH_OFFERS: tuple[Offer, ...] = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML)
"""What a single graph is sent as, Turtle first (the default)."""

_RDFLIB_FORMATS = {
    TURTLE.media_type: "turtle",
    JSON_LD.media_type: "json-ld",
    N_TRIPLES.media_type: "nt",
    RDF_XML.media_type: "xml",
}


def document_responses(description: str, offers: Sequence[Offer] = GRAPH_OFFERS) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI answers of a negotiated document: `description` in each of `offers`, 304, and 406 as text."""
    return {
        200: {"description": description, "content": {o.media_type: {} for o in offers}},
        304: {"description": "Not modified since the client's copy (ETag, Last-Modified)."},
        406: {"description": "None of the accepted media types can be served.", "content": {"text/plain": {}}},
    }


def choose(request: Request, offers: Sequence[Offer]) -> Offer:
    """The representation asked for by `?format=` or Accept; 406 when none can be served."""
    return choose_offer(offers, request)


def service_root(request: Request) -> str:
    """The root URL this server was reached at, as the links in a document should use it."""
    return str(request.base_url)


def document_validators(request: Request, store_time: float, dumps: Sequence[DumpFile], offer: Offer) -> Validators:
    """A document's version: the store's last write, the dumps on disk, the representation and the host asked."""
    newest = max([store_time, *(d.mtime_ns / 1e9 for d in dumps)])
    dump_state = tuple((d.format.name, d.size, d.mtime_ns) for d in dumps)
    return Validators.of(newest, request.url.path, offer.media_type, service_root(request), repr(dump_state))


def serialise(graph: Graph, offer: Offer) -> bytes:
    """The graph in the chosen syntax; JSON-LD is compacted with the graph's own prefixes."""
    rdflib_format = _RDFLIB_FORMATS[offer.media_type]
    if rdflib_format == "json-ld":
        context = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
        return graph.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8")
    return graph.serialize(format=rdflib_format, encoding="utf-8")


def vary_headers() -> dict[str, str]:
    return {"Vary": "Accept"}


def rdf_response(
    graph: Graph, offer: Offer, validators: Validators, headers: Mapping[str, str] | None = None
) -> Response:
    """The serialised graph with its validators; HEAD gets the same headers and no body (the server drops it)."""
    body = serialise(graph, offer)
    return Response(
        body,
        media_type=offer.media_type,
        headers={**validators.headers(), **vary_headers(), **(headers or {})},
    )
