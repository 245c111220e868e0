"""A first load into an empty embedded store, through pyoxigraph's bulk loader: several times faster than its
transactions, but a run killed halfway leaves part of the batches in the store, maybe part of one.

Nothing is published yet to lose, so such a run is simply started again: a mark file in the data folder says that a
first load is under way. It is on disk before the first quad goes in, and removed once the store is flushed at the
end (the history is written batch by batch, as in any ingest). The next ingest that finds it empties the store and
the history (both were empty when the first load began), says so, and loads again; the other commands that write
refuse the store meanwhile.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from atlas_ld.store.base import GraphStore
from atlas_ld.store.durable import replacing, sync_folder
from atlas_ld.store.embedded import EmbeddedStore
from atlas_ld.store.history import History

FIRST_LOAD_MARK = "first-load-unfinished"

UNFINISHED = "the first load into {store} was stopped before it finished"


@dataclass(frozen=True)
class FirstLoad:
    """The first load of one data folder: its mark, and what starting again empties."""

    mark: Path
    store_folder: Path
    history: Path

    def unfinished(self) -> bool:
        """A first load was stopped before it finished: the store holds part of it."""
        return self.mark.exists()

    def start_again(self) -> bool:
        """Empty the store and the history of an unfinished first load, then forget the mark (last, so that a run
        stopped meanwhile leaves it); False when there was none."""
        if not self.unfinished():
            return False
        shutil.rmtree(self.store_folder, ignore_errors=True)
        for path in (self.history, *(self.history.with_name(self.history.name + end) for end in ("-wal", "-shm"))):
            path.unlink(missing_ok=True)
        self.mark.unlink()
        sync_folder(self.mark.parent)
        return True

    @contextmanager
    def running(self, store: GraphStore, history: History | None) -> Iterator[bool]:
        """Around an ingest: when `store` is an empty embedded store and `history` holds nothing, its new graphs
        go through the bulk loader meanwhile, under the mark; yields whether they do. The mark stays if the block
        raises: what went in is incomplete."""
        empty = isinstance(store, EmbeddedStore) and store.is_empty() and (history is None or history.is_empty())
        if not empty:
            yield False
            return
        self.mark.parent.mkdir(parents=True, exist_ok=True)
        with replacing(self.mark, durable=True) as out:
            out.write(f"{UNFINISHED.format(store=self.store_folder)}; the next ingest starts it again\n".encode())
        sync_folder(self.mark.parent)
        store.bulk = True
        try:
            yield True
        finally:
            store.bulk = False
        store.flush()
        self.mark.unlink()
        sync_folder(self.mark.parent)
