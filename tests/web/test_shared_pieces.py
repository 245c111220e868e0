"""The pieces every route shares, without a server: choosing a representation, local paths of IRIs, values kept
until the store's next write."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.requests import Request

from atlas_ld.media_types import HTML, RDF, TURTLE
from atlas_ld.store.until_next_write import UntilNextWrite
from atlas_ld.uris import UriScheme
from atlas_ld.web.errors import HttpError
from atlas_ld.web.negotiation import choose
from atlas_ld.web.rdf_documents import GRAPH_OFFERS


def _request(query: str = "", accept: str | None = None) -> Request:
    headers = [(b"accept", accept.encode())] if accept else []
    return Request({"type": "http", "method": "GET", "path": "/", "query_string": query.encode(), "headers": headers})


def test_choose_reads_accept_and_format_from_the_request() -> None:
    assert choose((*GRAPH_OFFERS, HTML), _request(accept="text/html,*/*;q=0.8")) == HTML
    assert choose((*GRAPH_OFFERS, HTML), _request("format=ttl", accept="text/html")) == TURTLE


def test_choose_refuses_with_406_naming_what_can_be_served() -> None:
    with pytest.raises(HttpError) as refused:
        choose(RDF, accept="text/csv")
    assert refused.value.status_code == 406
    assert "text/turtle" in refused.value.detail and "application/trig" in refused.value.detail


def test_a_refused_suffix_is_answered_with_the_suffixes() -> None:
    with pytest.raises(HttpError) as refused:
        choose(GRAPH_OFFERS, suffix="csv")
    assert refused.value.detail.endswith("available: ttl, jsonld, nt, rdf.")


@pytest.mark.parametrize("base", ["https://atlas.example.org/", "https://example.org/atlas/"])
def test_local_paths_and_iris_are_each_other_s_inverse(base: str) -> None:
    uris = UriScheme(base)
    project = uris.project(12523)
    key = uris.key_of(project)
    assert key == "project/12523" and uris.thing(key) == project
    assert uris.page_path(project) == uris.root + "page/project/12523"
    assert uris.data_path(uris.country("tun"), "nt") == uris.root + "data/country/TUN.nt"
    assert uris.country_code(uris.country("tun")) == "TUN"
    assert uris.term_name(uris.term("Project")) == "Project" and uris.term_name(uris.vocab) is None


def test_a_key_of_one_kind_is_read_from_that_kind_only() -> None:
    uris = UriScheme("https://atlas.example.org/")
    theme = uris.theme(("Economie durable", "Attractivité des territoires"))
    assert uris.key_of(theme, "theme") == "economie-durable/attractivite-des-territoires"
    assert uris.theme(tuple(uris.key_of(theme, "theme").split("/"))) == theme  # type: ignore[union-attr]
    assert uris.key_of(theme, "status") is None
    assert uris.key_of(uris.concept("status", "En cours"), "status") == "en-cours"


class _Store:
    """Only what the kept values read of a store: when it was last written to."""

    def __init__(self) -> None:
        self.written = 1.0

    def last_modified(self) -> float:
        return self.written


def test_kept_values_last_until_the_next_write() -> None:
    store = _Store()
    kept: UntilNextWrite[str, int] = UntilNextWrite(store, max_entries=10)
    computed: list[str] = []

    def count(key: str) -> int:
        computed.append(key)
        return len(computed)

    assert kept.get("projects", lambda: count("projects")) == kept.get("projects", lambda: count("projects"))
    assert computed == ["projects"]
    store.written = 2.0
    assert kept.get("projects", lambda: count("projects")) == 2


def test_kept_values_are_bounded() -> None:
    kept: UntilNextWrite[int, int] = UntilNextWrite(_Store(), max_entries=3)
    for key in range(10):
        kept.get(key, lambda key=key: key)  # type: ignore[misc]
        assert len(kept.current()) <= 3


def test_a_value_asked_by_many_threads_at_once_is_computed_once() -> None:
    kept: UntilNextWrite[str, int] = UntilNextWrite(_Store(), max_entries=10)
    computed: list[int] = []
    started = threading.Barrier(8)

    def slow() -> int:
        computed.append(1)
        time.sleep(0.2)
        return 42

    def ask() -> int:
        started.wait()
        return kept.get("count", slow)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: ask(), range(8)))
    assert answers == [42] * 8 and computed == [1]
