"""What each kind of page shows, read from a resource's description and the browse queries: plain dicts and
dataclasses for the templates, no HTML here.

The template is chosen from the resource's types, most specific first (a project, an authority, a post, a
concept, a scheme, the funding data set), with a generic page listing every statement for anything else.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from atlas_ld.publish.describe import Description
from atlas_ld.uris import EU_COUNTRY
from atlas_ld.vocab import (
    ADMS,
    DCTERMS,
    FOAF,
    ORG,
    PROV,
    QB,
    RDFS,
    SDMX_DIMENSION,
    SKOS,
    VCARD,
    Namespace,
    prefixes,
)
from atlas_ld.web.links import Links
from atlas_ld.web.views.browse import Browser, FundingRow, total


@dataclass(frozen=True)
class Link:
    """A resource as a page shows it: where to go, what to call it."""

    href: str
    label: str
    iri: str


@dataclass(frozen=True)
class Contact:
    name: str | None
    role: str | None
    email: str | None
    organisation: Link | None = None


@dataclass(frozen=True)
class Prioritised:
    subject: Link
    priority: int | None
    notation: str | None = None


@dataclass(frozen=True)
class FundingLine:
    funder: Link
    year: str | None
    amount: Decimal | None
    water_amount: Decimal | None


@dataclass
class Statement:
    """One row of the generic page: a property and its values (links or texts)."""

    property: Link
    values: list[Link | str] = field(default_factory=list)


def paragraphs(text: str | None) -> list[str]:
    """The mapping joins paragraphs with a blank line; a page shows them as paragraphs again."""
    return [p for p in (text or "").split("\n\n") if p.strip()]


def _mail(term: str) -> str:
    return term.removeprefix("mailto:")


class ViewBuilder:
    """Builds the template context of each kind of page for one store, base and description."""

    def __init__(self, browser: Browser, links: Links, atlas: Namespace) -> None:
        self.browser = browser
        self.links = links
        self.atlas = atlas
        self.prefixes = prefixes(links.base)

    def curie(self, iri: str) -> str:
        """A property's prefixed name (foaf:name), the way SPARQL users read it."""
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def link(self, d: Description, iri: str) -> Link:
        label = d.label(iri)
        return Link(self.links.page(iri), self.curie(iri) if label == iri else label, iri)

    def links_of(self, d: Description, subject: str, predicate: ox.NamedNode) -> list[Link]:
        return sorted((self.link(d, iri) for iri in d.iris(subject, predicate)), key=lambda link: link.label.lower())

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

    # -- project ------------------------------------------------------------------------------------------------

    def project(self, d: Description, iri: str, page: int = 1) -> dict[str, Any]:
        atlas = self.atlas
        main_theme = d.iris(iri, atlas.mainTheme)
        source = next(iter(d.iris(iri, FOAF.isPrimaryTopicOf)), None)
        graph = next(iter(d.subjects(PROV.wasDerivedFrom, source)), None) if source else None
        lines = self.funding_lines(d, iri)
        return {
            "identifier": d.value(iri, DCTERMS.identifier),
            "signature_year": d.value(iri, atlas.signatureYear),
            "start_year": d.value(iri, atlas.startYear),
            "end_date": d.value(iri, atlas.endDate),
            "status": self.links_of(d, iri, ADMS.status),
            "form": self.links_of(d, iri, DCTERMS.type),
            "theme_path": [Link(self.links.page(c), label, c) for c, label in self.browser.concept_path(main_theme[0])]
            if main_theme
            else [],
            "other_themes": self.prioritised(d, iri, atlas.otherTheme),
            "sdgs": self.prioritised(d, iri, atlas.sustainableDevelopmentGoal),
            "texts": [
                (label, paragraphs(d.value(iri, prop)))
                for label, prop in (
                    ("Contexte", atlas.context),
                    ("Historique", atlas.history),
                    ("Contexte et historique", atlas.contextAndHistory),
                    ("Objectif du partenariat", atlas.objective),
                    ("Description détaillée du partenariat", DCTERMS.description),
                    ("Bénéficiaires", atlas.beneficiaries),
                )
                if d.value(iri, prop)
            ],
            "project_managers": d.values(iri, atlas.projectManager),
            "contracting_authorities": d.values(iri, atlas.contractingAuthority),
            "french_partners": self.links_of(d, iri, atlas.frenchPartner),
            "foreign_partners": [
                (partner, self.country_of(d, partner.iri)) for partner in self.links_of(d, iri, atlas.foreignPartner)
            ],
            "partner_contacts": self.partner_contacts(d, iri),
            "posts": [(post, self.post_contacts(d, post.iri)) for post in self.links_of(d, iri, atlas.diplomaticPost)],
            "statements": [
                (label, d.value(iri, prop, lang=None))
                for label, prop in (
                    ("Le partenariat est triennal", atlas.triennial),
                    ("Une communication a été engagée en France", atlas.communicationInFrance),
                    (
                        "Une communication a été engagée dans les pays partenaires",
                        atlas.communicationInPartnerCountries,
                    ),
                    ("Une politique d'évaluation a été engagée", atlas.evaluation),
                )
                if d.has(iri, prop)
            ],
            "funding": lines,
            "funding_total": sum((line.amount for line in lines if line.amount is not None), Decimal(0)),
            "water_total": sum((line.water_amount for line in lines if line.water_amount is not None), Decimal(0)),
            "volunteers": self.volunteers(d, iri),
            "documents": self.documents(d, iri),
            "source_url": next(iter(d.iris(source, PROV.hadPrimarySource)), None) if source else None,
            "copyright_year": d.value(source, DCTERMS.dateCopyrighted) if source else None,
            "truncated": d.value(source, atlas.truncated, lang=None) == "true" if source else False,
            "ingested_at": d.value(graph, PROV.generatedAtTime, lang=None) if graph else None,
        }

    def country_of(self, d: Description, iri: str) -> Link | None:
        countries = d.iris(iri, DCTERMS.spatial)
        if countries:
            return self.link(d, countries[0])
        written = d.value(iri, VCARD["country-name"])
        return Link("", written, "") if written else None

    def prioritised(self, d: Description, iri: str, predicate: ox.NamedNode) -> list[Prioritised]:
        rows = []
        for node in d.iris(iri, predicate):
            for concept in d.iris(node, DCTERMS.subject):
                priority = d.value(node, self.atlas.priority, lang=None)
                rows.append(
                    Prioritised(
                        self.link(d, concept), int(priority) if priority else None, d.value(concept, SKOS.notation)
                    )
                )
        return sorted(
            rows,
            key=lambda r: (
                r.priority if r.priority is not None else 99,
                _notation_key(r.notation),
                r.subject.label.lower(),
            ),
        )

    def partner_contacts(self, d: Description, iri: str) -> list[Contact]:
        contacts = []
        for person in d.iris(iri, self.atlas.partnerContact):
            organisation = next(iter(d.iris(person, ORG.memberOf)), None)
            contacts.append(
                Contact(
                    name=d.value(person, FOAF.name),
                    role=d.value(person, VCARD.title),
                    email=self.email(d, person),
                    organisation=self.link(d, organisation) if organisation else None,
                )
            )
        return contacts

    def email(self, d: Description, person: str) -> str | None:
        mbox = d.iris(person, FOAF.mbox)
        return _mail(mbox[0]) if mbox else d.value(person, self.atlas.malformedEmail)

    def post_contacts(self, d: Description, post: str) -> list[Contact]:
        contacts = []
        for membership in d.subjects(ORG.organization, post):
            person = next(iter(d.iris(membership, ORG.member)), None)
            role = next(iter(d.iris(membership, ORG.role)), None)
            contacts.append(
                Contact(
                    name=d.value(person, FOAF.name) if person else None,
                    role=d.label(role) if role else None,
                    email=self.email(d, person) if person else None,
                )
            )
        return sorted(contacts, key=lambda c: (c.role or "", c.name or ""))

    def funding_lines(self, d: Description, iri: str) -> list[FundingLine]:
        """One line per row of the page's funding table: the amount and the 1% Eau observations joined again."""
        atlas = self.atlas
        rows: dict[tuple[str, str, str], dict[str, Decimal]] = defaultdict(dict)
        for obs in d.subjects(atlas.fundedProject, iri):
            funder = next(iter(d.iris(obs, atlas.funder)), "")
            key = (
                d.value(obs, SDMX_DIMENSION.refPeriod, lang=None) or "",
                funder,
                d.value(obs, atlas.fundingLine, lang=None) or "",
            )
            for name, measure in (("amount", atlas.amount), ("water", atlas.waterAmount)):
                value = d.value(obs, measure, lang=None)
                if value is not None:
                    rows[key][name] = Decimal(value)
        lines = [
            FundingLine(self.link(d, funder), year or None, measures.get("amount"), measures.get("water"))
            for (year, funder, _line), measures in rows.items()
        ]
        return sorted(lines, key=lambda line: (line.year or "", -(line.amount or 0), line.funder.label.lower()))

    def volunteers(self, d: Description, iri: str) -> list[dict[str, str | None]]:
        atlas = self.atlas
        return [
            {
                "name": d.value(person, FOAF.name),
                "mission": d.value(person, atlas.mission),
                "field": d.value(person, atlas.fieldOfAction),
                "entity": d.value(person, atlas.assignedEntity),
            }
            for person in d.iris(iri, atlas.volunteer)
        ]

    def documents(self, d: Description, iri: str) -> list[dict[str, str | None]]:
        atlas = self.atlas
        return [
            {
                "title": d.value(doc, DCTERMS.title),
                "size_kb": d.value(doc, atlas.sizeInKilobytes, lang=None),
                "file_name": d.value(doc, atlas.fileName),
            }
            for doc in d.iris(iri, FOAF.page)
        ]

    # -- organisations ------------------------------------------------------------------------------------------

    def authority(self, d: Description, iri: str, page: int = 1) -> dict[str, Any]:
        country = self.country_of(d, iri)
        funding = self.browser.funding_by("year", funder=iri)
        return {
            "country": country,
            "french": country is not None and country.iri == EU_COUNTRY + "FRA",
            "projects": self.browser.projects_of_authority(iri, page),
            "partners": self.browser.partners_of(iri),
            "contacts": sorted(d.label(person) for person in d.subjects(ORG.memberOf, iri)),
            "funding_rows": [(row.label, row) for row in funding],
            "funding_total": total(funding),
        }

    def post(self, d: Description, iri: str, page: int = 1) -> dict[str, Any]:
        return {
            "parent": self.links_of(d, iri, ORG.unitOf),
            "contacts": self.post_contacts(d, iri),
            "projects": self.browser.projects_of_post(iri, page),
        }

    def country(self, d: Description, iri: str, page: int = 1) -> dict[str, Any]:
        iso3 = iri[len(EU_COUNTRY) :]
        return {
            "iso3": iso3,
            "authorities": self.browser.authorities_in_country(iso3),
            "projects": self.browser.projects_in_country(iso3, page),
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
                children.get(parent, []), key=lambda c: (_notation_key(d.value(c, SKOS.notation)), d.label(c).lower())
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
        return Link(self.links.page(row.iri), row.label, row.iri) if row.iri else None

    # -- anything else ------------------------------------------------------------------------------------------

    def resource(self, d: Description, iri: str, page: int = 1) -> dict[str, Any]:
        """Every statement about the resource, its values linked where they are resources."""
        statements: dict[str, Statement] = {}
        for t in d.triples:
            if t.subject.value != iri:
                continue
            prop = t.predicate.value
            row = statements.setdefault(prop, Statement(Link(self.links.page(prop), self.curie(prop), prop)))
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
                        Link(self.links.page(t.predicate.value), self.curie(t.predicate.value), t.predicate.value),
                        self.link(d, t.subject.value),
                    )
                    for t in d.triples
                    if isinstance(t.object, ox.NamedNode) and t.object.value == iri
                },
                key=lambda pair: (pair[0].label.lower(), pair[1].label.lower()),
            ),
        }


def _notation_key(notation: str | None) -> tuple[int, str]:
    """SDG 2 before SDG 10: numeric notations sort as numbers."""
    if notation is None:
        return (0, "")
    return (int(notation), "") if notation.isdigit() else (0, notation)
