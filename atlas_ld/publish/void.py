"""The VoID description of the dataset: its statistics counted by SPARQL over the store, and where to get it.

Counts are over the union of the graphs, as a plain query sees it: a triple stated in two project graphs (a
country's name, say) counts once, which is also what the Turtle dump loads back into.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from pyoxigraph import BlankNode, Literal, NamedNode

from atlas_ld.publish.dataset import Publication, describe_dataset_basics, uri_space
from atlas_ld.publish.document import VOID, RdfDocument, document_with
from atlas_ld.store.base import GraphStore
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import (
    DCTERMS,
    FOAF,
    ORG,
    QB,
    RDF,
    RDFS,
    XSD,
    atlas_namespace,
    prefixes,
)

# Triples of each property; their sum is the dataset's triple count.
_PROPERTY_PARTITIONS = (
    "SELECT ?p (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } } GROUP BY ?p"
)
_CLASS_PARTITIONS = "SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c"
_DISTINCT_SUBJECTS = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"
_DISTINCT_OBJECTS = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"


@dataclass(frozen=True)
class DatasetStatistics:
    """What VoID says about the size and shape of the dataset."""

    triples: int
    entities: int  # distinct subjects whose IRI is in the dataset's URI space
    distinct_subjects: int
    distinct_objects: int
    classes: dict[str, int]  # class IRI → distinct instances
    properties: dict[str, int]  # property IRI → distinct triples
    examples: tuple[str, ...]


def _count(store: GraphStore, query: str) -> int:
    solution = next(iter(store.query(query)))  # type: ignore[call-overload]
    return int(solution["n"].value)


def _grouped(store: GraphStore, query: str, key: str) -> dict[str, int]:
    return {
        row[key].value: int(row["n"].value)
        for row in store.query(query)  # type: ignore[union-attr]
        if isinstance(row[key], ox.NamedNode)
    }


def example_patterns(base_uri: str) -> tuple[str, ...]:
    """Graph patterns binding ?x: one example each of a project, an authority, an embassy post, a theme, and the
    funding data set."""
    atlas = atlas_namespace(base_uri)
    return (
        f"?x a {atlas.Project}",
        f"?x a {atlas.LocalAuthority}",
        f"?x a {ORG.OrganizationalUnit}",
        f"?project {atlas.mainTheme} ?x",
        f"?x a {QB.DataSet}",
    )


def _subjects(store: GraphStore, space: str) -> tuple[int, int]:
    """Distinct subjects, and those of them in the URI space. Sorting them out here is several times faster than
    a STRSTARTS filter in the query, which builds a string per triple."""
    subjects = entities = 0
    for row in store.query(_DISTINCT_SUBJECTS):  # type: ignore[union-attr]
        subjects += 1
        subject = row[0]
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(space):
            entities += 1
    return subjects, entities


def dataset_statistics(store: GraphStore, uris: UriScheme) -> DatasetStatistics:
    """Count the store with SPARQL over the union of the graphs."""
    space = uri_space(uris)
    in_space = f"isIRI(?x) && STRSTARTS(STR(?x), {ox.Literal(space)})"
    properties = _grouped(store, _PROPERTY_PARTITIONS, "p")
    subjects, entities = _subjects(store, space)
    examples = []
    for pattern in example_patterns(uris.base):
        query = f"SELECT (MIN(STR(?x)) AS ?first) WHERE {{ {pattern} FILTER({in_space}) }}"
        first = next(iter(store.query(query)))["first"]  # type: ignore[call-overload]
        if first is not None:
            examples.append(first.value)
    return DatasetStatistics(
        triples=sum(properties.values()),
        entities=entities,
        distinct_subjects=subjects,
        distinct_objects=_count(store, _DISTINCT_OBJECTS),
        classes=_grouped(store, _CLASS_PARTITIONS, "c"),
        properties=properties,
        examples=tuple(examples),
    )


def vocabulary_of(term: str, known: list[str]) -> str:
    """The vocabulary a class or property belongs to: a known namespace, else the IRI up to its last # or /.

    >>> vocabulary_of("http://purl.org/dc/terms/title", ["http://purl.org/dc/terms/"])
    'http://purl.org/dc/terms/'
    >>> vocabulary_of("http://www.w3.org/ns/dcat#Dataset", [])
    'http://www.w3.org/ns/dcat#'
    """
    for namespace in known:
        if term.startswith(namespace) and len(term) > len(namespace):
            return namespace
    cut = max(term.rfind("#"), term.rfind("/"))
    return term[: cut + 1]


def vocabularies(stats: DatasetStatistics, base_uri: str) -> list[str]:
    """Every vocabulary whose classes or properties the dataset uses."""
    known = sorted(prefixes(base_uri).values(), key=len, reverse=True)
    return sorted({vocabulary_of(term, known) for term in (*stats.classes, *stats.properties)})


def void_graph(pub: Publication, stats: DatasetStatistics) -> RdfDocument:
    """The VoID description: a void:DatasetDescription document about the one void:Dataset."""
    doc = document_with(("void", VOID), ("dcterms", DCTERMS), ("foaf", FOAF), ("rdfs", RDFS), ("xsd", XSD))
    dataset = NamedNode(pub.dataset)
    document = NamedNode(pub.void_url)
    doc.add(document, RDF.type, VOID.DatasetDescription)
    settings = pub.settings
    doc.add(document, DCTERMS.title, Literal(f"Description VoID : {settings.catalog_title}", language="fr"))
    doc.add(document, DCTERMS.title, Literal(f"VoID description: {settings.catalog_title_en}", language="en"))
    doc.add(document, FOAF.primaryTopic, dataset)

    doc.add(dataset, RDF.type, VOID.Dataset)
    describe_dataset_basics(doc, dataset, pub)
    doc.add(dataset, FOAF.homepage, NamedNode(pub.home_url))
    doc.add(dataset, RDFS.seeAlso, NamedNode(pub.catalog_url))
    doc.add(dataset, VOID.sparqlEndpoint, NamedNode(pub.endpoint_url))
    for dump in pub.dumps:
        doc.add(dataset, VOID.dataDump, NamedNode(pub.download_url(dump.format)))
        doc.add(dataset, VOID.feature, NamedNode(dump.format.w3c_format))
    doc.add(dataset, VOID.uriSpace, Literal(pub.uri_space))
    for example in stats.examples:
        doc.add(dataset, VOID.exampleResource, NamedNode(example))
    for vocabulary in vocabularies(stats, pub.settings.base_uri):
        doc.add(dataset, VOID.vocabulary, NamedNode(vocabulary))

    for predicate, value in (
        (VOID.triples, stats.triples),
        (VOID.entities, stats.entities),
        (VOID.classes, len(stats.classes)),
        (VOID.properties, len(stats.properties)),
        (VOID.distinctSubjects, stats.distinct_subjects),
        (VOID.distinctObjects, stats.distinct_objects),
    ):
        doc.add(dataset, predicate, Literal(value))
    for cls, instances in sorted(stats.classes.items()):
        partition = BlankNode()
        doc.add(dataset, VOID.classPartition, partition)
        doc.add(partition, VOID["class"], NamedNode(cls))
        doc.add(partition, VOID.entities, Literal(instances))
    for prop, triples in sorted(stats.properties.items()):
        partition = BlankNode()
        doc.add(dataset, VOID.propertyPartition, partition)
        doc.add(partition, VOID.property, NamedNode(prop))
        doc.add(partition, VOID.triples, Literal(triples))
    return doc
