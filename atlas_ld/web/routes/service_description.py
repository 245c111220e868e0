"""The W3C SPARQL 1.1 Service Description that /sparql answers to a GET without a query.

It tells clients what a bare endpoint cannot: that a plain query sees the union of the project graphs
(sd:UnionDefaultGraph), which result formats exist, and whether updates or SERVICE calls are possible.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef

from atlas_ld.media_types import RDF as RDF_OFFERS
from atlas_ld.media_types import RESULTS, negotiate, rdf_format, results_format
from atlas_ld.settings import Settings
from atlas_ld.web.errors import not_acceptable

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENTAILMENT_SIMPLE = URIRef("http://www.w3.org/ns/entailment/Simple")

_DEFAULT_GRAPH_COMMENTS = {
    "en": "The default graph is the union of all named graphs: one graph per project, plus the vocabulary and "
    "the code lists. GRAPH, FROM, FROM NAMED and the protocol's default-graph-uri / named-graph-uri pick "
    "single graphs.",
    "fr": "Le graphe par défaut est l'union de tous les graphes nommés : un graphe par projet, plus le "
    "vocabulaire et les listes de codes. GRAPH, FROM, FROM NAMED et les paramètres default-graph-uri / "
    "named-graph-uri du protocole désignent des graphes particuliers.",
}


def service_description(endpoint: str, settings: Settings) -> Graph:
    """The description of the endpoint reached at `endpoint` (the URL the client used)."""
    graph = Graph()
    graph.bind("sd", SD)
    service, dataset, default_graph = BNode(), BNode(), BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, RDFS.label, Literal("Point d'accès SPARQL de l'Atlas de la coopération décentralisée", "fr")))
    graph.add((service, RDFS.label, Literal("SPARQL endpoint of the Atlas of decentralised cooperation", "en")))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if settings.enable_update:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.service_allowlist:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT_SIMPLE))
    for offer in RESULTS:
        graph.add((service, SD.resultFormat, URIRef(results_format(offer).iri)))
    for offer in RDF_OFFERS:
        graph.add((service, SD.resultFormat, URIRef(rdf_format(offer).iri)))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    for language, comment in _DEFAULT_GRAPH_COMMENTS.items():
        graph.add((default_graph, RDFS.comment, Literal(comment, language)))
    return graph


def describe_service(request: Request, settings: Settings) -> Response:
    """The description in the RDF format the client asked for (Turtle by default)."""
    offer = negotiate(RDF_OFFERS, accept=request.headers.get("accept"), format=request.query_params.get("format"))
    if offer is None:
        raise not_acceptable(o.media_type for o in RDF_OFFERS)
    endpoint = str(request.url.replace(query=None, fragment=None))
    graph = service_description(endpoint, settings)
    # Written by pyoxigraph like every other RDF answer, so each media type has one serialiser.
    # Sorted, so that each subject's triples are adjacent and come out as one Turtle block.
    quads = sorted(ox.parse(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES), key=str)
    body = ox.serialize(
        quads,
        format=rdf_format(offer),
        prefixes={"sd": str(SD), "rdfs": str(RDFS)},
    )
    return Response(body, media_type=offer.media_type, headers={"Vary": "Accept"})
