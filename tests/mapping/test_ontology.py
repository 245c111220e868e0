"""The atlas: vocabulary: every term the graph, the shapes or the ready queries use is declared and documented."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime

import pyoxigraph as ox
import pytest
from support import ROOT

from atlas_ld.bundled import ontology_files, shapes_file
from atlas_ld.mapping.project import map_record, static_graphs
from atlas_ld.records import PostContact, ProjectRecord, SdgRow, ThemeRow, Volunteer
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import OWL, RDF, RDFS

PACKAGE = ROOT / "atlas_ld"
Documentation = dict[str, dict[str, set[str]]]  # term → predicate → languages


def every_field(record: ProjectRecord) -> ProjectRecord:
    """Page 12523 with the fields it leaves empty filled as the newer template and other pages fill them."""
    post = record.posts[0]
    return dataclasses.replace(
        record,
        end_date=date(2012, 12, 31),
        context_and_history=("Contexte et historique réunis.",),
        other_themes=[ThemeRow(("Culture et Patrimoine", "Patrimoine"), 1)],
        sdgs=[SdgRow(11, "Villes et communautés durables", 2)],
        volunteers=[Volunteer("DUPONT", "Marie", "VSI", "Eau", "Mairie d'El Jem")],
        posts=[dataclasses.replace(post, contacts=[*post.contacts, PostContact("Correspondant coopération décentralisée",
                                                                              "Gregor TRUMEL", "g@x..fr", False)])],
    )


@pytest.fixture
def vocabulary(uris: UriScheme) -> list[ox.Triple]:
    return static_graphs(uris)[uris.graph("vocabulary")]


@pytest.fixture
def documentation(vocabulary: list[ox.Triple]) -> Documentation:
    found: Documentation = {}
    for t in vocabulary:
        if t.predicate in (RDFS.label, RDFS.comment) and isinstance(t.object, ox.Literal):
            found.setdefault(t.subject.value, {}).setdefault(t.predicate.value, set()).add(t.object.language or "")
    return found


def atlas_terms(uris: UriScheme, triples: list[ox.Triple]) -> set[str]:
    nodes = (n for t in triples for n in (t.subject, t.predicate, t.object))
    return {n.value for n in nodes if isinstance(n, ox.NamedNode) and n.value.startswith(uris.vocab)}


def test_the_mapping_uses_exactly_the_declared_terms_each_with_french_and_english_labels_and_comments(
    record_12523: ProjectRecord, uris: UriScheme, documentation: Documentation
) -> None:
    stamp = datetime(2024, 5, 1, tzinfo=UTC)
    used = atlas_terms(uris, map_record(every_field(record_12523), uris, ingested_at=stamp, parser_version="1").all)
    used |= atlas_terms(uris, static_graphs(uris)[uris.graph("funding")])
    declared = set(documentation) - {uris.vocab}
    assert sorted(declared - used) == [], "declared but never used"
    for term in sorted(used):
        assert term in documentation, f"{term} is not declared"
        assert documentation[term][RDFS.label.value] >= {"fr", "en"}, term
        assert documentation[term][RDFS.comment.value] >= {"fr", "en"}, term


def test_every_declared_term_is_documented_and_typed(uris: UriScheme, vocabulary: list[ox.Triple]) -> None:
    by_term: dict[str, dict[str, list[ox.Literal | ox.NamedNode]]] = {}
    for t in vocabulary:
        by_term.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)  # type: ignore[arg-type]
    terms = {s: p for s, p in by_term.items() if s != uris.vocab}
    assert all(s.startswith(uris.vocab) for s in terms)
    for term, props in terms.items():
        kinds = {k.value for k in props[RDF.type.value]}
        assert kinds & {OWL.Class.value, OWL.ObjectProperty.value, OWL.DatatypeProperty.value}, term
        assert props[RDFS.isDefinedBy.value] == [ox.NamedNode(uris.vocab)], term
        for predicate in (RDFS.label, RDFS.comment):
            languages = sorted(o.language for o in props[predicate.value])  # type: ignore[union-attr]
            assert languages == ["en", "fr"], (term, predicate)
        if kinds & {OWL.ObjectProperty.value, OWL.DatatypeProperty.value}:
            assert RDFS.domain.value in props and RDFS.range.value in props, term
    assert not any(isinstance(n, ox.BlankNode) for t in vocabulary for n in (t.subject, t.object))


def test_the_shapes_and_the_ready_queries_use_only_declared_terms(uris: UriScheme, documentation: Documentation) -> None:
    shapes = ox.parse(path=shapes_file(), format=ox.RdfFormat.TURTLE, base_iri=uris.base)
    used = atlas_terms(uris, [q.triple for q in shapes])
    # atlas:xyz in the shapes' SPARQL constraints and in the SPARQL queries shipped with the package
    texts = [shapes_file().read_text(encoding="utf-8"), *(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.rq"))]
    used |= {uris.vocab + name for text in texts for name in re.findall(r"\batlas:([A-Za-z]+)", text)}
    assert uris.vocab + "fundingLine" in used
    assert sorted(used - set(documentation)) == []


def test_the_vocabulary_files_are_bundled_where_the_package_finds_them() -> None:
    assert [p.name for p in ontology_files()] == ["atlas.ttl"]
    assert shapes_file().is_file()
