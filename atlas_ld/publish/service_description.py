"""The W3C SPARQL 1.1 Service Description of the endpoint: what a bare endpoint cannot tell a client itself."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import BlankNode, Literal, NamedNode

from atlas_ld.publish.document import SD, RdfDocument, document_with
from atlas_ld.settings import Settings
from atlas_ld.vocab import RDF, RDFS

ENTAILMENT_SIMPLE = NamedNode("http://www.w3.org/ns/entailment/Simple")

_DEFAULT_GRAPH_COMMENTS = {
    "en": "The default graph is the union of all named graphs: one graph per project, plus the vocabulary and "
    "the code lists. GRAPH, FROM, FROM NAMED and the protocol's default-graph-uri / named-graph-uri pick "
    "single graphs.",
    "fr": "Le graphe par défaut est l'union de tous les graphes nommés : un graphe par projet, plus le "
    "vocabulaire et les listes de codes. GRAPH, FROM, FROM NAMED et les paramètres default-graph-uri / "
    "named-graph-uri du protocole désignent des graphes particuliers.",
}


def service_description(endpoint: str, settings: Settings, result_formats: Iterable[str]) -> RdfDocument:
    """The description of the endpoint reached at `endpoint` (the URL the client used); `result_formats` are the
    W3C format IRIs (http://www.w3.org/ns/formats/...) of what the endpoint can answer in.

    It says that a plain query sees the union of the project graphs (sd:UnionDefaultGraph), which result formats
    exist, and whether updates or SERVICE calls are possible.
    """
    doc = document_with(("sd", SD), ("rdfs", RDFS))
    service, dataset, default_graph = BlankNode(), BlankNode(), BlankNode()
    doc.add(service, RDF.type, SD.Service)
    doc.add(service, SD.endpoint, NamedNode(endpoint))
    label_fr = "Point d'accès SPARQL de l'Atlas de la coopération décentralisée"
    doc.add(service, RDFS.label, Literal(label_fr, language="fr"))
    doc.add(service, RDFS.label, Literal("SPARQL endpoint of the Atlas of decentralised cooperation", language="en"))
    doc.add(service, SD.supportedLanguage, SD.SPARQL11Query)
    if settings.enable_update:
        doc.add(service, SD.supportedLanguage, SD.SPARQL11Update)
    doc.add(service, SD.feature, SD.UnionDefaultGraph)
    if settings.service_allowlist:
        doc.add(service, SD.feature, SD.BasicFederatedQuery)
    doc.add(service, SD.defaultEntailmentRegime, ENTAILMENT_SIMPLE)
    for iri in result_formats:
        doc.add(service, SD.resultFormat, NamedNode(iri))
    doc.add(service, SD.defaultDataset, dataset)
    doc.add(dataset, RDF.type, SD.Dataset)
    doc.add(dataset, SD.defaultGraph, default_graph)
    doc.add(default_graph, RDF.type, SD.Graph)
    doc.lang_literals(default_graph, RDFS.comment, _DEFAULT_GRAPH_COMMENTS)
    return doc
