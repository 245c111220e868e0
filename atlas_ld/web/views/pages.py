"""What each kind of page shows, read from a resource's description and the browse queries: plain dicts and
dataclasses for the templates, no HTML here.

The template is chosen from the resource's types, most specific first (a project, an authority, a post, a
concept, a scheme, the funding data set), with a generic page listing every statement for anything else.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from atlas_ld.publish.describe import Description
from atlas_ld.vocab import DCTERMS, ORG, QB, RDFS, SKOS
from atlas_ld.web.views.figures import (
    authority_figures,
    concept_figures,
    country_figures,
)
from atlas_ld.web.views.funding_totals import FundingRow, total
from atlas_ld.web.views.page_links import Link, notation_key
from atlas_ld.web.views.project_page import ProjectView


@dataclass
class Statement:
    """One row of the generic page: a property and its values (links or texts)."""

    property: Link
    values: list[Link | str] = field(default_factory=list)


class ViewBuilder(ProjectView):
    """Builds the template context of each kind of page for one store, base and description."""

    # -- which template -----------------------------------------------------------------------------------------

    def kind(self, d: Description, iri: str) -> str:
        types = d.types(iri)
        atlas = self.atlas
        if atlas.Project.value in types:
            return "project"
        if atlas.LocalAuthority.value in types:
            return "authority"
        if ORG.OrganizationalUnit.value in types:
            return "post"
        if SKOS.ConceptScheme.value in types:
            return "scheme"
        if SKOS.Concept.value in types:
            return "concept"
        if QB.DataSet.value in types:
            return "dataset"
        return "resource"

    # -- organisations ------------------------------------------------------------------------------------------

    def authority(self, d: Description, iri: str, page: int = 1) -> dict[str, Any]:
        country = self.country_of(d, iri)
        funding = self.browser.funding_by("year", funder=iri)
        return {
            "country": country,
            "french": country is not None and country.iri == self.uris.country("FRA"),
            "projects": self.browser.projects_of_authority(iri, page),
            "partners": self.browser.partners_of(iri),
            "contacts": sorted(d.label(person) for person in d.subjects(ORG.memberOf, iri)),
            "funding_rows": [(row.label, row) for row in funding],
            "funding_total": total(funding),
            "figures": authority_figures(self.browser, iri, funding),
        }

    def post(self, d: Description, iri: str, page: int = 1) -> dict[str, Any]:
        return {
            "parent": self.links_of(d, iri, ORG.unitOf),
            "contacts": self.post_contacts(d, iri),
            "projects": self.browser.projects_of_post(iri, page),
        }

    def country(self, d: Description, iri: str, page: int = 1) -> dict[str, Any]:
        iso3 = self.uris.country_code(iri) or ""
        return {
            "iso3": iso3,
            "authorities": self.browser.authorities_in_country(iso3),
            "projects": self.browser.projects_in_country(iso3, page),
            "figures": country_figures(self.browser, iso3),
        }

    # -- concepts -----------------------------------------------------------------------------------------------

    def concept(self, d: Description, iri: str, page: int = 1) -> dict[str, Any]:
        schemes = self.links_of(d, iri, SKOS.inScheme)
        return {
            "schemes": schemes,
            "notation": d.value(iri, SKOS.notation),
            "labels": self.labels(d, iri),
            "broader": self.links_of(d, iri, SKOS.broader),
            "narrower": sorted(
                {self.link(d, n) for n in d.iris(iri, SKOS.narrower) + d.subjects(SKOS.broader, iri)},
                key=lambda link: link.label.lower(),
            ),
            "matches": d.iris(iri, SKOS.exactMatch),
            "projects": self.browser.projects_of_concept(iri, page),
            "figures": concept_figures(self.browser, iri),
        }

    def labels(self, d: Description, iri: str) -> list[tuple[str, str]]:
        """(language, label) of every preferred label, French first."""
        return self.texts_by_language(d, iri, SKOS.prefLabel, RDFS.label)

    @staticmethod
    def texts_by_language(d: Description, iri: str, *predicates: ox.NamedNode) -> list[tuple[str, str]]:
        """(language, text) of every literal of the predicates, French first."""
        found = {
            (o.language or "", o.value)
            for predicate in predicates
            for o in d.objects(iri, predicate)
            if isinstance(o, ox.Literal)
        }
        return sorted(found, key=lambda pair: (pair[0] != "fr", pair))

    def scheme(self, d: Description, iri: str, page: int = 1) -> dict[str, Any]:
        concepts = d.subjects(SKOS.inScheme, iri)
        children: dict[str | None, list[str]] = defaultdict(list)
        for concept in concepts:
            broader = d.iris(concept, SKOS.broader)
            children[broader[0] if broader else None].append(concept)
        tree: list[tuple[int, Link, str | None]] = []

        def walk(parent: str | None, depth: int) -> None:
            ordered = sorted(
                children.get(parent, []), key=lambda c: (notation_key(d.value(c, SKOS.notation)), d.label(c).lower())
            )
            for concept in ordered:
                tree.append((depth, self.link(d, concept), d.value(concept, SKOS.notation)))
                walk(concept, depth + 1)

        walk(None, 0)
        return {"labels": self.labels(d, iri), "tree": tree}

    # -- funding data set ---------------------------------------------------------------------------------------

    def dataset(self, d: Description, iri: str, page: int = 1) -> dict[str, Any]:
        by_year = self.browser.funding_by("year")
        by_funder = self.browser.funding_by("funder", limit=25)
        structure = next(iter(d.iris(iri, QB.structure)), None)
        return {
            "titles": self.texts_by_language(d, iri, DCTERMS.title),
            "comments": self.texts_by_language(d, iri, RDFS.comment),
            "structure": self.link(d, structure) if structure else None,
            "by_year": by_year,
            "by_year_rows": [(row.label, row) for row in by_year],
            "by_funder": [(self.link_or_text(row) or row.label, row) for row in by_funder],
            "total": total(by_year),
        }

    def link_or_text(self, row: FundingRow) -> Link | None:
        return Link(self.uris.page_path(row.iri), row.label, row.iri) if row.iri else None

    # -- anything else ------------------------------------------------------------------------------------------

    def resource(self, d: Description, iri: str, page: int = 1) -> dict[str, Any]:
        """Every statement about the resource, its values linked where they are resources."""
        statements: dict[str, Statement] = {}
        for t in d.triples:
            if t.subject.value != iri:
                continue
            prop = t.predicate.value
            row = statements.setdefault(prop, Statement(Link(self.uris.page_path(prop), self.curie(prop), prop)))
            obj = t.object
            row.values.append(self.link(d, obj.value) if isinstance(obj, ox.NamedNode) else obj.value)
        for row in statements.values():
            row.values.sort(key=lambda v: v.label if isinstance(v, Link) else v)
        return {
            "statements": sorted(statements.values(), key=lambda s: s.property.label.lower()),
            "types": [self.link(d, t) for t in sorted(d.types(iri))],
            "backlinks": sorted(
                {
                    (
                        Link(self.uris.page_path(t.predicate.value), self.curie(t.predicate.value), t.predicate.value),
                        self.link(d, t.subject.value),
                    )
                    for t in d.triples
                    if isinstance(t.object, ox.NamedNode) and t.object.value == iri
                },
                key=lambda pair: (pair[0].label.lower(), pair[1].label.lower()),
            ),
        }

