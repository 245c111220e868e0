"""Worker processes that run the SPARQL queries over the embedded store, each query under a deadline.

A query takes an idle worker (`atlas_ld.sparql.worker`), and the worker is killed the moment the query's
deadline passes, whether it is still computing, blocked behind a slow client or abandoned: its CPU is freed at
once and a fresh worker takes its place. Results come back over the worker's socket part by part, so only a
part or two is ever in flight; a short answer comes whole with its head, and the worker is free again at once.
The deadline counts from the query's arrival: a client gets its answer, or a 503 that says why, within `timeout`
seconds.

The pool lives on the server's event loop: a query costs it no thread, only a message each way, and the deadline
is a timer of the loop. The worker that answered last answers next (its caches are warm); the others wait.
Workers are forked from a fork server that has imported the worker's code, so a replacement is ready in
milliseconds; they are started with the first query, or by `start()` when the app starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import socket
from collections import deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path

import anyio

from atlas_ld.sparql.answers import Answer
from atlas_ld.sparql.channel import receive_async, send_async
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
    socket: socket.socket
    """The server's end, non-blocking; closed by whoever reads it last (an answer, or the pool for an idle one)."""
    expiry: asyncio.TimerHandle | None = None
    """The deadline of the query it runs; None while idle."""
    killed_for: str | None = None
    """Why the pool killed it, once it has."""
    overdue: bool = False
    """Killed because its query ran past the deadline."""


@dataclass
class WorkerPool:
    """`size` query workers over the embedded store at `location`; see the module's docstring."""

    location: Path
    size: int = 2
    timeout: float = 30.0
    max_rows: int = 0
    site_base: str | None = None
    """The site's base URI, whose prefixes and JSON-LD context graph answers use."""
    _idle: list[_Worker] = field(default_factory=list, init=False, repr=False)
    """Most recently used last."""
    _waiting: deque[asyncio.Future[_Worker]] = field(default_factory=deque, init=False, repr=False)
    _busy: set[_Worker] = field(default_factory=set, init=False, repr=False)
    _started: bool = field(default=False, init=False)
    _closed: bool = field(default=False, init=False)

    def start(self) -> None:
        """Start the workers, once; queries call this themselves."""
        if self._started or self._closed:
            return
        self._started = True
        # Heard only by a fork server not yet running, which is the case in `atlas-ld serve`.
        _CONTEXT.set_forkserver_preload(["atlas_ld.sparql.worker"])
        self._idle.extend(self._spawn() for _ in range(self.size))

    def close(self) -> None:
        """Kill every worker; queries after this get 503."""
        self._closed = True
        for worker in [*self._busy, *self._idle]:
            worker.killed_for = worker.killed_for or "the server is stopping"
            worker.process.kill()
        for worker in self._idle:
            worker.socket.close()
        self._busy.clear()
        self._idle.clear()
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_exception(worker_lost("the server is stopping"))

    async def answer(
        self, operation: QueryOperation, *, accept: str | None, base_iri: str, allowed_services: Sequence[str] = ()
    ) -> Answer:
        """Answer a query in a worker: the `Answer`, whole if it came in one message, or a 503 at the deadline."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        self.start()
        worker = await self._take(loop, deadline)
        job = QueryJob(operation, accept, base_iri, tuple(allowed_services), self.max_rows, self.site_base)
        try:
            with contextlib.suppress(OSError):  # a worker gone meanwhile: reading its socket tells how
                await send_async(worker.socket, job)
            head, part = await self._receive(worker)
        except BaseException:
            self._give_back(worker, finished=False)
            raise
        if isinstance(head, QueryError):
            self._give_back(worker, finished=True)
            raise head
        assert isinstance(head, Head), head
        if head.whole:
            self._give_back(worker, finished=True)
            return Answer(head.media_type, (part,), truncated=head.truncated)
        return Answer(head.media_type, _Results(self, worker, part), truncated=head.truncated)

    # -- leasing workers ----------------------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair()
        process = _CONTEXT.Process(
            target=serve_queries, args=(theirs, str(self.location)), name="atlas-ld-query", daemon=True
        )
        process.start()
        theirs.close()
        ours.setblocking(False)
        return _Worker(process, ours)

    async def _take(self, loop: asyncio.AbstractEventLoop, deadline: float) -> _Worker:
        while True:
            if self._closed:
                raise worker_lost("the server is stopping")
            if self._idle:
                worker = self._idle.pop()
            else:
                worker = await self._wait_for_one(loop, deadline)
            if _gone(worker):  # died while idle (out of memory, killed from outside)
                worker.socket.close()
                self._replace(worker, "it died while idle")
                continue
            self._busy.add(worker)
            worker.expiry = loop.call_at(deadline, self._expire, worker)
            return worker

    async def _wait_for_one(self, loop: asyncio.AbstractEventLoop, deadline: float) -> _Worker:
        """The next worker given back, in turn with the other queries waiting; 503 at the deadline."""
        waiter: asyncio.Future[_Worker] = loop.create_future()
        self._waiting.append(waiter)
        try:
            with anyio.fail_after(max(deadline - loop.time(), 0)):
                return await waiter
        except BaseException as error:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._put_idle(waiter.result())  # handed over just as this query gave up: the next one's
            waiter.cancel()
            with contextlib.suppress(ValueError):
                self._waiting.remove(waiter)
            if isinstance(error, TimeoutError):
                raise workers_busy(self.timeout) from None
            raise

    def _put_idle(self, worker: _Worker) -> None:
        """A free worker to the query that has waited longest, or among the idle ones."""
        if self._closed:
            worker.process.kill()
            worker.socket.close()
            return
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def _give_back(self, worker: _Worker, *, finished: bool) -> None:
        """Free again after a complete answer; killed and replaced if it stopped half-way."""
        if worker not in self._busy:  # killed at the deadline, or lost, and already replaced
            worker.socket.close()
            return
        self._release(worker)
        if finished and not self._closed:
            self._put_idle(worker)
        else:
            worker.socket.close()
            self._replace(worker, "its answer was abandoned")

    def _release(self, worker: _Worker) -> None:
        self._busy.discard(worker)
        if worker.expiry is not None:
            worker.expiry.cancel()
            worker.expiry = None

    def _expire(self, worker: _Worker) -> None:
        """At the deadline: kill the worker whether or not anyone reads it (abandoned, slow client), and replace
        it. Its reader, if any, then finds its socket closed."""
        if worker not in self._busy:
            return
        self._release(worker)
        worker.overdue = True
        log.warning("query worker %s stopped: its query ran past %g s", worker.process.pid, self.timeout)
        self._replace(worker, "its query ran past the deadline")

    def _replace(self, worker: _Worker, reason: str) -> None:
        """Kill the worker at once and start another in its place (forking from the fork server takes a
        millisecond or so; multiprocessing reaps the dead one when it next starts a process)."""
        worker.killed_for = worker.killed_for or reason
        worker.process.kill()
        if not self._closed:
            self._put_idle(self._spawn())

    # -- reading answers ----------------------------------------------------------------------------------------

    async def _receive(self, worker: _Worker) -> tuple[object, bytes]:
        """The worker's next message; 503 once the deadline has passed or the worker is gone."""
        try:
            return await receive_async(worker.socket)
        except (EOFError, OSError):
            pass
        if worker.overdue:
            raise query_timed_out(self.timeout)
        if worker in self._busy:
            self._release(worker)
            self._replace(worker, "it died during a query")
        raise worker_lost(worker.killed_for or f"exit code {worker.process.exitcode}")


def _gone(worker: _Worker) -> bool:
    """Whether an idle worker has died: the end of its socket is closed. One system call, where asking the process
    (`is_alive`) took three: 30 µs, an eighth of a short query's round trip to a worker."""
    try:
        return worker.socket.recv(1, socket.MSG_PEEK) == b""  # an idle worker has nothing waiting to be read
    except BlockingIOError:
        return False
    except OSError:
        return True


class _Results(AsyncIterator[bytes]):
    """The parts of an answer as the worker sends them, from the `first` that came with its head; the worker goes
    back to the pool with the last part, or is replaced when the answer is closed before its end (client gone,
    HEAD)."""

    def __init__(self, pool: WorkerPool, worker: _Worker, first: bytes) -> None:
        self._pool = pool
        self._worker = worker
        self._first: bytes | None = first
        self._done = False

    async def __anext__(self) -> bytes:
        if self._first is not None:
            first, self._first = self._first, None
            return first
        if self._done:
            raise StopAsyncIteration
        try:
            head, part = await self._pool._receive(self._worker)
        except QueryError as error:
            self._finish(complete=False)
            raise QueryStreamCut(f"results cut: {error}") from None
        except BaseException:
            self._finish(complete=False)
            raise
        if isinstance(head, QueryError):
            self._finish(complete=False)
            raise QueryStreamCut(f"results cut: {head}")
        if head == END:
            self._finish(complete=True)
            if not part:
                raise StopAsyncIteration
        return part

    async def aclose(self) -> None:
        self._finish(complete=False)

    def _finish(self, *, complete: bool) -> None:
        if not self._done:
            self._done = True
            self._pool._give_back(self._worker, finished=complete)
