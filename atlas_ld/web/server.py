"""Running the app under uvicorn, for `atlas-ld serve`."""

from __future__ import annotations

import uvicorn

from atlas_ld.datadir import DataDir
from atlas_ld.settings import Settings
from atlas_ld.web.app import create_app

# Room for the method, the protocol version and the line breaks beyond the longest URL and header fields the app
# accepts, so that an over-long URL or header reaches the app and gets its 414 or 431 rather than the HTTP
# parser's bare 400.
_REQUEST_HEAD_ROOM = 1024


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the store of `settings.store` until interrupted.

    Read-only (the store opened read-only, so an ingest may run beside it) unless `settings.enable_update`.
    Raises FileNotFoundError when there is no store to serve read-only, and ValueError when updates are on
    without a token.
    """
    data = DataDir(settings.store)
    if not settings.enable_update and not data.has_store():
        raise FileNotFoundError(f"no store in {data.root}: run `atlas-ld ingest` first")
    app = create_app(settings, data.open_store(read_only=not settings.enable_update))
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=True,
        # A request head still incomplete past twice the limits is refused by the parser itself (a bare 400):
        # a client trickling megabytes of headers is not buffered until it is done.
        h11_max_incomplete_event_size=2 * (settings.max_url_length + settings.max_header_bytes) + _REQUEST_HEAD_ROOM,
        timeout_graceful_shutdown=5,
    )
