"""Messages between the server and a query worker over a socket pair: a small pickled head, then raw body bytes.

The server reads and writes on its event loop without blocking it, so that a query costs it no thread; a worker
uses plain blocking calls. A body (a part of an answer) is never pickled: it goes out in the same system call as
its head, straight from the worker's buffer, and comes in as the bytes the server sends on.

>>> ours, theirs = socket.socketpair()
>>> send(theirs, ("head", 1), b"body")
>>> receive(ours)
(('head', 1), b'body')
"""

from __future__ import annotations

import pickle
import socket
import struct
from collections.abc import Sequence
from typing import Any

import anyio

# The head's size and the body's, before them.
_SIZES = struct.Struct("!II")
# The most one read takes from the socket: a part of an answer comes in a few reads.
_READ_BYTES = 1 << 20


def send(sock: socket.socket, head: Any, body: bytes | bytearray | memoryview = b"") -> None:
    """Send one message, blocking until it is all out."""
    pickled = pickle.dumps(head, pickle.HIGHEST_PROTOCOL)
    _send_all(sock, [_SIZES.pack(len(pickled), len(body)), pickled, body])


def receive(sock: socket.socket) -> tuple[Any, bytes]:
    """The next message, blocking until it is all in; EOFError once the other end is closed."""
    head_size, body_size = _SIZES.unpack(_exactly(sock, _SIZES.size))
    head = pickle.loads(_exactly(sock, head_size))
    return head, _exactly(sock, body_size)


async def send_async(sock: socket.socket, head: Any) -> None:
    """Send a message without a body from the event loop (the socket is non-blocking)."""
    pickled = pickle.dumps(head, pickle.HIGHEST_PROTOCOL)
    data = memoryview(_SIZES.pack(len(pickled), 0) + pickled)
    while data:
        try:
            data = data[sock.send(data) :]
        except BlockingIOError:
            await anyio.wait_writable(sock)


async def receive_async(sock: socket.socket) -> tuple[Any, bytes]:
    """The next message, read from the event loop (the socket is non-blocking); EOFError once the other end is
    closed."""
    head_size, body_size = _SIZES.unpack(await _exactly_async(sock, _SIZES.size))
    head = pickle.loads(await _exactly_async(sock, head_size))
    return head, await _exactly_async(sock, body_size)


def _send_all(sock: socket.socket, buffers: Sequence[bytes | bytearray | memoryview]) -> None:
    views = [memoryview(b).cast("B") for b in buffers if len(b)]
    while views:
        sent = sock.sendmsg(views)
        while views and sent >= len(views[0]):
            sent -= len(views.pop(0))
        if views:
            views[0] = views[0][sent:]


def _exactly(sock: socket.socket, size: int) -> bytes:
    pieces = []
    while size:
        piece = sock.recv(min(size, _READ_BYTES), socket.MSG_WAITALL)
        if not piece:
            raise EOFError("the other end of the channel is closed")
        pieces.append(piece)
        size -= len(piece)
    return b"".join(pieces)


async def _exactly_async(sock: socket.socket, size: int) -> bytes:
    pieces = []
    while size:
        try:
            piece = sock.recv(min(size, _READ_BYTES))
        except BlockingIOError:
            await anyio.wait_readable(sock)
            continue
        if not piece:
            raise EOFError("the other end of the channel is closed")
        pieces.append(piece)
        size -= len(piece)
    return b"".join(pieces)
