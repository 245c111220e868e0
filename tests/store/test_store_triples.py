"""`GraphStore.triples`, the triple patterns descriptions are read with, answer alike on every store."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from support.backends import BACKENDS, backend_store

from atlas_ld.store.base import GraphStore

EX = "http://example.org/"
A, B, C = (ox.NamedNode(EX + name) for name in "abc")
KNOWS, NAME = ox.NamedNode(EX + "knows"), ox.NamedNode(EX + "name")
GRAPHS = {
    EX + "graph/1": [ox.Triple(A, KNOWS, B), ox.Triple(A, NAME, ox.Literal("Aa", language="fr"))],
    # The same triple in a second graph: the union states it once.
    EX + "graph/2": [ox.Triple(A, KNOWS, B), ox.Triple(C, KNOWS, A), ox.Triple(B, NAME, ox.Literal("Bb"))],
}


@pytest.fixture(params=BACKENDS, scope="module")
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    with backend_store(request.param, tmp_path_factory.mktemp(request.param) / "data") as (store, _):
        store.replace_graphs(GRAPHS)
        yield store


def test_a_subject_gives_its_triples_once_over_the_graphs(store: GraphStore) -> None:
    assert sorted(store.triples(subjects=[A]), key=str) == sorted(
        [ox.Triple(A, KNOWS, B), ox.Triple(A, NAME, ox.Literal("Aa", language="fr"))], key=str
    )


def test_terms_of_each_position_combine(store: GraphStore) -> None:
    assert set(store.triples(subjects=[A, B], predicates=[NAME])) == {
        ox.Triple(A, NAME, ox.Literal("Aa", language="fr")),
        ox.Triple(B, NAME, ox.Literal("Bb")),
    }
    assert set(store.triples(predicates=[KNOWS], objects=[A, B])) == {ox.Triple(A, KNOWS, B), ox.Triple(C, KNOWS, A)}
    assert store.triples(objects=[ox.Literal("Bb")]) == [ox.Triple(B, NAME, ox.Literal("Bb"))]


def test_no_term_in_a_position_matches_nothing(store: GraphStore) -> None:
    assert store.triples(subjects=[], predicates=[KNOWS]) == []
    assert store.triples(subjects=[ox.NamedNode(EX + "nobody")]) == []
