"""Records → RDF: a project's triples, built directly as pyoxigraph terms, split by the graph they belong in.

What only this project states (the project, its prioritised links, funding observations, partner contacts,
volunteers, documents, provenance, texts: every subject minted for this project) goes in the project's named
graph. Descriptions of resources that other pages mention too (authorities, countries, embassy posts, the people
in them and their memberships, funders, the ministry, concepts no scheme knows, the parser) go in the one shared
graph, where each triple is stored once however many projects state it: the union of the graphs then holds no
copy of a triple, and a SUM joined with a label counts each amount once.

Every node has a stable IRI minted by `UriScheme` (no blank nodes), so mapping a record twice gives the same
triples. Labels: `skos:prefLabel` on concepts, `foaf:name` on people, `rdfs:label` on everything else
(authorities, posts, funders, countries), so that two spellings of one authority never break SKOS's
one-preferred-label rule in the union of the graphs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from pyoxigraph import Literal, NamedNode, Triple

from atlas_ld import codelists
from atlas_ld.mapping.schemes import (
    CONTACT_ROLES,
    MINISTRY_NAME,
    PARTNERSHIP_FORMS,
    STATUSES,
    SmallScheme,
    fr,
    is_known,
    known_theme_iris,
    static_graphs,
)
from atlas_ld.records import ProjectRecord
from atlas_ld.uris import UriScheme, slugify
from atlas_ld.vocab import (
    ADMS,
    DCTERMS,
    EUR,
    FOAF,
    ORG,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SDMX_ATTRIBUTE,
    SDMX_DIMENSION,
    SKOS,
    VCARD,
    XSD,
    Namespace,
    atlas_namespace,
)

__all__ = ["EMAIL_PATTERN", "RecordTriples", "is_valid_email", "map_record", "static_graphs"]

# What the graph accepts as an e-mail address; the SHACL shapes check foaf:mbox against the same pattern.
EMAIL_PATTERN = r"[A-Za-z0-9._+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_EMAIL = re.compile(EMAIL_PATTERN)
_TRUE = Literal("true", datatype=XSD.boolean)
_FALSE = Literal("false", datatype=XSD.boolean)


def is_valid_email(address: str) -> bool:
    """Whether an address can be published as a mailto: IRI (typos such as "gouv..fr" cannot).

    >>> is_valid_email("ali.eljem@yahoo.fr"), is_valid_email("gregor.trumel@diplomatie.gouv..fr")
    (True, False)
    """
    return _EMAIL.fullmatch(address) is not None


@dataclass(frozen=True)
class RecordTriples:
    """A record's triples, each list without duplicates."""

    project: list[Triple]  # for the project's named graph, `uris.project_graph(prj_id)`, replaced whole on re-ingest
    shared: list[Triple]  # for the shared graph, `uris.graph("shared")`, added to what other projects stated

    @property
    def all(self) -> list[Triple]:
        """Both lists: what SHACL checks, and what a reader of this one project sees."""
        return [*self.project, *self.shared]


def map_record(record: ProjectRecord, uris: UriScheme, *, ingested_at: datetime, parser_version: str) -> RecordTriples:
    """The project's triples, split between its named graph and the shared graph."""
    builder = _ProjectGraph(record, uris)
    builder.project()
    builder.themes()
    builder.concepts()
    builder.texts()
    builder.authorities()
    builder.posts()
    builder.statements()
    builder.funding()
    builder.volunteers()
    builder.documents()
    builder.provenance(ingested_at, parser_version)
    # A shared node (a country, the ministry, a person in two roles) may be described twice; the long texts, stated
    # once, are kept out of the de-duplication that would hash them.
    return RecordTriples([*dict.fromkeys(builder.triples), *builder.texts_triples], list(dict.fromkeys(builder.shared)))


def _year(value: int) -> Literal:
    return Literal(f"{value:04d}" if value >= 0 else str(value), datatype=XSD.gYear)


# Literals are written in their canonical form, the one Oxigraph gives back: what is mapped is what is stored.


def _decimal(value: Decimal) -> Literal:
    """
    >>> _decimal(Decimal("394.630")).value, _decimal(Decimal("25000.00")).value, _decimal(Decimal("2.5E+4")).value
    ('394.63', '25000', '25000')
    """
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Literal("0" if text in ("", "-0") else text, datatype=XSD.decimal)


@lru_cache(maxsize=16)  # one ingest stamps every graph with the same time
def _datetime(value: datetime) -> Literal:
    """
    >>> from datetime import timedelta, timezone
    >>> _datetime(datetime(2024, 5, 1, 12, 0, 0, 100000, tzinfo=timezone.utc)).value
    '2024-05-01T12:00:00.1Z'
    >>> _datetime(datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))).value
    '2024-05-01T12:00:00+02:00'
    """
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    offset = value.utcoffset()
    if offset is not None:
        zone = value.strftime("%z")
        text += "Z" if not offset else f"{zone[:3]}:{zone[3:5]}"
    return Literal(text, datatype=XSD.dateTime)


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def _ranks(keys: list[str]) -> list[int]:
    """1 for the first row with a key, 2 for the second...: two rows with the same key stay two resources."""
    seen: Counter[str] = Counter()
    ranks = []
    for key in keys:
        seen[slugify(key)] += 1
        ranks.append(seen[slugify(key)])
    return ranks


def _unique(keys: list[str]) -> list[str]:
    """Keys made unique by their rank, the first one unchanged."""
    return [key if rank == 1 else f"{key} {rank}" for key, rank in zip(keys, _ranks(keys))]


_State = Callable[[NamedNode, NamedNode, NamedNode | Literal], None]


class _ProjectGraph:
    """Accumulates the triples of one project; one method per part of the page.

    `add` and `link` state what is this project's own; `share` describes a resource other pages may mention.
    """

    def __init__(self, record: ProjectRecord, uris: UriScheme) -> None:
        self.record = record
        self.uris = uris
        self.atlas: Namespace = atlas_namespace(uris.base)
        self.node = NamedNode(uris.project(record.prj_id))
        self.triples: list[Triple] = []
        self.texts_triples: list[Triple] = []
        self.shared: list[Triple] = []
        self._authorities: dict[str, NamedNode] = {}  # slug → authority of this project (French first)

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.triples.append(Triple(s, p, o))

    def share(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.shared.append(Triple(s, p, o))

    def link(self, p: NamedNode, o: NamedNode | Literal | None) -> None:
        if o is not None:
            self.triples.append(Triple(self.node, p, o))

    # -- the project itself -----------------------------------------------------------------------------------

    def project(self) -> None:
        r, atlas = self.record, self.atlas
        self.link(RDF.type, atlas.Project)
        self.link(DCTERMS.identifier, Literal(str(r.prj_id)))
        if r.title:
            self.link(DCTERMS.title, fr(r.title))
        if r.signature_year is not None:
            self.link(atlas.signatureYear, _year(r.signature_year))
        if r.start_year is not None:
            self.link(atlas.startYear, _year(r.start_year))
        if r.end_date is not None:
            self.link(atlas.endDate, Literal(r.end_date.isoformat(), datatype=XSD.date))

    def themes(self) -> None:
        r, atlas = self.record, self.atlas
        main = tuple(p for p in r.theme if p)
        if main:
            concept = self.theme_concept(main)
            self.link(atlas.mainTheme, concept)
            self.link(DCTERMS.subject, concept)
        paths = [tuple(p for p in row.path if p) for row in r.other_themes]
        for row, path, rank in zip(r.other_themes, paths, _ranks(["/".join(p) for p in paths])):
            if path:
                key = path if rank == 1 else (*path, str(rank))
                self.prioritised(atlas.otherTheme, "theme", key, self.theme_concept(path), row.priority)
        for sdg, rank in zip(r.sdgs, _ranks([str(s.number) for s in r.sdgs])):
            key = (str(sdg.number),) if rank == 1 else (str(sdg.number), str(rank))
            concept = self.sdg_concept(sdg.number, sdg.label)
            self.prioritised(atlas.sustainableDevelopmentGoal, "sdg", key, concept, sdg.priority)

    def prioritised(
        self, link: NamedNode, kind: str, key: tuple[str, ...], concept: NamedNode, priority: int | None
    ) -> None:
        node = NamedNode(self.uris.qualified_subject(self.record.prj_id, kind, key))
        self.link(link, node)
        self.link(DCTERMS.subject, concept)
        self.add(node, RDF.type, self.atlas.PrioritisedSubject)
        self.add(node, DCTERMS.subject, concept)
        if priority is not None:
            self.add(node, self.atlas.priority, _integer(priority))

    def theme_concept(self, path: tuple[str, ...]) -> NamedNode:
        """The deepest concept of a theme path; levels no scheme knows become concepts of this graph."""
        known = known_theme_iris(self.uris.base)
        scheme = NamedNode(self.uris.scheme("themes"))
        parent: NamedNode | None = None
        for depth in range(1, len(path) + 1):
            concept = NamedNode(self.uris.theme(path[:depth]))
            if concept.value not in known:
                self.unknown_concept(concept, path[depth - 1], scheme, parent)
            parent = concept
        assert parent is not None
        return parent

    def sdg_concept(self, number: int, label: str) -> NamedNode:
        concept = NamedNode(self.uris.sdg(number))
        if number not in codelists.SDGS:
            self.unknown_concept(concept, label or str(number), NamedNode(self.uris.scheme("sdgs")), None)
            self.share(concept, SKOS.notation, Literal(str(number)))
        return concept

    def small_concept(self, spec: SmallScheme, label: str) -> NamedNode:
        concept = NamedNode(self.uris.concept(spec.kind, label))
        if not is_known(spec, label):
            self.unknown_concept(concept, label, NamedNode(self.uris.scheme(spec.name)), None)
            if spec is CONTACT_ROLES:
                self.share(concept, RDF.type, ORG.Role)
        return concept

    def unknown_concept(self, concept: NamedNode, label: str, scheme: NamedNode, broader: NamedNode | None) -> None:
        self.share(concept, RDF.type, SKOS.Concept)
        self.share(concept, SKOS.prefLabel, fr(label))
        self.share(concept, SKOS.inScheme, scheme)
        if broader is None:
            self.share(concept, SKOS.topConceptOf, scheme)
        else:
            self.share(concept, SKOS.broader, broader)

    def concepts(self) -> None:
        r = self.record
        if r.status:
            self.link(ADMS.status, self.small_concept(STATUSES, r.status))
        if r.partnership_form:
            self.link(DCTERMS.type, self.small_concept(PARTNERSHIP_FORMS, r.partnership_form))

    def texts(self) -> None:
        r, atlas = self.record, self.atlas
        for prop, paragraphs in (
            (atlas.context, r.context),
            (atlas.history, r.history),
            (atlas.contextAndHistory, r.context_and_history),
            (atlas.objective, r.objective),
            (DCTERMS.description, r.description),
            (atlas.beneficiaries, r.beneficiaries),
        ):
            text = "\n\n".join(p for p in paragraphs if p)
            if text:
                self.texts_triples.append(Triple(self.node, prop, fr(text)))
        for name in r.project_managers:
            self.link(atlas.projectManager, Literal(name))
        for name in r.contracting_authorities:
            self.link(atlas.contractingAuthority, Literal(name))

    # -- organisations and people -----------------------------------------------------------------------------

    def country(self, iso3: str) -> NamedNode:
        node = NamedNode(self.uris.country(iso3))
        self.share(node, RDF.type, DCTERMS.Location)
        self.share(node, RDFS.label, fr(codelists.country_names().get(iso3, iso3)))
        return node

    def authority(self, name: str, iso3: str | None, country_as_written: str | None = None) -> NamedNode:
        node = NamedNode(self.uris.authority(name, iso3))
        self.share(node, RDF.type, ORG.Organization)
        self.share(node, RDF.type, self.atlas.LocalAuthority)
        self.share(node, RDFS.label, Literal(name))
        if iso3 is not None:
            self.share(node, DCTERMS.spatial, self.country(iso3))
        elif country_as_written:
            self.share(node, VCARD["country-name"], Literal(country_as_written))
        self._authorities.setdefault(slugify(name), node)
        return node

    def ministry(self) -> NamedNode:
        node = NamedNode(self.uris.ministry())
        self.share(node, RDF.type, ORG.Organization)
        self.share(node, RDFS.label, fr(MINISTRY_NAME))
        return node

    def email(self, state: _State, person: NamedNode, address: str | None, valid: bool = True) -> None:
        """The person's address, stated with `state`: `add` for a project's own contact, `share` for a post's."""
        if not address:
            return
        if valid and is_valid_email(address):
            state(person, FOAF.mbox, NamedNode("mailto:" + address))
        else:
            state(person, self.atlas.malformedEmail, Literal(address))

    def person_names(self, person: NamedNode, given: str | None, family: str | None) -> None:
        self.add(person, RDF.type, FOAF.Person)
        if given:
            self.add(person, FOAF.givenName, Literal(given))
        if family:
            self.add(person, FOAF.familyName, Literal(family))
        if given or family:
            self.add(person, FOAF.name, Literal(" ".join(n for n in (given, family) if n)))

    def authorities(self) -> None:
        r, atlas = self.record, self.atlas
        for name in r.french_partners:
            self.link(atlas.frenchPartner, self.authority(name, "FRA"))
        for partner in r.foreign_partners:
            iso3 = codelists.country_iso3(partner.country) if partner.country else None
            node = self.authority(partner.name, iso3, partner.country)
            self.link(atlas.foreignPartner, node)
            if iso3 is not None:
                self.link(DCTERMS.spatial, NamedNode(self.uris.country(iso3)))
        keys = [
            " ".join(n for n in (c.given_name, c.family_name) if n) or c.email or c.function or "contact"
            for c in r.partner_contacts
        ]
        for contact, key in zip(r.partner_contacts, _unique(keys)):
            person = NamedNode(self.uris.partner_contact(r.prj_id, contact.authority, key))
            self.link(atlas.partnerContact, person)
            self.person_names(person, contact.given_name, contact.family_name)
            authority = self._authorities.get(slugify(contact.authority)) or self.authority(contact.authority, None)
            self.add(person, ORG.memberOf, authority)
            if contact.function:
                self.add(person, VCARD.title, Literal(contact.function))
            self.email(self.add, person, contact.email)

    def posts(self) -> None:
        """The posts and their staff are shared; which of the staff this page lists is the project's own link."""
        for post in self.record.posts:
            node = NamedNode(self.uris.post(post.name))
            self.link(self.atlas.diplomaticPost, node)
            self.share(node, RDF.type, ORG.OrganizationalUnit)
            self.share(node, RDFS.label, Literal(post.name))
            self.share(node, ORG.unitOf, self.ministry())
            for contact in post.contacts:
                key = contact.name or contact.email or f"{post.name} {contact.role}"
                person = NamedNode(self.uris.person(key))
                membership = NamedNode(self.uris.membership(post.name, contact.role, key))
                self.link(self.atlas.postContact, membership)
                self.share(membership, RDF.type, ORG.Membership)
                self.share(membership, ORG.member, person)
                self.share(membership, ORG.organization, node)
                self.share(membership, ORG.role, self.small_concept(CONTACT_ROLES, contact.role))
                self.share(person, RDF.type, FOAF.Person)
                if contact.name:
                    self.share(person, FOAF.name, Literal(contact.name))
                self.email(self.share, person, contact.email, contact.email_valid)

    def volunteers(self) -> None:
        r, atlas = self.record, self.atlas
        keys = [" ".join(n for n in (v.given_name, v.family_name) if n) or "volunteer" for v in r.volunteers]
        for volunteer, key in zip(r.volunteers, _unique(keys)):
            person = NamedNode(self.uris.volunteer(r.prj_id, key))
            self.link(atlas.volunteer, person)
            self.person_names(person, volunteer.given_name, volunteer.family_name)
            for prop, value in (
                (atlas.mission, volunteer.mission),
                (atlas.fieldOfAction, volunteer.field_of_action),
                (atlas.assignedEntity, volunteer.entity),
            ):
                if value:
                    self.add(person, prop, Literal(value))

    # -- statements, funding, documents -----------------------------------------------------------------------

    def statements(self) -> None:
        r, atlas = self.record, self.atlas
        for prop, value in (
            (atlas.triennial, r.triennial),
            (atlas.communicationInFrance, r.communication_in_france),
            (atlas.communicationInPartnerCountries, r.communication_in_partner_countries),
            (atlas.evaluation, r.evaluation),
        ):
            # On a page cut short, a statement that was not read is unknown, not false.
            if value or r.complete:
                self.link(prop, _TRUE if value else _FALSE)

    def funder(self, name: str) -> NamedNode:
        """A partner authority of the project when the name is one, else the ministry or a funder of its own."""
        slug = slugify(name)
        if slug in self._authorities:
            return self._authorities[slug]
        if slug == slugify(MINISTRY_NAME):
            return self.ministry()
        node = NamedNode(self.uris.funder(name))
        self.share(node, RDF.type, FOAF.Agent)
        self.share(node, RDFS.label, Literal(name))
        return node

    def funding(self) -> None:
        r, atlas, uris = self.record, self.atlas, self.uris
        dataset = NamedNode(uris.dataset("funding"))
        measures = (("amount", atlas.amount), ("water", atlas.waterAmount))
        lines: Counter[tuple[int | None, str]] = Counter()
        append = self.triples.append  # the hot loop of a bulk ingest: no method lookups per triple
        for row in r.funding:
            funder = self.funder(row.funder)
            lines[(row.year, slugify(row.funder))] += 1
            line = lines[(row.year, slugify(row.funder))]
            shared: list[tuple[NamedNode, NamedNode | Literal]] = [
                (RDF.type, QB.Observation),
                (QB.dataSet, dataset),
                (atlas.fundedProject, self.node),
                (atlas.funder, funder),
                (atlas.fundingLine, _integer(line)),
                (SDMX_ATTRIBUTE.unitMeasure, EUR),
            ]
            if row.year is not None:
                shared.append((SDMX_DIMENSION.refPeriod, _year(row.year)))
            for (key, measure), value in zip(measures, (row.amount, row.water_amount)):
                if value is None:
                    continue
                obs = NamedNode(uris.observation(r.prj_id, row.year, row.funder, line, key))
                for p, o in shared:
                    append(Triple(obs, p, o))
                append(Triple(obs, QB.measureType, measure))
                append(Triple(obs, measure, _decimal(value)))

    def documents(self) -> None:
        r, atlas = self.record, self.atlas
        for document, key in zip(r.documents, _unique([d.file_name or d.title for d in r.documents])):
            node = NamedNode(self.uris.document(r.prj_id, key))
            self.link(FOAF.page, node)
            self.add(node, RDF.type, FOAF.Document)
            self.add(node, DCTERMS.title, fr(document.title))
            if document.size_kb is not None:
                self.add(node, atlas.sizeInKilobytes, _decimal(document.size_kb))
            if document.file_name:
                self.add(node, atlas.fileName, Literal(document.file_name))

    # -- provenance -------------------------------------------------------------------------------------------

    def provenance(self, ingested_at: datetime, parser_version: str) -> None:
        r, uris = self.record, self.uris
        graph = NamedNode(uris.project_graph(r.prj_id))
        source = NamedNode(uris.source_page(r.prj_id))
        activity = NamedNode(uris.ingest_activity(r.prj_id, ingested_at.isoformat()))
        software = NamedNode(uris.software(parser_version))
        when = _datetime(ingested_at)
        self.add(graph, RDF.type, PROV.Entity)
        self.add(graph, PROV.wasDerivedFrom, source)
        self.add(graph, PROV.generatedAtTime, when)
        self.add(graph, PROV.wasGeneratedBy, activity)
        self.add(source, RDF.type, PROV.Entity)
        self.add(source, RDF.type, FOAF.Document)
        self.add(source, FOAF.primaryTopic, self.node)
        self.link(FOAF.isPrimaryTopicOf, source)
        self.add(source, self.atlas.truncated, _FALSE if r.complete else _TRUE)
        if r.source_url:
            try:
                self.add(source, PROV.hadPrimarySource, NamedNode(r.source_url))
            except ValueError:  # not an IRI: keep what the page's address was, as written
                self.add(source, DCTERMS.source, Literal(r.source_url))
        if r.footer_year is not None:
            self.add(source, DCTERMS.dateCopyrighted, _year(r.footer_year))
        self.add(activity, RDF.type, PROV.Activity)
        self.add(activity, PROV.used, source)
        self.add(activity, PROV.wasAssociatedWith, software)
        self.add(activity, PROV.endedAtTime, when)
        self.share(software, RDF.type, PROV.SoftwareAgent)
        self.share(software, RDFS.label, Literal(f"atlas-ld {parser_version}"))
        self.share(software, OWL.versionInfo, Literal(parser_version))
