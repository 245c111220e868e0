"""The Atlas code lists, verbatim as real pages write them: the parser splits table rows with them and the
mapping builds the SKOS concept schemes from them. No official complete list exists; unknown values are kept.

>>> country_iso3("Tunisie"), country_iso3("tunisie"), country_iso3("Palestine"), country_iso3("Atlantide")
('TUN', 'TUN', 'PSE', None)
>>> country_iso3("Congo"), country_iso3("Fédération de Russie"), country_iso3("Russie")
('COG', 'RUS', 'RUS')
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

from atlas_ld.uris import slugify

# Thématique d'intervention > Sous-thématique > Sous-sous-thématique (taxonomy-observed.md).
THEMES: dict[str, dict[str, tuple[str, ...]]] = {
    "Culture et Patrimoine": {
        "Francophonie": (),
        "Infrastructures, équipements et manifestations culturelles": (),
        "Patrimoine": (),
    },
    "Economie durable": {
        "Agriculture et développement rural": ("Agriculture et agroalimentaire",),
        "Aménagement du territoire et transports": (),
        "Attractivité des territoires": ("Pôles de compétitivité, clusters, filières", "Tourisme"),
    },
    "Education, Social et Recherche": {
        "Education, emploi, formation professionnelle": (),
        "Insertion sociale": (),
        "Jeunesse & genre": ("Jeunesse, mobilité et protection de l'enfance",),
        "Santé": (),
    },
    "Environnement, Climat et Energie": {
        "Eau et déchets": ("Eau et assainissement",),
        "Energie": (),
    },
    "Politique, humanitaire et coopération transfrontalière": {
        "Coopération transfrontalière": (),
        "Gouvernance locale et appui institutionnel": ("Appui institutionnel", "Gouvernance et démocratie locales"),
    },
}

# The 17 UN Sustainable Development Goals, with the UN's own short labels (French: un.org/sustainabledevelopment/fr,
# English: un.org/sustainabledevelopment, as on the goals' icons).
SDGS: dict[int, tuple[str, str]] = {
    1: ("Pas de pauvreté", "No Poverty"),
    2: ("Faim « zéro »", "Zero Hunger"),
    3: ("Bonne santé et bien-être", "Good Health and Well-being"),
    4: ("Éducation de qualité", "Quality Education"),
    5: ("Égalité entre les sexes", "Gender Equality"),
    6: ("Eau propre et assainissement", "Clean Water and Sanitation"),
    7: ("Énergie propre et d’un coût abordable", "Affordable and Clean Energy"),
    8: ("Travail décent et croissance économique", "Decent Work and Economic Growth"),
    9: ("Industrie, innovation et infrastructure", "Industry, Innovation and Infrastructure"),
    10: ("Inégalités réduites", "Reduced Inequalities"),
    11: ("Villes et communautés durables", "Sustainable Cities and Communities"),
    12: ("Consommation et production responsables", "Responsible Consumption and Production"),
    13: ("Mesures relatives à la lutte contre les changements climatiques", "Climate Action"),
    14: ("Vie aquatique", "Life Below Water"),
    15: ("Vie terrestre", "Life on Land"),
    16: ("Paix, justice et institutions efficaces", "Peace, Justice and Strong Institutions"),
    17: ("Partenariats pour la réalisation des objectifs", "Partnerships for the Goals"),
}
# Other ways the pages write a goal's French label, read as that goal.
SDG_VARIANTS: dict[int, tuple[str, ...]] = {2: ("Faim zéro", "Faim \"zéro\"")}

# Small schemes: French label as on the pages → English label.
STATUSES: dict[str, str] = {"En cours": "Ongoing", "Terminé": "Completed"}
CONTACT_ROLES: dict[str, str] = {
    "Correspondant coopération décentralisée": "Decentralised cooperation correspondent",
    "Conseiller de coopération et d'action culturelle": "Counsellor for cooperation and cultural action",
}
PARTNERSHIP_FORMS: dict[str, str] = {"Projet de coopération décentralisée": "Decentralised cooperation project"}
# What a French authority is, as the reference data (INSEE, DGCL) tells; "Autre" for a name it does not know.
AUTHORITY_KINDS: dict[str, str] = {
    "Commune": "Municipality",
    "Département": "Department",
    "Région": "Region",
    "Intercommunalité": "Inter-municipal body",
    "Autre collectivité": "Other authority",
}
# Funders seen in funding tables that are not authorities named elsewhere on the page.
KNOWN_FUNDERS: tuple[str, ...] = ("Ministère de l'Europe et des Affaires étrangères", "Villes partenaires", "Autre")


def theme_labels() -> set[str]:
    """Every label of every level of the theme tree."""
    labels: set[str] = set()
    for top, subs in THEMES.items():
        labels.add(top)
        for sub, leaves in subs.items():
            labels.add(sub)
            labels.update(leaves)
    return labels


@cache
def _country_index() -> dict[str, str]:
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    full: dict[str, str] = {}
    short: dict[str, str] = {}
    for country in pycountry.countries:
        names = {country.name, getattr(country, "common_name", country.name), getattr(country, "official_name", "")}
        names |= {french.gettext(n) for n in list(names) if n}
        for name in filter(None, names):
            full.setdefault(slugify(name), country.alpha_3)
            if ", " in name:
                # ISO writes "Russie, Fédération de"; pages write "Fédération de Russie" or just "Russie".
                head, tail = name.split(", ", 1)
                full.setdefault(slugify(f"{tail} {head}"), country.alpha_3)
                short.setdefault(slugify(head), country.alpha_3)
    # A full name wins over the head of another one: "Congo" is COG, not "Congo, République démocratique du".
    return short | full


def country_iso3(name: str) -> str | None:
    """ISO 3166-1 alpha-3 code of a country named in French (or English) as on the pages; None if unknown."""
    return _country_index().get(slugify(name))


@cache
def country_names() -> dict[str, str]:
    """ISO alpha-3 → French name, for labels."""
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    return {c.alpha_3: french.gettext(c.name) for c in pycountry.countries}
