"""A query worker: a process that answers SPARQL queries over the embedded store opened read-only.

It exists so that a query can be stopped: a Python thread cannot be killed, a process can, and its CPU is then
really freed. The server sends a `QueryJob` over a socket (`atlas_ld.sparql.channel`); the worker answers with a
`Head` (media type, whether the row cap cut the result) carrying the first part of the body, the other parts, the
last one marked `END`, or with the `QueryError` that stopped it. A short answer is all in its `Head`: one message
back per query. One job at a time; the server kills the worker at the query's deadline and starts another.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from atlas_ld.sparql import channel
from atlas_ld.sparql.answers import write_answer
from atlas_ld.sparql.errors import QueryError, query_failed, store_unreadable
from atlas_ld.sparql.operations import QueryOperation
from atlas_ld.store.embedded import EmbeddedStore

PART = "part"
"""The head of a part of an answer after the first."""
END = "end"
"""The head of the last part of a complete answer."""

# An answer goes out in parts of at least this size: most answers then take one message, sent with its length, and
# the worker stays a part or two ahead of its reader at most.
_PART_BYTES = 1 << 20
# How often a worker checks that the server that started it is still there.
_ORPHAN_CHECK_SECONDS = 0.5
# Opening the store again while a writer moves its files: how many times, and the first pause (then doubled).
_STORE_RETRIES = 5
_FIRST_RETRY_SECONDS = 0.01


@dataclass(frozen=True)
class QueryJob:
    operation: QueryOperation
    accept: str | None
    base_iri: str
    allowed_services: Sequence[str]
    max_rows: int
    site_base: str | None = None


@dataclass(frozen=True)
class Head:
    """The head of the answer's first message, whose body is the first part: what the response's headers say;
    `whole` when that part is all of it (no other part follows)."""

    media_type: str
    truncated: bool
    whole: bool


def serve_queries(connection: socket.socket, location: str) -> None:
    """A worker's whole life: answer the jobs that come over `connection` until the server closes it."""
    # Ctrl-C reaches the whole process group; the server decides when its workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_when_orphaned()
    store = EmbeddedStore(Path(location), read_only=True)
    while True:
        try:
            job, _ = channel.receive(connection)
        except (EOFError, OSError):
            return
        _answer(connection, store, job)


def _answer(connection: socket.socket, store: EmbeddedStore, job: QueryJob) -> None:
    parts = _Parts(connection)
    try:
        _write(store, job, parts)
    except QueryError as error:
        channel.send(connection, error)
    except Exception as error:  # noqa: BLE001 - the store's failure, told to the client rather than hidden
        if parts.started:
            channel.send(connection, query_failed(f"The results could not be written to the end: {error}"))
        else:
            channel.send(connection, query_failed(f"The store could not answer the query: {error}"))
    else:
        parts.end()


def _write(store: EmbeddedStore, job: QueryJob, parts: _Parts) -> None:
    """Write the job's answer, on a fresh instance again if the store's files moved under this one before any part
    went out.

    A writer beside a read-only instance flushes and compacts: a file listed when the instance opened may be
    gone when it is read (pyoxigraph says FileNotFoundError, or RuntimeError "Corruption"). Opening again a
    moment later finds the new list: beside a writer committing and compacting without pause, two retries were
    enough. Past the last one, the client is told to try again (503).
    """
    for retry in range(_STORE_RETRIES):
        try:
            if retry:
                store.reopen()
            write_answer(
                store,
                job.operation,
                parts,  # type: ignore[arg-type]
                start=parts.start,
                accept=job.accept,
                base_iri=job.base_iri,
                allowed_services=job.allowed_services,
                max_rows=job.max_rows,
                site_base=job.site_base,
            )
            return
        except (OSError, RuntimeError) as error:
            if parts.started:
                raise
            parts.discard()
            failure = error
            time.sleep(_FIRST_RETRY_SECONDS * 2**retry)
    raise store_unreadable(str(failure))


class _Parts:
    """The file pyoxigraph writes an answer to, in the worker's one thread: the answer goes to the server from there,
    with no serialiser thread to hand it over, in parts of at least `_PART_BYTES`, the first with the `Head`. A full
    part waits for the next write, which tells that it is not the last."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection
        self._head: tuple[str, bool] | None = None
        self._part = bytearray()
        self.started = False
        """Whether the head has gone."""

    def start(self, media_type: str, truncated: bool) -> None:
        self._head = (media_type, truncated)

    def write(self, data: bytes) -> int:
        if len(self._part) >= _PART_BYTES:
            self._send(last=False)
        self._part += data
        return len(data)

    def flush(self) -> None:
        """Nothing to do: parts go out when full, and at the end."""

    def discard(self) -> None:
        """Forget what was written (nothing has gone yet): the answer is written again."""
        self._part.clear()

    def end(self) -> None:
        """Send what is left: the whole answer with its `Head`, or the last part with `END`."""
        self._send(last=True)

    def _send(self, *, last: bool) -> None:
        if not self.started:
            assert self._head is not None, "the answer's head comes before its first byte"
            self.started = True
            head: object = Head(*self._head, whole=last)
        else:
            head = END if last else PART
        channel.send(self._connection, head, self._part)
        self._part.clear()


def _exit_when_orphaned() -> None:
    """End this process once its parent is gone, even in the middle of a query that never yields a row.

    The server's end of the pipe closing ends an idle worker; a busy one would otherwise burn on unobserved.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_ORPHAN_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()
