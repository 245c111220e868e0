"""GET /catalog: the DCAT-AP 3 catalogue of the dataset, its dumps and its SPARQL endpoint, Turtle by default."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Request, Response

from atlas_ld.datadir import DataDir
from atlas_ld.publish.catalog import YearSpan, catalog_graph, temporal_coverage
from atlas_ld.publish.dataset import CATALOG_PATH, Publication
from atlas_ld.publish.dump_files import current_dumps
from atlas_ld.settings import Settings
from atlas_ld.store.embedded import GraphStore
from atlas_ld.web.rdf_documents import (
    GRAPH_OFFERS,
    choose,
    document_responses,
    document_validators,
    rdf_response,
    service_root,
)


def catalog_router(settings: Settings, store: GraphStore) -> APIRouter:
    """The catalogue route; the temporal coverage is queried once per version of the store."""
    router = APIRouter(tags=["dataset description"])
    dumps_dir = DataDir(settings.data_folder).dumps

    @lru_cache(maxsize=2)
    def coverage(store_time: float) -> YearSpan | None:
        # `store_time` only keys the cache: a new write may widen the years.
        return temporal_coverage(store, settings.base_uri)

    @router.get(
        "/" + CATALOG_PATH,
        summary="DCAT-AP 3 catalogue",
        response_class=Response,
        responses=document_responses("The catalogue."),
    )
    def catalog(request: Request) -> Response:
        """dcat:Catalog → dcat:Dataset (keywords, themes, licence, publisher, temporal coverage) → a distribution
        per dump and one through the SPARQL endpoint, itself a dcat:DataService."""
        offer = choose(request, GRAPH_OFFERS)
        store_time = store.last_modified()
        dumps = current_dumps(dumps_dir)
        validators = document_validators(request, store_time, dumps, offer)
        if validators.matches(request.headers):
            return validators.not_modified({"Vary": "Accept"})
        pub = Publication.of(settings, service_root(request), store_time=store_time, dumps=dumps)
        return rdf_response(catalog_graph(pub, coverage(store_time)), offer, validators)

    return router
