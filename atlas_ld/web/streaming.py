"""Streaming responses that let go of what produces their chunks (a serialiser thread, a query worker) as soon as
the exchange is over."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send


class ClosingStreamingResponse(StreamingResponse):
    """A streaming response that closes its chunk iterator once the exchange is over, however it ended.

    Left to itself, an iterator abandoned half-way (client gone, HEAD) is closed only when the garbage collector
    reaches it, and until then it holds whatever produces the chunks: a serialiser thread, a query worker.
    """

    def __init__(self, chunks: Iterator[bytes], **kwargs: Any) -> None:
        super().__init__(chunks, **kwargs)
        self._chunks = chunks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            close = getattr(self._chunks, "close", None)
            if close is not None:
                # Shielded: a cancelled request must still let go of its producer.
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(close)
