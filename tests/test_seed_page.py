"""Page 12523, the one whole example page, end to end: `atlas-ld ingest`, then SPARQL over the embedded store finds
every value the page shows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from atlas_ld.bundled import examples_dir
from atlas_ld.cli import app
from atlas_ld.store.datadir import DataDir
from atlas_ld.store.embedded import EmbeddedStore
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import prefixes

BASE = "https://atlas.example.org/"
URIS = UriScheme(BASE)
PROJECT = URIS.project(12523)
GRAPH = URIS.project_graph(12523)
MEAE = "Ministère de l'Europe et des Affaires étrangères"
PREFIXES = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes(BASE).items())


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    root = tmp_path_factory.mktemp("seed") / "atlas-data"
    result = CliRunner().invoke(
        app, ["ingest", "--store", str(root), "--base-uri", BASE, "--no-dumps", str(examples_dir() / "12523.txt")]
    )
    assert result.exit_code == 0, result.output
    assert "1 page read, 1 record stored, 0 warnings, 0 records rejected, 0 pages not read" in result.output
    return DataDir(root).open_store(read_only=True)


def select(store: EmbeddedStore, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT over the project's own graph and the shared graph (where its authorities, post and funders
    are described), each binding as its lexical value."""
    query = PREFIXES + query.replace("$project", f"<{PROJECT}>")
    solutions = store.query(query, default_graph=[GRAPH, URIS.graph("shared")])
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def value(store: EmbeddedStore, query: str) -> str:
    rows = select(store, query)
    assert len(rows) == 1, rows
    (only,) = rows[0].values()
    return only


def test_the_project_is_in_its_own_named_graph(store: EmbeddedStore) -> None:
    assert GRAPH in store.named_graphs()
    assert value(store, "SELECT ?t WHERE { $project a atlas:Project ; dcterms:title ?t }") == (
        "Projet d'action internationale de Romans et de ses villes partenaires"
    )
    assert value(store, "SELECT ?id WHERE { $project dcterms:identifier ?id }") == "12523"


def test_the_six_funding_lines_and_their_total(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """SELECT ?funder ?year ?amount WHERE {
             ?o a qb:Observation ; qb:dataSet ?ds ; atlas:fundedProject $project ; qb:measureType atlas:amount ;
                atlas:amount ?amount ; atlas:funder/rdfs:label ?funder ; sdmx-dimension:refPeriod ?year ;
                sdmx-attribute:unitMeasure <http://publications.europa.eu/resource/authority/currency/EUR> .
           }""",
    )
    lines = sorted((r["funder"], r["year"], Decimal(r["amount"])) for r in rows)
    assert lines == sorted(
        [
            ("Autre", "2010", Decimal(0)),
            ("Romans sur Isère", "2010", Decimal(112285)),
            (MEAE, "2010", Decimal(25000)),
            (MEAE, "2011", Decimal(25000)),
            (MEAE, "2012", Decimal(25000)),
            ("Villes partenaires", "2010", Decimal(27000)),
        ]
    )
    total = value(store, "SELECT (SUM(?a) AS ?total) WHERE { ?o atlas:fundedProject $project ; atlas:amount ?a }")
    assert Decimal(total) == 214285
    # The "1% Eau" amounts the page gives (two zeros) are observations of their own measure; the others are none.
    water = select(store, "SELECT ?w WHERE { ?o atlas:fundedProject $project ; qb:measureType atlas:waterAmount ; atlas:waterAmount ?w }")
    assert sorted(Decimal(r["w"]) for r in water) == [0, 0]


def test_both_embassy_contacts_with_decoded_emails(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """SELECT ?post ?role ?name ?mbox WHERE {
             $project atlas:diplomaticPost ?p . ?p rdfs:label ?post .
             ?m org:organization ?p ; org:member ?person ; org:role ?role .
             ?person foaf:name ?name ; foaf:mbox ?mbox .
           }""",
    )
    adviser = URIS.concept("contact-role", "Conseiller de coopération et d'action culturelle")
    correspondent = URIS.concept("contact-role", "Correspondant coopération décentralisée")
    assert sorted((r["post"], r["role"], r["name"], r["mbox"]) for r in rows) == [
        ("AMBASSADE DE FRANCE A TUNIS", adviser, "Valéry FRELAND", "mailto:valery.freland@diplomatie.gouv.fr"),
        ("AMBASSADE DE FRANCE A TUNIS", correspondent, "Pierre-Yves SONALET", "mailto:pierre-yves.sonalet@diplomatie.gouv.fr"),
    ]
    assert value(store, "SELECT ?p WHERE { $project atlas:diplomaticPost ?p }") == URIS.post("Ambassade de France à Tunis")


def test_el_jem_in_tunisia_and_its_contact(store: EmbeddedStore) -> None:
    row = select(
        store,
        """SELECT ?a ?name ?country ?countryName WHERE {
             $project atlas:foreignPartner ?a . ?a a atlas:LocalAuthority ; rdfs:label ?name ; dcterms:spatial ?country .
             ?country rdfs:label ?countryName }""",
    )
    assert row == [
        {
            "a": URIS.authority("El Jem", "TUN"),
            "name": "El Jem",
            "country": "http://publications.europa.eu/resource/authority/country/TUN",
            "countryName": "Tunisie",
        }
    ]
    contact = select(
        store,
        """SELECT ?family ?given ?mbox ?org WHERE {
             $project atlas:partnerContact ?c . ?c foaf:familyName ?family ; foaf:givenName ?given ; foaf:mbox ?mbox ;
             org:memberOf ?org }""",
    )
    assert contact == [{"family": "AKROUT", "given": "Ali", "mbox": "mailto:ali.eljem@yahoo.fr", "org": row[0]["a"]}]


def test_romans_sur_isere_is_the_french_partner_and_a_funder(store: EmbeddedStore) -> None:
    romans = URIS.authority("Romans-sur-Isère", "FRA")
    assert value(store, "SELECT ?a WHERE { $project atlas:frenchPartner ?a }") == romans
    assert value(store, f"SELECT ?l WHERE {{ <{romans}> rdfs:label ?l }}") == "Romans sur Isère"
    funded = select(store, f"SELECT ?a WHERE {{ ?o atlas:funder <{romans}> ; atlas:amount ?a ; qb:measureType atlas:amount }}")
    assert [Decimal(r["a"]) for r in funded] == [112285]


def test_the_theme_path(store: EmbeddedStore) -> None:
    # The scheme's concepts live in the shared themes graph: this query reads the union of the graphs.
    solutions = store.query(
        PREFIXES
        + f"""SELECT ?leaf ?mid ?top WHERE {{
                <{PROJECT}> atlas:mainTheme ?l . ?l skos:prefLabel ?leaf ; skos:broader ?m .
                ?m skos:prefLabel ?mid ; skos:broader ?t . ?t skos:prefLabel ?top ; skos:topConceptOf ?scheme .
                FILTER(?scheme = <{URIS.scheme('themes')}>) }}"""
    )
    rows = [(r["leaf"].value, r["mid"].value, r["top"].value) for r in solutions]  # type: ignore[index, union-attr]
    assert rows == [("Pôles de compétitivité, clusters, filières", "Attractivité des territoires", "Economie durable")]


def test_the_document(store: EmbeddedStore) -> None:
    rows = select(
        store,
        "SELECT ?title ?size ?file WHERE { $project foaf:page ?d . ?d a foaf:Document ; dcterms:title ?title ; "
        "atlas:sizeInKilobytes ?size ; atlas:fileName ?file }",
    )
    assert rows == [{"title": "Accord de coopération multilatérale", "size": "394.63", "file": "protocole_coop_2010-2012_PAIR.pdf"}]


def test_the_three_statements_and_the_triennial_flag(store: EmbeddedStore) -> None:
    row = select(
        store,
        "SELECT ?france ?partners ?evaluation ?triennial WHERE { $project atlas:communicationInFrance ?france ; "
        "atlas:communicationInPartnerCountries ?partners ; atlas:evaluation ?evaluation ; atlas:triennial ?triennial }",
    )
    assert row == [{"france": "true", "partners": "true", "evaluation": "true", "triennial": "true"}]


def test_years_status_and_partnership_form(store: EmbeddedStore) -> None:
    row = select(
        store,
        """SELECT ?start ?signed ?status ?form WHERE {
             $project atlas:startYear ?start ; atlas:signatureYear ?signed ; adms:status ?s ; dcterms:type ?f .
             FILTER(DATATYPE(?start) = xsd:gYear)
             OPTIONAL { ?s skos:prefLabel ?status FILTER(LANG(?status) = "fr") }
             OPTIONAL { ?f skos:prefLabel ?form FILTER(LANG(?form) = "fr") } }""",
    )
    assert row == [{"start": "2010", "signed": "2010"}]  # the labels are in the shared schemes, not this graph
    status = store.query(
        PREFIXES + f'SELECT ?label WHERE {{ <{PROJECT}> adms:status/skos:prefLabel ?label FILTER(LANG(?label) = "fr") }}'
    )
    assert [r["label"].value for r in status] == ["En cours"]  # type: ignore[index, union-attr]
    assert select(store, "SELECT ?end WHERE { $project atlas:endDate ?end }") == []


def test_texts_keep_their_paragraphs(store: EmbeddedStore) -> None:
    context = value(store, "SELECT ?c WHERE { $project atlas:context ?c }")
    assert context.startswith("Ville moyenne française de 35000 habitants")
    assert context.count("\n\n") == 6  # seven paragraphs
    history = value(store, "SELECT ?h WHERE { $project atlas:history ?h }")
    assert history.startswith("Historique des coopérations\n\nL’action internationale de la ville de Romans")
    assert value(store, "SELECT ?o WHERE { $project atlas:objective ?o }").startswith(
        "Le présent projet a pour objectif général"
    )
    assert value(store, "SELECT ?m WHERE { $project atlas:projectManager ?m }") == "Romans et ses villes partenaires"


def test_provenance_names_the_page_and_the_parser(store: EmbeddedStore) -> None:
    row = select(
        store,
        f"""SELECT ?page ?copyright ?truncated ?software WHERE {{
              <{GRAPH}> prov:wasDerivedFrom ?source ; prov:wasGeneratedBy ?activity .
              ?source prov:hadPrimarySource ?page ; dcterms:dateCopyrighted ?copyright ; atlas:truncated ?truncated .
              ?activity prov:used ?source ; prov:wasAssociatedWith/owl:versionInfo ?software }}""",
    )
    assert row == [
        {
            "page": "https://pastel.diplomatie.gouv.fr/cncdext/dyn/public/atlas/detailProjet.html?criteres.prjId=12523",
            "copyright": "2013",
            "truncated": "false",
            "software": row[0]["software"],
        }
    ]
    assert row[0]["software"].startswith("atlas-ld ")


def test_the_store_files_sit_in_the_data_folder(store: EmbeddedStore) -> None:
    assert Path(store.location).name == "oxigraph"
