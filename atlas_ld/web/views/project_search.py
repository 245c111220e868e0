"""The home page's project search: its filters, its facets, and any list of projects matching graph patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from atlas_ld.vocab import ADMS, DCTERMS, RDF, RDFS, SDMX_DIMENSION, SKOS
from atlas_ld.web.views.store_queries import (
    Option,
    StoreQueries,
    int_of,
    narrower_or_self,
    select_rows,
    text_of,
)

PAGE_SIZE = 20
_ISO3 = re.compile(r"[A-Za-z]{3}")
_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*")


@dataclass(frozen=True)
class ProjectFilters:
    """What the home page's search form asks for; empty fields filter nothing."""

    text: str = ""
    country: str = ""  # ISO 3166 alpha-3
    theme: str = ""  # key under /id/theme/, e.g. "economie-durable/attractivite-des-territoires"
    authority: str = ""  # part of a French partner authority's name
    status: str = ""  # key under /id/status/, e.g. "en-cours"
    year: int | None = None  # start year, signature year or a funding year

    def is_empty(self) -> bool:
        return not (self.text or self.country or self.theme or self.authority or self.status or self.year)


@dataclass(frozen=True)
class ProjectSummary:
    """One line of a list of projects."""

    iri: str
    title: str
    identifier: str
    start_year: str | None
    status: str | None
    countries: tuple[str, ...]


@dataclass(frozen=True)
class ProjectPage:
    """One page of a list of projects and how many there are in all."""

    total: int
    page: int
    items: list[ProjectSummary]
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))



@dataclass(frozen=True)
class Facets:
    countries: list[Option] = field(default_factory=list)
    themes: list[Option] = field(default_factory=list)
    statuses: list[Option] = field(default_factory=list)



class ProjectSearch(StoreQueries):
    """Projects by filters or graph patterns, a page at a time, and the choices the search form offers."""

    def filter_patterns(self, filters: ProjectFilters) -> str:
        """Graph patterns on ?project for the filters; values that cannot be valid filter out everything."""
        atlas = self.atlas
        parts: list[str] = []
        if filters.text:
            needle = ox.Literal(filters.text.lower())
            parts.append(f"?project {DCTERMS.title} ?searched . FILTER(CONTAINS(LCASE(STR(?searched)), {needle}))")
        if filters.country:
            if not _ISO3.fullmatch(filters.country):
                return "FILTER(false)"
            parts.append(f"?project {DCTERMS.spatial} {ox.NamedNode(self.uris.country(filters.country))} .")
        if filters.theme:
            if not _KEY.fullmatch(filters.theme):
                return "FILTER(false)"
            theme = ox.NamedNode(self.uris.theme(tuple(filters.theme.split("/"))))
            parts.append(f"{narrower_or_self(theme)} ?project {DCTERMS.subject} ?subject .")
        if filters.authority:
            needle = ox.Literal(filters.authority.lower())
            parts.append(
                f"?project {atlas.frenchPartner} ?authority . ?authority {RDFS.label} ?authorityName . "
                f"FILTER(CONTAINS(LCASE(STR(?authorityName)), {needle}))"
            )
        if filters.status:
            if not _KEY.fullmatch(filters.status):
                return "FILTER(false)"
            parts.append(f"?project {ADMS.status} {ox.NamedNode(self.uris.concept('status', filters.status))} .")
        if filters.year is not None:
            year = ox.Literal(str(filters.year))
            parts.append(
                f"{{ ?project {atlas.startYear} ?year }} UNION {{ ?project {atlas.signatureYear} ?year }} "
                f"UNION {{ ?funding {atlas.fundedProject} ?project ; {SDMX_DIMENSION.refPeriod} ?year }} "
                f"FILTER(STR(?year) = {year})"
            )
        return "\n".join(parts)

    def search(self, filters: ProjectFilters, page: int = 1, page_size: int = PAGE_SIZE) -> ProjectPage:
        """Projects matching every filter, ordered by title."""
        return self.projects_where(self.filter_patterns(filters), page, page_size)

    def projects_where(self, patterns: str, page: int = 1, page_size: int = PAGE_SIZE) -> ProjectPage:
        """Projects matching graph patterns on ?project (built by the callers below from terms, not text).

        The patterns come first and the type is checked row by row (FILTER EXISTS): joined, `?project a
        atlas:Project` would be read for every project of the store.
        """
        if not patterns.strip():
            where = f"?project {RDF.type} {self.atlas.Project} ."
        else:
            where = f"{patterns}\nFILTER EXISTS {{ ?project {RDF.type} {self.atlas.Project} }}"
        key = ("projects", where, page, page_size)
        return self.kept.get(key, lambda: self._project_page(where, page, page_size))  # type: ignore[no-any-return]

    def _project_page(self, where: str, page: int, page_size: int) -> ProjectPage:
        page = max(1, page)
        count = select_rows(self.store, f"SELECT (COUNT(DISTINCT ?project) AS ?n) WHERE {{ {where} }}")
        total = int_of(count[0], "n") if count else 0
        if total == 0:
            return ProjectPage(0, page, [], page_size)
        rows = select_rows(
            self.store,
            f"""SELECT ?project ?title ?identifier ?start ?status
                  (GROUP_CONCAT(DISTINCT STR(?country); separator=" ") AS ?countries)
            WHERE {{
              {{ SELECT DISTINCT ?project ?title WHERE {{
                  {where}
                  OPTIONAL {{ ?project {DCTERMS.title} ?title }}
                }} ORDER BY LCASE(STR(?title)) ?project LIMIT {page_size} OFFSET {(page - 1) * page_size} }}
              OPTIONAL {{ ?project {DCTERMS.identifier} ?identifier }}
              OPTIONAL {{ ?project {self.atlas.startYear} ?start }}
              OPTIONAL {{ ?project {ADMS.status} ?status }}
              OPTIONAL {{ ?project {DCTERMS.spatial} ?country }}
            }}
            GROUP BY ?project ?title ?identifier ?start ?status
            ORDER BY LCASE(STR(?title)) ?project""",
        )
        countries = [(text_of(row, "countries") or "").split() for row in rows]
        statuses = [text_of(row, "status") for row in rows]
        names = self.labels.names({c for cs in countries for c in cs} | {s for s in statuses if s})
        items = [
            ProjectSummary(
                iri=text_of(row, "project") or "",
                title=text_of(row, "title") or text_of(row, "project") or "",
                identifier=text_of(row, "identifier") or "",
                start_year=text_of(row, "start"),
                status=names.get(status) if status else None,
                countries=tuple(sorted(names.get(c, c) for c in row_countries)),
            )
            for row, status, row_countries in zip(rows, statuses, countries, strict=True)
        ]
        return ProjectPage(total, page, items, page_size)


    # -- facets for the search form -----------------------------------------------------------------------------

    def facets(self) -> Facets:
        return self.kept.get(  # type: ignore[no-any-return]
            "facets", lambda: Facets(self._country_options(), self._theme_options(), self._status_options())
        )

    def _country_options(self) -> list[Option]:
        rows = select_rows(
            self.store,
            f"""SELECT ?country (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?project) AS ?n) WHERE {{
              ?project {RDF.type} {self.atlas.Project} ; {DCTERMS.spatial} ?country .
              OPTIONAL {{ ?country {RDFS.label} ?name }}
            }} GROUP BY ?country ORDER BY ?label""",
        )
        options = []
        for row in rows:
            iri = text_of(row, "country") or ""
            code = self.uris.country_code(iri)
            if code is not None:
                options.append(Option(code, text_of(row, "label") or iri, int_of(row, "n")))
        return options

    def _theme_options(self) -> list[Option]:
        """The theme tree, depth first, each concept with the projects about it or about a narrower one."""
        scheme = ox.NamedNode(self.uris.scheme("themes"))
        rows = select_rows(
            self.store,
            f"""SELECT ?concept ?label ?broader (COUNT(DISTINCT ?project) AS ?n) WHERE {{
              ?concept {SKOS.inScheme} {scheme} ; {SKOS.prefLabel} ?label .
              OPTIONAL {{ ?concept {SKOS.broader} ?broader }}
              OPTIONAL {{ ?project {RDF.type} {self.atlas.Project} ; {DCTERMS.subject} ?subject .
                         ?subject {SKOS.broader}* ?concept }}
            }} GROUP BY ?concept ?label ?broader""",
        )
        children: dict[str | None, list[tuple[str, str, int]]] = {}
        for row in rows:
            concept = text_of(row, "concept") or ""
            entry = (concept, text_of(row, "label") or "", int_of(row, "n"))
            children.setdefault(text_of(row, "broader"), []).append(entry)
        options: list[Option] = []

        def walk(parent: str | None, depth: int) -> None:
            for concept, label, count in sorted(children.get(parent, []), key=lambda c: c[1].lower()):
                key = self.uris.key_of(concept, "theme")
                if key is not None:
                    options.append(Option(key, label, count, depth))
                walk(concept, depth + 1)

        walk(None, 0)
        return options

    def _status_options(self) -> list[Option]:
        scheme = ox.NamedNode(self.uris.scheme("statuses"))
        rows = select_rows(
            self.store,
            f"""SELECT ?concept ?label WHERE {{
              ?concept {SKOS.inScheme} {scheme} ; {SKOS.prefLabel} ?label FILTER(LANGMATCHES(LANG(?label), "fr"))
            }} ORDER BY ?label""",
        )
        keys = [self.uris.key_of(text_of(r, "concept") or "", "status") for r in rows]
        return [Option(key, text_of(r, "label") or "") for r, key in zip(rows, keys, strict=True) if key is not None]

