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

from atlas_ld.store import EmbeddedStore
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


def serve_queries(connection: Connection, location: str) -> None:
    """A worker's whole life: answer the jobs that come down `connection` until the server closes it."""
    # Ctrl-C reaches the whole process group; the server decides when its workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_when_orphaned()
    store = EmbeddedStore(Path(location), read_only=True)
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        _answer(connection, store, job)


def _answer(connection: Connection, store: EmbeddedStore, job: QueryJob) -> None:
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


def _start(store: EmbeddedStore, job: QueryJob) -> Answer:
    """Run the job up to its first chunk, on a fresh instance again if the store's files moved under this one.

    A writer beside a read-only instance flushes and compacts: a file listed when the instance opened may be
    gone when it is read (pyoxigraph says FileNotFoundError, or RuntimeError "Corruption"). Opening again a
    moment later finds the new list: beside a writer committing and compacting without pause, two retries were
    enough. Past the last one, the client is told to try again (503).
    """

    def attempt() -> Answer:
        return answer_query(
            store,
            job.operation,
            accept=job.accept,
            base_iri=job.base_iri,
            allowed_services=job.allowed_services,
            max_rows=job.max_rows,
        )

    for retry in range(_STORE_RETRIES):
        try:
            if retry:
                store.reopen()
            return attempt()
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
