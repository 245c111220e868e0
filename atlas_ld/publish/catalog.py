"""The DCAT-AP 3 catalogue: the dataset, its dump and endpoint distributions, the endpoint as a data service.

Every node that the DCAT-AP shapes constrain by class carries its rdf:type (licence, media types, themes,
publisher, contact point...): harvesters validate without inference, as the conformance test does.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS

from atlas_ld.publish.dataset import (
    DATASET_NAME,
    DCAT,
    XSD,
    Publication,
    describe_dataset_basics,
    describe_parties,
    lang_literals,
)
from atlas_ld.publish.dump_files import GZIP_MEDIA_TYPE, IANA_MEDIA_TYPE, DumpFile
from atlas_ld.store.embedded import GraphStore
from atlas_ld.vocab import SDMX_DIMENSION, atlas_namespace

EU_DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"

# data.gouv.fr harvests keywords, not themes: these are what the dataset is found by there.
KEYWORDS = {
    "fr": (
        "coopération décentralisée",
        "collectivités territoriales",
        "action extérieure des collectivités territoriales",
        "solidarité internationale",
        "aide publique au développement",
        "jumelage",
        "objectifs de développement durable",
        "données liées",
    ),
    "en": (
        "decentralised cooperation",
        "local authorities",
        "international cooperation",
        "development aid",
        "town twinning",
        "sustainable development goals",
        "linked data",
    ),
}
# EU data themes: the ministry's register of local authorities' international projects.
THEMES = {
    "GOVE": {"fr": "Gouvernement et secteur public", "en": "Government and public sector"},
    "INTR": {"fr": "Questions internationales", "en": "International issues"},
}
# Specifications the dumps conform to, by format name.
SPECIFICATIONS = {
    "turtle": ("https://www.w3.org/TR/turtle/", "RDF 1.1 Turtle"),
    "ntriples": ("https://www.w3.org/TR/n-triples/", "RDF 1.1 N-Triples"),
    "nquads": ("https://www.w3.org/TR/n-quads/", "RDF 1.1 N-Quads"),
    "jsonld": ("https://www.w3.org/TR/json-ld11/", "JSON-LD 1.1"),
}


@dataclass(frozen=True)
class YearSpan:
    first: int
    last: int


def temporal_coverage(store: GraphStore, base_uri: str) -> YearSpan | None:
    """The years the projects cover: signatures, starts, end dates and funding years; None for an empty store."""
    atlas = atlas_namespace(base_uri)
    query = f"""
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        SELECT (MIN(?year) AS ?first) (MAX(?year) AS ?last) WHERE {{
          {{ ?x {atlas.signatureYear} ?when }} UNION {{ ?x {atlas.startYear} ?when }}
          UNION {{ ?x {atlas.endDate} ?when }} UNION {{ ?x {SDMX_DIMENSION.refPeriod} ?when }}
          BIND(xsd:integer(SUBSTR(STR(?when), 1, 4)) AS ?year)
        }}"""
    row = next(iter(store.query(query)))  # type: ignore[call-overload]
    if row["first"] is None:
        return None
    return YearSpan(int(row["first"].value), int(row["last"].value))


def _typed(graph: Graph, node: URIRef | BNode, *classes: URIRef) -> URIRef | BNode:
    for cls in classes:
        graph.add((node, RDF.type, cls))
    return node


def _concept(graph: Graph, iri: str, labels: dict[str, str], scheme: URIRef) -> URIRef:
    concept = URIRef(iri)
    _typed(graph, concept, SKOS.Concept)
    lang_literals(graph, concept, SKOS.prefLabel, labels)
    graph.add((concept, SKOS.inScheme, scheme))
    return concept


def _standard(graph: Graph, iri: str, title: str) -> URIRef:
    standard = URIRef(iri)
    _typed(graph, standard, DCTERMS.Standard)
    graph.add((standard, DCTERMS.title, Literal(title, lang="en")))
    return standard


def _contact_point(graph: Graph, pub: Publication) -> BNode:
    contact = BNode()
    _typed(graph, contact, VCARD.Kind, VCARD.Organization)
    graph.add((contact, VCARD.fn, Literal(pub.settings.publisher_name, lang="fr")))
    if pub.settings.contact_email:
        graph.add((contact, VCARD.hasEmail, URIRef("mailto:" + pub.settings.contact_email)))
    if pub.settings.contact_url:
        graph.add((contact, VCARD.hasURL, URIRef(pub.settings.contact_url)))
    return contact


def _describe_licence(graph: Graph, licence: URIRef) -> None:
    """Licence Ouverte requires attribution: said with the ADMS licence-type vocabulary DCAT-AP recommends."""
    attribution = URIRef(ADMS_LICENCE_TYPE + "Attribution")
    _typed(graph, attribution, SKOS.Concept)
    graph.add((attribution, SKOS.prefLabel, Literal("Attribution", lang="en")))
    graph.add((licence, DCTERMS.type, attribution))


def add_dump_distribution(graph: Graph, pub: Publication, dump: DumpFile, licence: URIRef) -> URIRef:
    """A gzipped dump as a dcat:Distribution: where to get it, its format, size and date."""
    fmt = dump.format
    node = URIRef(pub.distribution(fmt))
    _typed(graph, node, DCAT.Distribution)
    graph.add((node, DCTERMS.title, Literal(f"Dump {fmt.label} (gzip)", lang="en")))
    graph.add((node, DCTERMS.title, Literal(f"Export {fmt.label} (gzip)", lang="fr")))
    scope = "named graphs kept" if fmt.with_graphs else "union of the graphs"
    graph.add((node, DCTERMS.description, Literal(f"The whole dataset in {fmt.label}, {scope}.", lang="en")))
    graph.add((node, DCAT.accessURL, URIRef(pub.dumps_url)))
    graph.add((node, DCAT.downloadURL, URIRef(pub.download_url(fmt))))
    graph.add((node, DCTERMS.format, _typed(graph, URIRef(fmt.eu_file_type), DCTERMS.MediaTypeOrExtent)))
    graph.add((node, DCAT.mediaType, _typed(graph, URIRef(fmt.iana_media_type), DCTERMS.MediaType)))
    gzip_type = _typed(graph, URIRef(IANA_MEDIA_TYPE + GZIP_MEDIA_TYPE), DCTERMS.MediaType)
    graph.add((node, DCAT.compressFormat, gzip_type))
    graph.add((node, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)))
    modified = dump.modified.replace(microsecond=0).isoformat()
    graph.add((node, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    graph.add((node, DCTERMS.license, licence))
    graph.add((node, DCTERMS.conformsTo, _standard(graph, *SPECIFICATIONS[fmt.name])))
    return node


def add_endpoint(graph: Graph, pub: Publication, dataset: URIRef, licence: URIRef, publisher: URIRef) -> URIRef:
    """The SPARQL endpoint as a dcat:DataService, and as a distribution of the dataset through that service."""
    service = URIRef(pub.uris.data_service("sparql"))
    endpoint = URIRef(pub.endpoint_url)
    _typed(graph, service, DCAT.DataService)
    graph.add((service, DCTERMS.title, Literal("Point d'accès SPARQL de l'Atlas", lang="fr")))
    graph.add((service, DCTERMS.title, Literal("SPARQL endpoint of the Atlas", lang="en")))
    graph.add((service, DCTERMS.description, Literal(
        "SPARQL 1.1 en lecture seule ; le graphe par défaut est l'union des graphes des projets.", lang="fr"
    )))
    graph.add((service, DCTERMS.description, Literal(
        "Read-only SPARQL 1.1; the default graph is the union of the project graphs.", lang="en"
    )))
    graph.add((service, DCAT.endpointURL, endpoint))
    # A GET without a query returns the W3C service description.
    graph.add((service, DCAT.endpointDescription, endpoint))
    graph.add((service, DCAT.servesDataset, dataset))
    graph.add((service, DCTERMS.conformsTo, _standard(graph, SPARQL_PROTOCOL, "SPARQL 1.1 Protocol")))
    graph.add((service, DCTERMS.license, licence))
    graph.add((service, DCTERMS.publisher, publisher))
    graph.add((service, DCAT.keyword, Literal("SPARQL")))

    distribution = URIRef(pub.uris.distribution(DATASET_NAME, "sparql"))
    _typed(graph, distribution, DCAT.Distribution)
    graph.add((distribution, DCTERMS.title, Literal("Point d'accès SPARQL", lang="fr")))
    graph.add((distribution, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    graph.add((distribution, DCAT.accessURL, endpoint))
    graph.add((distribution, DCAT.accessService, service))
    graph.add((distribution, DCTERMS.license, licence))
    graph.add((dataset, DCAT.distribution, distribution))
    return service


def _new_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in (
        ("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("skos", SKOS), ("vcard", VCARD), ("xsd", XSD),
        ("rdfs", RDFS),
    ):
        graph.bind(prefix, namespace)
    return graph


def distributions_graph(pub: Publication) -> Graph:
    """The dataset's dumps as DCAT distributions, without the rest of the catalogue: the RDF view of /dumps/."""
    graph = _new_graph()
    dataset = URIRef(pub.dataset)
    _typed(graph, dataset, DCAT.Dataset)
    lang_literals(graph, dataset, DCTERMS.title, pub.titles)
    _publisher, licence = describe_parties(graph, pub)
    for dump in pub.dumps:
        graph.add((dataset, DCAT.distribution, add_dump_distribution(graph, pub, dump, licence)))
    return graph


def catalog_graph(pub: Publication, coverage: YearSpan | None) -> Graph:
    """The catalogue of this server: one dataset, its distributions and its SPARQL data service."""
    graph = _new_graph()
    catalog = URIRef(pub.uris.catalog())
    dataset = URIRef(pub.dataset)
    home = _typed(graph, URIRef(pub.home_url), FOAF.Document)
    french = _typed(graph, URIRef(EU_LANGUAGE + "FRA"), DCTERMS.LinguisticSystem)
    themes = _typed(graph, URIRef(EU_DATA_THEME), SKOS.ConceptScheme)
    lang_literals(graph, themes, DCTERMS.title, {"en": "Data theme", "fr": "Thème des données"})

    _typed(graph, catalog, DCAT.Catalog)
    describe_dataset_basics(graph, catalog, pub)
    publisher, licence = URIRef(pub.settings.publisher_uri), URIRef(pub.settings.license_uri)
    _describe_licence(graph, licence)
    graph.add((catalog, FOAF.homepage, home))
    graph.add((catalog, DCTERMS.language, french))
    graph.add((catalog, DCAT.themeTaxonomy, themes))
    graph.add((catalog, DCAT.dataset, dataset))

    _typed(graph, dataset, DCAT.Dataset)
    describe_dataset_basics(graph, dataset, pub)
    graph.add((dataset, DCTERMS.identifier, Literal(pub.dataset)))
    graph.add((dataset, DCAT.landingPage, home))
    graph.add((dataset, DCTERMS.language, french))
    graph.add((dataset, DCAT.contactPoint, _contact_point(graph, pub)))
    for lang, words in KEYWORDS.items():
        for word in words:
            graph.add((dataset, DCAT.keyword, Literal(word, lang=lang)))
    for code, labels in THEMES.items():
        graph.add((dataset, DCAT.theme, _concept(graph, f"{EU_DATA_THEME}/{code}", labels, themes)))
    if coverage is not None:
        period = _typed(graph, BNode(), DCTERMS.PeriodOfTime)
        graph.add((period, DCAT.startDate, Literal(f"{coverage.first:04d}-01-01", datatype=XSD.date)))
        graph.add((period, DCAT.endDate, Literal(f"{coverage.last:04d}-12-31", datatype=XSD.date)))
        graph.add((dataset, DCTERMS.temporal, period))
    for dump in pub.dumps:
        graph.add((dataset, DCAT.distribution, add_dump_distribution(graph, pub, dump, licence)))
    graph.add((catalog, DCAT.service, add_endpoint(graph, pub, dataset, licence, publisher)))
    return graph
