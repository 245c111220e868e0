"""The lists the home page's counts open: every authority, country and diplomatic post with its number of projects.

Each list is one SPARQL query, kept until the store's next write, and counts the same resources as the home page
(`atlas_ld.publish.stats`): a list's length is the count it was opened from.
"""

from __future__ import annotations

from dataclasses import dataclass

from atlas_ld.uris import EU_COUNTRY
from atlas_ld.vocab import DCTERMS, RDF, RDFS
from atlas_ld.web.views.search_index import fold
from atlas_ld.web.views.store_queries import StoreQueries, int_of, select_rows, text_of

PAGE_SIZE = 50
SORTS = {"projects": "nombre de projets", "name": "nom"}


@dataclass(frozen=True)
class Listed:
    """One line of a list: the thing, its name, where it is, its projects and (for a country) its authorities;
    `filter` is the search parameter and value that gives its projects."""

    iri: str
    label: str
    projects: int
    place: str = ""
    authorities: int | None = None
    filter: tuple[str, str] | None = None


@dataclass(frozen=True)
class ListKind:
    name: str
    title: str
    place_title: str = ""
    authorities_title: str = ""


KINDS = {
    "authorities": ListKind("authorities", "Collectivités", place_title="Pays"),
    "countries": ListKind("countries", "Pays", authorities_title="Collectivités"),
    "posts": ListKind("posts", "Postes diplomatiques"),
}


def listed(queries: StoreQueries, kind: str, sort: str) -> list[Listed]:
    """The whole list of `kind`, sorted by `sort` (most projects first, or by name)."""
    items: list[Listed] = queries.kept.get(("list", kind), lambda: _READERS[kind](queries))
    if sort == "name":
        return sorted(items, key=lambda item: (fold(item.label), item.iri))
    return sorted(items, key=lambda item: (-item.projects, fold(item.label), item.iri))


def _authorities(queries: StoreQueries) -> list[Listed]:
    atlas = queries.atlas
    rows = select_rows(
        queries.store,
        f"""SELECT ?x (SAMPLE(?name) AS ?label) (SAMPLE(?country) AS ?place) (COUNT(DISTINCT ?project) AS ?n) WHERE {{
          ?x {RDF.type} {atlas.LocalAuthority} .
          OPTIONAL {{ ?x {RDFS.label} ?name }} OPTIONAL {{ ?x {DCTERMS.spatial} ?country }}
          OPTIONAL {{ ?project {atlas.frenchPartner}|{atlas.foreignPartner} ?x }}
        }} GROUP BY ?x""",
    )
    places = queries.labels.names({p for row in rows if (p := text_of(row, "place"))})
    items = []
    for row in rows:
        iri, place = text_of(row, "x") or "", text_of(row, "place") or ""
        key = queries.uris.key_of(iri, "authority")
        french = place == queries.uris.country("FRA")
        items.append(
            Listed(
                iri,
                text_of(row, "label") or iri,
                int_of(row, "n"),
                place=places.get(place, queries.uris.country_code(place) or ""),
                filter=("authority", key) if french and key else None,
            )
        )
    return items


def _countries(queries: StoreQueries) -> list[Listed]:
    rows = select_rows(
        queries.store,
        f"""SELECT ?x (COUNT(DISTINCT ?project) AS ?n) (COUNT(DISTINCT ?authority) AS ?a) WHERE {{
          ?thing {DCTERMS.spatial} ?x FILTER(STRSTARTS(STR(?x), "{EU_COUNTRY}"))
          OPTIONAL {{ ?thing {RDF.type} {queries.atlas.LocalAuthority} BIND(?thing AS ?authority) }}
          OPTIONAL {{ ?thing {RDF.type} {queries.atlas.Project} BIND(?thing AS ?project) }}
        }} GROUP BY ?x""",
    )
    names = queries.labels.names({text_of(row, "x") or "" for row in rows})
    items = []
    for row in rows:
        iri = text_of(row, "x") or ""
        code = queries.uris.country_code(iri) or iri
        items.append(
            Listed(iri, names.get(iri, code), int_of(row, "n"), authorities=int_of(row, "a"), filter=("country", code))
        )
    return items


def _posts(queries: StoreQueries) -> list[Listed]:
    atlas = queries.atlas
    rows = select_rows(
        queries.store,
        f"""SELECT ?x (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?project) AS ?n) WHERE {{
          ?project {atlas.diplomaticPost} ?x . OPTIONAL {{ ?x {RDFS.label} ?name }}
        }} GROUP BY ?x""",
    )
    items = []
    for row in rows:
        iri = text_of(row, "x") or ""
        key = queries.uris.key_of(iri, "post")
        items.append(Listed(iri, text_of(row, "label") or iri, int_of(row, "n"), filter=("post", key) if key else None))
    return items


_READERS = {"authorities": _authorities, "countries": _countries, "posts": _posts}
