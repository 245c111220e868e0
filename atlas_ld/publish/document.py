"""Small RDF documents built in Python as pyoxigraph triples, and written by pyoxigraph like every other answer."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from atlas_ld.vocab import RDF, Namespace

Subject = NamedNode | BlankNode
Object = NamedNode | BlankNode | Literal
Node = TypeVar("Node", NamedNode, BlankNode)

# Vocabularies the documents use that the data itself does not (so they are not in `atlas_ld.vocab.PREFIXES`).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

# The syntaxes that abbreviate IRIs with prefixes; N-Triples has none, and pyoxigraph writes JSON-LD expanded.
_WITH_PREFIXES = (RdfFormat.TURTLE, RdfFormat.TRIG, RdfFormat.RDF_XML)


@dataclass
class RdfDocument:
    """The triples of one document, a set as RDF graphs are, and the prefixes its Turtle is written with.

    VoID, the catalogue, the list of dumps and the service description are built this way, so that each media
    type has one serialiser in the whole server, pyoxigraph's:

    >>> from atlas_ld.vocab import DCTERMS
    >>> doc = RdfDocument({"dcterms": DCTERMS.iri, "foaf": "http://xmlns.com/foaf/0.1/"})
    >>> doc.add(NamedNode("http://example.org/a"), DCTERMS.title, Literal("A", language="en"))
    >>> print(doc.serialise(RdfFormat.TURTLE).decode().strip())
    @prefix dcterms: <http://purl.org/dc/terms/> .
    <http://example.org/a> dcterms:title "A"@en .
    """

    prefixes: Mapping[str, str]
    _triples: dict[Triple, None] = field(default_factory=dict)

    def add(self, subject: Subject, predicate: NamedNode, value: Object) -> None:
        self._triples.setdefault(Triple(subject, predicate, value))

    def typed(self, node: Node, *classes: NamedNode) -> Node:
        """State the node's classes; returns the node, to be linked in the same expression."""
        for cls in classes:
            self.add(node, RDF.type, cls)
        return node

    def lang_literals(self, subject: Subject, predicate: NamedNode, texts: Mapping[str, str]) -> None:
        """One literal per language, skipping empty texts."""
        for lang, text in texts.items():
            if text:
                self.add(subject, predicate, Literal(text, language=lang))

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def serialise(self, rdf_format: RdfFormat) -> bytes:
        """The document in one syntax; sorted, so that each subject's triples come out together (one Turtle block
        per subject) and the same document is written the same way each time."""
        prefixes = self._used_prefixes() if rdf_format in _WITH_PREFIXES else None
        return serialize(sorted(self._triples, key=str), format=rdf_format, prefixes=prefixes) or b""

    def _used_prefixes(self) -> dict[str, str]:
        """The prefixes that abbreviate some IRI of the document: no declaration is written for nothing."""
        iris = {t.value for triple in self._triples for t in triple if isinstance(t, NamedNode)}
        iris |= {t.datatype.value for triple in self._triples for t in triple if isinstance(t, Literal)}
        return {
            prefix: namespace
            for prefix, namespace in self.prefixes.items()
            if any(iri.startswith(namespace) for iri in iris)
        }


def document_with(*vocabularies: tuple[str, Namespace]) -> RdfDocument:
    """An empty document whose Turtle declares these prefixes."""
    return RdfDocument({prefix: namespace.iri for prefix, namespace in vocabularies})

