"""Records → RDF: the concrete triples of page 12523, the shared graphs, stable keys and determinism."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pyoxigraph as ox
import pytest
from support import ROOT

from atlas_ld import codelists
from atlas_ld.mapping.project import (
    RecordTriples,
    map_record,
    static_graphs,
)
from atlas_ld.parse import read_page
from atlas_ld.parse.emails import is_valid_email
from atlas_ld.records import (
    FundingLine,
    PartnerContact,
    PostContact,
    ProjectRecord,
    SdgRow,
    ThemeRow,
)
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import prefixes

STAMP = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
VERSION = "0.1.0"
EXAMPLES = ROOT / "atlas_ld" / "examples"
MEAE = "Ministère de l'Europe et des Affaires étrangères"


def split(record: ProjectRecord, uris: UriScheme) -> RecordTriples:
    return map_record(record, uris, ingested_at=STAMP, parser_version=VERSION)


def mapped(record: ProjectRecord, uris: UriScheme) -> list[ox.Triple]:
    """Everything the record says, in whichever graph."""
    return split(record, uris).all


def load(uris: UriScheme, *records: ProjectRecord) -> ox.Store:
    """An in-memory store holding the records' graphs, the shared graph and the static graphs, as an ingest
    leaves them."""
    store = ox.Store()
    shared = ox.NamedNode(uris.graph("shared"))
    for record in records:
        graph = ox.NamedNode(uris.project_graph(record.prj_id))
        triples = split(record, uris)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples.project)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, shared) for t in triples.shared)
    for name, triples in static_graphs(uris).items():
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name)) for t in triples)
    return store


def run(store: ox.Store, uris: UriScheme, query: str) -> ox.QuerySolutions | ox.QueryBoolean:
    header = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes(uris.base).items())
    return store.query(header + f"PREFIX id: <{uris.base}id/>\n" + query, use_default_graph_as_union=True)


def select(store: ox.Store, uris: UriScheme, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT over the union of the graphs, each value as its lexical form or IRI."""
    result = run(store, uris, query)
    assert isinstance(result, ox.QuerySolutions)
    return [{str(v)[1:]: row[v].value for v in result.variables if row[v] is not None} for row in result]


@pytest.fixture
def store_12523(record_12523: ProjectRecord, uris: UriScheme) -> ox.Store:
    return load(uris, record_12523)


# -- page 12523 ------------------------------------------------------------------------------------------------


def test_the_project_has_its_title_dates_status_and_form(store_12523: ox.Store, uris: UriScheme) -> None:
    rows = select(store_12523, uris, """
        SELECT ?title ?id ?signed ?start ?status ?form WHERE {
            id:project\\/12523 a atlas:Project ; dcterms:title ?title ; dcterms:identifier ?id ;
                atlas:signatureYear ?signed ; atlas:startYear ?start ;
                adms:status/skos:prefLabel ?status ; dcterms:type/skos:prefLabel ?form .
            FILTER (lang(?status) = "fr" && lang(?form) = "fr")
        }""")
    assert rows == [{
        "title": "Projet d'action internationale de Romans et de ses villes partenaires",
        "id": "12523",
        "signed": "2010",
        "start": "2010",
        "status": "En cours",
        "form": "Projet de coopération décentralisée",
    }]
    assert not select(store_12523, uris, "SELECT ?d WHERE { id:project\\/12523 atlas:endDate ?d }")


def test_six_funding_lines_become_observations_with_their_amounts_years_and_funders(
    store_12523: ox.Store, uris: UriScheme
) -> None:
    rows = select(store_12523, uris, """
        SELECT ?funder ?year ?amount WHERE {
            ?o a qb:Observation ; qb:dataSet ?ds ; atlas:fundedProject id:project\\/12523 ;
               atlas:funder ?funder ; sdmx-dimension:refPeriod ?year ; qb:measureType atlas:amount ;
               atlas:amount ?amount ; sdmx-attribute:unitMeasure ?unit .
            FILTER (?ds = id:dataset\\/funding)
            FILTER (?unit = <http://publications.europa.eu/resource/authority/currency/EUR>)
        }""")
    assert sorted((r["funder"], r["year"], r["amount"]) for r in rows) == sorted([
        (uris.funder("Autre"), "2010", "0"),
        (uris.authority("Romans-sur-Isère", "FRA"), "2010", "112285"),
        (uris.ministry(), "2010", "25000"),
        (uris.ministry(), "2011", "25000"),
        (uris.ministry(), "2012", "25000"),
        (uris.funder("Villes partenaires"), "2010", "27000"),
    ])


def test_water_amounts_are_observations_only_where_the_page_gives_one(store_12523: ox.Store, uris: UriScheme) -> None:
    rows = select(store_12523, uris, """
        SELECT ?o ?amount WHERE { ?o qb:measureType atlas:waterAmount ; atlas:waterAmount ?amount }""")
    assert sorted((r["o"], r["amount"]) for r in rows) == [
        (uris.observation(12523, 2010, "Autre", 1, "water"), "0"),
        (uris.observation(12523, 2010, "Romans sur Isère", 1, "water"), "0"),
    ]


def test_the_funding_total_is_a_sparql_sum(store_12523: ox.Store, uris: UriScheme) -> None:
    rows = select(store_12523, uris, """
        SELECT (SUM(?amount) AS ?total) WHERE { ?o atlas:fundedProject id:project\\/12523 ; atlas:amount ?amount }""")
    assert Decimal(rows[0]["total"]) == Decimal(214285)


def test_el_jem_is_a_tunisian_authority_with_its_contact(store_12523: ox.Store, uris: UriScheme) -> None:
    el_jem = uris.authority("El Jem", "TUN")
    rows = select(store_12523, uris, f"""
        SELECT ?name ?country ?countryName ?contact ?mail WHERE {{
            id:project\\/12523 atlas:foreignPartner <{el_jem}> ; dcterms:spatial ?country ;
                atlas:partnerContact ?contact .
            <{el_jem}> a org:Organization , atlas:LocalAuthority ; rdfs:label ?name ; dcterms:spatial ?country .
            ?country rdfs:label ?countryName .
            ?contact foaf:givenName "Ali" ; foaf:familyName "AKROUT" ; org:memberOf <{el_jem}> ; foaf:mbox ?mail .
        }}""")
    assert rows == [{
        "name": "El Jem",
        "country": "http://publications.europa.eu/resource/authority/country/TUN",
        "countryName": "Tunisie",
        "contact": uris.partner_contact(12523, "El Jem", "Ali AKROUT"),
        "mail": "mailto:ali.eljem@yahoo.fr",
    }]


def test_romans_sur_isere_is_one_french_authority_partner_and_funder(store_12523: ox.Store, uris: UriScheme) -> None:
    romans = uris.authority("Romans-sur-Isère", "FRA")
    assert romans == uris.base + "id/authority/fra/romans-sur-isere"
    rows = select(store_12523, uris, f"""
        SELECT ?label ?amount WHERE {{
            id:project\\/12523 atlas:frenchPartner <{romans}> .
            <{romans}> rdfs:label ?label ;
                dcterms:spatial <http://publications.europa.eu/resource/authority/country/FRA> .
            ?o atlas:funder <{romans}> ; atlas:amount ?amount .
        }}""")
    assert rows == [{"label": "Romans sur Isère", "amount": "112285"}]


def test_the_main_theme_is_the_deepest_level_and_climbs_the_theme_tree(store_12523: ox.Store, uris: UriScheme) -> None:
    rows = select(store_12523, uris, """
        SELECT ?label ?depth WHERE {
            id:project\\/12523 atlas:mainTheme ?theme ; dcterms:subject ?theme .
            ?theme skos:broader* ?up .
            ?up skos:prefLabel ?label ; skos:inScheme id:scheme\\/themes .
            { SELECT ?up (COUNT(?above) AS ?depth) WHERE { ?up skos:broader* ?above } GROUP BY ?up }
        } ORDER BY DESC(?depth)""")
    assert [r["label"] for r in rows] == [
        "Pôles de compétitivité, clusters, filières",
        "Attractivité des territoires",
        "Economie durable",
    ]
    top = select(store_12523, uris, "SELECT ?s WHERE { id:theme\\/economie-durable skos:topConceptOf ?s }")
    assert top == [{"s": uris.scheme("themes")}]


def test_both_embassy_contacts_hold_their_role_in_the_post_with_a_mailto_address(
    store_12523: ox.Store, uris: UriScheme
) -> None:
    rows = select(store_12523, uris, """
        SELECT ?post ?ministry ?name ?role ?mail WHERE {
            id:project\\/12523 atlas:diplomaticPost ?post .
            ?post a org:OrganizationalUnit ; rdfs:label "AMBASSADE DE FRANCE A TUNIS" ; org:unitOf ?ministry .
            ?m a org:Membership ; org:organization ?post ; org:member ?person ; org:role ?r .
            ?r a org:Role ; skos:prefLabel ?role . FILTER (lang(?role) = "fr")
            ?person a foaf:Person ; foaf:name ?name ; foaf:mbox ?mail .
        }""")
    post = uris.post("Ambassade de France à Tunis")
    assert sorted((r["post"], r["ministry"], r["name"], r["role"], r["mail"]) for r in rows) == [
        (post, uris.ministry(), "Pierre-Yves SONALET", "Correspondant coopération décentralisée",
         "mailto:pierre-yves.sonalet@diplomatie.gouv.fr"),
        (post, uris.ministry(), "Valéry FRELAND", "Conseiller de coopération et d'action culturelle",
         "mailto:valery.freland@diplomatie.gouv.fr"),
    ]


def test_the_document_has_its_title_size_and_file(store_12523: ox.Store, uris: UriScheme) -> None:
    rows = select(store_12523, uris, """
        SELECT ?title ?size ?file WHERE {
            id:project\\/12523 foaf:page ?doc .
            ?doc a foaf:Document ; dcterms:title ?title ; atlas:sizeInKilobytes ?size ; atlas:fileName ?file .
        }""")
    assert rows == [{"title": "Accord de coopération multilatérale", "size": "394.63",
                     "file": "protocole_coop_2010-2012_PAIR.pdf"}]


def test_the_triennial_flag_and_the_three_statements_are_true(store_12523: ox.Store, uris: UriScheme) -> None:
    rows = select(store_12523, uris, """
        SELECT ?p ?v WHERE {
            VALUES ?p { atlas:triennial atlas:communicationInFrance atlas:communicationInPartnerCountries
                        atlas:evaluation }
            id:project\\/12523 ?p ?v }""")
    assert sorted(r["v"] for r in rows) == ["true"] * 4


def test_long_texts_keep_their_paragraphs_in_french(record_12523: ProjectRecord, uris: UriScheme) -> None:
    atlas = uris.vocab
    texts = {t.predicate.value: t.object for t in mapped(record_12523, uris) if isinstance(t.object, ox.Literal)}
    history = texts[atlas + "history"]
    assert history.language == "fr"
    assert history.value.split("\n\n") == list(record_12523.history)
    assert history.value.startswith("Historique des coopérations\n\nL’action internationale de la ville de Romans")
    assert texts[atlas + "objective"].value.split("\n\n")[0].startswith("Le présent projet a pour objectif général")
    assert texts["http://purl.org/dc/terms/description"].value.startswith("Projet cofinancé par le MAEE en 2010\n\n")
    assert texts[atlas + "beneficiaries"].value.startswith("Les bénéficiaires du projet sont multiples")
    assert texts[atlas + "projectManager"].value == "Romans et ses villes partenaires"
    assert texts[atlas + "contractingAuthority"].value == "Romans et ses villes partenaires"


def test_the_graph_says_which_page_when_and_which_parser_version(store_12523: ox.Store, uris: UriScheme) -> None:
    rows = select(store_12523, uris, f"""
        SELECT ?source ?url ?when ?activity ?version ?footer ?truncated WHERE {{
            <{uris.project_graph(12523)}> prov:wasDerivedFrom ?source ; prov:generatedAtTime ?when ;
                prov:wasGeneratedBy ?activity .
            ?source prov:hadPrimarySource ?url ; foaf:primaryTopic id:project\\/12523 ;
                dcterms:dateCopyrighted ?footer ; atlas:truncated ?truncated .
            ?activity a prov:Activity ; prov:used ?source ; prov:wasAssociatedWith ?agent .
            ?agent a prov:SoftwareAgent ; owl:versionInfo ?version .
        }}""")
    assert rows == [{
        "source": uris.source_page(12523),
        "url": "https://pastel.diplomatie.gouv.fr/cncdext/dyn/public/atlas/detailProjet.html?criteres.prjId=12523",
        "when": "2024-05-01T12:00:00Z",
        "activity": uris.ingest_activity(12523, STAMP.isoformat()),
        "version": VERSION,
        "footer": "2013",
        "truncated": "false",
    }]


# -- keys, determinism and the cases page 12523 does not show -----------------------------------------------------


def test_mapping_twice_gives_the_same_triples_and_no_blank_nodes(record_12523: ProjectRecord, uris: UriScheme) -> None:
    first, second = mapped(record_12523, uris), mapped(record_12523, uris)
    assert set(first) == set(second)
    assert len(first) == len(set(first))
    nodes = [n for t in first for n in (t.subject, t.object)]
    assert not any(isinstance(n, ox.BlankNode) for n in nodes)


def test_literals_are_already_in_the_stored_canonical_form(record_12523: ProjectRecord, uris: UriScheme) -> None:
    triples = mapped(record_12523, uris)
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    assert {q.triple for q in store} == set(triples)


def test_an_authority_written_two_ways_is_one_resource(record_12523: ProjectRecord, uris: UriScheme) -> None:
    other = dataclasses.replace(
        record_12523, french_partners=["Romans-sur-Isère"],
        funding=[FundingLine("ROMANS SUR ISERE", Decimal(10), None, 2010)],
    )
    romans = ox.NamedNode(uris.authority("Romans sur Isère", "FRA"))
    triples = mapped(other, uris)
    assert ox.Triple(ox.NamedNode(uris.project(12523)), ox.NamedNode(uris.vocab + "frenchPartner"), romans) in triples
    assert ox.Triple(
        ox.NamedNode(uris.observation(12523, 2010, "Romans sur Isère", 1, "amount")),
        ox.NamedNode(uris.vocab + "funder"),
        romans,
    ) in triples


def test_two_rows_with_the_same_funder_and_year_stay_two_observations(
    record_12523: ProjectRecord, uris: UriScheme
) -> None:
    record = dataclasses.replace(record_12523, funding=[
        FundingLine(MEAE, Decimal(1000), None, 2015), FundingLine(MEAE, Decimal(2000), None, 2015),
    ])
    store = load(uris, record)
    rows = select(store, uris, "SELECT ?o ?line ?a WHERE { ?o atlas:fundingLine ?line ; atlas:amount ?a }")
    assert sorted((r["o"], r["line"], r["a"]) for r in rows) == [
        (uris.observation(12523, 2015, MEAE, 1, "amount"), "1", "1000"),
        (uris.observation(12523, 2015, MEAE, 2, "amount"), "2", "2000"),
    ]


def test_unknown_theme_and_status_become_concepts_of_the_shared_graph(
    record_12523: ProjectRecord, uris: UriScheme
) -> None:
    record = dataclasses.replace(
        record_12523,
        theme=("Economie durable", "Economie sociale et solidaire", None),
        status="Suspendu",
    )
    triples = set(split(record, uris).shared)
    concept = ox.NamedNode(uris.theme(("Economie durable", "Economie sociale et solidaire")))
    skos = "http://www.w3.org/2004/02/skos/core#"
    assert ox.Triple(concept, ox.NamedNode(skos + "prefLabel"), ox.Literal("Economie sociale et solidaire", language="fr")) in triples
    assert ox.Triple(concept, ox.NamedNode(skos + "broader"), ox.NamedNode(uris.theme(("Economie durable",)))) in triples
    assert ox.Triple(concept, ox.NamedNode(skos + "inScheme"), ox.NamedNode(uris.scheme("themes"))) in triples
    status = ox.NamedNode(uris.concept("status", "Suspendu"))
    assert ox.Triple(status, ox.NamedNode(skos + "prefLabel"), ox.Literal("Suspendu", language="fr")) in triples
    assert ox.Triple(status, ox.NamedNode(skos + "inScheme"), ox.NamedNode(uris.scheme("statuses"))) in triples
    # A known value adds nothing: its concept is in the scheme's own graph.
    known = set(mapped(record_12523, uris))
    assert not any(t.subject.value == uris.concept("status", "En cours") for t in known)
    # The project's own graph only points at the new concepts.
    own = split(record, uris).project
    assert not any(t.subject in (concept, status) for t in own)
    assert ox.Triple(ox.NamedNode(uris.project(12523)), ox.NamedNode(uris.vocab + "mainTheme"), concept) in own


def _minted_for(uris: UriScheme, prj_id: int) -> tuple[str, ...]:
    """The IRI prefixes of the resources that exist only through project `prj_id`."""
    return (
        uris.project(prj_id),  # the project and its prioritised links (…/project/12523/theme/…)
        uris.project_graph(prj_id),
        uris.source_page(prj_id),
        uris.base + f"id/observation/{prj_id}/",
        uris.base + f"id/contact/{prj_id}/",
        uris.base + f"id/volunteer/{prj_id}/",
        uris.base + f"id/document/{prj_id}/",
        uris.base + f"id/activity/ingest/{prj_id}/",
    )


def test_the_project_graph_holds_what_is_minted_for_the_project_and_the_shared_graph_the_rest(
    record_12523: ProjectRecord, uris: UriScheme
) -> None:
    triples = split(record_12523, uris)
    own = _minted_for(uris, 12523)
    assert all(t.subject.value.startswith(own) for t in triples.project)
    assert not any(t.subject.value.startswith(own) for t in triples.shared)
    assert not set(triples.project) & set(triples.shared)
    described = {t.subject.value for t in triples.shared}
    tunis = "AMBASSADE DE FRANCE A TUNIS"
    assert {
        uris.authority("Romans sur Isère", "FRA"), uris.authority("El Jem", "TUN"), uris.country("TUN"),
        uris.post(tunis), uris.person("Valéry FRELAND"), uris.ministry(),
        uris.funder("Villes partenaires"), uris.funder("Autre"), uris.software(VERSION),
        uris.membership(tunis, "Correspondant coopération décentralisée", "Pierre-Yves SONALET"),
    } <= described
    # The partner's contact was given for this project: it stays in the project's graph, with its e-mail.
    contact = ox.NamedNode(uris.partner_contact(12523, "El Jem", "Ali AKROUT"))
    mbox = ox.NamedNode("http://xmlns.com/foaf/0.1/mbox")
    assert ox.Triple(contact, mbox, ox.NamedNode("mailto:ali.eljem@yahoo.fr")) in triples.project


def test_the_project_names_the_post_contacts_its_page_lists(record_12523: ProjectRecord, uris: UriScheme) -> None:
    """The post and its staff are shared by every page that names them; the project says which ones it lists."""
    project = ox.NamedNode(uris.project(12523))
    post_contact = ox.NamedNode(uris.vocab + "postContact")
    listed = {t.object.value for t in split(record_12523, uris).project if t.predicate == post_contact}
    assert all(t.subject == project for t in split(record_12523, uris).project if t.predicate == post_contact)
    post = "AMBASSADE DE FRANCE A TUNIS"
    assert listed == {
        uris.membership(post, "Correspondant coopération décentralisée", "Pierre-Yves SONALET"),
        uris.membership(post, "Conseiller de coopération et d'action culturelle", "Valéry FRELAND"),
    }


def test_two_projects_state_nothing_in_common_in_their_own_graphs(record_12523: ProjectRecord, uris: UriScheme) -> None:
    first, second = split(record_12523, uris), split(dataclasses.replace(record_12523, prj_id=99), uris)
    assert not set(first.project) & set(second.project)
    assert set(first.shared) == set(second.shared)


def test_other_themes_and_sdgs_are_qualified_with_their_priority(record_12523: ProjectRecord, uris: UriScheme) -> None:
    record = dataclasses.replace(
        record_12523,
        other_themes=[ThemeRow(("Environnement, Climat et Energie", "Energie"), 2)],
        sdgs=[SdgRow(11, "Villes et communautés durables", 2), SdgRow(1, "Pas de pauvreté", 1)],
    )
    store = load(uris, record)
    rows = select(store, uris, """
        SELECT ?link ?label ?priority WHERE {
            id:project\\/12523 ?p ?link . VALUES ?p { atlas:otherTheme atlas:sustainableDevelopmentGoal }
            ?link a atlas:PrioritisedSubject ; dcterms:subject ?c ; atlas:priority ?priority .
            ?c skos:prefLabel ?label . FILTER (lang(?label) = "fr")
            id:project\\/12523 dcterms:subject ?c .
        }""")
    assert sorted((r["link"], r["label"], r["priority"]) for r in rows) == [
        (uris.qualified_subject(12523, "sdg", ("1",)), "Pas de pauvreté", "1"),
        (uris.qualified_subject(12523, "sdg", ("11",)), "Villes et communautés durables", "2"),
        (uris.qualified_subject(12523, "theme", ("Environnement, Climat et Energie", "Energie")), "Energie", "2"),
    ]


def test_malformed_addresses_are_kept_as_written_not_published_as_mailto(
    record_12523: ProjectRecord, uris: UriScheme
) -> None:
    record = dataclasses.replace(
        record_12523,
        posts=[dataclasses.replace(record_12523.posts[0], contacts=[
            PostContact("Correspondant coopération décentralisée", "Gregor TRUMEL",
                        "gregor.trumel@diplomatie.gouv..fr", email_valid=False),
        ])],
        partner_contacts=[PartnerContact("El Jem", family_name="AKROUT", email="ali.eljem[at]yahoo")],
    )
    objects = {(t.subject.value, t.predicate.value): t.object for t in mapped(record, uris)}
    malformed = uris.vocab + "malformedEmail"
    assert objects[(uris.person("Gregor TRUMEL"), malformed)] == ox.Literal("gregor.trumel@diplomatie.gouv..fr")
    assert objects[(uris.partner_contact(12523, "El Jem", "AKROUT"), malformed)] == ox.Literal("ali.eljem[at]yahoo")
    assert not any(p == "http://xmlns.com/foaf/0.1/mbox" for _, p in objects)


def test_email_check(record_12523: ProjectRecord) -> None:
    assert is_valid_email("pierre-yves.sonalet@diplomatie.gouv.fr")
    assert is_valid_email("o'brien@example.ie")
    assert not is_valid_email("rbernard.jean@diplomatie")
    assert not is_valid_email("two@@example.org")


def test_a_page_cut_short_states_only_what_was_read(record_12523: ProjectRecord, uris: UriScheme) -> None:
    cut = dataclasses.replace(
        record_12523, complete=False, triennial=False, communication_in_france=False,
        communication_in_partner_countries=False, evaluation=False, end_date=date(2019, 12, 31),
    )
    objects = {t.predicate.value: t.object for t in mapped(cut, uris)}
    for statement in ("triennial", "communicationInFrance", "communicationInPartnerCountries", "evaluation"):
        assert uris.vocab + statement not in objects
    assert objects[uris.vocab + "truncated"] == ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    assert objects[uris.vocab + "endDate"].value == "2019-12-31"


def test_the_real_example_pages_map_to_graphs_about_what_they_say(uris: UriScheme) -> None:
    records = {r.prj_id: r for r in (read_page(p) for p in sorted(EXAMPLES.glob("*.txt")))}
    assert set(records) == {6099, 12523, 15077, 15635, 16323}
    store = load(uris, *records.values())
    titles = select(store, uris, "SELECT ?id ?t WHERE { ?p a atlas:Project ; dcterms:identifier ?id ; dcterms:title ?t }")
    assert {r["id"]: r["t"] for r in titles}["16323"].startswith("Programme mutualisé d’actions de la plateforme IRAPA")
    assert len(titles) == 5
    sdgs = select(store, uris, """
        SELECT ?n ?priority WHERE {
            id:project\\/16323 atlas:sustainableDevelopmentGoal ?q . ?q dcterms:subject/skos:notation ?n ; atlas:priority ?priority
        }""")
    assert sorted((int(r["n"]), r["priority"]) for r in sdgs) == [
        (1, "1"), (3, "1"), (4, "1"), (5, "1"), (7, "1"), (8, "1"), (10, "1"), (11, "2"), (17, "2"),
    ]
    # One post written two ways on two pages: one resource, four contacts over the example pages.
    tunis = select(store, uris, f"SELECT DISTINCT ?p WHERE {{ ?p atlas:diplomaticPost <{uris.post('Ambassade de France à Tunis')}> }}")
    assert sorted(r["p"] for r in tunis) == [uris.project(12523), uris.project(15077)]
    # 6099 has no theme at all; 15635 lists a malformed address of the Algiers post.
    assert not select(store, uris, "SELECT ?t WHERE { id:project\\/6099 atlas:mainTheme ?t }")
    malformed = select(store, uris, "SELECT ?m WHERE { ?person atlas:malformedEmail ?m }")
    assert malformed == [{"m": "gregor.trumel@diplomatie.gouv..fr"}]


# -- shared graphs -------------------------------------------------------------------------------------------------


def test_static_graphs_hold_the_vocabulary_the_schemes_and_the_funding_structure(uris: UriScheme) -> None:
    graphs = static_graphs(uris)
    assert set(graphs) == {uris.graph(n) for n in (
        "vocabulary", "themes", "sdgs", "statuses", "partnership-forms", "contact-roles", "authority-kinds",
        "funding",
    )}
    store = ox.Store()
    for name, triples in graphs.items():
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name)) for t in triples)
    sdgs = select(store, uris, """
        SELECT ?n ?fr ?en WHERE { ?c skos:inScheme id:scheme\\/sdgs ; skos:topConceptOf id:scheme\\/sdgs ;
            skos:notation ?n ; skos:prefLabel ?fr , ?en . FILTER (lang(?fr) = "fr" && lang(?en) = "en") }""")
    assert len(sdgs) == 17
    assert {r["n"]: r["en"] for r in sdgs}["17"] == "Partnerships for the Goals"
    assert {r["n"]: r["fr"] for r in sdgs}["2"] == "Faim « zéro »"  # the UN's own French label
    themes = select(store, uris, "SELECT ?c WHERE { ?c skos:inScheme id:scheme\\/themes }")
    assert len(themes) == 26
    tops = select(store, uris, "SELECT ?l WHERE { id:scheme\\/themes skos:hasTopConcept/skos:prefLabel ?l }")
    assert sorted(r["l"] for r in tops) == sorted(codelists.THEMES)
    # broader and narrower state the same tree both ways
    assert not run(store, uris, "ASK { ?a skos:broader ?b FILTER NOT EXISTS { ?b skos:narrower ?a } }")
    assert run(store, uris, "ASK { ?a skos:broader ?b }")
    leaves = select(store, uris, """
        SELECT ?l WHERE { ?c skos:broader/skos:broader id:theme\\/economie-durable ; skos:prefLabel ?l }""")
    assert sorted(r["l"] for r in leaves) == [
        "Agriculture et agroalimentaire", "Pôles de compétitivité, clusters, filières", "Tourisme",
    ]
    dimensions = select(store, uris, f"""
        SELECT ?dim WHERE {{ <{uris.dataset("funding")}> a qb:DataSet ; qb:structure/qb:component/qb:dimension ?dim }}""")
    assert {r["dim"] for r in dimensions} == {
        uris.vocab + "fundedProject", uris.vocab + "funder", uris.vocab + "fundingLine",
        "http://purl.org/linked-data/sdmx/2009/dimension#refPeriod", "http://purl.org/linked-data/cube#measureType",
    }


def test_the_vocabulary_lives_under_the_configured_base() -> None:
    other = UriScheme("http://localhost:8000/atlas/")
    subjects = {t.subject.value for t in static_graphs(other)[other.graph("vocabulary")]}
    assert "http://localhost:8000/atlas/def/Project" in subjects
    assert all(s.startswith("http://localhost:8000/atlas/def/") for s in subjects)
