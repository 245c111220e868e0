"""Running the app under uvicorn, for `atlas-ld serve`: one process, or several worker processes."""

from __future__ import annotations

import errno
import logging
import multiprocessing
import os
import signal
import socket
from multiprocessing.connection import wait
from typing import Any

import uvicorn
from fastapi import FastAPI

from atlas_ld.settings import Settings
from atlas_ld.store.opening import open_store
from atlas_ld.web.app import create_app
from atlas_ld.web.http_protocol import BoundedHeadProtocol

# Room for the method, the protocol version and the line breaks beyond the longest URL and header fields the app
# accepts, so that an over-long URL or header reaches the app and gets its 414 or 431 rather than the HTTP
# parser's bare 400.
_REQUEST_HEAD_ROOM = 1024


class PortInUse(Exception):
    """The address to listen on is taken (another server on the port): said in one line, not a traceback."""


def app_from_environment() -> FastAPI:
    """The app of the settings in the environment: what each worker process builds (`serve(workers=N)`)."""
    return _app(Settings())


def _app(settings: Settings) -> FastAPI:
    return create_app(settings, open_store(settings, read_only=not settings.enable_update))


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, *, workers: int = 1) -> None:
    """Serve the store of `settings` until interrupted, in `workers` processes.

    Read-only (an embedded store opened read-only, so that an ingest may run beside it, and each process sees
    what the ingest commits) unless `settings.enable_update`. Raises FileNotFoundError when there is no store to
    serve read-only, ValueError when updates are on without a token, or on an embedded store with several
    workers (only one process may write it), and PortInUse when the address is taken.
    """
    options = {
        "host": host,
        "port": port,
        "proxy_headers": True,
        # A request head still incomplete past twice the limits is refused by the protocol itself (431, closed):
        # a client trickling megabytes of headers is not buffered until it is done.
        "h11_max_incomplete_event_size": 2 * (settings.max_url_length + settings.max_header_bytes)
        + _REQUEST_HEAD_ROOM,
        "timeout_graceful_shutdown": 5,
        # httptools (C) rather than h11 (Python): a third of a cached answer's time went to h11. The protocol keeps
        # the bound above, which uvicorn applies to h11 alone.
        "http": BoundedHeadProtocol,
        # Clients and proxies keep idle connections longer than uvicorn's 5 s (nginx 75 s, load balancers 60 s):
        # a close racing the next request on it fails that request. Idle connections cost the event loop nothing.
        "timeout_keep_alive": 75,
    }
    if workers == 1:
        _serve_alone(settings, options)
        return
    # Worker processes start afresh: they read the settings from the environment, as they get no object.
    store = open_store(settings, read_only=True)  # fails here, once, if there is nothing to serve
    if settings.enable_update and not store.shared_writes:
        raise ValueError("updates on the embedded store need one worker: only one process may write it")
    os.environ.update(settings.environment())
    _serve_in_processes(options, workers)


def _serve_alone(settings: Settings, options: dict[str, Any]) -> None:
    """One uvicorn server on a socket bound here, so that a port already taken is a PortInUse rather than
    uvicorn's logged [Errno 98] and exit code 3; otherwise as `uvicorn.run`."""
    listening = _listening_socket(options["host"], options["port"], reuse_port=False)
    try:
        config = uvicorn.Config(_app(settings), **options)
        server = uvicorn.Server(config)
        # uvicorn announces the address only for the sockets it binds itself.
        scheme_host = f"[{options['host']}]" if ":" in options["host"] else options["host"]
        logging.getLogger("uvicorn.error").info(
            "Uvicorn running on http://%s:%d (Press CTRL+C to quit)", scheme_host, listening.getsockname()[1]
        )
        try:
            server.run(sockets=[listening])
        except KeyboardInterrupt:
            pass
    finally:
        listening.close()
    if not server.started:
        raise SystemExit(3)  # uvicorn's own exit code for a server that failed to start (its log says why)


def _serve_in_processes(options: dict[str, Any], workers: int) -> None:
    """`workers` uvicorn servers, each on a listening socket of its own bound with SO_REUSEPORT, so that the kernel
    spreads the connections over them; they stop together, when this process is told to stop or one of them ends.

    Written here because uvicorn's own workers share one socket, and the first to wake accepts every connection
    waiting on it: eight kept-alive clients all landed in one worker, and a second worker added nothing.
    """
    sockets = [_listening_socket(options["host"], options["port"], reuse_port=True) for _ in range(workers)]
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_serve_on, args=(listening, options)) for listening in sockets]
    # SIGTERM (a service manager, a container stopping) ends this process as Ctrl-C does, through the `finally`.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        for process in processes:
            process.start()
        for listening in sockets:
            listening.close()  # the workers hold their own copies
        wait([process.sentinel for process in processes])
    except KeyboardInterrupt:
        return
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # uvicorn stops gracefully on SIGTERM
        for process in processes:
            process.join()
    raise SystemExit("a server worker stopped on its own (its log is above): the others were stopped with it")


def _listening_socket(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """A socket listening on host:port; with `reuse_port`, one of several that the kernel spreads connections
    over. Raises PortInUse when the address is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named: asyncio sets TCP_NODELAY only on connections whose socket says so, and without it a
    # response written in two parts waits for the client's delayed ACK (40 ms a request).
    listening = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        listening.bind((host, port))
    except OSError as error:
        listening.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(f"port {port} on {host} is already in use") from error
        raise
    # Listening from now: connections that come while its worker starts wait for it, rather than all going to the
    # sockets already taken up.
    listening.listen(2048)
    return listening


def _serve_on(listening: socket.socket, options: dict[str, Any]) -> None:
    config = uvicorn.Config("atlas_ld.web.server:app_from_environment", factory=True, **options)
    uvicorn.Server(config).run(sockets=[listening])
