"""Turn a serialiser that writes to a file (pyoxigraph's) into an iterator of chunks for a streaming response.

The serialiser runs in its own thread and hands over its chunks (8 KiB from pyoxigraph) through a small
bounded queue, so a large result never sits whole in memory and a slow client slows the serialiser down.
When the response stops early (client gone, HEAD), the web's `ClosingStreamingResponse` closes the iterator, the next
write raises and the serialiser's thread ends.

>>> b"".join(serialised(lambda out: out.write(b"<s> <p> <o> .")))
b'<s> <p> <o> .'
"""

from __future__ import annotations

import queue
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import IO, Any

# Chunks waiting for the client: a few pyoxigraph buffers, so memory per response stays small.
_QUEUE_CHUNKS = 8
_POLL_SECONDS = 0.5
_END = object()


class _Pipe:
    """The file-like object the serialiser writes to."""

    def __init__(self) -> None:
        self.chunks: queue.Queue[Any] = queue.Queue(_QUEUE_CHUNKS)
        self.closed = threading.Event()

    def write(self, data: bytes) -> int:
        self.put(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to do: every write is already handed over."""

    def put(self, item: Any) -> None:
        while not self.closed.is_set():
            try:
                self.chunks.put(item, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                continue
        raise BrokenPipeError("the response was closed before the serialiser finished")


def _release_locals(error: BaseException) -> None:
    """Drop the local variables of the frames an error went through, in the thread that raised it.

    pyoxigraph's query results may only be freed by the thread that made them, and an error handed to another
    thread would otherwise carry them there in its traceback.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)
        current = current.__cause__ or current.__context__


def serialised(write: Callable[[IO[bytes]], object]) -> Iterator[bytes]:
    """Chunks of what `write(output)` writes to `output`; its exceptions are raised where the chunks are read."""
    pipe = _Pipe()

    def run() -> None:
        try:
            write(pipe)  # type: ignore[arg-type]
            pipe.put(_END)
        except BrokenPipeError:
            pass
        except BaseException as error:  # noqa: BLE001 - handed to the reader, which raises it in the request
            _release_locals(error)
            try:
                pipe.put(error)
            except BrokenPipeError:
                pass

    worker = threading.Thread(target=run, name="serialiser", daemon=True)
    worker.start()
    try:
        while True:
            item = pipe.chunks.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        pipe.closed.set()
