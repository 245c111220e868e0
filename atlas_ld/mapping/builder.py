"""The accumulator every part of a project's mapping writes to, and the concepts that no scheme knows."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Triple

from atlas_ld import codelists
from atlas_ld.mapping.schemes import (
    CONTACT_ROLES,
    SmallScheme,
    fr,
    is_known,
    known_theme_iris,
)
from atlas_ld.records import ParseWarning, ProjectRecord
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import ORG, RDF, SKOS, Namespace, atlas_namespace


class ProjectBuilder:
    """Accumulates the triples of one project; the parts of the page are mapped by the subclasses' methods.

    `add` and `link` state what is this project's own (its named graph); `share` describes a resource that other
    pages may mention too (the shared graph), where it is stored once however many pages state it.
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
        self.warnings: list[ParseWarning] = []  # what the mapping found odd, with the page's line

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.triples.append(Triple(s, p, o))

    def share(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.shared.append(Triple(s, p, o))

    def link(self, p: NamedNode, o: NamedNode | Literal | None) -> None:
        if o is not None:
            self.triples.append(Triple(self.node, p, o))

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

