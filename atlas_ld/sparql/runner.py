"""Where the endpoint's queries run, chosen once by the app factory for the store it serves.

Over the embedded store, queries run in worker processes that are killed at the deadline (`WorkerPool`): the
only way to stop a query that pyoxigraph is computing. A store reached over the network (a remote SPARQL
server) stops its own work: it is given the deadline as its request timeout, and its queries are answered in
the server process (`InlineQueries`). Both cap the rows at `max_rows`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from atlas_ld.queries import ready_queries
from atlas_ld.settings import Settings
from atlas_ld.sparql.answers import Answer, answer_query
from atlas_ld.sparql.cache import CachedQueries
from atlas_ld.sparql.pool import WorkerPool
from atlas_ld.store.embedded import EmbeddedStore, GraphStore
from atlas_ld.web.sparql_protocol import QueryOperation


class QueryRunner(Protocol):
    """What the endpoint needs to answer a query."""

    def answer(
        self, operation: QueryOperation, *, accept: str | None, base_iri: str, allowed_services: Sequence[str] = ()
    ) -> Answer:
        """The answer to a query, as `answer_query` gives it; raises HttpError (400, 403, 406, 503)."""

    def start(self) -> None:
        """Get ready to answer (called when the app starts; answering works without it)."""

    def close(self) -> None:
        """Let go of whatever answering holds (called when the app stops)."""


@dataclass(frozen=True)
class InlineQueries:
    """Queries answered in the calling thread, for a store that bounds its own time."""

    store: GraphStore
    max_rows: int = 0

    def answer(
        self, operation: QueryOperation, *, accept: str | None, base_iri: str, allowed_services: Sequence[str] = ()
    ) -> Answer:
        return answer_query(
            self.store,
            operation,
            accept=accept,
            base_iri=base_iri,
            allowed_services=allowed_services,
            max_rows=self.max_rows,
        )

    def start(self) -> None:
        """Nothing to start: the store is already open."""

    def close(self) -> None:
        """Nothing to let go of: the store belongs to whoever opened it."""


def query_runner(settings: Settings, store: GraphStore) -> QueryRunner:
    """Worker processes for the embedded store, the calling thread for any other; their answers kept per version
    of the store unless `settings.query_cache_bytes` is 0 or a remote store takes updates through the endpoint."""
    runner: QueryRunner
    if isinstance(store, EmbeddedStore):
        runner = WorkerPool(
            store.location, size=settings.query_workers, timeout=settings.query_timeout, max_rows=settings.max_rows
        )
    else:
        runner = InlineQueries(store, max_rows=settings.max_rows)
    # Behind a SPARQL server that takes updates through the endpoint, a write seen by one server process only
    # would leave the others' kept answers old: none are kept there.
    if not settings.query_cache_bytes or (settings.enable_update and settings.remote_store):
        return runner
    ready = [QueryOperation(query.text) for query in ready_queries(settings.base_uri)]
    return CachedQueries(
        runner,
        store,
        max_bytes=settings.query_cache_bytes,
        wait_seconds=settings.query_timeout,
        warm_up=ready,
        # Our own queries, known to end: computed in the server process, with no deadline.
        warm_runner=InlineQueries(store, max_rows=settings.max_rows),
    )
