"""The row cap (`atlas_ld.sparql.row_cap`) against the engine's own answers: the first rows exactly, every term as
the engine gave it, cut and marked past the cap only, and the engine stopped there."""

from __future__ import annotations

import io
import time

import pyoxigraph as ox
import pytest

from atlas_ld.sparql.row_cap import cap_solutions, cap_triples

P = ox.NamedNode("urn:p")
# Terms that a line-per-row syntax must escape or keep whole: line breaks and tabs, quotes, language tags,
# datatypes, blank nodes, long values (rows across the serialiser's 8 KiB writes).
ODD = [
    ox.Literal("two\nlines\tand a tab"),
    ox.Literal('say "hi"\r\n', language="fr"),
    ox.Literal("2010", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
    ox.BlankNode("b0"),
    ox.Literal("é" * 5000),
    ox.NamedNode("http://example.org/é?q=1#f"),
]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"urn:s{i:05}"), P, ODD[i % len(ODD)]) for i in range(3000))
    return store


def json_of(result: ox.QuerySolutions) -> bytes:
    output = io.BytesIO()
    result.serialize(output, ox.QueryResultsFormat.JSON)
    return output.getvalue()


ROWS = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"


@pytest.mark.parametrize("cap", [1, 2, 5, 17, 100, 999, 2999, 3000, 3001, 10_000])
def test_capped_solutions_are_the_first_rows_exactly(store: ox.Store, cap: int) -> None:
    capped = cap_solutions(store.query(ROWS), cap)  # type: ignore[arg-type]
    expected = store.query(f"{ROWS} LIMIT {cap}")
    assert json_of(capped.result) == json_of(expected)  # type: ignore[arg-type]
    assert capped.truncated == (cap < 3000)


def test_a_cap_with_no_variable_or_no_row(store: ox.Store) -> None:
    empty = cap_solutions(store.query("SELECT ?x WHERE { ?x <urn:none> ?y }"), 5)  # type: ignore[arg-type]
    assert not empty.truncated and list(empty.result) == [] and empty.result.variables == [ox.Variable("x")]
    unbound = cap_solutions(store.query("SELECT ?x WHERE { OPTIONAL { ?x <urn:none> ?y } }"), 5)  # type: ignore[arg-type]
    assert not unbound.truncated and [row["x"] for row in unbound.result] == [None]
    one = cap_solutions(store.query("SELECT * WHERE {}"), 1)  # type: ignore[arg-type]
    assert not one.truncated and len(list(one.result)) == 1


@pytest.mark.parametrize("cap", [1, 7, 2999, 3000, 5000])
def test_capped_triples_are_the_engine_triples(store: ox.Store, cap: int) -> None:
    capped = cap_triples(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), cap)  # type: ignore[arg-type]
    triples = list(capped.result)
    everything = set(store.query("CONSTRUCT WHERE { ?s ?p ?o }"))  # type: ignore[arg-type]
    assert len(triples) == min(cap, 3000) and set(triples) <= everything
    assert capped.truncated == (cap < 3000)


def test_the_cap_stops_the_engine() -> None:
    # A billion solutions: the cap must stop their making, not only their writing.
    endless = "SELECT * WHERE { " + " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(9)) + " }"
    start = time.perf_counter()
    capped = cap_solutions(ox.Store().query(endless), 1000)  # type: ignore[arg-type]
    assert capped.truncated and len(list(capped.result)) == 1000
    assert time.perf_counter() - start < 2
