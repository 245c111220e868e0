"""Dereferencing (W3C "Cool URIs for the Semantic Web", 303 pattern): {base}id/... and {base}def/... answer
303 See Other to an HTML page or to an RDF document, and /data/... serves the documents.

The steps, one function each: request path → IRI (the configured base, whatever host the request reached),
exists?, negotiate, redirect or describe and serialise. Unknown resources get 404 in the format asked for.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request, Response

from atlas_ld.media_types import HTML, Offer
from atlas_ld.publish.describe import (
    LabelCache,
    describe_resource,
    iri_node,
    resource_exists,
)
from atlas_ld.publish.jsonld import CONTEXT_PATH, context_document, write_graph
from atlas_ld.settings import Settings
from atlas_ld.store.base import GraphStore
from atlas_ld.uris import UriScheme
from atlas_ld.web.conditional import Validators
from atlas_ld.web.dependencies import (
    Labels,
    ServedHistory,
    ServedSettings,
    ServedStore,
    ServedUris,
)
from atlas_ld.web.html import render
from atlas_ld.web.links import alternates_header, suffix_of
from atlas_ld.web.memento import (
    ORIGINAL_RESPONSES,
    HistoryReader,
    ProjectPast,
    gone_page,
)
from atlas_ld.web.negotiation import choose
from atlas_ld.web.rdf_documents import GRAPH_OFFERS

VARY = {"Vary": "Accept"}
_TEXT: dict[str, Any] = {"text/plain": {}}
_HTML_OR_TEXT: dict[str, Any] = {"text/html": {}, **_TEXT}


def see_other(location: str) -> Response:
    return Response(status_code=303, headers={"Location": location, **VARY})


def serialise(triples: list[ox.Triple], offer: Offer, base_uri: str, reached: str | None = None) -> bytes:
    """The triples as the site writes them (`write_graph`: prefixes, compacted JSON-LD) in the offer's syntax."""
    rdf_format = ox.RdfFormat.from_media_type(offer.media_type)
    assert rdf_format is not None
    out = io.BytesIO()
    write_graph(triples, rdf_format, base_uri, out, reached)
    return out.getvalue()


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


def gone_document(request: Request, offer: Offer, past: ProjectPast, store: GraphStore) -> Response:
    """410 for a withdrawn project, in the representation asked for: since when, and its last version."""
    if offer == HTML:
        return gone_page(request, past, store)
    body = serialise(past.gone_triples(), offer, past.uris.base, str(request.url))
    return Response(body, status_code=410, media_type=offer.media_type)


_RDF_CONTENT: dict[str, Any] = {offer.media_type: {} for offer in GRAPH_OFFERS}
_SEE_OTHER_DOC: dict[int | str, dict[str, Any]] = {
    303: {"description": "See Other: the HTML page (for browsers) or the RDF description, by Accept."},
    # text/plain: a path that is no IRI (a control character in it) matches no route.
    404: {"description": "Unknown resource, in the asked format.", "content": {**_RDF_CONTENT, **_HTML_OR_TEXT}},
    406: {"description": "None of the accepted media types can be served.", "content": _TEXT},
}
_DATA_DOC: dict[int | str, dict[str, Any]] = {
    200: {"description": "The description, in the format the suffix names.", "content": _RDF_CONTENT},
    304: {"description": "Not modified since the client's copy (ETag, Last-Modified)."},
    404: {"description": "Unknown resource: an empty graph in the same format.", "content": {**_RDF_CONTENT, **_TEXT}},
    406: {"description": "Unknown suffix.", "content": _TEXT},
}
_GONE = {410: {"description": "A project withdrawn from the Atlas: since when, and its last version (memento).",
               "content": {**_RDF_CONTENT, "text/html": {}}}}
_PROJECT_SEE_OTHER_DOC = {**_SEE_OTHER_DOC, **ORIGINAL_RESPONSES, **_GONE}
_PROJECT_DATA_DOC = {**_DATA_DOC, **ORIGINAL_RESPONSES, 410: {**_GONE[410], "content": _RDF_CONTENT}}
# HTML comes last among equals, so `*/*` (curl) or no Accept gets Turtle and only a client that names text/html
# above the RDF types (a browser) gets the page.
PAGE_OR_DATA: tuple[Offer, ...] = (*GRAPH_OFFERS, HTML)

router = APIRouter(tags=["Linked data"], default_response_class=Response)
"""The /id/, /def/ and /data/ routes; mounted with the base URI's path as prefix (`UriScheme.root`)."""


@dataclass(frozen=True)
class LinkedData:
    """What dereferencing reads for every request: the app's store, its URIs, its labels, the base in its settings."""

    settings: Settings
    store: GraphStore
    uris: UriScheme
    labels: LabelCache
    history: HistoryReader

    def redirect(self, request: Request, iri: str) -> Response:
        """303 to the page or to the description in the negotiated format; 404 in that format when nothing is
        known."""
        offer = choose(PAGE_OR_DATA, request)
        if not resource_exists(self.store, iri):
            return not_found_document(request, offer, iri, self.uris.root)
        uris = self.uris
        return see_other(uris.page_path(iri) if offer == HTML else uris.data_path(iri, suffix_of(offer)))

    def description(self, iri: str) -> list[ox.Triple]:
        return describe_resource(self.store, self.uris, iri, labels=self.labels)

    def vocabulary(self) -> list[ox.Triple]:
        """The vocabulary's own graph, whole."""
        graph = ox.NamedNode(self.uris.graph("vocabulary"))
        result = self.store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        assert isinstance(result, ox.QueryTriples)
        return sorted(result, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    def document(self, request: Request, ext: str, iri: str, triples: Callable[[], list[ox.Triple]]) -> Response:
        """The description in the format the suffix names; 304 while the store is unchanged, 404 when empty."""
        offer = choose(GRAPH_OFFERS, suffix=ext)
        base_uri = self.settings.base_uri
        validators = Validators.of(self.store.last_modified(), request.url.path, offer.media_type, base_uri)
        if validators.matches(request.headers):
            return validators.not_modified()
        found = triples()
        if not found:
            return not_found_document(request, offer, iri, self.uris.root)
        headers = {**validators.headers(), "Link": alternates_header(self.uris, iri)}
        body = serialise(found, offer, base_uri, str(request.url))
        return Response(body, media_type=offer.media_type, headers=headers)

    def original(
        self, request: Request, key: str, offer: Offer, answer: Callable[[], Response], *, suffix: str | None, vary: str
    ) -> Response:
        """`answer()`, unless the thing is a project with a history: then a TimeGate (302 by Accept-Datetime, to
        the memento's document of `suffix`), 410 once withdrawn, and the Memento links on every answer."""
        past = ProjectPast.of(self.history, self.uris, key)
        if past is None:
            return answer()
        return past.respond(
            request, answer, lambda: gone_document(request, offer, past, self.store), suffix=suffix, vary=vary
        )


async def linked_data(
    settings: ServedSettings, store: ServedStore, uris: ServedUris, labels: Labels, history: ServedHistory
) -> LinkedData:
    return LinkedData(settings, store, uris, labels, history)


Served = Annotated[LinkedData, Depends(linked_data)]


@router.get(
    "/id/{key:path}", responses=_PROJECT_SEE_OTHER_DOC, status_code=303, summary="A thing: 303 to its page or its data"
)
def thing(request: Request, key: str, served: Served) -> Response:
    offer = choose(PAGE_OR_DATA, request)
    # A browser's memento is the negotiated URI-M, which the TimeMap lists; an RDF client's, its document.
    suffix = None if offer == HTML else suffix_of(offer)
    return served.original(
        request, key, offer, lambda: served.redirect(request, served.uris.thing(key)), suffix=suffix, vary="Accept"
    )


@router.get("/def/", responses=_SEE_OTHER_DOC, status_code=303, summary="The vocabulary: 303 to its page or its data")
def vocabulary(request: Request, served: Served) -> Response:
    return served.redirect(request, served.uris.vocab)


@router.get(
    "/def/{term}", responses=_SEE_OTHER_DOC, status_code=303, summary="A vocabulary term: 303 to its documentation"
)
def term(request: Request, term: str, served: Served) -> Response:
    return served.redirect(request, served.uris.term(term))


@router.get("/data/def.{ext}", responses=_DATA_DOC, summary="The whole vocabulary as RDF")
def vocabulary_data(request: Request, ext: str, served: Served) -> Response:
    return served.document(request, ext, served.uris.vocab, served.vocabulary)


@router.get("/data/country/{iso3}.{ext}", responses=_DATA_DOC, summary="What the graph says of a country")
def country_data(request: Request, iso3: str, ext: str, served: Served) -> Response:
    iri = served.uris.country(iso3)
    return served.document(request, ext, iri, lambda: served.description(iri))


@router.get("/data/{key:path}.{ext}", responses=_PROJECT_DATA_DOC, summary="A thing's description as RDF")
def thing_data(request: Request, key: str, ext: str, served: Served) -> Response:
    iri = served.uris.thing(key)
    offer = choose(GRAPH_OFFERS, suffix=ext)

    def answer() -> Response:
        return served.document(request, ext, iri, lambda: served.description(iri))

    return served.original(request, key, offer, answer, suffix=suffix_of(offer), vary="")


@router.get(
    "/" + CONTEXT_PATH,
    summary="The JSON-LD context that the compacted JSON-LD documents name",
    responses={200: {"content": {"application/ld+json": {}}}},
)
def jsonld_context(served: Served) -> Response:
    body = json.dumps(context_document(served.settings.base_uri), indent=1).encode()
    # JSON-LD processors fetch it for every document they read: let them keep it a day.
    return Response(body, media_type="application/ld+json", headers={"Cache-Control": "public, max-age=86400"})
