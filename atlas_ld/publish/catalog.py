"""The DCAT-AP 3 catalogue: the dataset, its dump and endpoint distributions, the endpoint as a data service.

Every node that the DCAT-AP shapes constrain by class carries its rdf:type (licence, media types, themes,
publisher, contact point...): harvesters validate without inference, as the conformance test does.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode

from atlas_ld.publish.dataset import (
    DATASET_NAME,
    Publication,
    date_time,
    describe_dataset_basics,
    describe_parties,
)
from atlas_ld.publish.document import DCAT, RdfDocument, document_with
from atlas_ld.publish.dumps import GZIP_MEDIA_TYPE, IANA_MEDIA_TYPE, DumpFile
from atlas_ld.store.base import GraphStore
from atlas_ld.vocab import (
    DCTERMS,
    FOAF,
    RDFS,
    SDMX_DIMENSION,
    SKOS,
    VCARD,
    XSD,
    atlas_namespace,
)

EU_DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"
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


def _concept(doc: RdfDocument, iri: str, labels: dict[str, str], scheme: NamedNode) -> NamedNode:
    concept = NamedNode(iri)
    doc.typed(concept, SKOS.Concept)
    doc.lang_literals(concept, SKOS.prefLabel, labels)
    doc.add(concept, SKOS.inScheme, scheme)
    return concept


def _standard(doc: RdfDocument, iri: str, title: str) -> NamedNode:
    standard = NamedNode(iri)
    doc.typed(standard, DCTERMS.Standard)
    doc.add(standard, DCTERMS.title, Literal(title, language="en"))
    return standard


def _contact_point(doc: RdfDocument, pub: Publication) -> BlankNode:
    contact = BlankNode()
    doc.typed(contact, VCARD.Kind, VCARD.Organization)
    doc.add(contact, VCARD.fn, Literal(pub.settings.publisher_name, language="fr"))
    if pub.settings.contact_email:
        doc.add(contact, VCARD.hasEmail, NamedNode("mailto:" + pub.settings.contact_email))
    if pub.settings.contact_url:
        doc.add(contact, VCARD.hasURL, NamedNode(pub.settings.contact_url))
    return contact


def _describe_licence(doc: RdfDocument, licence: NamedNode) -> None:
    """Licence Ouverte requires attribution: said with the ADMS licence-type vocabulary DCAT-AP recommends."""
    attribution = NamedNode(ADMS_LICENCE_TYPE + "Attribution")
    doc.typed(attribution, SKOS.Concept)
    doc.add(attribution, SKOS.prefLabel, Literal("Attribution", language="en"))
    doc.add(licence, DCTERMS.type, attribution)


def add_dump_distribution(doc: RdfDocument, pub: Publication, dump: DumpFile, licence: NamedNode) -> NamedNode:
    """A gzipped dump as a dcat:Distribution: where to get it, its format, size and date."""
    fmt = dump.format
    node = NamedNode(pub.distribution(fmt))
    doc.typed(node, DCAT.Distribution)
    doc.add(node, DCTERMS.title, Literal(f"Dump {fmt.label} (gzip)", language="en"))
    doc.add(node, DCTERMS.title, Literal(f"Export {fmt.label} (gzip)", language="fr"))
    scope = "named graphs kept" if fmt.with_graphs else "union of the graphs"
    doc.add(node, DCTERMS.description, Literal(f"The whole dataset in {fmt.label}, {scope}.", language="en"))
    doc.add(node, DCAT.accessURL, NamedNode(pub.dumps_url))
    doc.add(node, DCAT.downloadURL, NamedNode(pub.download_url(fmt)))
    doc.add(node, DCTERMS.format, doc.typed(NamedNode(fmt.eu_file_type), DCTERMS.MediaTypeOrExtent))
    doc.add(node, DCAT.mediaType, doc.typed(NamedNode(fmt.iana_media_type), DCTERMS.MediaType))
    gzip_type = doc.typed(NamedNode(IANA_MEDIA_TYPE + GZIP_MEDIA_TYPE), DCTERMS.MediaType)
    doc.add(node, DCAT.compressFormat, gzip_type)
    doc.add(node, DCAT.byteSize, Literal(str(dump.size), datatype=XSD.nonNegativeInteger))
    doc.add(node, DCTERMS.modified, date_time(dump.modified))
    doc.add(node, DCTERMS.license, licence)
    doc.add(node, DCTERMS.conformsTo, _standard(doc, *SPECIFICATIONS[fmt.name]))
    return node


def add_endpoint(
    doc: RdfDocument, pub: Publication, dataset: NamedNode, licence: NamedNode, publisher: NamedNode
) -> NamedNode:
    """The SPARQL endpoint as a dcat:DataService, and as a distribution of the dataset through that service."""
    service = NamedNode(pub.uris.data_service("sparql"))
    endpoint = NamedNode(pub.endpoint_url)
    doc.typed(service, DCAT.DataService)
    doc.add(service, DCTERMS.title, Literal("Point d'accès SPARQL de l'Atlas", language="fr"))
    doc.add(service, DCTERMS.title, Literal("SPARQL endpoint of the Atlas", language="en"))
    doc.add(service, DCTERMS.description, Literal(
        "SPARQL 1.1 en lecture seule ; le graphe par défaut est l'union des graphes des projets.", language="fr"
    ))
    doc.add(service, DCTERMS.description, Literal(
        "Read-only SPARQL 1.1; the default graph is the union of the project graphs.", language="en"
    ))
    doc.add(service, DCAT.endpointURL, endpoint)
    # A GET without a query returns the W3C service description.
    doc.add(service, DCAT.endpointDescription, endpoint)
    doc.add(service, DCAT.servesDataset, dataset)
    doc.add(service, DCTERMS.conformsTo, _standard(doc, SPARQL_PROTOCOL, "SPARQL 1.1 Protocol"))
    doc.add(service, DCTERMS.license, licence)
    doc.add(service, DCTERMS.publisher, publisher)
    doc.add(service, DCAT.keyword, Literal("SPARQL"))

    distribution = NamedNode(pub.uris.distribution(DATASET_NAME, "sparql"))
    doc.typed(distribution, DCAT.Distribution)
    doc.add(distribution, DCTERMS.title, Literal("Point d'accès SPARQL", language="fr"))
    doc.add(distribution, DCTERMS.title, Literal("SPARQL endpoint", language="en"))
    doc.add(distribution, DCAT.accessURL, endpoint)
    doc.add(distribution, DCAT.accessService, service)
    doc.add(distribution, DCTERMS.license, licence)
    doc.add(dataset, DCAT.distribution, distribution)
    return service


def _new_document() -> RdfDocument:
    return document_with(
        ("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("skos", SKOS), ("vcard", VCARD), ("xsd", XSD),
        ("rdfs", RDFS),
    )


def distributions_graph(pub: Publication) -> RdfDocument:
    """The dataset's dumps as DCAT distributions, without the rest of the catalogue: the RDF view of /dumps/."""
    doc = _new_document()
    dataset = NamedNode(pub.dataset)
    doc.typed(dataset, DCAT.Dataset)
    doc.lang_literals(dataset, DCTERMS.title, pub.titles)
    _publisher, licence = describe_parties(doc, pub)
    for dump in pub.dumps:
        doc.add(dataset, DCAT.distribution, add_dump_distribution(doc, pub, dump, licence))
    return doc


def catalog_graph(pub: Publication, coverage: YearSpan | None) -> RdfDocument:
    """The catalogue of this server: one dataset, its distributions and its SPARQL data service."""
    doc = _new_document()
    catalog = NamedNode(pub.uris.catalog())
    dataset = NamedNode(pub.dataset)
    home = doc.typed(NamedNode(pub.home_url), FOAF.Document)
    french = doc.typed(NamedNode(EU_LANGUAGE + "FRA"), DCTERMS.LinguisticSystem)
    themes = doc.typed(NamedNode(EU_DATA_THEME), SKOS.ConceptScheme)
    doc.lang_literals(themes, DCTERMS.title, {"en": "Data theme", "fr": "Thème des données"})

    doc.typed(catalog, DCAT.Catalog)
    describe_dataset_basics(doc, catalog, pub)
    publisher, licence = NamedNode(pub.settings.publisher_uri), NamedNode(pub.settings.license_uri)
    _describe_licence(doc, licence)
    doc.add(catalog, FOAF.homepage, home)
    doc.add(catalog, DCTERMS.language, french)
    doc.add(catalog, DCAT.themeTaxonomy, themes)
    doc.add(catalog, DCAT.dataset, dataset)

    doc.typed(dataset, DCAT.Dataset)
    describe_dataset_basics(doc, dataset, pub)
    doc.add(dataset, DCTERMS.identifier, Literal(pub.dataset))
    doc.add(dataset, DCAT.landingPage, home)
    doc.add(dataset, DCTERMS.language, french)
    doc.add(dataset, DCAT.contactPoint, _contact_point(doc, pub))
    for lang, words in KEYWORDS.items():
        for word in words:
            doc.add(dataset, DCAT.keyword, Literal(word, language=lang))
    for code, labels in THEMES.items():
        doc.add(dataset, DCAT.theme, _concept(doc, f"{EU_DATA_THEME}/{code}", labels, themes))
    if coverage is not None:
        period = doc.typed(BlankNode(), DCTERMS.PeriodOfTime)
        doc.add(period, DCAT.startDate, Literal(f"{coverage.first:04d}-01-01", datatype=XSD.date))
        doc.add(period, DCAT.endDate, Literal(f"{coverage.last:04d}-12-31", datatype=XSD.date))
        doc.add(dataset, DCTERMS.temporal, period)
    for dump in pub.dumps:
        doc.add(dataset, DCAT.distribution, add_dump_distribution(doc, pub, dump, licence))
    doc.add(catalog, DCAT.service, add_endpoint(doc, pub, dataset, licence, publisher))
    return doc
