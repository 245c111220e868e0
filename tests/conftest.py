"""Shared fixtures: hand-built records with the real values of the example pages, and the URI scheme."""

from __future__ import annotations

from decimal import Decimal

import pytest

from atlas_ld.records import (
    Document,
    EmbassyPost,
    ForeignPartner,
    FundingLine,
    PartnerContact,
    PostContact,
    ProjectRecord,
)
from atlas_ld.uris import UriScheme

BASE = "https://atlas.example.org/"
MEAE = "Ministère de l'Europe et des Affaires étrangères"

# The long texts of page 12523, one string per paragraph, verbatim (non-breaking spaces included).
CONTEXT = (
    (
        'Ville moyenne française de 35000 habitants, située à l’est de Valence au cœur de la Drôme des '
        'collines, ville fer de lance historique d’une industrie de la chaussure de luxe aujourd’hui en '
        'déclin, la Ville de Romans est toujours une ville ouverte, riche de la diversité de sa population '
        'représentée par un tissu associatif particulièrement dynamique. C’est sur ce terreau que s’est '
        'développée une militance internationale, canalisée depuis 1992 par un programme de coopération '
        'décentralisée ambitieux. Dépassant les seuls jumelages d’après-guerre avec cinq villes européennes, '
        'la ville a su tisser des relations de proximité avec quatre autres villes\xa0: trois du pourtour '
        'méditerranéen\xa0(Taroudannt au Maroc, Eljem en Tunisie, Beit Sahour en Palestine) et une du Caucase '
        '(Vardenis en Arménie). Tout au long de seize années de projets, elle a structuré un service '
        'municipal et mobilisé ses habitants autour d’une association référente, investissant près de 0,7% '
        'du budget municipal dans la politique publique de coopération internationale.'
    ),
    (
        "L'action internationale menée par la Ville de Romans s’appuie ainsi sur des acteurs locaux "
        'impliqués et sur des relations de coopération historiques.\xa0Elle intègre les attentes et besoins '
        'croisés des villes partenaires dans une démarche de projet. Elle s’alimente également des '
        'réflexions d’une évaluation conduite entre 2008 et 2009 pour intégrer les enjeux prioritaires de la '
        'collectivité et les problématiques du territoire, autant que les enjeux et problématiques des '
        'villes et des territoires partenaires. Prolongeant ces réflexions, l’action internationale menée '
        'par la Ville de Romans est ainsi repensée avec des ambitions nouvelles reposant sur la volonté de\xa0:'
    ),
    (
        'Améliorer les relations de coopération entre villes partenaires en repositionnant les rôles et les '
        'responsabilités de chacun, en renforçant les compétences des coordinateurs de projets locaux en '
        'lien avec les services municipaux, en construisant un dispositif financier permettant une gestion '
        'financière directe par les collectivités, et les outils de gestion de projet et de communication '
        'appropriés.'
    ),
    (
        'Impliquer la collectivité en apportant les éléments d’aide à la décision aux élus référents, dans '
        'le but de favoriser la plus large implication\xa0; en favorisant la transversalité et les démarches '
        'projet\xa0; en mobilisant les moyens disponibles au sein de la collectivité de Romans et dans les '
        'villes partenaires\xa0; en impulsant des actions en lien avec la programmation de l’action '
        'internationale.'
    ),
    (
        'Impacter le territoire en consolidant la relation complémentaire entre les villes et les '
        'associations\xa0; en favorisant la concertation entre acteurs\xa0; en accompagnant les relations de '
        'collaboration entre les romanais et les populations et acteurs des villes partenaires\xa0;'
    ),
    (
        'Contribuer à un monde plus solidaire à travers l’accompagnement de politiques publiques au bénéfice '
        'des populations (éducation, jeunesse, culture, urbanisme, assainissement…)\xa0; la démocratie locale '
        'et la participation citoyenne\xa0; la contribution aux dynamiques de développement économique local.'
    ),
    (
        'Le contexte économique et politique de Romans implique nombre de contraintes que la politique '
        'd’action internationale se doit de prendre en compte pour garantir sa pérennité.'
    ),
)
HISTORY = (
    'Historique des coopérations',
    (
        'L’action internationale de la ville de Romans suit l’évolution de la coopération décentralisée en '
        'France. La ville mène depuis la seconde guerre mondiale une politique de relations internationales '
        'active et ambitieuse pour une ville de sa taille. Elle compte aujourd’hui des actions de jumelage '
        'avec cinq villes européennes (depuis 1957 avec l’Italie) et de coopération décentralisée avec '
        'quatre villes du sud de la Méditerranée et du Caucase\xa0: El Jem en Tunisie, Taroudannt au Maroc, '
        'Beit Sahour en Palestine et Vardénis en Arménie.'
    ),
    (
        'La politique de coopération de la ville de Romans est pilotée par le conseiller municipal chargé '
        'des relations internationales. Elle est menée par la Mission des Affaires Européennes et '
        'Internationales (MAEI), service municipal créé en 1992, chargé de la gestion et du suivi technique '
        'des actions. Ce service municipal travaille en partenariat avec de nombreux acteurs locaux, '
        'notamment Romans International, association loi 1901, héritière du Comité de Jumelage et qui est '
        'davantage en charge des échanges humains entre Romans et l’ensemble des neuf villes partenaires.'
    ),
    (
        'Romans s’appuyait sur la présence jusqu’à une période récente de volontaires français sur place '
        'pour assurer le suivi des actions. La pérennité des programmes, le coût d’envoi des volontaires, '
        'l’attente parfois de relance de nouvelles actions et la connaissance plus grande des villes '
        'partenaires font que des acteurs locaux sont capables aujourd’hui d’assurer cette fonction de '
        'coordination entre chaque ville partenaire et Romans. Des coordonnateurs locaux sont identifiés et '
        'accompagnés sur chaque territoire.'
    ),
    (
        'La volonté de Romans de s’engager dans la coopération décentralisée a précédé la loi de 1992, les '
        'responsables souhaitant aller plus loin en termes de coopération et de développement\xa0que le simple '
        'jumelage avec des villes d’Europe. La ville de Romans mettra en place dès 1991 un budget '
        'correspondant à 1 % des investissements de la ville, consacré aux «\xa0actions relatives aux relations '
        'économiques extérieures, à la coopération et à la solidarité internationale avec les pays du sud\xa0».'
    ),
    (
        'Des conventions avec les quatre villes précitées se sont progressivement mises en place tout au '
        'long des années 1990 et accompagnent aujourd’hui des coopérations actives. D’abord tourné vers la '
        'Méditerranée avec El Jem en Tunisie (1992) puis Taroudannt au Maroc (1994), en profitant de '
        'l’opportunité de mener des projets au sein d’un financement européen (MEDURBS), Romans a entrepris '
        'une coopération avec la ville de Vardénis en Arménie en 1994. Romans s’est aussi positionné '
        'politiquement en s’engageant pour la paix dans son soutien à la ville de Beit Sahour en Palestine '
        'en 1995.'
    ),
    (
        'Cinq grands domaines ont alimenté l’action internationale communale\xa0: l’action sanitaire et sociale '
        '; les échanges et les dialogues\xa0; les projets artistiques et culturels\xa0; le tourisme et le '
        'patrimoine\xa0; la formation professionnelle. La ville s’appuie sur la charte du développement durable '
        'et de la coopération décentralisée, mais aussi sur une charte de l’action internationale rédigée en '
        '2004 (et actuellement en cours de redéfinition) qui définit la politique internationale de la ville '
        'selon 3 axes\xa0: promouvoir l’échange, le respect de l’autre et une meilleure connaissance des '
        'peuples\xa0; participer au développement local, concerté et durable\xa0; œuvrer pour des relations '
        'solidaires et équitables.'
    ),
    (
        'Restreint à 3 puis 2 chargés de mission avec un secrétariat partagé, le service des relations '
        'internationales a souffert d’un «\xa0emballement\xa0» qui, relié à l’évolution des contextes, a obligé à '
        'réagir. Avec les élus de la ville, il a été décidé de mener en 2008 avec le F3E une évaluation, '
        'poursuivie en 2009, qui pousse à refonder l’action internationale et les relations de coopérations '
        'entre Romans et ses partenaires. Le Projet International de Romans et de ses partenaires est le '
        'reflet des réflexions impulsées par ce processus évaluatif.'
    ),
)
OBJECTIVE = (
    (
        'Le présent projet a pour objectif général d’accompagner la redéfinition et la mise en œuvre d’une '
        'politique d’action internationale d’intérêt mutuel entre les villes partenaires de coopération de '
        'Romans. Au-delà\xa0; il implique un travail d’appui institutionnel auprès des 5 villes dans leur '
        'capacité à définir, à mettre en place et à mutualiser la conduite de politiques publiques.'
    ),
    (
        'Il implique tout au long de la période 2010 – 2012, dans le respect de l’histoire des relations de '
        'coopération et des enseignements de l’évaluation conduite en 2008 et 2009\xa0:'
    ),
    'L’élaboration d’un dispositif de pilotage politique, technique et financier partagé.',
    (
        'De répondre à travers la politique de coopération internationale aux enjeux prioritaires de la '
        'collectivité et du territoire de Romans.'
    ),
    (
        'D’identifier et de contribuer à répondre aux enjeux communs et prioritaires identifiés dans chacune '
        'des villes partenaires.'
    ),
)
DESCRIPTION = (
    'Projet cofinancé par le MAEE en 2010',
    (
        'Le Projet International pour la Ville de Romans et les villes partenaires, vient prolonger le '
        'processus de redéfinition d’une politique de coopération internationale d’intérêt mutuel entre '
        'Romans et ses villes partenaires\xa0; il interroge l’impact de cette politique sur les territoires et '
        'sa capacité à répondre aux enjeux prioritaires identifiés.'
    ),
    (
        'Porté par plusieurs collectivités territoriales associées pour améliorer et mettre en cohérence '
        'leur action, il contribue à consolider la capacité des villes à mener des politiques publiques au '
        'bénéfice croisé des populations.'
    ),
    '- Elaboration d’un dispositif de pilotage politique, technique et financier partagé entre les villes',
    (
        'Objectif de l’action : Il s’agit d’abord d’identifier précisément les responsables politiques et '
        'techniques en charge du suivi des projets de coopération, pour mieux les impliquer et les '
        'responsabiliser. Des outils et des procédures appropriés sont co-établis entre tous les '
        'partenaires, pour garantir une même compréhension de l’intérêt et de l’objet de la coopération, '
        'pour assurer une intégration dynamique des enjeux qui y sont associés, et pour permettre une '
        'co-gestion tendant vers plus d’équité entre partenaires du projet.'
    ),
    (
        'Description sommaire : L’action prend en considération les conclusions et les recommandations de '
        'l’évaluation de la coopération décentralisée de la ville de Romans, et prévoit notamment que '
        'l’engagement à l’international ne soit plus «\xa0vécu et mis en œuvre comme une somme de relations et '
        'd’actions réalisées pour chaque ville ou entre les villes\xa0», pour devenir une «\xa0véritable politique '
        'publique transversale\xa0». Pour ce faire, un dispositif de pilotage de la relation est élaboré. Ce '
        'dispositif, les outils, les procédures et les activités l’alimentant, doivent reposer sur un '
        'engagement, des compétences et une responsabilité partagés entre référents politiques et techniques '
        'des villes.'
    ),
)
BENEFICIARIES = (
    (
        'Les bénéficiaires du projet sont multiples, mais il s’agit principalement\xa0:des techniciens des '
        'municipalités impliquées, à travers un renforcement des capacités et des formations appropriées. '
        'Les techniciens des autres institutions et collectivités partenaires qui participeront aux actions\xa0'
        ';des responsables politiques des villes associés aux réflexions et impliqués dans les rencontres et '
        'les temps d’échange et de travail\xa0;des acteurs associatifs des territoires qui verront une '
        'amélioration de leurs capacités techniques et organisationnelles.'
    ),
)


def make_record_12523() -> ProjectRecord:
    """Page 12523 (the one whole example page) as the parser should read it."""
    return ProjectRecord(
        prj_id=12523,
        source_file="12523.txt",
        source_url="https://pastel.diplomatie.gouv.fr/cncdext/dyn/public/atlas/detailProjet.html?criteres.prjId=12523",
        template="2015",
        title="Projet d'action internationale de Romans et de ses villes partenaires",
        signature_year=2010,
        theme=("Economie durable", "Attractivité des territoires", "Pôles de compétitivité, clusters, filières"),
        start_year=2010,
        status="En cours",
        end_date=None,
        context=CONTEXT,
        history=HISTORY,
        objective=OBJECTIVE,
        description=DESCRIPTION,
        partnership_form="Projet de coopération décentralisée",
        project_managers=("Romans et ses villes partenaires",),
        contracting_authorities=("Romans et ses villes partenaires",),
        beneficiaries=BENEFICIARIES,
        posts=[
            EmbassyPost(
                "AMBASSADE DE FRANCE A TUNIS",
                [
                    PostContact(
                        "Correspondant coopération décentralisée",
                        "Pierre-Yves SONALET",
                        "pierre-yves.sonalet@diplomatie.gouv.fr",
                    ),
                    PostContact(
                        "Conseiller de coopération et d'action culturelle",
                        "Valéry FRELAND",
                        "valery.freland@diplomatie.gouv.fr",
                    ),
                ],
            )
        ],
        foreign_partners=[ForeignPartner("El Jem", "Tunisie")],
        partner_contacts=[
            PartnerContact("El Jem", family_name="AKROUT", given_name="Ali", email="ali.eljem@yahoo.fr")
        ],
        french_partners=["Romans sur Isère"],
        triennial=True,
        funding=[
            FundingLine("Autre", Decimal(0), Decimal(0), 2010),
            FundingLine("Romans sur Isère", Decimal(112285), Decimal(0), 2010),
            FundingLine(MEAE, Decimal(25000), None, 2010),
            FundingLine(MEAE, Decimal(25000), None, 2011),
            FundingLine(MEAE, Decimal(25000), None, 2012),
            FundingLine("Villes partenaires", Decimal(27000), None, 2010),
        ],
        communication_in_france=True,
        communication_in_partner_countries=True,
        evaluation=True,
        volunteers=[],
        documents=[Document("Accord de coopération multilatérale", Decimal("394.63"), "protocole_coop_2010-2012_PAIR.pdf")],
        footer_year=2013,
        complete=True,
    )


@pytest.fixture
def record_12523() -> ProjectRecord:
    return make_record_12523()


@pytest.fixture
def uris() -> UriScheme:
    return UriScheme(BASE)
