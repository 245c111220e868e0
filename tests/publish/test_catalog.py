"""/catalog: the DCAT-AP 3 catalogue of the example pages' store, validated against the official DCAT-AP 3.0.1
shapes, and what data.gouv.fr and the EU portal read in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pyshacl import validate
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from support import DATA
from support.liveserver import LiveServer, live_server
from support.published_data import BASE, EXAMPLE_PAGES, ingest_and_dump, read_store

from atlas_ld.settings import Settings
from atlas_ld.store.datadir import DataDir
from atlas_ld.web.app import create_app

SHAPES = DATA / "conformance" / "dcat-ap-3.0.1" / "dcat-ap-SHACL.ttl"
SH = Namespace("http://www.w3.org/ns/shacl#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DATASET = URIRef(BASE + "id/dataset/atlas")
CATALOG = URIRef(BASE + "id/catalog")
SERVICE = URIRef(BASE + "id/service/sparql")
LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence")
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "http://www.iana.org/assignments/media-types/"
# SEMICeu/DCAT-AP issue 448: the 3.0.1 shapes name two property shapes of dcat:DataServiceShape that they never
# define, which makes every SHACL engine stop on a data service. They constrain nothing, so they are left out.
UNDEFINED_PROPERTY_SHAPES = {
    "https://semiceu.github.io/DCAT-AP/releases/3.0.1#dcat:DataServiceShape/dc08f4dca4377fade57f89454e3fa06a8389d314",
    "https://semiceu.github.io/DCAT-AP/releases/3.0.1#dcat:DataServiceShape/eb3ac4e4fdde2e2588a9502c5956060a18c5c99f",
}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph = Graph().parse(SHAPES, format="turtle")
    undefined = [(s, o) for s, o in graph.subject_objects(SH.property) if (o, SH.path, None) not in graph]
    assert {str(o) for _, o in undefined} == UNDEFINED_PROPERTY_SHAPES
    for shape, property_shape in undefined:
        graph.remove((shape, SH.property, property_shape))
    return graph


def violations(catalog: Graph, shapes: Graph) -> list[str]:
    """Every result of severity sh:Violation, as the report's own words; pyshacl without inference."""
    conforms, report, _ = validate(catalog, shacl_graph=shapes, inference="none", advanced=False)
    found = [
        f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)}: {report.value(r, SH.resultMessage)}"
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    ]
    assert conforms == (not found)
    return found


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("catalog") / "atlas-data"
    ingest_and_dump(root, EXAMPLE_PAGES)
    return root


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[LiveServer]:
    with live_server(data_dir) as live:
        yield live


@pytest.fixture(scope="module")
def catalog(server: LiveServer) -> Graph:
    response = httpx.get(f"{server.url}/catalog")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    return Graph().parse(data=response.text, format="turtle")


def test_catalog_conforms_to_dcat_ap_3_with_zero_violations(catalog: Graph, shapes: Graph) -> None:
    assert violations(catalog, shapes) == []


def test_the_shapes_do_catch_a_faulty_catalogue(catalog: Graph, shapes: Graph) -> None:
    faulty = Graph()
    for triple in catalog:
        faulty.add(triple)
    publisher = catalog.value(DATASET, DCTERMS.publisher)
    faulty.remove((publisher, FOAF.name, None))
    faulty.remove((SERVICE, DCAT.endpointURL, None))
    faulty.add((DATASET, DCAT.distribution, URIRef(BASE + "id/dataset/atlas/distribution/untyped")))
    found = violations(faulty, shapes)
    assert any("name" in v and str(publisher) in v for v in found)
    assert any(str(SERVICE) in v and "endpointURL" in v for v in found)
    assert any("distribution" in v for v in found)


def test_catalog_lists_the_dataset_and_the_endpoint_service(catalog: Graph, server: LiveServer) -> None:
    assert (CATALOG, RDF.type, DCAT.Catalog) in catalog
    assert catalog.value(CATALOG, DCAT.dataset) == DATASET
    assert catalog.value(CATALOG, DCAT.service) == SERVICE
    assert (SERVICE, RDF.type, DCAT.DataService) in catalog
    assert catalog.value(SERVICE, DCAT.endpointURL) == URIRef(f"{server.url}/sparql")
    assert catalog.value(SERVICE, DCAT.servesDataset) == DATASET
    assert catalog.value(SERVICE, DCTERMS.conformsTo) == URIRef("https://www.w3.org/TR/sparql11-protocol/")
    description = httpx.get(str(catalog.value(SERVICE, DCAT.endpointDescription)), headers={"Accept": "text/turtle"})
    assert description.status_code == 200 and "sparql-service-description" in description.text


def test_landing_page_and_homepage_are_this_server_s_home_page(catalog: Graph, server: LiveServer) -> None:
    assert catalog.value(DATASET, DCAT.landingPage) == URIRef(f"{server.url}/")
    assert catalog.value(CATALOG, FOAF.homepage) == URIRef(f"{server.url}/")
    page = httpx.get(f"{server.url}/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")


def test_dataset_keywords_in_french_and_english(catalog: Graph) -> None:
    keywords = {(str(k), k.language) for k in catalog.objects(DATASET, DCAT.keyword)}
    assert ("coopération décentralisée", "fr") in keywords
    assert ("collectivités territoriales", "fr") in keywords
    assert ("decentralised cooperation", "en") in keywords
    assert {lang for _, lang in keywords} == {"fr", "en"}


def test_dataset_themes_are_eu_data_themes(catalog: Graph) -> None:
    themes = set(catalog.objects(DATASET, DCAT.theme))
    assert URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE") in themes
    for theme in themes:
        assert str(theme).startswith("http://publications.europa.eu/resource/authority/data-theme/")
        assert (theme, RDF.type, SKOS.Concept) in catalog
        assert catalog.value(theme, SKOS.inScheme) == catalog.value(CATALOG, DCAT.themeTaxonomy)


def test_licence_publisher_and_contact(catalog: Graph) -> None:
    assert catalog.value(DATASET, DCTERMS.license) == LICENCE
    assert (LICENCE, RDF.type, DCTERMS.LicenseDocument) in catalog
    publisher = catalog.value(CATALOG, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in catalog
    assert str(catalog.value(publisher, FOAF.name)) == "Ministère de l'Europe et des Affaires étrangères"
    contact = catalog.value(DATASET, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in catalog
    assert catalog.value(contact, VCARD.fn) is not None


def test_temporal_coverage_spans_the_years_on_the_pages(catalog: Graph, data_dir: Path) -> None:
    period = catalog.value(DATASET, DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in catalog
    # 6099 was signed and started in 2004; 16323 started in 2022 and ends on 31/12/2022.
    assert catalog.value(period, DCAT.startDate) == Literal("2004-01-01", datatype=XSD.date)
    assert catalog.value(period, DCAT.endDate) == Literal("2022-12-31", datatype=XSD.date)
    years = read_store(data_dir).query(
        f"SELECT (MIN(?y) AS ?first) (MAX(?y) AS ?last) WHERE {{ GRAPH ?g {{ ?p <{BASE}def/startYear> ?y }} }}"
    )
    row = next(iter(years))  # type: ignore[call-overload]
    assert (row["first"].value, row["last"].value) == ("2004", "2022")


def test_each_dump_is_a_distribution_with_its_format_and_size(catalog: Graph, server: LiveServer, data_dir: Path) -> None:
    expected = {
        "atlas.ttl.gz": ("RDF_TURTLE", "text/turtle"),
        "atlas.nt.gz": ("RDF_N_TRIPLES", "application/n-triples"),
        "atlas.nq.gz": ("RDF_N_QUADS", "application/n-quads"),
        "atlas.jsonld.gz": ("JSON_LD", "application/ld+json"),
    }
    dumps = {}
    for distribution in catalog.objects(DATASET, DCAT.distribution):
        download = catalog.value(distribution, DCAT.downloadURL)
        if download is not None:
            dumps[str(download).rsplit("/", 1)[1]] = distribution
    assert set(dumps) == set(expected)
    for file_name, distribution in dumps.items():
        file_type, media_type = expected[file_name]
        assert catalog.value(distribution, DCTERMS["format"]) == URIRef(FILE_TYPE + file_type)
        assert catalog.value(distribution, DCAT.mediaType) == URIRef(IANA + media_type)
        assert catalog.value(distribution, DCAT.compressFormat) == URIRef(IANA + "application/gzip")
        assert catalog.value(distribution, DCAT.accessURL) == URIRef(f"{server.url}/dumps/")
        size = catalog.value(distribution, DCAT.byteSize)
        assert size.datatype == XSD.nonNegativeInteger
        assert int(size) == (DataDir(data_dir).dumps / file_name).stat().st_size
        head = httpx.head(str(catalog.value(distribution, DCAT.downloadURL)))
        assert int(head.headers["content-length"]) == int(size)
        assert catalog.value(distribution, DCTERMS.license) == LICENCE


def test_the_endpoint_is_also_a_distribution_through_the_service(catalog: Graph, server: LiveServer) -> None:
    through_service = [d for d in catalog.objects(DATASET, DCAT.distribution) if catalog.value(d, DCAT.accessService)]
    assert len(through_service) == 1
    assert catalog.value(through_service[0], DCAT.accessService) == SERVICE
    assert catalog.value(through_service[0], DCAT.accessURL) == URIRef(f"{server.url}/sparql")


def test_catalog_in_json_ld_and_rdf_xml_is_the_same_graph(catalog: Graph, server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/catalog", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    as_json_ld = Graph().parse(data=response.text, format="json-ld")
    assert isomorphic(as_json_ld, catalog)
    as_xml = Graph().parse(data=httpx.get(f"{server.url}/catalog", params={"format": "rdf"}).text, format="xml")
    assert isomorphic(as_xml, catalog)
    assert httpx.get(f"{server.url}/catalog", headers={"Accept": "text/csv"}).status_code == 406


def test_catalog_is_conditional_and_answers_head(server: LiveServer) -> None:
    first = httpx.get(f"{server.url}/catalog")
    assert httpx.get(f"{server.url}/catalog", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    head = httpx.head(f"{server.url}/catalog")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == first.headers["etag"]


def test_publisher_licence_and_titles_come_from_the_settings(tmp_path: Path, shapes: Graph) -> None:
    settings = Settings(
        store=tmp_path,
        base_uri=BASE,
        publisher_name="Commission nationale de la coopération décentralisée",
        publisher_uri="https://example.org/cncd",
        license_uri="http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
        license_name="CC BY 4.0",
        catalog_title="Atlas (essai)",
        contact_email="atlas@example.org",
    )
    store = DataDir(tmp_path).open_store()
    client = TestClient(create_app(settings, store))
    graph = Graph().parse(data=client.get("/catalog").text, format="turtle")
    publisher = URIRef("https://example.org/cncd")
    assert graph.value(CATALOG, DCTERMS.publisher) == publisher
    assert str(graph.value(publisher, FOAF.name)) == "Commission nationale de la coopération décentralisée"
    licence = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    assert graph.value(DATASET, DCTERMS.license) == licence
    assert Literal("Atlas (essai)", lang="fr") in set(graph.objects(DATASET, DCTERMS.title))
    contact = graph.value(DATASET, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:atlas@example.org")
    # An empty store: no dumps yet, no years, and still a conforming catalogue.
    assert graph.value(DATASET, DCTERMS.temporal) is None
    assert violations(graph, shapes) == []
