"""The lists the HTML pages show: project search with filters, projects of an organisation or a concept, facets,
partners, funding totals. Plain functions over the store, each one SPARQL query; no web code here.

Every value from a request enters the queries as a pyoxigraph term (`NamedNode`, `Literal`), never as raw text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from atlas_ld.publish.describe import LabelCache
from atlas_ld.store.embedded import GraphStore
from atlas_ld.uris import EU_COUNTRY, UriScheme
from atlas_ld.vocab import (
    ADMS,
    DCTERMS,
    QB,
    RDF,
    RDFS,
    SDMX_DIMENSION,
    SKOS,
    atlas_namespace,
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
class Option:
    """A choice of a filter: the value the form sends, its label, how many projects it has, its depth."""

    value: str
    label: str
    count: int = 0
    depth: int = 0


@dataclass(frozen=True)
class Facets:
    countries: list[Option] = field(default_factory=list)
    themes: list[Option] = field(default_factory=list)
    statuses: list[Option] = field(default_factory=list)


@dataclass(frozen=True)
class Partner:
    iri: str
    label: str
    country: str | None
    shared_projects: int


@dataclass
class VocabularyTerm:
    """A class or property of the atlas: vocabulary, with what the vocabulary says of it."""

    iri: str
    name: str
    kinds: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FundingRow:
    label: str
    amount: Decimal
    water_amount: Decimal
    observations: int
    iri: str | None = None


def _narrower_or_self(concept: ox.NamedNode) -> str:
    """?subject bound to the concept and every concept below it. As a sub-select the few concepts come first;
    written as a path after ?project's subjects, Oxigraph would walk the tree up from every subject."""
    return f"{{ SELECT DISTINCT ?subject WHERE {{ ?subject {SKOS.broader}* {concept} }} }}"


def _select(store: GraphStore, query: str) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{name: row[name] for name in names if row[name] is not None} for row in result]


def _text(row: dict[str, ox.NamedNode | ox.Literal | ox.BlankNode], name: str) -> str | None:
    term = row.get(name)
    return term.value if term is not None else None


def _int(row: dict[str, ox.NamedNode | ox.Literal | ox.BlankNode], name: str) -> int:
    value = _text(row, name)
    return int(value) if value else 0


def _decimal(row: dict[str, ox.NamedNode | ox.Literal | ox.BlankNode], name: str) -> Decimal:
    value = _text(row, name)
    return Decimal(value) if value else Decimal(0)


class StoreMemo:
    """Values computed over the whole store (counts, facets, funding totals), kept until the store's next write.

    Pages show them on every request; on a large store they cost far more than the page itself.
    """

    def __init__(self, store: GraphStore, *, max_entries: int = 10_000) -> None:
        self.store = store
        self.max_entries = max_entries
        self._stamp: float | None = None
        self._values: dict[Any, Any] = {}

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        stamp = self.store.last_modified()
        if stamp != self._stamp or len(self._values) > self.max_entries:
            self._values, self._stamp = {}, stamp
        if key not in self._values:
            self._values[key] = compute()
        return self._values[key]


class Browser:
    """The queries behind the HTML pages, for one store and one URI scheme; `memo` keeps the store-wide ones."""

    def __init__(
        self, store: GraphStore, uris: UriScheme, memo: StoreMemo | None = None, labels: LabelCache | None = None
    ) -> None:
        self.store = store
        self.uris = uris
        self.atlas = atlas_namespace(uris.base)
        self.memo = memo or StoreMemo(store)
        # Names come from the cache, not from joins: the same few names recur on page after page.
        self.labels = labels or LabelCache(store)

    # -- search -------------------------------------------------------------------------------------------------

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
            parts.append(f"?project {DCTERMS.spatial} {ox.NamedNode(EU_COUNTRY + filters.country.upper())} .")
        if filters.theme:
            if not _KEY.fullmatch(filters.theme):
                return "FILTER(false)"
            theme = ox.NamedNode(self.uris.base + "id/theme/" + filters.theme)
            parts.append(f"{_narrower_or_self(theme)} ?project {DCTERMS.subject} ?subject .")
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
        return self.memo.get(key, lambda: self._project_page(where, page, page_size))  # type: ignore[no-any-return]

    def _project_page(self, where: str, page: int, page_size: int) -> ProjectPage:
        page = max(1, page)
        count = _select(self.store, f"SELECT (COUNT(DISTINCT ?project) AS ?n) WHERE {{ {where} }}")
        total = _int(count[0], "n") if count else 0
        if total == 0:
            return ProjectPage(0, page, [], page_size)
        rows = _select(
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
        countries = [(_text(row, "countries") or "").split() for row in rows]
        statuses = [_text(row, "status") for row in rows]
        names = self.labels.names({c for cs in countries for c in cs} | {s for s in statuses if s})
        items = [
            ProjectSummary(
                iri=_text(row, "project") or "",
                title=_text(row, "title") or _text(row, "project") or "",
                identifier=_text(row, "identifier") or "",
                start_year=_text(row, "start"),
                status=names.get(status) if status else None,
                countries=tuple(sorted(names.get(c, c) for c in row_countries)),
            )
            for row, status, row_countries in zip(rows, statuses, countries, strict=True)
        ]
        return ProjectPage(total, page, items, page_size)

    # -- projects of one thing ----------------------------------------------------------------------------------

    def projects_of_authority(self, iri: str, page: int = 1) -> ProjectPage:
        node = ox.NamedNode(iri)
        atlas = self.atlas
        return self.projects_where(
            f"{{ ?project {atlas.frenchPartner} {node} }} UNION {{ ?project {atlas.foreignPartner} {node} }}", page
        )

    def projects_of_post(self, iri: str, page: int = 1) -> ProjectPage:
        return self.projects_where(f"?project {self.atlas.diplomaticPost} {ox.NamedNode(iri)} .", page)

    def projects_in_country(self, iso3: str, page: int = 1) -> ProjectPage:
        return self.projects_where(f"?project {DCTERMS.spatial} {ox.NamedNode(EU_COUNTRY + iso3.upper())} .", page)

    def projects_of_concept(self, iri: str, page: int = 1) -> ProjectPage:
        """Projects about the concept or any concept below it (skos:broader*), or having it as status or form."""
        node = ox.NamedNode(iri)
        return self.projects_where(
            f"{{ {_narrower_or_self(node)} ?project {DCTERMS.subject} ?subject }} "
            f"UNION {{ ?project {ADMS.status} {node} }} UNION {{ ?project {DCTERMS.type} {node} }}",
            page,
        )

    def concept_path(self, iri: str) -> list[tuple[str, str]]:
        """(IRI, French label) of the concept and every concept above it, the top one first.

        Kept until the next write: the few themes recur on every project page."""
        return self.memo.get(("concept path", iri), lambda: self._concept_path(iri))  # type: ignore[no-any-return]

    def _concept_path(self, iri: str) -> list[tuple[str, str]]:
        node = ox.NamedNode(iri)
        rows = _select(
            self.store,
            f"""SELECT ?concept (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?above) AS ?depth) WHERE {{
              {node} {SKOS.broader}* ?concept . ?concept {SKOS.broader}* ?above .
              OPTIONAL {{ ?concept {SKOS.prefLabel} ?name FILTER(LANGMATCHES(LANG(?name), "fr")) }}
            }} GROUP BY ?concept ORDER BY ?depth""",
        )
        return [(_text(r, "concept") or "", _text(r, "label") or _text(r, "concept") or "") for r in rows]

    # -- organisations --------------------------------------------------------------------------------------------

    def partners_of(self, iri: str) -> list[Partner]:
        """The authorities that share at least one project with this one, the most frequent first."""
        node = ox.NamedNode(iri)
        roles = f"{self.atlas.frenchPartner}|{self.atlas.foreignPartner}"
        rows = _select(
            self.store,
            f"""SELECT ?partner (COUNT(DISTINCT ?project) AS ?n) WHERE {{
              ?project {roles} {node} ; {roles} ?partner .
              FILTER(?partner != {node})
            }} GROUP BY ?partner""",
        )
        partners = {_text(r, "partner") or "": _int(r, "n") for r in rows}
        names = self.labels.names(set(partners))
        places = self.labels.places(set(partners))
        place_names = self.labels.names(set(places.values()))
        found = [Partner(p, names.get(p, p), place_names.get(places.get(p, ""), None), n) for p, n in partners.items()]
        return sorted(found, key=lambda p: (-p.shared_projects, p.label.lower()))

    def authorities_in_country(self, iso3: str) -> list[Option]:
        """The country's authorities (value = IRI), the most active first."""
        country = ox.NamedNode(EU_COUNTRY + iso3.upper())
        atlas = self.atlas
        rows = _select(
            self.store,
            f"""SELECT ?authority (COUNT(DISTINCT ?project) AS ?n) WHERE {{
              ?authority {DCTERMS.spatial} {country} .
              FILTER EXISTS {{ ?authority {RDF.type} {atlas.LocalAuthority} }}
              OPTIONAL {{ ?project {atlas.frenchPartner}|{atlas.foreignPartner} ?authority }}
            }} GROUP BY ?authority""",
        )
        counts = {_text(r, "authority") or "": _int(r, "n") for r in rows}
        names = self.labels.names(set(counts))
        found = [Option(a, names.get(a, a), n) for a, n in counts.items()]
        return sorted(found, key=lambda o: (-o.count, o.label.lower()))

    # -- facets for the search form -----------------------------------------------------------------------------

    def facets(self) -> Facets:
        return self.memo.get(  # type: ignore[no-any-return]
            "facets", lambda: Facets(self._country_options(), self._theme_options(), self._status_options())
        )

    def _country_options(self) -> list[Option]:
        rows = _select(
            self.store,
            f"""SELECT ?country (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?project) AS ?n) WHERE {{
              ?project {RDF.type} {self.atlas.Project} ; {DCTERMS.spatial} ?country .
              OPTIONAL {{ ?country {RDFS.label} ?name }}
            }} GROUP BY ?country ORDER BY ?label""",
        )
        options = []
        for row in rows:
            iri = _text(row, "country") or ""
            if iri.startswith(EU_COUNTRY):
                options.append(Option(iri[len(EU_COUNTRY) :], _text(row, "label") or iri, _int(row, "n")))
        return options

    def _theme_options(self) -> list[Option]:
        """The theme tree, depth first, each concept with the projects about it or about a narrower one."""
        scheme = ox.NamedNode(self.uris.scheme("themes"))
        rows = _select(
            self.store,
            f"""SELECT ?concept ?label ?broader (COUNT(DISTINCT ?project) AS ?n) WHERE {{
              ?concept {SKOS.inScheme} {scheme} ; {SKOS.prefLabel} ?label .
              OPTIONAL {{ ?concept {SKOS.broader} ?broader }}
              OPTIONAL {{ ?project {RDF.type} {self.atlas.Project} ; {DCTERMS.subject} ?subject .
                         ?subject {SKOS.broader}* ?concept }}
            }} GROUP BY ?concept ?label ?broader""",
        )
        prefix = self.uris.base + "id/theme/"
        children: dict[str | None, list[tuple[str, str, int]]] = {}
        for row in rows:
            concept = _text(row, "concept") or ""
            children.setdefault(_text(row, "broader"), []).append((concept, _text(row, "label") or "", _int(row, "n")))
        options: list[Option] = []

        def walk(parent: str | None, depth: int) -> None:
            for concept, label, count in sorted(children.get(parent, []), key=lambda c: c[1].lower()):
                if concept.startswith(prefix):
                    options.append(Option(concept[len(prefix) :], label, count, depth))
                walk(concept, depth + 1)

        walk(None, 0)
        return options

    def _status_options(self) -> list[Option]:
        scheme = ox.NamedNode(self.uris.scheme("statuses"))
        rows = _select(
            self.store,
            f"""SELECT ?concept ?label WHERE {{
              ?concept {SKOS.inScheme} {scheme} ; {SKOS.prefLabel} ?label FILTER(LANGMATCHES(LANG(?label), "fr"))
            }} ORDER BY ?label""",
        )
        prefix = self.uris.base + "id/status/"
        return [
            Option((_text(r, "concept") or "")[len(prefix) :], _text(r, "label") or "")
            for r in rows
            if (_text(r, "concept") or "").startswith(prefix)
        ]

    # -- vocabulary and schemes ---------------------------------------------------------------------------------

    def vocabulary(self) -> list[VocabularyTerm]:
        """Every term defined by the atlas: vocabulary, classes first, then by name."""
        return self.memo.get("vocabulary", self._vocabulary)  # type: ignore[no-any-return]

    def _vocabulary(self) -> list[VocabularyTerm]:
        ontology = ox.NamedNode(self.uris.vocab)
        rows = _select(
            self.store,
            f"""SELECT ?term ?p ?o WHERE {{
              ?term {RDFS.isDefinedBy} {ontology} ; ?p ?o .
              FILTER(?p IN ({RDF.type}, {RDFS.label}, {RDFS.comment}, {RDFS.domain}, {RDFS.range},
                            {RDFS.subClassOf}, {RDFS.subPropertyOf}))
            }}""",
        )
        terms: dict[str, VocabularyTerm] = {}
        slots = {
            RDF.type.value: "kinds",
            RDFS.domain.value: "domains",
            RDFS.range.value: "ranges",
            RDFS.subClassOf.value: "parents",
            RDFS.subPropertyOf.value: "parents",
        }
        for row in rows:
            iri, prop, obj = _text(row, "term") or "", _text(row, "p") or "", row["o"]
            term = terms.setdefault(iri, VocabularyTerm(iri, iri[len(self.uris.vocab) :]))
            if prop in slots:
                getattr(term, slots[prop]).append(obj.value)
            elif isinstance(obj, ox.Literal):
                target = term.labels if prop == RDFS.label.value else term.comments
                target[obj.language or ""] = obj.value
        for term in terms.values():
            for values in (term.kinds, term.domains, term.ranges, term.parents):
                values.sort()
        is_class = "http://www.w3.org/2002/07/owl#Class"
        return sorted(terms.values(), key=lambda t: (is_class not in t.kinds, t.name.lower()))

    def ontology_metadata(self) -> dict[str, dict[str, str]]:
        """The vocabulary's own title and description, by language."""
        rows = _select(
            self.store,
            f"""SELECT ?p ?o WHERE {{ {ox.NamedNode(self.uris.vocab)} ?p ?o .
                  FILTER(?p IN ({DCTERMS.title}, {DCTERMS.description})) }}""",
        )
        found: dict[str, dict[str, str]] = {"title": {}, "description": {}}
        for row in rows:
            key = "title" if _text(row, "p") == DCTERMS.title.value else "description"
            obj = row["o"]
            if isinstance(obj, ox.Literal):
                found[key][obj.language or ""] = obj.value
        return found

    def schemes(self) -> list[Option]:
        """Every concept scheme (value = IRI) with its French label and number of concepts."""
        rows = _select(
            self.store,
            f"""SELECT ?scheme (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?concept) AS ?n) WHERE {{
              ?scheme {RDF.type} {SKOS.ConceptScheme} .
              OPTIONAL {{ ?scheme {SKOS.prefLabel} ?name FILTER(LANGMATCHES(LANG(?name), "fr")) }}
              OPTIONAL {{ ?concept {SKOS.inScheme} ?scheme }}
            }} GROUP BY ?scheme ORDER BY ?label""",
        )
        return [
            Option(_text(r, "scheme") or "", _text(r, "label") or _text(r, "scheme") or "", _int(r, "n")) for r in rows
        ]

    # -- funding ------------------------------------------------------------------------------------------------

    def funding_by(
        self, dimension: str, *, project: str | None = None, funder: str | None = None, limit: int | None = None
    ) -> list[FundingRow]:
        """Totals of the funding measures grouped by "year" or "funder", over everything, a project or a funder."""
        key = ("funding", dimension, project, funder, limit)
        return self.memo.get(key, lambda: self._funding_by(dimension, project, funder, limit))  # type: ignore[no-any-return]

    def _funding_by(
        self, dimension: str, project: str | None, funder: str | None, limit: int | None
    ) -> list[FundingRow]:
        atlas = self.atlas
        restrict = f"?obs {atlas.fundedProject} {ox.NamedNode(project)} ." if project else ""
        if funder:
            restrict += f"?obs {atlas.funder} {ox.NamedNode(funder)} ."
        if dimension == "year":
            key, order = f"?obs {SDMX_DIMENSION.refPeriod} ?key .", "?key"
        elif dimension == "funder":
            key, order = f"?obs {atlas.funder} ?key .", "DESC(?amount) ?label"
        else:
            raise ValueError(f"unknown funding dimension {dimension!r}")
        # Sums first, names after: a funder written in two spellings has two labels, and a join with them
        # would count its amounts twice. The project or funder comes first: Oxigraph joins in the written order,
        # and starting from every observation costs a second on 20,000 projects.
        rows = _select(
            self.store,
            f"""SELECT ?key (SAMPLE(COALESCE(?name, STR(?key))) AS ?label) ?amount ?water ?n WHERE {{
              {{ SELECT ?key (SUM(COALESCE(?a, 0)) AS ?amount) (SUM(COALESCE(?w, 0)) AS ?water)
                        (COUNT(DISTINCT ?obs) AS ?n)
                WHERE {{
                  {restrict}
                  ?obs {RDF.type} {QB.Observation} ; {QB.dataSet} {ox.NamedNode(self.uris.dataset("funding"))} .
                  {key}
                  OPTIONAL {{ ?obs {atlas.amount} ?a }} OPTIONAL {{ ?obs {atlas.waterAmount} ?w }}
                }} GROUP BY ?key }}
              OPTIONAL {{ ?key {RDFS.label} ?name }}
            }} GROUP BY ?key ?amount ?water ?n ORDER BY {order} {f"LIMIT {int(limit)}" if limit else ""}""",
        )
        return [
            FundingRow(
                label=_text(r, "label") or _text(r, "key") or "",
                amount=_decimal(r, "amount"),
                water_amount=_decimal(r, "water"),
                observations=_int(r, "n"),
                iri=_text(r, "key") if isinstance(r.get("key"), ox.NamedNode) else None,
            )
            for r in rows
        ]


def total(rows: Iterable[FundingRow]) -> FundingRow:
    """The sum of funding rows, for the foot of a table."""
    rows = list(rows)
    return FundingRow(
        "Total",
        sum((r.amount for r in rows), Decimal(0)),
        sum((r.water_amount for r in rows), Decimal(0)),
        sum(r.observations for r in rows),
    )
