"""uvicorn's httptools protocol with a bound on the request head: a client trickling megabytes of headers is cut
off, rather than buffered until it is done.

httptools parses in C, several times faster than h11, but keeps any head whole until its end. The app's own
limits (414, 431 in `web.middleware`) answer heads that arrive whole; this bound, set above them, only stops
heads no limit could answer. Written here because uvicorn bounds heads for h11 alone.
"""

from __future__ import annotations

import asyncio

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

_TOO_LARGE = b"Request head too large: this server reads at most %d bytes of request line and header fields.\n"


class BoundedHeadProtocol(HttpToolsProtocol):
    """HTTP/1.1 over httptools; a request head longer than `config.h11_max_incomplete_event_size` bytes gets 431
    and the connection is closed (the setting named for h11 is uvicorn's one bound on a request head)."""

    def __init__(
        self, config: Config, server_state: ServerState, app_state: dict, _loop: asyncio.AbstractEventLoop | None = None
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.max_head_bytes = config.h11_max_incomplete_event_size
        self._head_bytes = 0
        self._in_head = True

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
            if self._head_bytes > self.max_head_bytes:
                self._refuse_head()
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True

    def on_headers_complete(self) -> None:
        self._in_head, self._head_bytes = False, 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True

    def _refuse_head(self) -> None:
        body = _TOO_LARGE % self.max_head_bytes
        head = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
        self.transport.write(head + b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body) + body)
        self.transport.close()
