"""GET /.well-known/void: the VoID description of the dataset (RFC 8615 well-known location), Turtle by default."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from atlas_ld.media_types import HTML
from atlas_ld.publish.dataset import VOID_PATH
from atlas_ld.publish.void import dataset_statistics, void_graph
from atlas_ld.web.dataset_documents import asked_document
from atlas_ld.web.dependencies import (
    DumpsFolder,
    KeptValues,
    ServedSettings,
    ServedStore,
    ServedUris,
)
from atlas_ld.web.rdf_documents import (
    PAGE_OFFERS,
    document_page,
    document_responses,
    rdf_response,
)

router = APIRouter(tags=["dataset description"])


@router.get(
    "/" + VOID_PATH,
    summary="VoID description of the dataset",
    response_class=Response,
    responses=document_responses("The VoID description; a page for a browser.", PAGE_OFFERS),
)
def void(
    request: Request,
    settings: ServedSettings,
    store: ServedStore,
    uris: ServedUris,
    dumps_folder: DumpsFolder,
    kept: KeptValues,
) -> Response:
    """Triple, entity, class and property counts, the SPARQL endpoint, the dumps, the vocabularies used."""
    asked = asked_document(request, PAGE_OFFERS, store, dumps_folder)
    if (unchanged := asked.not_modified(request)) is not None:
        return unchanged
    # Counted once per version of the store: a new write gives a new count.
    statistics = kept.get("void statistics", lambda: dataset_statistics(store, uris))
    graph = void_graph(asked.publication(request, settings), statistics)
    if asked.offer == HTML:
        intro = "La description VoID du jeu de données : ses effectifs, ses vocabulaires, ses exports."
        return document_page(request, graph, asked.validators, title="Description VoID", intro=intro, root=uris.root)
    return rdf_response(graph, asked.offer, asked.validators, name="void")
