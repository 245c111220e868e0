"""Streaming responses that let go of what produces their chunks (a serialiser thread, a query worker) as soon as
the exchange is over."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send


class ClosingStreamingResponse(StreamingResponse):
    """A streaming response that closes its chunk iterator once the exchange is over, however it ended.

    Left to itself, an iterator abandoned half-way (client gone, HEAD) is closed only when the garbage collector
    reaches it, and until then it holds whatever produces the chunks: a serialiser thread, a query worker. A
    blocking iterator (`close`) is closed in a thread, an asynchronous one (`aclose`) on the event loop.
    """

    def __init__(self, chunks: Iterator[bytes] | AsyncIterator[bytes], **kwargs: Any) -> None:
        super().__init__(chunks, **kwargs)
        self._chunks = chunks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Shielded: a cancelled request must still let go of its producer.
            with anyio.CancelScope(shield=True):
                aclose = getattr(self._chunks, "aclose", None)
                if aclose is not None:
                    await aclose()
                elif (close := getattr(self._chunks, "close", None)) is not None:
                    await anyio.to_thread.run_sync(close)
