"""GET /.well-known/void: the VoID description of the dataset (RFC 8615 well-known location), Turtle by default."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

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
from atlas_ld.web.rdf_documents import GRAPH_OFFERS, document_responses, rdf_response

router = APIRouter(tags=["dataset description"])


@router.get(
    "/" + VOID_PATH,
    summary="VoID description of the dataset",
    response_class=Response,
    responses=document_responses("The VoID description."),
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
    asked = asked_document(request, GRAPH_OFFERS, store, dumps_folder)
    if (unchanged := asked.not_modified(request)) is not None:
        return unchanged
    # Counted once per version of the store: a new write gives a new count.
    statistics = kept.get("void statistics", lambda: dataset_statistics(store, uris))
    return rdf_response(void_graph(asked.publication(request, settings), statistics), asked.offer, asked.validators)
