"""The labels of an Atlas detail page (both templates), what each introduces, and the table column headers.

Labels are compared on their slug, so case, accents, apostrophes and a trailing colon do not matter:

>>> match_label("Le partenariat est :").key, match_label("ANNEE DE DEBUT DU PARTENARIAT").key
('status', 'start_year')
>>> match_label('Contacts dans le poste diplomatique "Ambassade de France à Alger"').kind
<Kind.POST: 5>
>>> match_label("Historique des coopérations") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto
from functools import cache, lru_cache

from atlas_ld.uris import slugify

MAX_LABEL_CHARS = 200
"""Longer lines are never labels; skips slugifying long paragraphs."""


class Kind(Enum):
    VALUE = auto()  # a one-line value follows (may be absent)
    TEXT = auto()  # paragraphs follow, one per line
    TABLE = auto()  # a header line, then one row per line
    FLAG = auto()  # a statement whose presence means "yes"
    POST = auto()  # an embassy post block; the label line carries the post's name
    HEADING = auto()  # a heading with nothing of its own
    FOOTER = auto()  # the footer; the label line carries the year


@dataclass(frozen=True)
class Label:
    key: str
    kind: Kind
    text: str  # as the page writes it
    newer: bool = False  # only in the c. 2022 template


LABELS: tuple[Label, ...] = (
    Label("page_title", Kind.HEADING,
          "Atlas français de la coopération décentralisée et des autres actions extérieures"),
    Label("title", Kind.VALUE, "Titre"),
    Label("signature_year", Kind.VALUE, "Année de première signature de la convention"),
    Label("signature_year", Kind.VALUE, "Année de signature de la convention ou de la lettre d'intention", newer=True),
    Label("theme1", Kind.VALUE, "Thématique d'intervention"),
    Label("theme2", Kind.VALUE, "Sous-thématique d'intervention"),
    Label("theme3", Kind.VALUE, "Sous-sous-thématique d'intervention"),
    Label("other_themes", Kind.TABLE, "Autres thématiques mises en œuvre pour le partenariat"),
    Label("sdgs", Kind.TABLE, "Objectifs de développement durable - ODD", newer=True),
    Label("start_year", Kind.VALUE, "Année de début du partenariat"),
    Label("status", Kind.VALUE, "Le partenariat est"),
    Label("end_date", Kind.VALUE, "Date de fin du partenariat"),
    Label("context", Kind.TEXT, "Contexte"),
    Label("history", Kind.TEXT, "Historique"),
    Label("context_and_history", Kind.TEXT, "Contexte et historique", newer=True),
    Label("objective", Kind.TEXT, "Objectif du partenariat"),
    Label("description", Kind.TEXT, "Description détaillée du partenariat"),
    Label("partnership_form", Kind.VALUE, "Votre partenariat prend la forme d'un(e)"),
    Label("implementation", Kind.HEADING, "Mise en œuvre du partenariat"),
    Label("project_managers", Kind.TEXT, "Maître(s) d'œuvre"),
    Label("contracting_authorities", Kind.TEXT, "Maître(s) d'ouvrage"),
    Label("beneficiaries", Kind.TEXT, "Bénéficiaire(s)"),
    Label("foreign_partners", Kind.TABLE, "Partenaires étrangers du partenariat"),
    Label("partner_contacts", Kind.TABLE, "Contacts dans les partenaires étrangers du partenariat"),
    Label("french_partners", Kind.TABLE, "Collectivités territoriales partenaires du partenariat"),
    Label("triennial", Kind.FLAG, "Le partenariat est triennal"),
    Label("funding", Kind.TABLE, "Financement du partenariat"),
    Label("evaluation_heading", Kind.HEADING, "Évaluations, communication et perspectives"),
    Label("communication_in_france", Kind.FLAG, "Une communication a été engagée en France"),
    Label("communication_in_partner_countries", Kind.FLAG, "Une communication a été engagée dans les pays partenaires"),
    Label("evaluation", Kind.FLAG, "Une politique d'évaluation a été engagée"),
    Label("documents", Kind.TABLE, "Documents"),
    Label("footer_heading", Kind.HEADING, "PIED DE PAGE"),
)
# Labels followed by more text on the same line.
PREFIX_LABELS: tuple[Label, ...] = (
    Label("post", Kind.POST, "Contacts dans le poste diplomatique"),
    Label("volunteers", Kind.TABLE, "Volontaires impliqués dans le partenariat"),
    Label("footer", Kind.FOOTER, "Tous droits réservés"),
)

# Column header (slug) → field, for every table; the first column of each table tells a header line apart.
COLUMNS: dict[str, str] = {
    "thematique-eligible": "theme1",
    "sous-thematique": "theme2",
    "sous-sous-thematique": "theme3",
    "priorite": "priority",
    "nom-de-la-collectivite-etrangere": "authority",
    "pays": "country",
    "nom": "family_name",
    "prenom": "given_name",
    "fonction": "function",
    "courriel": "email",
    "nom-de-la-collectivite-territoriale": "name",
    "nom-du-financeur": "funder",
    "montant-en-euros": "amount",
    "montant-1-eau-loi-oudin-2005": "water_amount",
    "annee": "year",
    "mission": "mission",
    "champs-d-action": "field_of_action",
    "entite-d-affectation": "entity",
    "titre-du-document": "title",
    "taille-en-ko": "size_kb",
    "nom-du-fichier": "file_name",
}
HEADER_STARTS: dict[str, str] = {
    "other_themes": "thematique-eligible",
    "sdgs": "thematique-eligible",
    "foreign_partners": "nom-de-la-collectivite-etrangere",
    "partner_contacts": "nom-de-la-collectivite-etrangere",
    "french_partners": "nom-de-la-collectivite-territoriale",
    "funding": "nom-du-financeur",
    "volunteers": "nom-prenom-mission",
    "documents": "titre-du-document",
}


@cache
def _by_slug() -> dict[str, Label]:
    return {slugify(label.text): label for label in LABELS}


@cache
def _prefixes() -> tuple[tuple[str, Label], ...]:
    return tuple((slugify(label.text), label) for label in PREFIX_LABELS)


@lru_cache(maxsize=8192)
def match_label(text: str) -> Label | None:
    """The label a whole line is, or None for a value line (cached: pages repeat the same labels)."""
    if not text or len(text) > MAX_LABEL_CHARS:
        return None
    slug = slugify(text)
    label = _by_slug().get(slug)
    if label is not None:
        return label
    for prefix, label in _prefixes():
        if slug == prefix or slug.startswith(prefix + "-"):
            return label
    return None


def is_header(table_key: str, text: str) -> bool:
    """Whether a line is the column header of that table (a row never starts with the first column's name)."""
    start = HEADER_STARTS.get(table_key)
    if start is None or len(text) > 4 * MAX_LABEL_CHARS:
        return False
    slug = slugify(text)
    return slug == start or slug.startswith(start + "-")


def column_fields(cells: tuple[str, ...]) -> tuple[str | None, ...]:
    """The field each header cell names (None for an icon column or an unknown header)."""
    return tuple(COLUMNS.get(slugify(cell)) if cell else None for cell in cells)
