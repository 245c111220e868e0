"""GET /sparql without a query: the W3C SPARQL 1.1 Service Description, in the RDF format the client asked for."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from atlas_ld.media_types import RDF as RDF_OFFERS
from atlas_ld.media_types import RESULTS, rdf_format, results_format
from atlas_ld.publish.service_description import service_description
from atlas_ld.settings import Settings
from atlas_ld.web.negotiation import choose
from atlas_ld.web.rdf_documents import serialise, vary_headers


def describe_service(request: Request, settings: Settings) -> Response:
    """The description in the RDF format the client asked for (Turtle by default)."""
    offer = choose(RDF_OFFERS, request)
    endpoint = str(request.url.replace(query=None, fragment=None))
    # What the endpoint answers in: the formats it negotiates, so the description cannot fall behind them.
    formats = [results_format(o).iri for o in RESULTS] + [rdf_format(o).iri for o in RDF_OFFERS]
    body = serialise(service_description(endpoint, settings, formats), offer)
    return Response(body, media_type=offer.media_type, headers=vary_headers())
