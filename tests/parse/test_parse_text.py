"""The text renderings of the real pages: every value the parser reads, checked against the page."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import atlas_ld
from atlas_ld.parse import iter_page_files, parse_page_text, read_page
from atlas_ld.records import (
    Document,
    EmbassyPost,
    ForeignPartner,
    FundingLine,
    PartnerContact,
    PostContact,
    ProjectRecord,
    SdgRow,
    ThemeRow,
)

PAGES = Path(atlas_ld.__file__).parent / "examples"
CORRESPONDENT = "Correspondant coopération décentralisée"
COUNSELLOR = "Conseiller de coopération et d'action culturelle"
MEAE = "Ministère de l'Europe et des Affaires étrangères"


def page(prj_id: int) -> ProjectRecord:
    return read_page(PAGES / f"{prj_id}.txt")


def messages(record: ProjectRecord) -> list[str]:
    return [w.message for w in record.warnings]


@pytest.fixture(scope="module")
def whole() -> ProjectRecord:
    return page(12523)


def test_12523_identity_and_provenance(whole: ProjectRecord) -> None:
    assert whole.prj_id == 12523
    assert whole.source_url == (
        "https://pastel.diplomatie.gouv.fr/cncdext/dyn/public/atlas/detailProjet.html?criteres.prjId=12523"
    )
    assert whole.source_file.endswith("12523.txt")
    assert whole.template == "2015"
    assert whole.footer_year == 2013
    assert whole.complete is True
    assert whole.warnings == []


def test_12523_embassy_contacts(whole: ProjectRecord) -> None:
    assert whole.posts == [
        EmbassyPost(
            "AMBASSADE DE FRANCE A TUNIS",
            [
                PostContact(CORRESPONDENT, "Pierre-Yves SONALET", "pierre-yves.sonalet@diplomatie.gouv.fr", True),
                PostContact(COUNSELLOR, "Valéry FRELAND", "valery.freland@diplomatie.gouv.fr", True),
            ],
        )
    ]


def test_12523_project_fields(whole: ProjectRecord) -> None:
    assert whole.title == "Projet d'action internationale de Romans et de ses villes partenaires"
    assert whole.signature_year == 2010
    assert whole.theme == (
        "Economie durable",
        "Attractivité des territoires",
        "Pôles de compétitivité, clusters, filières",
    )
    assert whole.other_themes == []
    assert whole.sdgs == []
    assert whole.start_year == 2010
    assert whole.status == "En cours"
    assert whole.end_date is None
    assert whole.partnership_form == "Projet de coopération décentralisée"
    assert whole.project_managers == ("Romans et ses villes partenaires",)
    assert whole.contracting_authorities == ("Romans et ses villes partenaires",)
    assert len(whole.beneficiaries) == 1
    assert whole.beneficiaries[0].startswith("Les bénéficiaires du projet sont multiples")
    assert whole.beneficiaries[0].endswith("capacités techniques et organisationnelles.")


def test_12523_long_texts_keep_paragraphs(whole: ProjectRecord) -> None:
    assert len(whole.context) == 7
    assert whole.context[0].startswith("Ville moyenne française de 35000 habitants")
    assert whole.context[1].startswith("L'action internationale menée par la Ville de Romans")
    assert whole.context[-1].startswith("Le contexte économique et politique de Romans")
    assert len(whole.history) == 8
    assert whole.history[0] == "Historique des coopérations"
    assert whole.history[-1].startswith("Restreint à 3 puis 2 chargés de mission")
    assert len(whole.objective) == 5
    assert whole.objective[0].startswith("Le présent projet a pour objectif général")
    assert whole.objective[-1].startswith("D’identifier et de contribuer")
    assert len(whole.description) == 6
    assert whole.description[0] == "Projet cofinancé par le MAEE en 2010"
    assert whole.description[-1].startswith("Description sommaire : L’action prend en considération")
    assert whole.context_and_history == ()
    # non-breaking spaces of French typography are kept inside the text
    assert "villes\xa0: trois du pourtour" in whole.context[0]


def test_12523_partners(whole: ProjectRecord) -> None:
    assert whole.foreign_partners == [ForeignPartner("El Jem", "Tunisie")]
    assert whole.partner_contacts == [PartnerContact("El Jem", "AKROUT", "Ali", None, "ali.eljem@yahoo.fr")]
    assert whole.french_partners == ["Romans sur Isère"]


def test_12523_funding_lines_and_total(whole: ProjectRecord) -> None:
    assert whole.funding == [
        FundingLine("Autre", Decimal("0"), Decimal("0"), 2010),
        FundingLine("Romans sur Isère", Decimal("112285"), Decimal("0"), 2010),
        FundingLine(MEAE, Decimal("25000"), None, 2010),
        FundingLine(MEAE, Decimal("25000"), None, 2011),
        FundingLine(MEAE, Decimal("25000"), None, 2012),
        FundingLine("Villes partenaires", Decimal("27000"), None, 2010),
    ]
    assert sum(line.amount or 0 for line in whole.funding) == 214285


def test_a_funder_whose_name_ends_in_a_number_is_the_partner_of_that_name(tmp_path: Path) -> None:
    """Cells joined by spaces: "Val 81 145000 2014" is the partner "Communauté de communes Val 81" (an EPCI of the
    Tarn), 145,000 euros in 2014, not "Val" with 81 euros and a 1% Eau amount of 145,000."""
    name = "Communauté de communes Val 81"
    text = (PAGES / "12523.txt").read_text(encoding="utf-8")
    text = text.replace("Romans sur Isère commun.ico.loupe.alter", f"{name} commun.ico.loupe.alter")
    text = text.replace("Romans sur Isère 112285 0 2010", f"{name} 112285 2010")
    text = text.replace("Villes partenaires 27000 2010", "Villes 81 27000 2010")  # no partner of that name
    (tmp_path / "12523.txt").write_text(text, encoding="utf-8")
    funding = read_page(tmp_path / "12523.txt").funding
    assert FundingLine(name, Decimal("112285"), None, 2010) in funding
    assert FundingLine("Villes", Decimal("81"), Decimal("27000"), 2010) in funding


def test_12523_statements_volunteers_documents(whole: ProjectRecord) -> None:
    assert whole.triennial is True
    assert whole.communication_in_france is True
    assert whole.communication_in_partner_countries is True
    assert whole.evaluation is True
    assert whole.volunteers == []
    assert whole.documents == [
        Document("Accord de coopération multilatérale", Decimal("394.63"), "protocole_coop_2010-2012_PAIR.pdf")
    ]


def test_15077_two_posts_and_three_level_other_themes() -> None:
    record = page(15077)
    assert [post.name for post in record.posts] == ["AMBASSADE DE FRANCE A TUNIS", "Ambassade de France à Ouagadougou"]
    assert record.posts[1].contacts == [
        PostContact(CORRESPONDENT, "Marion ANVROIN", "marion.anvroin@diplomatie.gouv.fr", True),
        PostContact(COUNSELLOR, "Laurent BARBOT", "laurent.barbot@diplomatie.gouv.fr", True),
    ]
    assert record.title == "La mobilité internationale des jeunes comme vecteur de rapprochement entre territoires"
    assert record.signature_year == 2016
    assert record.theme == ("Education, Social et Recherche", "Jeunesse & genre",
                            "Jeunesse, mobilité et protection de l'enfance")
    assert record.other_themes == [
        ThemeRow(("Politique, humanitaire et coopération transfrontalière",
                  "Gouvernance locale et appui institutionnel", "Gouvernance et démocratie locales"), 1),
        ThemeRow(("Culture et Patrimoine", "Patrimoine"), 2),
        ThemeRow(("Culture et Patrimoine", "Francophonie"), 3),
        ThemeRow(("Education, Social et Recherche", "Education, emploi, formation professionnelle"), 4),
    ]
    assert (record.start_year, record.status, record.end_date) == (2018, "En cours", dt.date(2019, 12, 31))
    assert record.context == (
        "Fort de la conviction que la jeunesse constitue un atout pour l’avenir d’un territoire, le conseil "
        "départemental de l’Aude met tout en œuvre pour que les jeunes audois trouvent dans le département les "
        "meilleures conditions d’épanouissement et d",
    )
    assert record.complete is False
    assert record.footer_year is None
    assert record.funding == [] and record.documents == []
    assert messages(record) == ["page cut short (no footer); the last field read, 'Contexte', may be incomplete"]
    assert record.warnings[0].line == 51


def test_15635_pipe_tables_and_malformed_email() -> None:
    record = page(15635)
    assert [post.name for post in record.posts] == ["Ambassade de France à Bruxelles", "Ambassade de France à Alger"]
    # the address sits on the line after "Courriel :"
    assert record.posts[0].contacts[0] == PostContact(
        CORRESPONDENT, "Catherine WALLISKY", "catherine.wallisky@diplomatie.gouv.fr", True
    )
    trumel = record.posts[1].contacts[1]
    assert trumel == PostContact(COUNSELLOR, "Gregor TRUMEL", "gregor.trumel@diplomatie.gouv..fr", False)
    assert record.title == "Dunkerque, Europe et Méditerranée, roulez jeunesse !"
    assert record.theme == ("Culture et Patrimoine", "Infrastructures, équipements et manifestations culturelles", None)
    assert record.other_themes == [
        ThemeRow(("Education, Social et Recherche", "Education, emploi, formation professionnelle"), 1)
    ]
    assert (record.signature_year, record.start_year, record.end_date) == (2018, 2019, dt.date(2020, 12, 31))
    assert record.context[0].startswith("S’agissant du projet MEMORY")
    assert record.complete is False
    assert messages(record) == [
        "malformed e-mail address 'gregor.trumel@diplomatie.gouv..fr' kept as written",
        "page cut short (no footer); the last field read, 'Contexte', may be incomplete",
    ]
    assert record.warnings[0].line == 19


@pytest.mark.parametrize("written", ["2 - Faim « zéro »", "2 - Faim zéro", "2 - FAIM « ZÉRO »"])
def test_the_un_french_label_of_a_goal_is_known(written: str) -> None:
    """The UN writes goal 2 "Faim « zéro »"; pages that copy it are not told their goal is unknown."""
    text = (PAGES / "16323.txt").read_text(encoding="utf-8").replace("1 - Pas de pauvreté", written, 1)
    record = parse_page_text(text, source_file="16323.txt")
    assert record.sdgs[2].number == 2
    assert not [m for m in messages(record) if "does not match the known goals" in m]


def test_16323_newer_template_with_odd_table() -> None:
    record = page(16323)
    assert record.template == "2022"
    assert record.posts == []
    assert record.title.startswith("Programme mutualisé d’actions de la plateforme IRAPA")
    assert record.signature_year == 2019
    assert record.theme == ("Education, Social et Recherche", "Santé", None)
    assert record.other_themes == [
        ThemeRow(("Culture et Patrimoine", "Infrastructures, équipements et manifestations culturelles"), 1),
        ThemeRow(("Environnement, Climat et Energie", "Energie"), 2),
        ThemeRow(("Education, Social et Recherche", "Jeunesse & genre"), 3),
        ThemeRow(("Education, Social et Recherche", "Education, emploi, formation professionnelle"), 4),
    ]
    assert record.sdgs == [
        SdgRow(11, "Villes et communautés durables", 2),
        SdgRow(17, "Partenariats pour la réalisation des objectifs", 2),
        SdgRow(1, "Pas de pauvreté", 1),
        SdgRow(3, "Bonne santé et bien-être", 1),
        SdgRow(4, "Éducation de qualité", 1),
        SdgRow(5, "Égalité entre les sexes", 1),
        SdgRow(7, "Énergie propre et d’un coût abordable", 1),
        SdgRow(8, "Travail décent et croissance économique", 1),
        SdgRow(10, "Inégalités réduites", 1),
    ]
    assert (record.start_year, record.status, record.end_date) == (2022, "En cours", dt.date(2022, 12, 31))
    assert len(record.context_and_history) == 1
    assert record.context_and_history[0].startswith("Comme le reste du monde, l’Arménie fait face")
    assert record.context == () and record.history == ()
    assert messages(record) == [
        "page cut short (no footer); the last field read, 'Contexte et historique', may be incomplete"
    ]


def test_6099_all_three_themes_empty() -> None:
    record = page(6099)
    assert record.theme == (None, None, None)
    assert record.other_themes == []
    assert record.title == "Programme de coopération 2010-2012 en région de Mamou"
    assert (record.signature_year, record.start_year, record.status, record.end_date) == (2004, 2004, "En cours", None)
    assert record.posts[0].name == "Ambassade de France à Conakry"
    assert record.posts[0].contacts[1] == PostContact(COUNSELLOR, "Roger-Bernard JEAN",
                                                      "rbernard.jean@diplomatie.gouv.fr", True)
    assert len(record.context) == 3
    assert record.context[1].startswith("La « solidarité internationale »")
    assert record.history == ("Sénégal : L’engagement du Département dans le champ de la",)
    assert record.complete is False
    assert messages(record) == ["page cut short (no footer); the last field read, 'Historique', may be incomplete"]


def test_id_and_url_from_arguments_or_source_url() -> None:
    text = (PAGES / "6099.txt").read_text(encoding="utf-8")
    given = parse_page_text(text, source_file="anything.txt", prj_id=42)
    assert (given.prj_id, given.source_url.endswith("criteres.prjId=42")) == (42, True)
    url = "https://pastel.diplomatie.gouv.fr/cncdext/dyn/public/atlas/detailProjet.html?criteres.prjId=6099"
    from_url = parse_page_text(text, source_file="page.txt", source_url=url)
    assert (from_url.prj_id, from_url.source_url) == (6099, url)


def test_a_label_directly_followed_by_the_next_means_absent() -> None:
    record = parse_page_text("Titre\nAnnée de début du partenariat\nDate de fin du partenariat\nLe partenariat est\n"
                             "Terminé\nPIED DE PAGE\nTous droits réservés - Ministère 2020", source_file="7.txt")
    assert (record.title, record.start_year, record.end_date, record.status) == (None, None, None, "Terminé")
    assert record.complete is True and record.footer_year == 2020 and record.warnings == []


def test_unknown_values_are_kept_and_reported_with_their_line() -> None:
    text = "\n".join([
        "Thématique d'intervention", "Sport",
        "Autres thématiques mises en œuvre pour le partenariat",
        "Thématique éligible Sous-thématique Sous-sous-thématique Priorité",
        "Nouveau thème Santé 2",
        "Partenaires étrangers du partenariat",
        "Saint-Louis Atlantide commun.ico.loupe.alter",
        "Financement du partenariat",
        "Région Hauts-de-France 1500.50 2021",
        "Contacts dans le poste diplomatique \"Ambassade de France à Dakar\"",
        "Correspondant coopération décentralisée",
        "Courriel : jean.dupont[at]diplomatie.gouv.fr",
        "Tous droits réservés - Ministère de l'Europe et des Affaires étrangères 2021",
    ])
    record = parse_page_text(text, source_file="9.txt")
    assert record.theme == ("Sport", None, None)
    assert record.other_themes == [ThemeRow(("Nouveau thème", "Santé"), 2)]
    assert record.foreign_partners == [ForeignPartner("Saint-Louis Atlantide", None)]
    assert record.funding == [FundingLine("Région Hauts-de-France", Decimal("1500.50"), None, 2021)]
    # the name line is missing: the contact keeps its role and e-mail
    assert record.posts[0].contacts == [PostContact(CORRESPONDENT, None, "jean.dupont@diplomatie.gouv.fr", True)]
    assert [(w.line, w.message) for w in record.warnings] == [
        (5, "unknown theme 'Nouveau thème' kept as written"),
        (7, "no known country in the partner row 'Saint-Louis Atlantide'; kept whole as the name"),
        (2, "unknown theme 'Sport' kept as written"),
    ]


def test_iter_page_files_expands_folders_sorted(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("b/2.html", "b/1.TXT", "a.htm", "notes.md", ".hidden/3.txt"):
        (tmp_path / name).write_text("x")
    found = list(iter_page_files([tmp_path, tmp_path / "a.htm", tmp_path / "missing.txt"]))
    assert found == [tmp_path / "a.htm", tmp_path / "b/1.TXT", tmp_path / "b/2.html", tmp_path / "missing.txt"]


def test_12523_equals_the_record_built_by_hand(whole: ProjectRecord, record_12523: ProjectRecord) -> None:
    """The shared hand-built record (tests/conftest.py) holds every value of the page, typed out independently."""
    assert dataclasses.replace(whole, source_file=record_12523.source_file) == record_12523


def test_a_label_first_seen_empty_takes_its_value_from_a_later_copy() -> None:
    # Found by test_repeated_blocks_keep_the_first_values: the page's opening block repeated just before the
    # second "Contexte" heading leaves a first "Contexte" with nothing after it; the context is the later one.
    lines = (PAGES / "12523.txt").read_text(encoding="utf-8").split("\n")
    first, second = (i for i, line in enumerate(lines) if line == "Contexte")
    assert second == first + 1  # the heading printed twice
    start = next(i for i, line in enumerate(lines) if line.startswith("Atlas français"))
    repeated = lines[:second] + lines[start:second] + lines[second:]
    record = parse_page_text("\n".join(repeated), source_file="12523.txt")
    assert record.context[0].startswith("Ville moyenne française de 35000 habitants")
    assert record.context == parse_page_text("\n".join(lines), source_file="12523.txt").context
