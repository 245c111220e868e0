"""Values kept until the store's next write: derived from the store, so valid exactly as long as it is unchanged."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, Protocol, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Written(Protocol):
    """What the kept values depend on: when the store was last written to (a store, local or remote)."""

    def last_modified(self) -> float: ...


class UntilNextWrite(Generic[K, V]):
    """A bounded dict emptied whenever the store has been written to since it was filled.

    Counts, facets, labels and statistics are read on every page or document but cost far more than it on a
    large store, and change only when an ingest or an update commits. Past `max_entries` the values are all
    dropped at the next read, as after a write: a rare event, so nothing finer (no recency order) is kept.
    Filled by `get` alone, it never holds more than `max_entries` values.

    >>> class Clock:
    ...     time = 1.0
    ...     def last_modified(self) -> float:
    ...         return self.time
    >>> store = Clock()
    >>> kept: UntilNextWrite[str, int] = UntilNextWrite(store, max_entries=10)
    >>> kept.get("n", lambda: 1), kept.get("n", lambda: 2)
    (1, 1)
    >>> store.time = 2.0
    >>> kept.get("n", lambda: 3)
    3
    """

    def __init__(self, store: Written, *, max_entries: int, max_bytes: int | None = None) -> None:
        self.store = store
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        """With `put`, the most bytes kept: past it, as past `max_entries`, all is dropped at the next read."""
        self._stamp: float | None = None
        self._values: dict[K, V] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        self._computing: dict[tuple[int, K], threading.Lock] = {}  # one lock per value being computed

    def current(self) -> dict[K, V]:
        """The values kept for the store as it is now (a new, empty dict after a write). Readers in other
        threads keep the dict they were given: a reset never changes one under their feet."""
        stamp = self.store.last_modified()
        with self._lock:
            full = self.max_bytes is not None and self._bytes >= self.max_bytes
            if stamp != self._stamp or len(self._values) >= self.max_entries or full:
                self._values, self._stamp, self._bytes = {}, stamp, 0
            return self._values

    def put(self, values: dict[K, V], key: K, value: V, size: int) -> None:
        """Keep `value`, weighing `size` bytes, in `values`, what `current()` gave before `value` was made; unless
        they have been let go meanwhile (a write): a value made across a write is not kept."""
        with self._lock:
            if values is self._values:
                values[key] = value
                self._bytes += size

    def get(self, key: K, compute: Callable[[], V]) -> V:
        """The kept value, or `compute()` kept for next time. Asked by several threads at once, it is computed by
        one while the others wait for it: a store-wide count asked by fifty clients after a write runs once, not
        fifty times over."""
        values = self.current()
        if key in values:
            return values[key]
        with self._lock:
            computing = self._computing.setdefault((id(values), key), threading.Lock())
        try:
            with computing:
                if key not in values:
                    values[key] = compute()
                return values[key]
        finally:
            with self._lock:
                self._computing.pop((id(values), key), None)
