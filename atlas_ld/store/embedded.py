"""pyoxigraph's on-disk store as a `GraphStore`: one process writes, any number read."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from atlas_ld.sparql.checks import names_dataset
from atlas_ld.store.base import QueryResult, Term, ntriples, trig
from atlas_ld.store.stamp import WriteStamp

# Seconds between tries to open a read-only instance again: 155 ms in all.
_REOPEN_PAUSES = (0.005, 0.01, 0.02, 0.04, 0.08, 0.0)


class EmbeddedStore:
    """pyoxigraph's on-disk store. Several processes may read it; only one may write.

    A read-only instance sees the store as it was when it was opened, so it opens it again once the writer has
    committed since: a server shows a new ingest without a restart. Opening costs tens of milliseconds on a large
    store while a typical query takes one, so the instance is kept as long as the write stamp stays put.
    """

    def __init__(self, location: Path, *, read_only: bool = False) -> None:
        self.location = Path(location)
        self.readable_at: Path | None = self.location
        self.shared_writes = False
        self.read_only = read_only
        self.bulk = False  # True: new graphs go through the bulk loader, outside any transaction (`first_load`)
        self._stamp = WriteStamp(self.location)
        if read_only:
            # The stamp is read before opening: a write landing in between makes the next read open again.
            self._seen = self._stamp.read()
            self._store = ox.Store.read_only(str(self.location))
        else:
            self.location.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(self.location))

    @property
    def _current(self) -> ox.Store:
        """The engine; read-only instances are opened again after a write.

        Opening while the writer flushes or compacts can fail (its files move): it is tried again at once, a few
        times, as the old instance would answer without the write just committed. Past the last try the old one
        answers, and the next read tries again.
        """
        if self.read_only and self._stamp.read() != self._seen:
            for pause in _REOPEN_PAUSES:
                try:
                    self.reopen()
                    break
                except (OSError, RuntimeError):
                    time.sleep(pause)
        return self._store

    def reopen(self) -> None:
        """Open the store again (read-only instances); raises RuntimeError when its files moved meanwhile."""
        stamp = self._stamp.read()
        self._store = ox.Store.read_only(str(self.location))
        self._seen = stamp

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        # pyoxigraph's union flag would override the query's own FROM clauses, so it is only set without them.
        return self._current.query(
            sparql,
            base_iri=base_iri,
            use_default_graph_as_union=default_graph is None and not names_dataset(sparql),
            default_graph=[ox.NamedNode(g) for g in default_graph] if default_graph is not None else None,
            named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs is not None else None,
        )

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        self._store.update(sparql, base_iri=base_iri)
        self._touch()

    def replace_graphs(
        self, graphs: Mapping[str, Iterable[ox.Triple]], *, add: Mapping[str, Iterable[ox.Triple]] | None = None
    ) -> None:
        # Both paths are one Oxigraph transaction. Loading TriG is about twice as fast as the same triples in a
        # SPARQL update, but it cannot remove anything: graphs already in the store go through an update that
        # deletes and inserts only what changed (on re-ingest, little more than the provenance's time stamp).
        # In bulk mode, new graphs skip the transaction: the bulk loader is faster still.
        replacing = {g: triples if isinstance(triples, Sequence) else list(triples) for g, triples in graphs.items()}
        adding = {g: added for g, triples in (add or {}).items() if (added := list(triples))}
        for g in adding.keys() & replacing.keys():
            replacing[g] = [*replacing[g], *adding.pop(g)]
        if not replacing and not adding:
            return
        stored = {g for g in replacing if self._store.contains_named_graph(ox.NamedNode(g))}
        if stored or not all(replacing.values()):
            changes = changes_update(self._store, replacing, stored, adding)
            if not changes:
                return
            self._store.update(changes)
        elif self.bulk:
            self._store.bulk_load(trig({**replacing, **adding}), format=ox.RdfFormat.TRIG)
        else:
            self._store.load(trig({**replacing, **adding}), format=ox.RdfFormat.TRIG)
        self._touch()

    def triples(
        self,
        *,
        subjects: Collection[ox.NamedNode] | None = None,
        predicates: Collection[ox.NamedNode] | None = None,
        objects: Collection[Term] | None = None,
    ) -> list[ox.Triple]:
        store = self._current
        found: dict[ox.Triple, None] = {}  # a triple stated in several graphs is given once, in the order found
        for s in (None,) if subjects is None else subjects:
            for p in (None,) if predicates is None else predicates:
                for o in (None,) if objects is None else objects:
                    found.update(dict.fromkeys(q.triple for q in store.quads_for_pattern(s, p, o)))
        return list(found)

    def absent(self, graph: str, triples: Iterable[ox.Triple]) -> list[ox.Triple]:
        name = ox.NamedNode(graph)
        return [t for t in triples if ox.Quad(t.subject, t.predicate, t.object, name) not in self._store]

    def named_graphs(self) -> list[str]:
        return [g.value for g in self._current.named_graphs() if isinstance(g, ox.NamedNode)]

    def dump(
        self,
        output: IO[bytes],
        format: ox.RdfFormat,
        *,
        graph: str | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        if graph is not None:
            self._current.dump(output, format, from_graph=ox.NamedNode(graph), prefixes=_named(prefixes))
        elif format.supports_datasets:
            self._current.dump(output, format)
        else:
            # Triple formats get the union of the graphs, streamed by the engine's own serialiser; a triple
            # stated in two graphs is written twice, which loads back as one.
            union = self._current.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
            ox.serialize(union, output, format, prefixes=_named(prefixes))  # type: ignore[arg-type]

    def triple_count(self) -> int:
        return len(self._current)

    def is_empty(self) -> bool:
        """No quad at all (without counting them, as `triple_count` does)."""
        return next(iter(self._current.quads_for_pattern(None, None, None, None)), None) is None

    def last_modified(self) -> float:
        return self._stamp.read()

    def flush(self) -> None:
        self._store.flush()

    def _touch(self) -> None:
        self._stamp.touch()


def changes_update(
    store: ox.Store,
    replacing: Mapping[str, Sequence[ox.Triple]],
    stored: set[str],
    adding: Mapping[str, Sequence[ox.Triple]],
) -> str:
    """A SPARQL update that turns the `stored` graphs into `replacing`'s, inserts the others, and adds `adding`.

    A stored graph is compared with its new triples, so that the update carries only the changes; one with blank
    nodes cannot be (DELETE DATA takes none, and a stored blank node never equals a new one): it is dropped and
    inserted whole, as is a graph replaced by nothing. Empty when nothing changes.
    """
    drops: list[str] = []
    deletes: list[str] = []
    inserts = [f"GRAPH {ox.NamedNode(g)} {{ {ntriples(triples)} }}" for g, triples in adding.items()]
    for name, triples in replacing.items():
        graph = ox.NamedNode(name)
        old = {q.triple for q in store.quads_for_pattern(None, None, None, graph)} if name in stored else set()
        if not triples or any(_has_blank_node(t) for t in old):
            if name in stored:
                drops.append(f"DROP SILENT GRAPH {graph}")
            removed, added = [], triples
        else:
            new = set(triples)
            removed, added = [t for t in old if t not in new], [t for t in triples if t not in old]
        if removed:
            deletes.append(f"GRAPH {graph} {{ {ntriples(removed)} }}")
        if added:
            inserts.append(f"GRAPH {graph} {{ {ntriples(added)} }}")
    return " ;\n".join([
        *drops,
        *([f"DELETE DATA {{ {' '.join(deletes)} }}"] if deletes else []),
        *([f"INSERT DATA {{ {' '.join(inserts)} }}"] if inserts else []),
    ])


def _has_blank_node(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode | ox.Triple)


def _named(prefixes: Mapping[str, str] | None) -> dict[str, str] | None:
    """pyoxigraph takes a dict, or None for no prefix."""
    return dict(prefixes) if prefixes else None
