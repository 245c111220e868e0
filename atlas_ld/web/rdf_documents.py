"""Small RDF documents built in Python (VoID, the catalogue, the list of dumps, the service description):
negotiated, serialised by pyoxigraph, validated.

They are derived from the store and the dump files only, so the store's last write and the dumps on disk name a
version: a client that has it gets 304 without the document being built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request, Response

from atlas_ld.media_types import (
    HTML,
    JSON_LD,
    N_TRIPLES,
    RDF_XML,
    TURTLE,
    Offer,
    rdf_format,
)
from atlas_ld.publish.document import RdfDocument
from atlas_ld.publish.dumps import DumpFile
from atlas_ld.web.conditional import Validators
from atlas_ld.web.html import render

GRAPH_OFFERS: tuple[Offer, ...] = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML)
"""What a single graph is sent as, Turtle first (the default)."""

PAGE_OFFERS: tuple[Offer, ...] = (*GRAPH_OFFERS, HTML)
"""The same, or a page for a browser (which ranks HTML above the XML it also accepts), never for `*/*`."""

_LABELS = {TURTLE: "Turtle", JSON_LD: "JSON-LD", N_TRIPLES: "N-Triples", RDF_XML: "RDF/XML"}


def document_responses(description: str, offers: Sequence[Offer] = GRAPH_OFFERS) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI answers of a negotiated document: `description` in each of `offers`, 304, and 406 as text."""
    return {
        200: {"description": description, "content": {o.media_type: {} for o in offers}},
        304: {"description": "Not modified since the client's copy (ETag, Last-Modified)."},
        406: {"description": "None of the accepted media types can be served.", "content": {"text/plain": {}}},
    }


def service_root(request: Request) -> str:
    """The root URL this server was reached at, as the links in a document should use it."""
    return str(request.base_url)


def document_validators(request: Request, store_time: float, dumps: Sequence[DumpFile], offer: Offer) -> Validators:
    """A document's version: the store's last write, the dumps on disk, the representation and the host asked."""
    newest = max([store_time, *(d.mtime_ns / 1e9 for d in dumps)])
    dump_state = tuple((d.format.name, d.size, d.mtime_ns) for d in dumps)
    return Validators.of(newest, request.url.path, offer.media_type, service_root(request), repr(dump_state))


def serialise(document: RdfDocument, offer: Offer) -> bytes:
    """The document in the chosen syntax, written by pyoxigraph like every other RDF answer of the server."""
    return document.serialise(rdf_format(offer))


def document_page(
    request: Request, graph: RdfDocument, validators: Validators, *, title: str, intro: str, root: str
) -> Response:
    """A document for a person: its Turtle in a page of the site, with a link to each RDF syntax."""
    formats = [
        (_LABELS[offer], offer.media_type, f"{request.url.path}?format={offer.names[0]}") for offer in GRAPH_OFFERS
    ]
    context = {"title": title, "intro": intro, "turtle": serialise(graph, TURTLE).decode(), "formats": formats}
    headers = {**validators.headers(), **vary_headers()}
    return render(request, "rdf_document.html", {**context, "root": root}, headers=headers)


def vary_headers() -> dict[str, str]:
    """The answer depends on Accept: caches keep one copy per representation."""
    return {"Vary": "Accept"}


def rdf_response(
    graph: RdfDocument,
    offer: Offer,
    validators: Validators,
    headers: Mapping[str, str] | None = None,
    *,
    name: str | None = None,
) -> Response:
    """The serialised graph with its validators; HEAD gets the same headers and no body (the server drops it).

    With `name`, a browser is told to show it rather than save it, and under which file name it is saved."""
    body = serialise(graph, offer)
    shown = {"Content-Disposition": f'inline; filename="{name}.{offer.names[0]}"'} if name else {}
    return Response(
        body,
        media_type=offer.media_type,
        headers={**validators.headers(), **vary_headers(), **shown, **(headers or {})},
    )
