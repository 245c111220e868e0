"""Memento (RFC 7089) resources of the projects: the TimeMap of each, and each published version (URI-M) as RDF
or as a readable page. The project's IRI is its TimeGate (see `atlas_ld.web.routes.dereference`).

A version's triples are the project graph as it was then: kept in the history file once replaced, the store's own
graph while in force. They are served here only, never added to the store.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from werkzeug.http import http_date

from atlas_ld.media_types import HTML, Offer
from atlas_ld.publish.describe import Description
from atlas_ld.store.base import GraphStore
from atlas_ld.store.history import Version
from atlas_ld.web.conditional import Validators
from atlas_ld.web.dependencies import (
    ServedHistory,
    ServedSettings,
    ServedStore,
    ServedUris,
)
from atlas_ld.web.errors import not_found
from atlas_ld.web.links import suffix_of
from atlas_ld.web.memento import LINK_FORMAT, ProjectPast, french_datetime
from atlas_ld.web.negotiation import choose
from atlas_ld.web.rdf_documents import GRAPH_OFFERS
from atlas_ld.web.routes.dereference import PAGE_OR_DATA, not_found_document, serialise
from atlas_ld.web.routes.pages import Views, respond
from atlas_ld.web.views.resource_page import page_links, resource_context

_TEXT: dict[str, Any] = {"text/plain": {}}
_MEMENTO_CONTENT: dict[str, Any] = {**{o.media_type: {} for o in GRAPH_OFFERS}, "text/html": {}}
_NOT_MODIFIED = {"description": "Not modified since the client's copy (ETag, Last-Modified)."}
_TIMEMAP_DOC: dict[int | str, dict[str, Any]] = {
    200: {"description": "The TimeMap (RFC 7089 §5.1.1): the project's IRI, its TimeGate and every published version "
                         "with its datetime.", "content": {LINK_FORMAT: {}}},
    304: _NOT_MODIFIED,
    404: {"description": "No version of this project is on record.", "content": _TEXT},
}
_MEMENTO_DOC: dict[int | str, dict[str, Any]] = {
    200: {"description": "The version as it was published (Memento-Datetime), by Accept or by suffix: RDF, or a page "
                         "for browsers.", "content": _MEMENTO_CONTENT},
    304: _NOT_MODIFIED,
    404: {"description": "No such version of the project.", "content": {**_MEMENTO_CONTENT, **_TEXT}},
    406: {"description": "None of the accepted media types, or not this suffix, can be served.", "content": _TEXT},
}

router = APIRouter(tags=["Memento"], default_response_class=Response)
"""/timemap/ and /history/; mounted with the base URI's path as prefix (`UriScheme.root`)."""


@router.get("/timemap/project/{prj_id:int}", responses=_TIMEMAP_DOC, summary="A project's TimeMap (Memento)")
def timemap(request: Request, prj_id: int, history: ServedHistory, uris: ServedUris) -> Response:
    past = ProjectPast.of_project(history, uris, prj_id)
    if past is None:
        raise not_found(f"No version of project {prj_id} is on record.")
    # It changes only when a version is added or ended: the last of those times names its version.
    changed = max(t for v in past.versions for t in (v.since, v.until) if t is not None)
    validators = Validators.of(changed.timestamp(), request.url.path, repr(past.versions))
    if validators.matches(request.headers):
        return validators.not_modified()
    return Response(link_format(past), media_type=LINK_FORMAT, headers=validators.headers())


def link_format(past: ProjectPast) -> str:
    """The TimeMap in the syntax of RFC 6690, one link a line, as RFC 7089 §5.1.1 shows it."""
    mementos = past.mementos
    first, last = http_date(mementos[0].since), http_date(mementos[-1].since)
    entries = [
        f'<{past.iri}>; rel="original"',
        f'<{past.timemap}>; rel="self"; type="{LINK_FORMAT}"; from="{first}"; until="{last}"',
        f'<{past.iri}>; rel="timegate"',
    ]
    for index, version in enumerate(mementos):
        rel = " ".join([*(["first"] if index == 0 else []), *(["last"] if index == len(mementos) - 1 else []), "memento"])
        entries.append(f'<{past.memento(version.number)}>; rel="{rel}"; datetime="{http_date(version.since)}"')
    return ",\n".join(entries) + "\n"


@router.get(
    "/history/project/{prj_id:int}/{number:int}.{ext}", responses=_MEMENTO_DOC, summary="A version of a project, as RDF"
)
def memento_document(
    request: Request, prj_id: int, number: int, ext: str, store: ServedStore, history: ServedHistory, uris: ServedUris
) -> Response:
    offer = choose(GRAPH_OFFERS, suffix=ext)
    past = ProjectPast.of_project(history, uris, prj_id)
    return memento_rdf(request, offer, store, past or ProjectPast(uris, prj_id, ()), number, vary="")


@router.get(
    "/history/project/{prj_id:int}/{number:int}",
    responses=_MEMENTO_DOC,
    summary="A version of a project (Memento URI-M): its page or its RDF, by Accept",
)
def memento(
    request: Request,
    prj_id: int,
    number: int,
    store: ServedStore,
    history: ServedHistory,
    settings: ServedSettings,
    views: Views,
) -> Response:
    offer = choose(PAGE_OR_DATA, request)
    past = ProjectPast.of_project(history, views.uris, prj_id) or ProjectPast(views.uris, prj_id, ())
    if offer != HTML:
        return memento_rdf(request, offer, store, past, number, vary="Accept")
    version = past.version(number)
    if version is None:
        return _unknown(request, offer, past, number)
    validators = _validators(request, store, version, offer)
    headers = {**past.memento_headers(version), "Vary": "Accept"}
    if validators.matches(request.headers):
        return validators.not_modified(headers)
    triples = past.triples(version, store)
    # The version's own triples, and what the store calls the things it links to (authorities, concepts...).
    linked = {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)} - {t.subject.value for t in triples}
    description = Description([*triples, *views.browser.labels.triples(linked)])
    template, context = resource_context(views, description, past.iri, None, 1, settings)
    context |= {
        "page_template": template,
        "json_ld": None,  # search engines are to index the project's page, not its old versions
        "alternates": [(o.media_type, past.memento(number, suffix_of(o))) for o in GRAPH_OFFERS],
        "page_href": page_links(request.url.path, request.query_params),
        "memento": version,
        "ended_by": past.after(version),
        "previous": _neighbour(past, version, -1),
        "following": _neighbour(past, version, 1),
        "current_page": views.uris.page_path(past.iri),
        "timemap": past.timemap,
        "when": french_datetime,
    }
    response = respond(request, "memento.html", views.uris, context, validators)
    response.headers.update(headers)
    return response


def memento_rdf(
    request: Request, offer: Offer, store: GraphStore, past: ProjectPast, number: int, *, vary: str
) -> Response:
    """The version's triples in the format of `offer`, with Memento-Datetime and the links to its original."""
    version = past.version(number)
    if version is None:
        return _unknown(request, offer, past, number)
    validators = _validators(request, store, version, offer)
    headers = {**past.memento_headers(version), **({"Vary": vary} if vary else {})}
    if validators.matches(request.headers):
        return validators.not_modified(headers)
    body = serialise(past.triples(version, store), offer, past.uris.base, str(request.url))
    return Response(body, media_type=offer.media_type, headers={**validators.headers(), **headers})


def _validators(request: Request, store: GraphStore, version: Version, offer: Offer) -> Validators:
    """A memento's version: the store's last write (the version in force is the store's graph, and a page shows
    the store's labels), the version and its end, and the representation."""
    return Validators.of(store.last_modified(), request.url.path, offer.media_type, repr(version))


def _unknown(request: Request, offer: Offer, past: ProjectPast, number: int) -> Response:
    """404 for a number that is no published version (a withdrawal is none), in the format asked for."""
    return not_found_document(request, offer, past.memento_iri(number), past.uris.root)


def _neighbour(past: ProjectPast, version: Version, step: int) -> str | None:
    """The path of the memento before (-1) or after (1) this one, if any."""
    mementos = past.mementos
    index = mementos.index(version) + step
    return past.memento(mementos[index].number) if 0 <= index < len(mementos) else None
