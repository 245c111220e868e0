"""A stand-in for the live Atlas over real HTTP: the example pages, as the site's HTML, at its URL pattern, a robots.txt,
ETags and 304s, and faults played once each (503, 429 with Retry-After, a body cut short); every request is
logged with the server's own clock."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from support import DATA

SITE_PATH = "/cncdext/dyn/public/atlas/"
PAGE_PATH = SITE_PATH + "detailProjet.html"
EXAMPLE_IDS = (6099, 12523, 15077, 15635, 16323)
LAST_MODIFIED = "Mon, 06 Jan 2025 10:00:00 GMT"
# What the site shows for an id without a project: its navigation and title, and no field.
TEMPLATE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Atlas</title></head><body>"
    "<p>Accueil &gt; ???menu.atlas.libelle??? &gt; ???menu.atlas.detailProjet.libelle???</p>"
    "<h1>Atlas français de la coopération décentralisée et des autres actions extérieures</h1></body></html>"
).encode()


def example_html(prj_id: int) -> bytes:
    """An example page as the site serves it: its HTML, saved from the live Atlas."""
    return (DATA / "html" / f"{prj_id}.html").read_bytes()


@dataclass(frozen=True)
class Hit:
    """One request as the server saw it: when (time.monotonic), what, with which headers, and the answer."""

    at: float
    path: str
    prj_id: int | None
    headers: dict[str, str]
    status: int


@dataclass
class AtlasSite:
    """What the site holds and how it misbehaves; tests change it between runs."""

    pages: dict[int, bytes] = field(default_factory=lambda: {prj_id: example_html(prj_id) for prj_id in EXAMPLE_IDS})
    templates: set[int] = field(default_factory=set)
    robots: str | None = "User-agent: *\nAllow: /\n"
    faults: dict[int, list[str]] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def page_hits(self, prj_id: int | None = None) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.prj_id is not None and (prj_id is None or h.prj_id == prj_id)]

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        arrived = time.monotonic()
        parts = urlsplit(handler.path)
        prj_id = _prj_id(parts.query) if parts.path == PAGE_PATH else None
        status = self._answer(handler, parts.path, prj_id)
        with self.lock:
            self.hits.append(Hit(arrived, parts.path, prj_id, dict(handler.headers.items()), status))

    def _answer(self, handler: BaseHTTPRequestHandler, path: str, prj_id: int | None) -> int:
        if path == "/robots.txt":
            return _send(handler, 200, self.robots.encode(), "text/plain") if self.robots else _send(handler, 404, b"")
        if prj_id is None:
            return _send(handler, 404, b"not here")
        with self.lock:
            fault = self.faults.get(prj_id, []).pop(0) if self.faults.get(prj_id) else None
        if fault == "503":
            return _send(handler, 503, b"busy")
        if fault is not None and fault.startswith("429:"):
            return _send(handler, 429, b"slow down", headers={"Retry-After": fault[4:]})
        if prj_id in self.templates:
            return _send(handler, 200, TEMPLATE, "text/html; charset=utf-8")
        body = self.pages.get(prj_id)
        if body is None:
            return _send(handler, 404, b"<html><body>Introuvable</body></html>", "text/html")
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        if handler.headers.get("If-None-Match") == etag:
            return _send(handler, 304, None, headers={"ETag": etag})
        if fault == "cut":
            return _send(handler, 200, body[: len(body) // 2], "text/html; charset=utf-8", length=len(body))
        return _send(handler, 200, body, "text/html; charset=utf-8", headers={"ETag": etag,
                                                                             "Last-Modified": LAST_MODIFIED})


def _prj_id(query: str) -> int | None:
    values = parse_qs(query).get("criteres.prjId", [])
    return int(values[0]) if values and values[0].isdigit() else None


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes | None, content_type: str = "text/plain", *,
          headers: dict[str, str] | None = None, length: int | None = None) -> int:
    """Answer; `length` larger than the body sends a Content-Length that the body never reaches, then closes."""
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    if body is not None:
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(length if length is not None else len(body)))
    handler.end_headers()
    if body is not None:
        handler.wfile.write(body)
    handler.close_connection = True
    return status


@contextmanager
def serving(site: AtlasSite) -> Iterator[AtlasSite]:
    """The site on 127.0.0.1, a free port, for the duration of the block; `site.url` is its Atlas root."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.answer(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site.url = f"http://127.0.0.1:{server.server_address[1]}{SITE_PATH}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
