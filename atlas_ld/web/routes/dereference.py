"""Dereferencing (W3C "Cool URIs for the Semantic Web", 303 pattern): {base}id/... and {base}def/... answer
303 See Other to an HTML page or to an RDF document, and /data/... serves the documents.

The steps, one function each: request path → IRI (the configured base, whatever host the request reached),
exists?, negotiate, redirect or describe and serialise. Unknown resources get 404 in the format asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response

from atlas_ld.publish.describe import (
    LabelCache,
    describe_resource,
    iri_node,
    resource_exists,
)
from atlas_ld.settings import Settings
from atlas_ld.store.embedded import GraphStore
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import prefixes
from atlas_ld.web.conditional import Validators
from atlas_ld.web.errors import not_acceptable
from atlas_ld.web.html import render
from atlas_ld.web.links import Links
from atlas_ld.web.negotiation import HTML, Offer, negotiate
from atlas_ld.web.rdf_documents import GRAPH_OFFERS

VARY = {"Vary": "Accept"}
_TEXT: dict[str, Any] = {"text/plain": {}}
_HTML_OR_TEXT: dict[str, Any] = {"text/html": {}, **_TEXT}


def suffix_of(offer: Offer) -> str:
    """The file suffix of a description in this format (`ttl`, `jsonld`, `nt`, `rdf`)."""
    return offer.names[0]


def see_other(location: str) -> Response:
    return Response(status_code=303, headers={"Location": location, **VARY})


def serialise(triples: list[ox.Triple], offer: Offer, base_uri: str) -> bytes:
    """pyoxigraph's serialisers, with the project's prefixes where the syntax has them."""
    rdf_format = ox.RdfFormat.from_media_type(offer.media_type)
    assert rdf_format is not None
    names = (
        prefixes(base_uri) if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD) else None
    )
    return ox.serialize(triples, format=rdf_format, prefixes=names)


def not_found_document(request: Request, offer: Offer, iri: str, root: str) -> Response:
    """404 in the representation the client asked for: an HTML page, or an empty but valid RDF document."""
    if offer == HTML:
        return render(
            request, "not_found.html", {"title": "Ressource inconnue", "iri": iri, "root": root}, status_code=404
        )
    body = ox.serialize([], format=ox.RdfFormat.from_media_type(offer.media_type))  # type: ignore[arg-type]
    if offer.media_type in ("text/turtle", "application/n-triples"):
        # Both syntaxes allow comments: say why the graph is empty. The IRI is re-serialised, never echoed raw.
        node = iri_node(iri)
        body = f"# Nothing is known about {node if node is not None else 'this address'}.\n".encode() + body
    return Response(body, status_code=404, media_type=offer.media_type, headers=VARY)


def resources_router(settings: Settings, store: GraphStore) -> APIRouter:
    """The /id/, /def/ and /data/ routes; mount with the base URI's path as prefix (`Links.root`)."""
    rdf_content = {offer.media_type: {} for offer in GRAPH_OFFERS}
    see_other_doc = {
        303: {"description": "See Other: the HTML page (for browsers) or the RDF description, by Accept."},
        # text/plain: a path that is no IRI (a control character in it) matches no route.
        404: {"description": "Unknown resource, in the asked format.", "content": {**rdf_content, **_HTML_OR_TEXT}},
        406: {"description": "None of the accepted media types can be served.", "content": _TEXT},
    }
    data_doc = {
        200: {"description": "The description, in the format the suffix names.", "content": rdf_content},
        304: {"description": "Not modified since the client's copy (ETag, Last-Modified)."},
        404: {"description": "Unknown resource: an empty graph in the same format.", "content": {**rdf_content, **_TEXT}},
        406: {"description": "Unknown suffix.", "content": _TEXT},
    }
    router = APIRouter(tags=["Linked data"], default_response_class=Response)
    uris = UriScheme(settings.base_uri)
    links = Links(settings.base_uri)
    vocabulary_graph = ox.NamedNode(uris.graph("vocabulary"))
    labels = LabelCache(store)

    def choose(request: Request) -> Offer:
        """?format= beats Accept. HTML comes last among equals, so `*/*` (curl) or no Accept gets Turtle and only
        a client that names text/html above the RDF types (a browser) gets the page."""
        offers = (*GRAPH_OFFERS, HTML)
        offer = negotiate(offers, accept=request.headers.get("accept"), format=request.query_params.get("format"))
        if offer is None:
            raise not_acceptable(o.media_type for o in offers)
        return offer

    def redirect(request: Request, iri: str, page: str, data: Callable[[str], str]) -> Response:
        offer = choose(request)
        if not resource_exists(store, iri):
            return not_found_document(request, offer, iri, links.root)
        return see_other(page if offer == HTML else data(suffix_of(offer)))

    @router.get(
        "/id/{key:path}", responses=see_other_doc, status_code=303, summary="A thing: 303 to its page or its data"
    )
    def thing(request: Request, key: str) -> Response:
        iri = links.iri_of_id(key)
        return redirect(request, iri, links.page(iri), lambda ext: links.data(iri, ext))

    @router.get(
        "/def/", responses=see_other_doc, status_code=303, summary="The vocabulary: 303 to its page or its data"
    )
    def vocabulary(request: Request) -> Response:
        return redirect(request, uris.vocab, links.page(uris.vocab), lambda ext: links.data(uris.vocab, ext))

    @router.get(
        "/def/{term}", responses=see_other_doc, status_code=303, summary="A vocabulary term: 303 to its documentation"
    )
    def term(request: Request, term: str) -> Response:
        iri = links.iri_of_term(term)
        return redirect(request, iri, links.page(iri), lambda ext: links.data(iri, ext))

    @router.get("/data/def.{ext}", responses=data_doc, summary="The whole vocabulary as RDF")
    def vocabulary_data(request: Request, ext: str) -> Response:
        return document(request, ext, uris.vocab, lambda: _graph_triples(store, vocabulary_graph))

    @router.get("/data/country/{iso3}.{ext}", responses=data_doc, summary="What the graph says of a country")
    def country_data(request: Request, iso3: str, ext: str) -> Response:
        iri = links.country_iri(iso3)
        return document(request, ext, iri, lambda: describe_resource(store, uris, iri, labels=labels))

    @router.get("/data/{key:path}.{ext}", responses=data_doc, summary="A thing's description as RDF")
    def thing_data(request: Request, key: str, ext: str) -> Response:
        iri = links.iri_of_id(key)
        return document(request, ext, iri, lambda: describe_resource(store, uris, iri, labels=labels))

    def document(request: Request, ext: str, iri: str, triples: Callable[[], list[ox.Triple]]) -> Response:
        offer = negotiate(GRAPH_OFFERS, suffix=ext)
        if offer is None:
            raise not_acceptable(suffix_of(o) for o in GRAPH_OFFERS)
        validators = Validators.of(store.last_modified(), request.url.path, offer.media_type, settings.base_uri)
        if validators.matches(request.headers):
            return validators.not_modified()
        found = triples()
        if not found:
            return not_found_document(request, offer, iri, links.root)
        headers = {**validators.headers(), "Link": _alternates_header(links, iri)}
        return Response(serialise(found, offer, settings.base_uri), media_type=offer.media_type, headers=headers)

    return router


def _graph_triples(store: GraphStore, graph: ox.NamedNode) -> list[ox.Triple]:
    result = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    assert isinstance(result, ox.QueryTriples)
    return sorted(result, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _alternates_header(links: Links, iri: str) -> str:
    """`Link: <...>; rel="alternate"` to the page and the other formats, as datasette does for its tables."""
    entries = [f'<{links.page(iri)}>; rel="alternate"; type="text/html"']
    entries += [f'<{href}>; rel="alternate"; type="{media_type}"' for media_type, href in links.alternates(iri)]
    return ", ".join(entries)
