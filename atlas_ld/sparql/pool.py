"""Worker processes that run the SPARQL queries over the embedded store, each query under a deadline.

A query takes an idle worker (`atlas_ld.sparql.worker`), and the worker is killed the moment the query's
deadline passes, whether it is still computing, blocked behind a slow client or abandoned: its CPU is freed at
once and a fresh worker takes its place. Results come back through the worker's pipe part by part, so only a
part or two is ever in flight; a short answer comes whole with its head, and the worker is free again at once.
The deadline counts from the query's arrival: a client gets its answer, or a 503 that says why, within `timeout`
seconds.

Workers are forked from a fork server that has imported the worker's code, so a replacement is ready in
milliseconds; they are started with the first query, or by `start()` when the app starts.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from atlas_ld.sparql.answers import Answer
from atlas_ld.sparql.errors import (
    QueryError,
    query_timed_out,
    worker_lost,
    workers_busy,
)
from atlas_ld.sparql.operations import QueryOperation
from atlas_ld.sparql.worker import END, Head, QueryJob, serve_queries

log = logging.getLogger(__name__)

_CONTEXT = multiprocessing.get_context("forkserver")


class QueryStreamCut(RuntimeError):
    """Raised into a response whose results had started: the server then drops the connection mid-body, so the
    client sees an incomplete answer rather than a short one that looks whole."""


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    connection: Connection
    deadline: float | None = None
    """When the query it runs must be done (monotonic clock); None while idle."""
    killed_for: str | None = None
    """Why the pool killed it, once it has."""
    overdue: bool = False
    """Killed because its query ran past the deadline."""

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


@dataclass
class WorkerPool:
    """`size` query workers over the embedded store at `location`; see the module's docstring."""

    location: Path
    size: int = 2
    timeout: float = 30.0
    max_rows: int = 0
    site_base: str | None = None
    """The site's base URI, whose prefixes and JSON-LD context graph answers use."""
    _idle: queue.Queue[_Worker] = field(default_factory=queue.Queue, init=False, repr=False)
    _busy: set[_Worker] = field(default_factory=set, init=False, repr=False)
    _lock: threading.Condition = field(default_factory=threading.Condition, init=False, repr=False)
    _watch_until: float | None = field(default=None, init=False, repr=False)
    """When the deadline watch wakes next (None: when told); a query due later need not wake it."""
    _started: bool = field(default=False, init=False)
    _closed: bool = field(default=False, init=False)

    def start(self) -> None:
        """Start the workers and the deadline watch, once; queries call this themselves."""
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
        # Heard only by a fork server not yet running, which is the case in `atlas-ld serve`.
        _CONTEXT.set_forkserver_preload(["atlas_ld.sparql.worker"])
        for _ in range(self.size):
            self._idle.put(self._spawn())
        threading.Thread(target=self._watch_deadlines, name="query-deadlines", daemon=True).start()

    def close(self) -> None:
        """Kill every worker; queries after this get 503."""
        with self._lock:
            self._closed = True
            busy = list(self._busy)
            self._busy.clear()
            self._lock.notify_all()
        for worker in busy:
            worker.killed_for = "the server is stopping"
            worker.kill()
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return

    def answer(
        self, operation: QueryOperation, *, accept: str | None, base_iri: str, allowed_services: Sequence[str] = ()
    ) -> Answer:
        """Answer a query in a worker: the `Answer`, whole if it came in one message, or a 503 at the deadline."""
        deadline = time.monotonic() + self.timeout
        self.start()
        worker = self._take(deadline)
        try:
            worker.connection.send(QueryJob(operation, accept, base_iri, tuple(allowed_services), self.max_rows, self.site_base))
            first = self._receive(worker, deadline)
        except BaseException:
            self._give_back(worker, finished=False)
            raise
        if isinstance(first, QueryError):
            self._give_back(worker, finished=True)
            raise first
        assert isinstance(first, Head), first
        if first.whole:
            self._give_back(worker, finished=True)
            return Answer(first.media_type, (first.part,), truncated=first.truncated)
        return Answer(first.media_type, _Results(self, worker, deadline, first.part), truncated=first.truncated)

    # -- leasing workers ----------------------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        ours, theirs = _CONTEXT.Pipe()
        process = _CONTEXT.Process(
            target=serve_queries, args=(theirs, str(self.location)), name="atlas-ld-query", daemon=True
        )
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _take(self, deadline: float) -> _Worker:
        while True:
            if self._closed:
                raise worker_lost("the server is stopping")
            try:
                worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                raise workers_busy(self.timeout) from None
            if not worker.process.is_alive():  # died while idle (out of memory, killed from outside)
                self._replace(worker, "it died while idle")
                continue
            with self._lock:
                worker.deadline = deadline
                self._busy.add(worker)
                if self._watch_until is None or deadline < self._watch_until:
                    self._lock.notify_all()
            return worker

    def _give_back(self, worker: _Worker, *, finished: bool) -> None:
        """Back to the idle workers after a complete answer; killed and replaced if it stopped half-way."""
        with self._lock:
            if worker not in self._busy:  # the deadline watch has already killed and replaced it
                return
            self._busy.discard(worker)
            worker.deadline = None
        if finished and not self._closed:
            self._idle.put(worker)
        else:
            self._replace(worker, "its answer was abandoned")

    def _expire(self, worker: _Worker) -> bool:
        """Kill a worker whose query ran past its deadline, and replace it; False if someone already did."""
        with self._lock:
            if worker not in self._busy:
                return False
            self._busy.discard(worker)
            worker.overdue = True
        log.warning("query worker %s stopped: its query ran past %g s", worker.process.pid, self.timeout)
        self._replace(worker, "its query ran past the deadline")
        return True

    def _replace(self, worker: _Worker, reason: str) -> None:
        worker.killed_for = worker.killed_for or reason
        worker.kill()
        if not self._closed:
            self._idle.put(self._spawn())

    def _watch_deadlines(self) -> None:
        """Kill the workers whose query is overdue even when no request is reading them (abandoned, slow client)."""
        while not self._closed:
            with self._lock:
                now = time.monotonic()
                overdue = [w for w in self._busy if w.deadline is not None and w.deadline <= now]
                if not overdue:
                    deadlines = [w.deadline for w in self._busy if w.deadline is not None]
                    self._watch_until = min(deadlines, default=None)
                    self._lock.wait(None if self._watch_until is None else self._watch_until - now)
                    continue
            for worker in overdue:
                self._expire(worker)

    # -- reading answers ----------------------------------------------------------------------------------------

    def _receive(self, worker: _Worker, deadline: float) -> Any:
        """The worker's next message; 503 once the deadline passes or the worker is gone."""
        try:
            if worker.connection.poll(max(deadline - time.monotonic(), 0)):
                return worker.connection.recv()
        except (EOFError, OSError):
            pass
        if worker.overdue or time.monotonic() >= deadline:
            self._expire(worker)
            raise query_timed_out(self.timeout)
        self._replace_if_busy(worker)
        raise worker_lost(worker.killed_for or f"exit code {worker.process.exitcode}")

    def _replace_if_busy(self, worker: _Worker) -> None:
        with self._lock:
            if worker not in self._busy:
                return
            self._busy.discard(worker)
        self._replace(worker, "it died during a query")


class _Results(Iterator[bytes]):
    """The parts of an answer as the worker sends them, from the `first` that came with its head; the worker goes
    back to the pool at the end, or is replaced when the answer is closed before its end (client gone, HEAD)."""

    def __init__(self, pool: WorkerPool, worker: _Worker, deadline: float, first: bytes) -> None:
        self._pool = pool
        self._worker = worker
        self._deadline = deadline
        self._first: bytes | None = first
        self._done = False

    def __next__(self) -> bytes:
        if self._done:
            raise StopIteration
        if self._first is not None:
            first, self._first = self._first, None
            return first
        try:
            message = self._pool._receive(self._worker, self._deadline)
        except QueryError as error:
            self._finish(complete=False)
            raise QueryStreamCut(f"results cut: {error}") from None
        if message == END:
            self._finish(complete=True)
            raise StopIteration
        if isinstance(message, QueryError):
            self._finish(complete=False)
            raise QueryStreamCut(f"results cut: {message}")
        assert isinstance(message, bytes), message
        return message

    def close(self) -> None:
        self._finish(complete=False)

    def _finish(self, *, complete: bool) -> None:
        if not self._done:
            self._done = True
            self._pool._give_back(self._worker, finished=complete)
