"""The graphs shared by every project: the vocabulary, the SKOS concept schemes and the funding Data Cube structure.

Project graphs only point at these; a value a page gives that no scheme knows becomes a concept in that project's
own graph (see `atlas_ld.mapping.builder`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Triple

from atlas_ld import codelists
from atlas_ld.bundled import ontology_files
from atlas_ld.uris import UriScheme, slugify
from atlas_ld.vocab import (
    DCTERMS,
    EUR,
    ORG,
    QB,
    RDF,
    RDFS,
    SDMX_ATTRIBUTE,
    SDMX_DIMENSION,
    SKOS,
    XSD,
    atlas_namespace,
)

MINISTRY_NAME = "Ministère de l'Europe et des Affaires étrangères"
UN_SDG = "http://metadata.un.org/sdg/"


@dataclass(frozen=True, eq=False)
class SmallScheme:
    """A flat concept scheme built from one code list (French label on the pages → English label)."""

    name: str  # graph and scheme key: uris.graph(name), uris.scheme(name)
    kind: str  # concept key: uris.concept(kind, label)
    codes: dict[str, str]
    label_fr: str
    label_en: str


STATUSES = SmallScheme("statuses", "status", codelists.STATUSES, "Statuts des partenariats", "Partnership statuses")
PARTNERSHIP_FORMS = SmallScheme(
    "partnership-forms", "partnership-form", codelists.PARTNERSHIP_FORMS, "Formes de partenariat", "Partnership forms"
)
CONTACT_ROLES = SmallScheme(
    "contact-roles",
    "contact-role",
    codelists.CONTACT_ROLES,
    "Fonctions des contacts dans les postes diplomatiques",
    "Roles of the contacts in diplomatic posts",
)
AUTHORITY_KINDS = SmallScheme(
    "authority-kinds", "authority-kind", codelists.AUTHORITY_KINDS, "Catégories de collectivités françaises",
    "Kinds of French local authorities",
)
SMALL_SCHEMES = (STATUSES, PARTNERSHIP_FORMS, CONTACT_ROLES, AUTHORITY_KINDS)

THEMES_LABELS = ("Thématiques d'intervention", "Intervention themes")
SDGS_LABELS = ("Objectifs de développement durable (ODD)", "Sustainable Development Goals (SDGs)")


def fr(text: str) -> Literal:
    return Literal(text, language="fr")


def en(text: str) -> Literal:
    return Literal(text, language="en")


def theme_paths() -> Iterator[tuple[str, ...]]:
    """Every path of the theme tree, parents before children."""
    for top, subs in codelists.THEMES.items():
        yield (top,)
        for sub, leaves in subs.items():
            yield (top, sub)
            for leaf in leaves:
                yield (top, sub, leaf)


@cache
def known_theme_iris(base: str) -> frozenset[str]:
    """IRIs of the concepts of the themes scheme, to tell a known theme from one only a page has."""
    uris = UriScheme(base)
    return frozenset(uris.theme(path) for path in theme_paths())


@cache
def _known_slugs(scheme: SmallScheme) -> frozenset[str]:
    return frozenset(slugify(label) for label in scheme.codes)


def is_known(scheme: SmallScheme, label: str) -> bool:
    """Whether a label as written on a page is a concept of the scheme (case, accents and hyphens aside)."""
    return slugify(label) in _known_slugs(scheme)


def vocabulary_graph(uris: UriScheme) -> list[Triple]:
    """The atlas: vocabulary, read from ontology/*.ttl with the base URI resolving its relative IRIs."""
    triples: list[Triple] = []
    for path in ontology_files():
        triples.extend(q.triple for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=uris.base))
    return triples


def _scheme_header(iri: NamedNode, label_fr: str, label_en: str) -> list[Triple]:
    return [
        Triple(iri, RDF.type, SKOS.ConceptScheme),
        Triple(iri, SKOS.prefLabel, fr(label_fr)),
        Triple(iri, SKOS.prefLabel, en(label_en)),
    ]


def _top_concept(concept: NamedNode, scheme: NamedNode) -> list[Triple]:
    return [
        Triple(concept, RDF.type, SKOS.Concept),
        Triple(concept, SKOS.inScheme, scheme),
        Triple(concept, SKOS.topConceptOf, scheme),
        Triple(scheme, SKOS.hasTopConcept, concept),
    ]


def themes_graph(uris: UriScheme) -> list[Triple]:
    """The three-level theme tree as one SKOS scheme (French labels only: the Atlas has no others)."""
    scheme = NamedNode(uris.scheme("themes"))
    triples = _scheme_header(scheme, *THEMES_LABELS)
    for path in theme_paths():
        concept = NamedNode(uris.theme(path))
        triples.append(Triple(concept, SKOS.prefLabel, fr(path[-1])))
        if len(path) == 1:
            triples.extend(_top_concept(concept, scheme))
            continue
        parent = NamedNode(uris.theme(path[:-1]))
        triples += [
            Triple(concept, RDF.type, SKOS.Concept),
            Triple(concept, SKOS.inScheme, scheme),
            Triple(concept, SKOS.broader, parent),
            Triple(parent, SKOS.narrower, concept),
        ]
    return triples


def sdgs_graph(uris: UriScheme) -> list[Triple]:
    """The 17 UN goals, labelled as the Atlas writes them and in English, matched to the UN's own IRIs."""
    scheme = NamedNode(uris.scheme("sdgs"))
    triples = _scheme_header(scheme, *SDGS_LABELS)
    for number, (label_fr, label_en) in codelists.SDGS.items():
        concept = NamedNode(uris.sdg(number))
        triples += _top_concept(concept, scheme)
        triples += [
            Triple(concept, SKOS.notation, Literal(str(number))),
            Triple(concept, SKOS.prefLabel, fr(label_fr)),
            Triple(concept, SKOS.prefLabel, en(label_en)),
            Triple(concept, SKOS.exactMatch, NamedNode(f"{UN_SDG}{number}")),
        ]
    return triples


def small_scheme_graph(uris: UriScheme, spec: SmallScheme) -> list[Triple]:
    scheme = NamedNode(uris.scheme(spec.name))
    triples = _scheme_header(scheme, spec.label_fr, spec.label_en)
    for label_fr, label_en in spec.codes.items():
        concept = NamedNode(uris.concept(spec.kind, label_fr))
        triples += _top_concept(concept, scheme)
        triples += [Triple(concept, SKOS.prefLabel, fr(label_fr)), Triple(concept, SKOS.prefLabel, en(label_en))]
        if spec is CONTACT_ROLES:
            triples.append(Triple(concept, RDF.type, ORG.Role))
    return triples


def funding_graph(uris: UriScheme) -> list[Triple]:
    """The funding qb:DataSet and its structure: project, funder, year, line and measure type as dimensions."""
    atlas = atlas_namespace(uris.base)
    dataset = NamedNode(uris.dataset("funding"))
    dsd = NamedNode(uris.structure("funding"))
    triples = [
        Triple(dataset, RDF.type, QB.DataSet),
        Triple(dataset, QB.structure, dsd),
        Triple(dataset, DCTERMS.title, fr("Financements des projets de coopération décentralisée")),
        Triple(dataset, DCTERMS.title, en("Funding of decentralised cooperation projects")),
        Triple(dataset, RDFS.comment, fr("Une observation par ligne des tableaux de financement et par mesure.")),
        Triple(dataset, RDFS.comment, en("One observation per row of the funding tables and per measure.")),
        Triple(dsd, RDF.type, QB.DataStructureDefinition),
        # Components from SDMX-RDF and qb:, stated here so that the structure reads on its own.
        Triple(SDMX_DIMENSION.refPeriod, RDF.type, QB.DimensionProperty),
        Triple(QB.measureType, RDF.type, QB.DimensionProperty),
        Triple(SDMX_ATTRIBUTE.unitMeasure, RDF.type, QB.AttributeProperty),
        Triple(EUR, SKOS.prefLabel, fr("euro")),
        Triple(EUR, SKOS.prefLabel, en("euro")),
    ]
    components: list[tuple[str, NamedNode, NamedNode]] = [
        ("project", QB.dimension, atlas.fundedProject),
        ("funder", QB.dimension, atlas.funder),
        ("year", QB.dimension, SDMX_DIMENSION.refPeriod),
        ("line", QB.dimension, atlas.fundingLine),
        ("measure-type", QB.dimension, QB.measureType),
        ("amount", QB.measure, atlas.amount),
        ("water-amount", QB.measure, atlas.waterAmount),
        ("unit", QB.attribute, SDMX_ATTRIBUTE.unitMeasure),
    ]
    for order, (key, kind, prop) in enumerate(components, start=1):
        spec = NamedNode(uris.structure("funding", key))
        triples += [
            Triple(dsd, QB.component, spec),
            Triple(spec, RDF.type, QB.ComponentSpecification),
            Triple(spec, kind, prop),
        ]
        if kind == QB.dimension:
            triples.append(Triple(spec, QB.order, Literal(str(order), datatype=XSD.integer)))
        elif kind == QB.attribute:
            triples += [
                Triple(spec, QB.componentRequired, Literal("true", datatype=XSD.boolean)),
                Triple(spec, QB.componentAttachment, QB.Observation),
            ]
    return triples


def static_graphs(uris: UriScheme) -> dict[str, list[Triple]]:
    """Graph IRI → triples for every graph that is not a project's: vocabulary, concept schemes, funding."""
    graphs = {
        uris.graph("vocabulary"): vocabulary_graph(uris),
        uris.graph("themes"): themes_graph(uris),
        uris.graph("sdgs"): sdgs_graph(uris),
        uris.graph("funding"): funding_graph(uris),
    }
    for spec in SMALL_SCHEMES:
        graphs[uris.graph(spec.name)] = small_scheme_graph(uris, spec)
    return graphs
