"""`page_threads`: how many pages and descriptions one server process builds at once, and searches that wait for
the search index without taking those threads."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from support.example_data import BASE, ingest_examples

from atlas_ld.settings import Settings
from atlas_ld.store.datadir import DataDir
from atlas_ld.web.app import create_app
from atlas_ld.web.views import search_index

# How long two requests inside give a third the time to come in, were the limit not kept.
_GRACE_SECONDS = 0.3
# How long the first request waits for a second (only a limit of one would keep it out).
_WAIT_SECONDS = 30.0


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    return ingest_examples(tmp_path_factory.mktemp("threads"))


def _client(data: DataDir, threads: int) -> TestClient:
    settings = Settings(store=data.root, base_uri=BASE, page_threads=threads)
    return TestClient(create_app(settings, data.open_store(read_only=True)))


@pytest.fixture
def held(data: DataDir) -> Iterator[tuple[TestClient, list[int]]]:
    """A client of an app with 2 page threads and a plain route that counts the requests inside it at once."""
    client = _client(data, threads=2)
    inside, most, lock = [0], [0], threading.Lock()
    two_inside, crowded = threading.Event(), threading.Event()

    def crowd() -> dict[str, int]:
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            if inside[0] >= 2:
                two_inside.set()
            if inside[0] > 2:
                crowded.set()
        two_inside.wait(_WAIT_SECONDS)
        crowded.wait(_GRACE_SECONDS)
        with lock:
            inside[0] -= 1
        return {"most": most[0]}

    client.app.add_api_route("/crowd", crowd)  # type: ignore[attr-defined]
    with client:
        yield client, most


def test_no_more_pages_are_built_at_once_than_the_setting_allows(held: tuple[TestClient, list[int]]) -> None:
    client, most = held
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: client.get("/crowd").status_code, range(6)))
    assert answers == [200] * 6
    assert most[0] == 2


def test_searches_waiting_for_the_index_leave_the_page_threads_to_pages(
    data: DataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the index is being built (its lock held), searches wait for it; a page asked meanwhile is answered."""
    waiting = threading.Semaphore(0)
    index_of = search_index.SearchIndex.of

    def announced(queries: object) -> search_index.SearchIndex:
        waiting.release()
        return index_of(queries)  # type: ignore[arg-type]

    monkeypatch.setattr(search_index.SearchIndex, "of", announced)
    with _client(data, threads=1) as client, ThreadPoolExecutor(2) as pool:
        search_index._BUILDING.acquire()
        try:
            searches = [pool.submit(client.get, "/search", params={"q": "eau"}) for _ in range(2)]
            assert waiting.acquire(timeout=30) and waiting.acquire(timeout=30)  # both are waiting for the index
            assert client.get("/page/project/12523").status_code == 200
            assert not any(search.done() for search in searches)
        finally:
            search_index._BUILDING.release()
        assert [search.result().status_code for search in searches] == [200, 200]


def test_the_setting_is_a_flag_of_serve_and_a_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_LD_PAGE_THREADS", "7")
    assert Settings().page_threads == 7
    assert Settings.flag("page_threads") == "--page-threads"
