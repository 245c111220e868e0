"""Descriptions and pages kept until the store's next write (`web.kept_pages`): asked again, they are sent without
being described again; a write, an ingest or a history write makes them afresh; every variant is kept apart, and
HEAD, CORS and conditional requests behave as for a rendered answer."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from support.example_data import BASE, ingest_examples
from support.liveserver import LiveServer, live_server

from atlas_ld.bundled import examples_dir
from atlas_ld.ingest.pipeline import ingest
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.settings import Settings
from atlas_ld.store.datadir import DataDir
from atlas_ld.store.until_next_write import UntilNextWrite
from atlas_ld.uris import UriScheme
from atlas_ld.web import routes
from atlas_ld.web.app import create_app
from atlas_ld.web.kept_pages import KeptPages, StoreAndHistory

PROJECT = "/data/project/12523.ttl"
PAGE = "/page/project/12523"
OLD_TITLE = "Projet d'action internationale de Romans et de ses villes partenaires"
NEW_TITLE = "Projet d'action internationale de Romans, version suivante"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def described(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The IRIs the dereferencing routes describe, in order."""
    calls: list[str] = []
    describe = routes.dereference.describe_resource

    def counting(store, uris, iri, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(iri)
        return describe(store, uris, iri, **kwargs)

    monkeypatch.setattr(routes.dereference, "describe_resource", counting)
    return calls


def _client(root: Path, **settings: object) -> TestClient:
    data = ingest_examples(root)
    app = create_app(Settings(store=data.root, **settings), data.open_store(read_only=True))  # type: ignore[arg-type]
    return TestClient(app)


def test_a_description_asked_again_is_not_described_again(tmp_path: Path, described: list[str]) -> None:
    with _client(tmp_path) as client:
        first, second = client.get(PROJECT), client.get(PROJECT)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content and second.headers["etag"] == first.headers["etag"]
    assert described == [BASE + "id/project/12523"]


def test_without_page_memory_every_request_describes(tmp_path: Path, described: list[str]) -> None:
    with _client(tmp_path, page_cache_bytes=0) as client:
        assert client.get(PROJECT).content == client.get(PROJECT).content
    assert len(described) == 2


def test_variants_are_kept_apart(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        for _ in range(2):
            plain = client.get(PROJECT, headers={"Accept-Encoding": "identity"})
            zipped = client.get(PROJECT, headers={"Accept-Encoding": "gzip"})
            turtle = client.get("/id/project/12523", headers={"Accept": "text/turtle"}, follow_redirects=False)
            page = client.get("/id/project/12523", headers={"Accept": BROWSER}, follow_redirects=False)
            assert "content-encoding" not in plain.headers and zipped.headers["content-encoding"] == "gzip"
            assert turtle.headers["location"].endswith(".ttl") and page.headers["location"].endswith(PAGE)
            # A compacted JSON-LD document names its context at the host the client reached.
            here = client.get("/data/project/12523.jsonld")
            mirror = client.get("/data/project/12523.jsonld", headers={"Host": "mirror.example.net"})
            assert "mirror.example.net" in mirror.text and "mirror.example.net" not in here.text


def test_head_cors_and_conditional_requests_on_a_kept_answer(tmp_path: Path, described: list[str]) -> None:
    with _client(tmp_path) as client:
        full = client.get(PROJECT)
        head = client.head(PROJECT)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["etag"] == full.headers["etag"]
        cors = client.get(PROJECT, headers={"Origin": "https://elsewhere.example"})
        assert cors.headers["access-control-allow-origin"] == "*" and cors.content == full.content
        again = client.get(PROJECT, headers={"If-None-Match": full.headers["etag"]})
        assert again.status_code == 304
    assert described == [BASE + "id/project/12523"]


# -- freshness, on a real server while a real ingest writes the store -------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[LiveServer, DataDir]]:
    data = ingest_examples(tmp_path / "first")
    with live_server(data.root) as running:
        yield running, data


def test_an_ingest_is_seen_at_once(served: tuple[LiveServer, DataDir], tmp_path: Path) -> None:
    server, data = served
    for accept, path in (("text/turtle", PROJECT), (BROWSER, PAGE)):
        for encoding in ("gzip", "identity"):
            response = httpx.get(server.url + path, headers={"Accept": accept, "Accept-Encoding": encoding})
            assert OLD_TITLE in response.text
    changed = tmp_path / "changed" / "12523.txt"
    changed.parent.mkdir()
    text = (examples_dir() / "12523.txt").read_text(encoding="utf-8")
    changed.write_text(text.replace(OLD_TITLE, NEW_TITLE), encoding="utf-8")
    store = data.open_store()
    report = ingest([changed], store, UriScheme(BASE), RejectedRecords(data.rejected, base_uri=BASE))
    assert report.records_stored == 1
    store.flush()
    del store
    for accept, path in (("text/turtle", PROJECT), (BROWSER, PAGE)):
        for encoding in ("gzip", "identity"):
            response = httpx.get(server.url + path, headers={"Accept": accept, "Accept-Encoding": encoding})
            assert NEW_TITLE in response.text and OLD_TITLE not in response.text


# -- the middleware alone ----------------------------------------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.time = 1.0

    def last_modified(self) -> float:
        return self.time


def _asgi_get(app: KeptPages, path: str) -> bytes:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"test")], "scheme": "http"}
    asyncio.run(app(scope, receive, send))
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def _counting_app(made: list[int], size: int = 10):  # type: ignore[no-untyped-def]
    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        made.append(1)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"x" * size})

    return app


def test_a_store_write_or_a_history_write_makes_answers_afresh() -> None:
    store, history, made = _Clock(), _Clock(), []
    kept = UntilNextWrite(StoreAndHistory(store, history), max_entries=100, max_bytes=1 << 20)
    app = KeptPages(_counting_app(made), kept=kept, prefixes=("/data/",))
    for _ in range(3):
        _asgi_get(app, "/data/a.ttl")
    assert len(made) == 1
    store.time = 2.0
    _asgi_get(app, "/data/a.ttl")
    history.time = 3.0  # the history is written just after the store, by the same update
    _asgi_get(app, "/data/a.ttl")
    _asgi_get(app, "/data/a.ttl")
    assert len(made) == 3
    _asgi_get(app, "/sparql")
    _asgi_get(app, "/sparql")
    assert len(made) == 5  # other paths are never kept


def test_memory_is_bounded() -> None:
    made: list[int] = []
    kept = UntilNextWrite(StoreAndHistory(_Clock(), _Clock()), max_entries=100, max_bytes=64 * 1000)
    big = KeptPages(_counting_app(made, size=5000), kept=kept, prefixes=("/data/",))
    assert _asgi_get(big, "/data/big.ttl") == b"x" * 5000
    _asgi_get(big, "/data/big.ttl")
    assert len(made) == 2  # larger than a 64th of the memory: not kept
    small = KeptPages(_counting_app(made, size=100), kept=kept, prefixes=("/data/",))
    for name in range(200):
        _asgi_get(small, f"/data/{name}.ttl")
    assert kept._bytes <= kept.max_bytes + 1000  # type: ignore[operator]

