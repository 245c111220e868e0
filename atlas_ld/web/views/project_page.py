"""What a project's page shows: dates, themes and goals, texts, partners and their contacts, posts, funding,
volunteers, documents and provenance, read from the project's description."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from atlas_ld.publish.describe import Description
from atlas_ld.vocab import ADMS, DCTERMS, FOAF, ORG, PROV, RDFS, SDMX_DIMENSION, SKOS, VCARD
from atlas_ld.web.views.page_links import Link, PageLinks, notation_key


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



def paragraphs(text: str | None) -> list[str]:
    """The mapping joins paragraphs with a blank line; a page shows them as paragraphs again."""
    return [p for p in (text or "").split("\n\n") if p.strip()]


def _mail(term: str) -> str:
    return term.removeprefix("mailto:")


class ProjectView(PageLinks):
    """The project page, and the contacts and countries the organisations' pages show the same way."""

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
            "theme_path": [Link(self.uris.page_path(c), label, c) for c, label in self.browser.concept_path(main_theme[0])]
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
                notation_key(r.notation),
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
                "href": next(iter(d.iris(doc, RDFS.seeAlso)), None),
            }
            for doc in d.iris(iri, FOAF.page)
        ]
