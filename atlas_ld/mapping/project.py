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

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from pyoxigraph import Literal, NamedNode, Triple

from atlas_ld.mapping.funding import Funding
from atlas_ld.mapping.literals import FALSE, TRUE, decimal, integer, ranks, unique, year
from atlas_ld.mapping.provenance import Provenance
from atlas_ld.mapping.schemes import PARTNERSHIP_FORMS, STATUSES, fr, static_graphs
from atlas_ld.records import ParseWarning, ProjectRecord
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import ADMS, DCTERMS, FOAF, RDF, RDFS, XSD

__all__ = ["RecordTriples", "map_record", "static_graphs"]


def absolute_address(page_url: str, link: str) -> NamedNode | None:
    """A link as the page writes it, made absolute against the page's address; None if it is no web address.

    >>> absolute_address("https://pastel.diplomatie.gouv.fr/a/b.html", "/c/document.html?docId=1").value
    'https://pastel.diplomatie.gouv.fr/c/document.html?docId=1'
    """
    address = urljoin(page_url, link)
    if not address.startswith(("https://", "http://")):
        return None
    try:
        return NamedNode(address)
    except ValueError:
        return None


@dataclass(frozen=True)
class RecordTriples:
    """A record's triples, each list without duplicates."""

    project: list[Triple]  # for the project's named graph, `uris.project_graph(prj_id)`, replaced whole on re-ingest
    shared: list[Triple]  # for the shared graph, `uris.graph("shared")`, added to what other projects stated
    warnings: list[ParseWarning] = field(default_factory=list)  # names the reference data cannot place, say

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
    return RecordTriples(
        [*dict.fromkeys(builder.triples), *builder.texts_triples], list(dict.fromkeys(builder.shared)), builder.warnings
    )


class _ProjectGraph(Funding, Provenance):
    """The whole mapping of one project: the project itself here, the other parts from the classes it joins."""

    def project(self) -> None:
        r, atlas = self.record, self.atlas
        self.link(RDF.type, atlas.Project)
        self.link(DCTERMS.identifier, Literal(str(r.prj_id)))
        if r.title:
            self.link(DCTERMS.title, fr(r.title))
        if r.signature_year is not None:
            self.link(atlas.signatureYear, year(r.signature_year))
        if r.start_year is not None:
            self.link(atlas.startYear, year(r.start_year))
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
        for row, path, rank in zip(r.other_themes, paths, ranks(["/".join(p) for p in paths])):
            if path:
                key = path if rank == 1 else (*path, str(rank))
                self.prioritised(atlas.otherTheme, "theme", key, self.theme_concept(path), row.priority)
        for sdg, rank in zip(r.sdgs, ranks([str(s.number) for s in r.sdgs])):
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
            self.add(node, self.atlas.priority, integer(priority))

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
                self.link(prop, TRUE if value else FALSE)

    def documents(self) -> None:
        r, atlas = self.record, self.atlas
        for document, key in zip(r.documents, unique([d.file_name or d.title for d in r.documents])):
            node = NamedNode(self.uris.document(r.prj_id, key))
            self.link(FOAF.page, node)
            self.add(node, RDF.type, FOAF.Document)
            self.add(node, DCTERMS.title, fr(document.title))
            if document.size_kb is not None:
                self.add(node, atlas.sizeInKilobytes, decimal(document.size_kb))
            if document.file_name:
                self.add(node, atlas.fileName, Literal(document.file_name))
            if document.url and (address := absolute_address(r.source_url, document.url)) is not None:
                self.add(node, RDFS.seeAlso, address)  # the file, where the Atlas serves it

