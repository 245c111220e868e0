"""GET /catalog: the DCAT-AP 3 catalogue of the dataset, its dumps and its SPARQL endpoint, Turtle by default."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from atlas_ld.publish.catalog import catalog_graph, temporal_coverage
from atlas_ld.publish.dataset import CATALOG_PATH
from atlas_ld.web.dataset_documents import asked_document
from atlas_ld.web.dependencies import (
    DumpsFolder,
    KeptValues,
    ServedSettings,
    ServedStore,
)
from atlas_ld.web.rdf_documents import GRAPH_OFFERS, document_responses, rdf_response

router = APIRouter(tags=["dataset description"])


@router.get(
    "/" + CATALOG_PATH,
    summary="DCAT-AP 3 catalogue",
    response_class=Response,
    responses=document_responses("The catalogue."),
)
def catalog(
    request: Request, settings: ServedSettings, store: ServedStore, dumps_folder: DumpsFolder, kept: KeptValues
) -> Response:
    """dcat:Catalog → dcat:Dataset (keywords, themes, licence, publisher, temporal coverage) → a distribution
    per dump and one through the SPARQL endpoint, itself a dcat:DataService."""
    asked = asked_document(request, GRAPH_OFFERS, store, dumps_folder)
    if (unchanged := asked.not_modified(request)) is not None:
        return unchanged
    # Queried once per version of the store: a new write may widen the years.
    coverage = kept.get("temporal coverage", lambda: temporal_coverage(store, settings.base_uri))
    return rdf_response(catalog_graph(asked.publication(request, settings), coverage), asked.offer, asked.validators)
