"""What the server says about one resource: its description as triples, and an index to read it back.

A description holds the resource's own triples, the labels (and places) of what it links to, the resources that
exist only through it (a project's funding observations, prioritised themes, contacts, documents, provenance; a
post's memberships; a scheme's concepts) and the organisations' and concepts' links back from the projects.
It is read with triple patterns (`GraphStore.triples`), each anchored on the resource or on a short list of IRIs:
the embedded store answers them from its indexes, a remote one with one small query each. IRIs enter as
`NamedNode` terms, whose constructor rejects anything that is not an IRI, so no request text reaches a query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from atlas_ld.store.base import GraphStore, Term
from atlas_ld.store.until_next_write import UntilNextWrite
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SKOS, atlas_namespace

# The properties that name a thing, most preferred first.
LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, DCTERMS.title, FOAF.name, SKOS.notation)


def iri_node(iri: str) -> ox.NamedNode | None:
    """The IRI as a term, or None when the text is not a valid IRI (then nothing can be described)."""
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


class LabelCache:
    """The labels (and places, with their labels) of linked resources, kept until the store's next write.

    A description links to dozens of authorities, countries, concepts and funders: reading their labels is the
    costliest part of it, and they rarely change.
    """

    def __init__(self, store: GraphStore, *, max_entries: int = 200_000) -> None:
        self.store = store
        self._entries: UntilNextWrite[str, list[ox.Triple]] = UntilNextWrite(store, max_entries=max_entries)

    def triples(self, nodes: set[str]) -> list[ox.Triple]:
        """Label triples of each node, its dcterms:spatial place and the place's labels."""
        entries = self._entries.current()
        missing = {n for n in nodes if n not in entries}
        if missing:
            places = self.store.triples(subjects=_nodes(missing), predicates=[DCTERMS.spatial])
            new_places = {t.object.value for t in places if isinstance(t.object, ox.NamedNode)} - set(entries)
            found = self.store.triples(subjects=_nodes(missing | new_places), predicates=LABEL_PROPERTIES)
            fresh: dict[str, list[ox.Triple]] = {n: [] for n in missing | new_places}
            for t in places + found:
                fresh[t.subject.value].append(t)
            entries.update(fresh)
        out: list[ox.Triple] = []
        for node in nodes:
            for t in entries.get(node, ()):
                out.append(t)
                if t.predicate == DCTERMS.spatial and isinstance(t.object, ox.NamedNode):
                    out += entries.get(t.object.value, ())
        return out

    def names(self, nodes: set[str], *, lang: str = "fr") -> dict[str, str]:
        """Each node's preferred label (see `Description.label`); a node without one is left out."""
        description = Description(self.triples(nodes))
        found = {node: description.label(node, lang=lang) for node in nodes}
        return {node: label for node, label in found.items() if label != node}

    def places(self, nodes: set[str]) -> dict[str, str]:
        """Each node's dcterms:spatial place (the first, in IRI order), for the nodes that have one."""
        description = Description(self.triples(nodes))
        return {node: places[0] for node in nodes if (places := description.iris(node, DCTERMS.spatial))}


def _nodes(iris: Iterable[str]) -> list[ox.NamedNode]:
    return [ox.NamedNode(iri) for iri in sorted(iris)]


def _backlinks(uris: UriScheme) -> list[ox.NamedNode]:
    """The links a resource receives that belong in its description: those an organisation or a concept receives
    from the projects (shown on its own page), and those from the resources that exist only through it."""
    atlas = atlas_namespace(uris.base)
    return [
        atlas.frenchPartner,
        atlas.foreignPartner,
        atlas.diplomaticPost,
        SKOS.broader,
        SKOS.inScheme,
        ORG.memberOf,
        ORG.unitOf,
        DCTERMS.spatial,
        ORG.organization,
        atlas.fundedProject,
    ]


def _dependents(
    store: GraphStore, uris: UriScheme, node: ox.NamedNode, own: list[ox.Triple], incoming: list[ox.Triple]
) -> set[ox.NamedNode]:
    """The resources that exist only through `node`: what it links to under its own IRI, or that is a person or a
    document; its funding observations and memberships, and the memberships' members; its post contacts (those
    its own page lists, not every member of the post) and their members; the provenance entities derived from its
    source page; a scheme's concepts."""
    atlas = atlas_namespace(uris.base)
    linked = {t.object for t in own if isinstance(t.object, ox.NamedNode)}
    under = {o for o in linked if o.value.startswith(node.value + "/")}
    contacts = {t.object for t in own if t.predicate == atlas.postContact and isinstance(t.object, ox.NamedNode)}
    sources = [t.object for t in own if t.predicate == FOAF.isPrimaryTopicOf]
    is_scheme = any(t.predicate == RDF.type and t.object == SKOS.ConceptScheme for t in own)
    pointing = {ORG.organization, atlas.fundedProject} | ({SKOS.inScheme} if is_scheme else set())
    reverse = {t.subject for t in incoming if t.predicate in pointing and isinstance(t.subject, ox.NamedNode)}
    memberships = {t.subject for t in incoming if t.predicate == ORG.organization} | contacts
    derived = {t.subject for t in store.triples(objects=sources)} if sources else set()
    candidates = (linked - under) | {d for d in derived if isinstance(d, ox.NamedNode)}
    types = store.triples(
        subjects=candidates, predicates=[RDF.type], objects=[FOAF.Person, FOAF.Document, PROV.Entity]
    )
    typed = {t.subject for t in types if t.subject in linked and t.object in (FOAF.Person, FOAF.Document)}
    typed |= {t.subject for t in types if t.subject in derived and t.object == PROV.Entity}
    members = store.triples(subjects=[m for m in memberships if isinstance(m, ox.NamedNode)], predicates=[ORG.member])
    dependents = under | contacts | reverse | typed | {t.object for t in members}
    return {d for d in dependents if isinstance(d, ox.NamedNode)}


def describe_resource(
    store: GraphStore, uris: UriScheme, iri: str, *, labels: LabelCache | None = None
) -> list[ox.Triple]:
    """The description of `iri` over the union of the graphs; empty when the store knows nothing about it.

    Pass a long-lived `labels` cache when describing many resources (the web app does).
    """
    node = iri_node(iri)
    if node is None:
        return []
    triples = store.triples(subjects=[node])
    incoming = store.triples(predicates=_backlinks(uris), objects=[node])
    dependents = _dependents(store, uris, node, triples, incoming)
    if dependents:
        triples += store.triples(subjects=sorted(dependents, key=str))
    linked = {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
    linked |= {t.subject.value for t in incoming}
    linked -= {d.value for d in dependents} | {iri}
    if linked:
        triples += (labels or LabelCache(store)).triples(linked)
    # Sorted, so that a description serialises the same way each time (and reads well in Turtle).
    return sorted(set(triples + incoming), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def resource_exists(store: GraphStore, iri: str) -> bool:
    """Whether some graph states anything about `iri` as a subject."""
    node = iri_node(iri)
    if node is None:
        return False
    result = store.query(f"ASK {{ {node} ?p ?o }}")
    return bool(result)


class Description:
    """The triples of a description indexed by subject, to read values the way a page needs them."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.triples = list(triples)
        self._index: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self._incoming: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for t in self.triples:
            self._index[t.subject.value][t.predicate.value].append(t.object)  # type: ignore[arg-type]
            if isinstance(t.object, ox.NamedNode):
                self._incoming[t.object.value][t.predicate.value].append(t.subject.value)

    def __bool__(self) -> bool:
        return bool(self.triples)

    def objects(self, subject: str, predicate: ox.NamedNode) -> list[Term]:
        return list(self._index.get(subject, {}).get(predicate.value, ()))

    def iris(self, subject: str, predicate: ox.NamedNode) -> list[str]:
        """The IRIs a subject links to through `predicate`, in a stable order."""
        return sorted({o.value for o in self.objects(subject, predicate) if isinstance(o, ox.NamedNode)})

    def subjects(self, predicate: ox.NamedNode, obj: str) -> list[str]:
        """The subjects that link to `obj` through `predicate`, in a stable order."""
        return sorted(set(self._incoming.get(obj, {}).get(predicate.value, ())))

    def value(self, subject: str, predicate: ox.NamedNode, *, lang: str | None = "fr") -> str | None:
        """One literal value, in `lang` when there is one in it, else any; None when there is none."""
        literals = [o for o in self.objects(subject, predicate) if isinstance(o, ox.Literal)]
        if not literals:
            return None
        preferred = [o for o in literals if lang is not None and o.language == lang]
        return sorted(o.value for o in (preferred or literals))[0]

    def values(self, subject: str, predicate: ox.NamedNode) -> list[str]:
        return sorted(o.value for o in self.objects(subject, predicate) if isinstance(o, ox.Literal))

    def types(self, subject: str) -> set[str]:
        return {o.value for o in self.objects(subject, RDF.type)}

    def has(self, subject: str, predicate: ox.NamedNode) -> bool:
        return bool(self.objects(subject, predicate))

    def label(self, iri: str, *, lang: str = "fr") -> str:
        """The thing's name as this description gives it, or its IRI when it has none."""
        for prop in LABEL_PROPERTIES:
            found = self.value(iri, prop, lang=lang)
            if found:
                return found
        return iri
