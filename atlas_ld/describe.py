"""What the server says about one resource: its description as triples, and an index to read it back.

A description holds the resource's own triples, the labels (and places) of what it links to, the resources that
exist only through it (a project's funding observations, prioritised themes, contacts, documents, provenance; a
post's memberships; a scheme's concepts) and the organisations' and concepts' links back from the projects.
IRIs enter the queries as `NamedNode` terms, whose constructor rejects anything that is not an IRI, so no request
text is ever spliced into SPARQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from atlas_ld.store import GraphStore
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SKOS, atlas_namespace

Term = ox.NamedNode | ox.BlankNode | ox.Literal

# The properties that name a thing, most preferred first.
LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, DCTERMS.title, FOAF.name, SKOS.notation)


def iri_node(iri: str) -> ox.NamedNode | None:
    """The IRI as a term, or None when the text is not a valid IRI (then nothing can be described)."""
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


def _one_of(*terms: ox.NamedNode) -> str:
    return ", ".join(str(t) for t in terms)


def _values(nodes: Iterable[str]) -> str:
    return " ".join(str(ox.NamedNode(n)) for n in sorted(nodes))


def _construct(store: GraphStore, template: str, variables: str, where: str) -> list[ox.Triple]:
    """CONSTRUCT over SELECT DISTINCT: the union default graph gives a triple once per graph that states it (the
    ingest stores each triple once, but an administrator may write more over the endpoint), and the engine, not
    Python, should drop the copies."""
    result = store.query(f"CONSTRUCT {{ {template} }} WHERE {{ SELECT DISTINCT {variables} WHERE {{ {where} }} }}")
    assert isinstance(result, ox.QueryTriples)
    return list(result)


def _dependents_query(r: str, uris: UriScheme) -> str:
    """The resources that exist only through `r`: each branch starts from `r`, so none scans the store (types are
    checked with FILTER EXISTS, row by row, as a join would read the type of every copy of a shared resource).

    A project's post contacts are those its own page lists (atlas:postContact), not every member of the post.
    """
    atlas = atlas_namespace(uris.base)
    return f"""SELECT DISTINCT ?dep WHERE {{
  {{ {r} ?link ?dep .
    FILTER(isIRI(?dep) && (STRSTARTS(STR(?dep), CONCAT(STR({r}), "/"))
           || EXISTS {{ ?dep {RDF.type} {FOAF.Person} }} || EXISTS {{ ?dep {RDF.type} {FOAF.Document} }})) }}
  UNION {{ ?dep {atlas.fundedProject} {r} }}
  UNION {{ ?dep {ORG.organization} {r} }}
  UNION {{ ?membership {ORG.organization} {r} ; {ORG.member} ?dep }}
  UNION {{ {r} {atlas.postContact} ?dep }}
  UNION {{ {r} {atlas.postContact}/{ORG.member} ?dep }}
  UNION {{ {r} {FOAF.isPrimaryTopicOf} ?source . ?dep ?derivation ?source ; {RDF.type} {PROV.Entity} }}
  UNION {{ {r} {RDF.type} {SKOS.ConceptScheme} . ?dep {SKOS.inScheme} {r} }}
}}"""


class LabelCache:
    """The labels (and places, with their labels) of linked resources, kept until the store's next write.

    A description links to dozens of authorities, countries, concepts and funders: reading their labels is the
    costliest part of it, and they rarely change.
    """

    def __init__(self, store: GraphStore, *, max_entries: int = 200_000) -> None:
        self.store = store
        self.max_entries = max_entries
        self._stamp: float | None = None
        self._entries: dict[str, list[ox.Triple]] = {}

    def triples(self, nodes: set[str]) -> list[ox.Triple]:
        """Label triples of each node, its dcterms:spatial place and the place's labels."""
        stamp = self.store.last_modified()
        if stamp != self._stamp or len(self._entries) > self.max_entries:
            self._entries, self._stamp = {}, stamp
        entries = self._entries
        missing = {n for n in nodes if n not in entries}
        if missing:
            places = self._read(missing, f"?x {DCTERMS.spatial} ?place", "?x ?place", f"?x {DCTERMS.spatial} ?place")
            new_places = {t.object.value for t in places} - set(entries)
            labels = _one_of(*LABEL_PROPERTIES)
            found = self._read(
                missing | new_places, "?x ?p ?label", "?x ?p ?label", f"?x ?p ?label . FILTER(?p IN ({labels}))"
            )
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

    def _read(self, nodes: set[str], template: str, variables: str, pattern: str) -> list[ox.Triple]:
        return _construct(self.store, template, variables, f"VALUES ?x {{ {_values(nodes)} }} {pattern}")


def describe_resource(
    store: GraphStore, uris: UriScheme, iri: str, *, labels: LabelCache | None = None
) -> list[ox.Triple]:
    """The description of `iri` over the union of the graphs; empty when the store knows nothing about it.

    A few small queries, each anchored on the resource or on a short list of IRIs, rather than one large one
    that Oxigraph would plan with scans of the whole store. Pass a long-lived `labels` cache when describing
    many resources (the web app does).
    """
    node = iri_node(iri)
    if node is None:
        return []
    atlas = atlas_namespace(uris.base)
    r = str(node)
    # Links that an organisation or a concept receives from the projects, shown on its own page.
    backlinks = _one_of(
        atlas.frenchPartner,
        atlas.foreignPartner,
        atlas.diplomaticPost,
        SKOS.broader,
        SKOS.inScheme,
        ORG.memberOf,
        ORG.unitOf,
        DCTERMS.spatial,
    )
    triples = _construct(store, f"{r} ?p ?o", "?p ?o", f"{r} ?p ?o")
    incoming = _construct(store, f"?in ?p {r}", "?in ?p", f"?in ?p {r} . FILTER(?p IN ({backlinks}))")
    result = store.query(_dependents_query(r, uris))
    assert isinstance(result, ox.QuerySolutions)
    dependents = {row["dep"].value for row in result if isinstance(row["dep"], ox.NamedNode)}
    if dependents:
        triples += _construct(store, "?d ?p ?o", "?d ?p ?o", f"VALUES ?d {{ {_values(dependents)} }} ?d ?p ?o")
    linked = {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
    linked |= {t.subject.value for t in incoming}
    linked -= dependents | {iri}
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
