"""/dumps/: the gzipped dumps of the example pages' store, listed and served by a real server; files, sizes,
validators, conditional requests, HEAD, and what changes after a new ingest."""

from __future__ import annotations

import gzip
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Namespace, URIRef
from support.liveserver import LiveServer, live_server
from support.published_data import (
    BASE,
    DISTINCT_TRIPLES,
    EXAMPLE_PAGES,
    count,
    ingest_and_dump,
    read_store,
)

from atlas_ld.publish.dumps import PUBLISHED, current_dumps, write_dumps
from atlas_ld.settings import Settings
from atlas_ld.store.datadir import DataDir
from atlas_ld.web.app import create_app

DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
FILES = ["atlas.ttl.gz", "atlas.nt.gz", "atlas.nq.gz", "atlas.jsonld.gz"]
FORMATS = {
    "atlas.ttl.gz": ox.RdfFormat.TURTLE,
    "atlas.nt.gz": ox.RdfFormat.N_TRIPLES,
    "atlas.nq.gz": ox.RdfFormat.N_QUADS,
    "atlas.jsonld.gz": ox.RdfFormat.JSON_LD,
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dumps") / "atlas-data"
    report = ingest_and_dump(root, EXAMPLE_PAGES)
    assert report.records_stored == len(EXAMPLE_PAGES)
    return root


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[LiveServer]:
    with live_server(data_dir) as live:
        yield live


def loaded(body: bytes, rdf_format: ox.RdfFormat) -> ox.Store:
    """A dump read back: quads keep their graphs; a triple format's union lands in the default graph once."""
    store = ox.Store()
    store.load(gzip.decompress(body), rdf_format)
    return store


def test_write_dumps_makes_the_four_published_files(data_dir: Path) -> None:
    dumps_dir = DataDir(data_dir).dumps
    assert sorted(p.name for p in dumps_dir.iterdir()) == sorted([*FILES, ".parts"])  # the cached parts, hidden
    assert [d.format.file_name for d in current_dumps(dumps_dir)] == FILES
    for file_name in FILES:
        assert (dumps_dir / file_name).read_bytes()[:2] == b"\x1f\x8b", f"{file_name} is not gzip"


@pytest.mark.parametrize("file_name", FILES)
def test_dump_is_served_whole_with_its_size_and_validators(server: LiveServer, data_dir: Path, file_name: str) -> None:
    path = DataDir(data_dir).dumps / file_name
    response = httpx.get(f"{server.url}/dumps/{file_name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/gzip"
    assert "content-encoding" not in response.headers  # the file is the gzip, not a compressed transfer
    assert int(response.headers["content-length"]) == path.stat().st_size
    assert response.content == path.read_bytes()
    assert response.headers["content-disposition"] == f'attachment; filename="{file_name}"'
    etag = response.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = httpx.get(f"{server.url}/dumps/{file_name}")
    assert again.headers["etag"] == etag
    assert again.headers["last-modified"] == response.headers["last-modified"]


@pytest.mark.parametrize("file_name", FILES)
def test_dump_parses_back_into_the_store_s_triples(server: LiveServer, data_dir: Path, file_name: str) -> None:
    body = httpx.get(f"{server.url}/dumps/{file_name}").content
    dump = loaded(body, FORMATS[file_name])
    store = read_store(data_dir)
    if FORMATS[file_name].supports_datasets:
        assert len(dump) == len(store)  # every quad, in its named graph
        assert {g.value for g in dump.named_graphs()} == {g.value for g in store.named_graphs()}  # type: ignore[union-attr]
    else:
        assert len(dump) == count(store, DISTINCT_TRIPLES)
    project = ox.NamedNode(BASE + "id/project/12523")
    assert any(True for _ in dump.quads_for_pattern(project, None, None, None))


def test_conditional_requests_get_304(server: LiveServer) -> None:
    url = f"{server.url}/dumps/atlas.ttl.gz"
    first = httpx.get(url)
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    by_tag = httpx.get(url, headers={"If-None-Match": etag})
    assert by_tag.status_code == 304 and by_tag.content == b""
    assert by_tag.headers["etag"] == etag
    assert httpx.get(url, headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert httpx.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert httpx.get(url, headers={"If-None-Match": '"not-this-one"'}).status_code == 200
    assert httpx.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110): a stale tag gets the file even with a current date.
    both = httpx.get(url, headers={"If-None-Match": '"stale"', "If-Modified-Since": last_modified})
    assert both.status_code == 200


def test_head_gives_the_headers_of_get_without_the_body(server: LiveServer, data_dir: Path) -> None:
    url = f"{server.url}/dumps/atlas.nq.gz"
    head = httpx.head(url)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == (DataDir(data_dir).dumps / "atlas.nq.gz").stat().st_size
    assert head.headers["etag"] == httpx.get(url).headers["etag"]


def test_a_range_resumes_a_download(server: LiveServer, data_dir: Path) -> None:
    whole = (DataDir(data_dir).dumps / "atlas.nt.gz").read_bytes()
    part = httpx.get(f"{server.url}/dumps/atlas.nt.gz", headers={"Range": "bytes=10-"})
    assert part.status_code == 206
    assert part.content == whole[10:]


def test_unknown_dump_is_404(server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/dumps/atlas.csv.gz")
    assert response.status_code == 404
    assert "atlas.csv.gz" in response.text


def test_index_as_json_lists_every_dump(server: LiveServer, data_dir: Path) -> None:
    response = httpx.get(f"{server.url}/dumps/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    listed = response.json()["dumps"]
    assert [d["file"] for d in listed] == FILES
    for entry in listed:
        assert entry["size"] == (DataDir(data_dir).dumps / entry["file"]).stat().st_size
        assert entry["url"] == f"{server.url}/dumps/{entry['file']}"
        assert httpx.head(entry["url"]).headers["etag"] == entry["etag"]
    assert {d["media_type"] for d in listed} == {
        "text/turtle", "application/n-triples", "application/n-quads", "application/ld+json"
    }


def test_index_for_a_browser_links_each_file(server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/dumps/", headers={"Accept": "text/html,application/xhtml+xml;q=0.9"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for file_name in FILES:
        assert f'href="{server.url}/dumps/{file_name}"' in response.text
    assert f'href="{server.url}/.well-known/void"' in response.text


def test_index_in_rdf_gives_dcat_distributions(server: LiveServer, data_dir: Path) -> None:
    response = httpx.get(f"{server.url}/dumps/", headers={"Accept": "text/turtle"})
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    downloads = {str(o): s for s, o in graph.subject_objects(DCAT.downloadURL)}
    assert set(downloads) == {f"{server.url}/dumps/{f}" for f in FILES}
    for url, distribution in downloads.items():
        size = graph.value(distribution, DCAT.byteSize)
        assert size.datatype == XSD.nonNegativeInteger
        assert int(size) == (DataDir(data_dir).dumps / url.rsplit("/", 1)[1]).stat().st_size


def test_index_is_conditional_too(server: LiveServer) -> None:
    first = httpx.get(f"{server.url}/dumps/", headers={"Accept": "application/json"})
    assert "Accept" in first.headers["vary"].split(", ")
    again = httpx.get(f"{server.url}/dumps/", headers={"Accept": "application/json", "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    other = httpx.get(f"{server.url}/dumps/", headers={"Accept": "text/turtle", "If-None-Match": first.headers["etag"]})
    assert other.status_code == 200  # another representation, another tag


def test_a_new_ingest_changes_the_dumps_and_their_validators(tmp_path: Path) -> None:
    root = tmp_path / "atlas-data"
    ingest_and_dump(root, EXAMPLE_PAGES[:2])
    with live_server(root) as server:
        before = {f: httpx.get(f"{server.url}/dumps/{f}") for f in FILES}
        time.sleep(1.1)  # Last-Modified counts whole seconds
        added = tmp_path / "pages"
        added.mkdir()
        for page in EXAMPLE_PAGES[2:]:
            shutil.copy(page, added / page.name)
        ingest_and_dump(root, [added])
        for file_name, old in before.items():
            new = httpx.get(f"{server.url}/dumps/{file_name}")
            assert new.status_code == 200
            assert new.content != old.content
            assert new.headers["etag"] != old.headers["etag"]
            assert new.headers["last-modified"] != old.headers["last-modified"]
            assert int(new.headers["content-length"]) == len(new.content) > len(old.content)
            assert httpx.get(f"{server.url}/dumps/{file_name}", headers={"If-None-Match": old.headers["etag"]}).status_code == 200
        projects = loaded(httpx.get(f"{server.url}/dumps/atlas.nq.gz").content, ox.RdfFormat.N_QUADS)
        graphs = {g.value for g in projects.named_graphs() if "/graph/project/" in g.value}  # type: ignore[union-attr]
        assert graphs == {f"{BASE}graph/project/{p.stem}" for p in EXAMPLE_PAGES}


def test_a_dump_not_made_yet_is_404_and_the_index_says_so(tmp_path: Path) -> None:
    store = DataDir(tmp_path).open_store()
    client = TestClient(create_app(Settings(store=tmp_path, base_uri=BASE), store))
    assert client.get("/dumps/atlas.ttl.gz").status_code == 404
    assert client.get("/dumps/", headers={"Accept": "application/json"}).json()["dumps"] == []
    write_dumps(store, DataDir(tmp_path).dumps)
    assert client.get("/dumps/atlas.ttl.gz").status_code == 200
    assert [d.format for d in current_dumps(DataDir(tmp_path).dumps)] == list(PUBLISHED)


def test_published_formats_name_their_registered_identifiers() -> None:
    by_file = {f.file_name: f for f in PUBLISHED}
    assert by_file["atlas.nq.gz"].iana_media_type == "http://www.iana.org/assignments/media-types/application/n-quads"
    assert by_file["atlas.jsonld.gz"].eu_file_type == "http://publications.europa.eu/resource/authority/file-type/JSON_LD"
    assert URIRef(by_file["atlas.ttl.gz"].w3c_format) == URIRef("http://www.w3.org/ns/formats/Turtle")
    assert [f.with_graphs for f in PUBLISHED] == [False, False, True, True]
