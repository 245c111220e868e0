"""GET /.well-known/void: the VoID description of the dataset (RFC 8615 well-known location), Turtle by default."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Request, Response

from atlas_ld.datadir import DataDir
from atlas_ld.publish.dataset import VOID_PATH, Publication
from atlas_ld.publish.dump_files import current_dumps
from atlas_ld.publish.void import DatasetStatistics, dataset_statistics, void_graph
from atlas_ld.settings import Settings
from atlas_ld.store.embedded import GraphStore
from atlas_ld.uris import UriScheme
from atlas_ld.web.rdf_documents import (
    GRAPH_OFFERS,
    choose,
    document_responses,
    document_validators,
    rdf_response,
    service_root,
)


def void_router(settings: Settings, store: GraphStore) -> APIRouter:
    """The VoID route; statistics are counted once per version of the store."""
    router = APIRouter(tags=["dataset description"])
    dumps_dir = DataDir(settings.data_folder).dumps
    uris = UriScheme(settings.base_uri)

    @lru_cache(maxsize=2)
    def statistics(store_time: float) -> DatasetStatistics:
        # `store_time` only keys the cache: a new write gives a new count.
        return dataset_statistics(store, uris)

    @router.get(
        "/" + VOID_PATH,
        summary="VoID description of the dataset",
        response_class=Response,
        responses=document_responses("The VoID description."),
    )
    def void(request: Request) -> Response:
        """Triple, entity, class and property counts, the SPARQL endpoint, the dumps, the vocabularies used."""
        offer = choose(request, GRAPH_OFFERS)
        store_time = store.last_modified()
        dumps = current_dumps(dumps_dir)
        validators = document_validators(request, store_time, dumps, offer)
        if validators.matches(request.headers):
            return validators.not_modified({"Vary": "Accept"})
        pub = Publication.of(settings, service_root(request), store_time=store_time, dumps=dumps)
        return rdf_response(void_graph(pub, statistics(store_time)), offer, validators)

    return router
