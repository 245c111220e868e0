"""A project graph's content digest, which decides whether an ingest makes a new version: the same from the terms,
from the N-Triples lines a batch travels as, and from the lines the store writes; and the same as the digest of
histories written before it was read from lines (one N-Triples serialisation per triple)."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest

from atlas_ld.bundled import examples_dir
from atlas_ld.mapping.project import map_record
from atlas_ld.parse import read_page
from atlas_ld.store.base import NTriples, ntriples
from atlas_ld.store.history import content_digest
from atlas_ld.uris import UriScheme

URIS = UriScheme("https://atlas.example.org/")
ACTIVITY = URIS.things + "activity/"
VOLATILE = {f"http://www.w3.org/ns/prov#{name}" for name in ("generatedAtTime", "endedAtTime", "wasGeneratedBy")}


def digest_one_triple_at_a_time(triples: list[ox.Triple]) -> str:
    kept = [t for t in triples if t.predicate.value not in VOLATILE and not str(t.subject).startswith("<" + ACTIVITY)]
    lines = sorted(ntriples([t]) for t in kept)
    return hashlib.sha256("".join(lines).encode()).hexdigest()


@pytest.mark.parametrize("page", sorted(examples_dir().glob("*.txt")), ids=lambda p: p.stem)
def test_the_digest_is_the_same_from_terms_lines_and_the_store(page: Path) -> None:
    stamp = datetime(2024, 5, 1, tzinfo=UTC)
    triples = map_record(read_page(page), URIS, ingested_at=stamp, parser_version="atlas-ld test").project
    expected = digest_one_triple_at_a_time(triples)
    assert content_digest(triples, ACTIVITY) == expected
    assert content_digest(NTriples(ntriples(triples)), ACTIVITY) == expected
    store, graph = ox.Store(), ox.NamedNode(URIS.graph("project/1"))
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_TRIPLES, from_graph=graph)
    lines = NTriples(out.getvalue().decode())
    assert content_digest(lines, ACTIVITY) == digest_one_triple_at_a_time(list(dict.fromkeys(triples)))
    assert lines._terms is None  # read as lines, not made into terms
    assert set(lines) == set(triples)
