"""The query runner of an endpoint, chosen once for the store it serves.

Over the embedded store, queries run in worker processes that are killed at the deadline (`WorkerPool`): the
only way to stop a query that pyoxigraph is computing. A store reached over the network (a remote SPARQL
server) stops its own work: it is given the deadline as its request timeout, and its queries are answered in
threads of the server process (`InlineQueries`). Both cap the rows at `max_rows`; their answers are kept until
the store's next write (`CachedQueries`).
"""

from __future__ import annotations

from atlas_ld.queries import ready_queries
from atlas_ld.settings import Settings
from atlas_ld.sparql.cache import CachedQueries
from atlas_ld.sparql.operations import QueryOperation
from atlas_ld.sparql.pool import WorkerPool
from atlas_ld.sparql.runner import InlineQueries, QueryRunner
from atlas_ld.store.base import GraphStore


def query_runner(settings: Settings, store: GraphStore) -> QueryRunner:
    """Worker processes over a store they can open (the embedded one), the calling thread for a store that bounds
    its own time; their answers kept per version of the store unless `settings.query_cache_bytes` is 0."""
    runner: QueryRunner
    if store.readable_at is not None:
        runner = WorkerPool(
            store.readable_at,
            size=settings.query_workers,
            timeout=settings.query_timeout,
            max_rows=settings.max_rows,
            site_base=settings.base_uri,
        )
    else:
        runner = InlineQueries(
            store,
            max_rows=settings.max_rows,
            site_base=settings.base_uri,
            threads=max(4, 2 * settings.query_workers),
            timeout=settings.query_timeout,
        )
    if not settings.query_cache_bytes:
        return runner
    ready = [QueryOperation(query.text) for query in ready_queries(settings.base_uri)]
    return CachedQueries(
        runner,
        store,
        max_bytes=settings.query_cache_bytes,
        wait_seconds=settings.query_timeout,
        warm_up=ready,
        # Our own queries, known to end: computed in the server process, with no deadline.
        warm_runner=InlineQueries(store, max_rows=settings.max_rows, site_base=settings.base_uri),
    )
