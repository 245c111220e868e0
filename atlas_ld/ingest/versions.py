"""What an ingest or an update does to the history (`atlas_ld.store.history`): a project whose content changed
keeps its replaced version; a project gone from the Atlas is withdrawn from the store, its last version kept.

The old version is read from the store before the batch replaces it, and the history is written only once the
store has taken the batch: a store that refuses a graph leaves no version behind, and a run stopped in between is
noticed by the next one (the store already holds what the history calls new) and repaired without a version.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

import pyoxigraph as ox

from atlas_ld.store.base import GraphStore, NTriples
from atlas_ld.store.history import History, content_digest
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import PROV

Change = Callable[[History], None]


def stored_graph(store: GraphStore, graph: str) -> bytes:
    """A graph of the store as N-Triples; empty when the store has no such graph."""
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_TRIPLES, graph=graph)
    return out.getvalue()


def _published_at(triples: Sequence[ox.Triple], graph: str) -> datetime | None:
    """When a stored graph was made, as its own provenance says: the date of a version kept from before history."""
    for t in triples:
        if t.subject.value == graph and t.predicate == PROV.generatedAtTime:
            try:
                return datetime.fromisoformat(t.object.value)
            except ValueError:
                return None
    return None


def plan_versions(
    store: GraphStore, history: History, uris: UriScheme, graphs: dict[int, Sequence[ox.Triple]], stamp: datetime
) -> list[Change]:
    """The history changes that storing `graphs` (project id → its new triples) makes, read before the store is
    written; apply them once it is, with `apply_versions`."""
    activity = uris.things + "activity/"
    current = history.current_digests(graphs.keys())
    changes: list[Change] = []
    for prj_id, triples in graphs.items():
        digest = content_digest(triples, activity)
        if prj_id in current and current[prj_id] == digest:
            continue
        graph = uris.project_graph(prj_id)
        old = stored_graph(store, graph)
        old_triples = NTriples(old.decode())
        if old_triples and content_digest(old_triples, activity) == digest:
            if prj_id in current:
                changes.append(lambda h, i=prj_id, d=digest: h.repair(i, d))
            else:  # stored before history was kept, and unchanged since
                since = _published_at(old_triples, graph) or stamp
                changes.append(lambda h, i=prj_id, d=digest, s=since: h.publish(i, d, s))
        elif prj_id not in current and not old_triples:
            changes.append(lambda h, i=prj_id, d=digest: h.publish(i, d, stamp))
        else:
            since = _published_at(old_triples, graph)
            changes.append(lambda h, i=prj_id, d=digest, o=old, s=since: h.replace(i, d, stamp, o, old_since=s))
    return changes


def apply_versions(history: History, changes: Sequence[Change]) -> None:
    with history.batch():
        for change in changes:
            change(history)


def withdraw(store: GraphStore, history: History, uris: UriScheme, ids: Collection[int], stamp: datetime) -> list[int]:
    """Take out of the store the projects of `ids` that it holds, each one's last version kept in the history;
    returns the ids withdrawn. A project withdrawn comes back the next time a page of it is ingested."""
    held = set(store.named_graphs())
    gone = sorted(i for i in ids if uris.project_graph(i) in held)
    olds = {i: stored_graph(store, uris.project_graph(i)) for i in gone}
    if not gone:
        return []
    store.replace_graphs({uris.project_graph(i): [] for i in gone})
    with history.batch():
        for prj_id in gone:
            old = olds[prj_id]
            since = _published_at(NTriples(old.decode()), uris.project_graph(prj_id))
            history.withdraw(prj_id, stamp, old, old_since=since)
    return gone
