"""A query worker: a process that answers SPARQL queries over the embedded store opened read-only.

It exists so that a query can be stopped: a Python thread cannot be killed, a process can, and its CPU is then
really freed. The server sends a `QueryJob` down a pipe; the worker answers with a `Head` (media type, whether
the row cap cut the result), the serialised chunks, then `END`, or with a `Failure` carrying the HTTP error.
One job at a time; the server kills the worker at the query's deadline and starts another.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from atlas_ld.store import EmbeddedStore, last_write
from atlas_ld.web.answers import Answer, answer_query
from atlas_ld.web.errors import HttpError, store_unreadable
from atlas_ld.web.sparql_protocol import QueryOperation

END = "end"
"""The last message of a complete answer."""

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


@dataclass(frozen=True)
class Head:
    """Sent before the first chunk: what the response's headers say."""

    media_type: str
    truncated: bool


@dataclass(frozen=True)
class Failure:
    """The query could not be answered: the HTTP error to send (or, after `Head`, why the stream stops)."""

    status: int
    message: str
    headers: dict[str, str] = field(default_factory=dict)


class FreshStore:
    """The embedded store opened read-only, opened again once a write has been committed since.

    A read-only instance sees the store as it was when it was opened. Opening costs tens of milliseconds on a
    large store while a typical query takes one, so the instance is kept as long as the write stamp stays put.
    """

    def __init__(self, location: Path) -> None:
        self.location = location
        self._store: EmbeddedStore | None = None
        self._seen = 0.0

    def current(self) -> EmbeddedStore:
        # The stamp is read before opening: a write landing in between makes the next query reopen.
        stamp = last_write(self.location)
        if self._store is None or stamp != self._seen:
            self._store = None  # the old instance lets go of its files before the new one opens them
            self._store = EmbeddedStore(self.location, read_only=True)
            self._seen = stamp
        return self._store

    def reopen(self) -> EmbeddedStore:
        self._store = None
        return self.current()


def serve_queries(connection: Connection, location: str) -> None:
    """A worker's whole life: answer the jobs that come down `connection` until the server closes it."""
    # Ctrl-C reaches the whole process group; the server decides when its workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_when_orphaned()
    store = FreshStore(Path(location))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        _answer(connection, store, job)


def _answer(connection: Connection, store: FreshStore, job: QueryJob) -> None:
    try:
        answer = _start(store, job)
    except HttpError as error:
        connection.send(Failure(error.status_code, str(error.detail), dict(error.headers or {})))
        return
    except Exception as error:  # anything else is the store's failure, told to the client rather than hidden
        connection.send(Failure(500, f"The store could not answer the query: {error}"))
        return
    connection.send(Head(answer.media_type, answer.truncated))
    try:
        for chunk in answer.chunks:
            connection.send(chunk)
    except Exception as error:
        connection.send(Failure(500, f"The results could not be written to the end: {error}"))
        return
    connection.send(END)


def _start(store: FreshStore, job: QueryJob) -> Answer:
    """Run the job up to its first chunk, on a fresh instance again if the store's files moved under this one.

    A writer beside a read-only instance flushes and compacts: a file listed when the instance opened may be
    gone when it is read (pyoxigraph says FileNotFoundError, or RuntimeError "Corruption"). Opening again a
    moment later finds the new list: beside a writer committing and compacting without pause, two retries were
    enough. Past the last one, the client is told to try again (503).
    """

    def attempt(instance: EmbeddedStore) -> Answer:
        return answer_query(
            instance,
            job.operation,
            accept=job.accept,
            base_iri=job.base_iri,
            allowed_services=job.allowed_services,
            max_rows=job.max_rows,
        )

    for retry in range(_STORE_RETRIES):
        try:
            return attempt(store.current() if retry == 0 else store.reopen())
        except (OSError, RuntimeError) as error:
            failure = error
            time.sleep(_FIRST_RETRY_SECONDS * 2**retry)
    raise store_unreadable(str(failure))


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
