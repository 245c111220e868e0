"""GET /catalog: the DCAT-AP 3 catalogue of the dataset, its dumps and its SPARQL endpoint, Turtle by default."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from atlas_ld.media_types import HTML
from atlas_ld.publish.catalog import catalog_graph, temporal_coverage
from atlas_ld.publish.dataset import CATALOG_PATH
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
    "/" + CATALOG_PATH,
    summary="DCAT-AP 3 catalogue",
    response_class=Response,
    responses=document_responses("The catalogue; a page for a browser.", PAGE_OFFERS),
)
def catalog(
    request: Request,
    settings: ServedSettings,
    store: ServedStore,
    uris: ServedUris,
    dumps_folder: DumpsFolder,
    kept: KeptValues,
) -> Response:
    """dcat:Catalog → dcat:Dataset (keywords, themes, licence, publisher, temporal coverage) → a distribution
    per dump and one through the SPARQL endpoint, itself a dcat:DataService."""
    asked = asked_document(request, PAGE_OFFERS, store, dumps_folder)
    if (unchanged := asked.not_modified(request)) is not None:
        return unchanged
    # Queried once per version of the store: a new write may widen the years.
    coverage = kept.get("temporal coverage", lambda: temporal_coverage(store, settings.base_uri))
    graph = catalog_graph(asked.publication(request, settings), coverage)
    if asked.offer == HTML:
        intro = "Le catalogue DCAT-AP du jeu de données : ses exports, son point d'accès SPARQL, sa licence."
        return document_page(request, graph, asked.validators, title="Catalogue", intro=intro, root=uris.root)
    return rdf_response(graph, asked.offer, asked.validators, name="catalog")
