"""Memento (RFC 7089) and 410 Gone on a real server, over a data folder that the real ingest filled with the example
pages, then changed (a new title for one page, ingested later) and withdrawn from (another project): the TimeMaps,
the mementos, the TimeGate, the Link headers, the withdrawn project's 410, and a published view without history."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from lxml import html
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from support.liveserver import LiveServer, live_server
from werkzeug.http import http_date

from atlas_ld.bundled import examples_dir
from atlas_ld.ingest.pipeline import ingest
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.ingest.versions import withdraw
from atlas_ld.store.datadir import DataDir
from atlas_ld.store.history import History
from atlas_ld.uris import DEFAULT_BASE_URI, UriScheme

BASE = DEFAULT_BASE_URI
URIS = UriScheme(BASE)
CHANGED, WITHDRAWN, UNTOUCHED = 12523, 15077, 6099
OLD_TITLE = "Projet d'action internationale de Romans et de ses villes partenaires"
NEW_TITLE = "Projet d'action internationale de Romans, nouvelle version"
WITHDRAWN_TITLE = "La mobilité internationale des jeunes comme vecteur de rapprochement entre territoires"
FIRST = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
CHANGE = datetime(2024, 9, 1, 12, 0, 30, 500_000, tzinfo=UTC)  # a fraction of a second: HTTP dates have none
WITHDRAWAL = datetime(2025, 1, 15, 8, 0, tzinfo=UTC)
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
XSD_DATETIME = URIRef("http://www.w3.org/2001/XMLSchema#dateTime")
TIMEMAP_ENTRY = re.compile(r'<([^>]*)>((?:\s*;\s*[a-z]+="[^"]*")*)')


def _ingest(data: DataDir, pages: list[Path], at: datetime) -> None:
    store, history = data.open_store(), History(data.history)
    report = ingest(pages, store, URIS, RejectedRecords(data.rejected, base_uri=BASE), history=history, ingested_at=at)
    assert not report.rejected and not report.page_errors
    store.flush()
    del store
    history.close()


def changed_and_withdrawn(root: Path) -> DataDir:
    """All the example pages at FIRST; page 12523 with a new title at CHANGE; project 15077 withdrawn at WITHDRAWAL."""
    data = DataDir(root / "data")
    pages = root / "pages"
    pages.mkdir()
    for page in examples_dir().glob("*.txt"):
        shutil.copy(page, pages / page.name)
    _ingest(data, [pages], FIRST)
    changed = root / "changed" / f"{CHANGED}.txt"
    changed.parent.mkdir()
    text = (examples_dir() / f"{CHANGED}.txt").read_text(encoding="utf-8")
    assert text.count(OLD_TITLE) == 1
    changed.write_text(text.replace(OLD_TITLE, NEW_TITLE), encoding="utf-8")
    _ingest(data, [changed], CHANGE)
    store, history = data.open_store(), History(data.history)
    assert withdraw(store, history, URIS, [WITHDRAWN], WITHDRAWAL) == [WITHDRAWN]
    store.flush()
    del store
    history.close()
    return data


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(changed_and_withdrawn(tmp_path_factory.mktemp("memento")).root) as running:
        yield running


def get(server: LiveServer, path: str, **headers: str) -> httpx.Response:
    return httpx.get(server.url + path, headers=headers, follow_redirects=False)


def turtle(response: httpx.Response) -> Graph:
    assert response.headers["content-type"].startswith("text/turtle"), response.headers["content-type"]
    return Graph().parse(data=response.text, format="turtle")


def titles(graph: Graph, prj_id: int) -> set[str]:
    return {str(o) for o in graph.objects(URIRef(URIS.project(prj_id)), DCTERMS.title)}


def timemap(server: LiveServer, prj_id: int) -> list[tuple[str, dict[str, str]]]:
    """The TimeMap's links: (target, attributes)."""
    response = get(server, f"/timemap/project/{prj_id}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/link-format"
    return [
        (target, dict(re.findall(r'([a-z]+)="([^"]*)"', attributes)))
        for target, attributes in TIMEMAP_ENTRY.findall(response.text)
    ]


def links(response: httpx.Response) -> dict[str, str]:
    """rel → target of the Link header (each rel of a combined one)."""
    found = {}
    for target, rels in re.findall(r'<([^>]*)>[^,]*?rel="([^"]*)"', response.headers.get("link", "")):
        for rel in rels.split():
            found[rel] = target
    return found


def page_text(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("text/html")
    return " ".join(html.fromstring(response.text).text_content().split())


# -- the TimeMap ----------------------------------------------------------------------------------------------------


def test_the_timemap_of_a_changed_project_lists_both_versions(server: LiveServer) -> None:
    entries = timemap(server, CHANGED)
    rels = {attributes["rel"]: (target, attributes) for target, attributes in entries}
    assert rels["original"][0] == URIS.project(CHANGED)
    assert rels["timegate"][0] == URIS.project(CHANGED)
    self_target, self_attributes = rels["self"]
    assert self_target == f"/timemap/project/{CHANGED}"
    assert (self_attributes["from"], self_attributes["until"]) == (http_date(FIRST), http_date(CHANGE))
    mementos = [(target, a["rel"], a["datetime"]) for target, a in entries if "memento" in a["rel"].split()]
    assert mementos == [
        (f"/history/project/{CHANGED}/1", "first memento", http_date(FIRST)),
        (f"/history/project/{CHANGED}/2", "last memento", http_date(CHANGE)),
    ]


def test_a_withdrawal_is_no_memento(server: LiveServer) -> None:
    mementos = [(target, a["rel"]) for target, a in timemap(server, WITHDRAWN) if "memento" in a["rel"]]
    assert mementos == [(f"/history/project/{WITHDRAWN}/1", "first last memento")]


def test_no_timemap_without_history(server: LiveServer) -> None:
    assert get(server, "/timemap/project/1").status_code == 404
    assert get(server, "/timemap/project/99999999999999999999").status_code == 404


# -- mementos -------------------------------------------------------------------------------------------------------


def test_the_first_memento_has_the_old_title_and_the_data_the_new_one(server: LiveServer) -> None:
    old = get(server, f"/history/project/{CHANGED}/1.ttl")
    assert old.status_code == 200
    assert titles(turtle(old), CHANGED) == {OLD_TITLE}
    assert old.headers["memento-datetime"] == http_date(FIRST)
    assert links(old)["original"] == links(old)["timegate"] == URIS.project(CHANGED)
    assert links(old)["timemap"] == f"/timemap/project/{CHANGED}"
    current = get(server, f"/data/project/{CHANGED}.ttl")
    assert titles(turtle(current), CHANGED) == {NEW_TITLE}
    in_force = get(server, f"/history/project/{CHANGED}/2.ttl")
    assert titles(turtle(in_force), CHANGED) == {NEW_TITLE}
    assert in_force.headers["memento-datetime"] == http_date(CHANGE)


def test_a_memento_is_negotiated_and_conditional(server: LiveServer) -> None:
    negotiated = get(server, f"/history/project/{CHANGED}/1", accept="application/n-triples")
    assert negotiated.headers["content-type"].startswith("application/n-triples")
    assert OLD_TITLE in negotiated.text
    assert "accept" in negotiated.headers["vary"].lower()
    again = get(server, f"/history/project/{CHANGED}/1", accept="application/n-triples",
                **{"if-none-match": negotiated.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["memento-datetime"] == http_date(FIRST)
    assert get(server, f"/history/project/{CHANGED}/1.csv").status_code == 406


def test_the_memento_page_has_a_banner_and_the_old_content(server: LiveServer) -> None:
    response = get(server, f"/history/project/{CHANGED}/1", accept=BROWSER)
    assert response.status_code == 200
    doc = html.fromstring(response.text)
    assert " ".join(doc.xpath("//h1")[0].text_content().split()) == OLD_TITLE
    banner = " ".join(doc.xpath("//aside[@class='memento']")[0].text_content().split())
    assert "Version du 1 mai 2024 à 12:00 UTC, remplacée le 1 septembre 2024 à 12:00 UTC" in banner
    hrefs = doc.xpath("//aside[@class='memento']//a/@href")
    assert f"/page/project/{CHANGED}" in hrefs and f"/timemap/project/{CHANGED}" in hrefs
    assert f"/history/project/{CHANGED}/2" in hrefs  # the next version
    assert f"/history/project/{CHANGED}/1.ttl" in doc.xpath("//link[@rel='alternate']/@href")
    assert response.headers["memento-datetime"] == http_date(FIRST)
    current = page_text(get(server, f"/history/project/{CHANGED}/2", accept=BROWSER))
    assert "version en vigueur" in current and NEW_TITLE in current


def test_the_last_version_of_a_withdrawn_project_says_so(server: LiveServer) -> None:
    text = page_text(get(server, f"/history/project/{WITHDRAWN}/1", accept=BROWSER))
    assert WITHDRAWN_TITLE in text and "retirée de l'Atlas le 15 janvier 2025 à 08:00 UTC" in text


@pytest.mark.parametrize(
    "path", [f"/history/project/{CHANGED}/3", f"/history/project/{WITHDRAWN}/2.ttl", "/history/project/1/1"]
)
def test_unknown_versions_and_withdrawals_are_404(server: LiveServer, path: str) -> None:
    assert get(server, path).status_code == 404
    assert get(server, path, accept=BROWSER).status_code == 404


# -- TimeGate -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "number"),
    [
        ("Mon, 01 Jan 2018 00:00:00 GMT", 1),  # before the first version: the first
        ("Sat, 01 Jun 2024 00:00:00 GMT", 1),
        (http_date(CHANGE), 2),  # a memento's own Memento-Datetime gives that memento
        ("Sun, 01 Jun 2025 00:00:00 GMT", 2),
    ],
)
def test_accept_datetime_finds_the_version_in_force(server: LiveServer, when: str, number: int) -> None:
    original = get(server, f"/id/project/{CHANGED}", accept="text/turtle", **{"accept-datetime": when})
    assert original.status_code == 302
    assert original.headers["location"] == f"/history/project/{CHANGED}/{number}.ttl"
    vary = {v.strip().lower() for v in original.headers["vary"].split(",")}
    assert {"accept", "accept-datetime"} <= vary
    assert links(original)["timemap"] == f"/timemap/project/{CHANGED}"
    assert links(original)["original"] == URIS.project(CHANGED)
    data = get(server, f"/data/project/{CHANGED}.nt", **{"accept-datetime": when})
    assert (data.status_code, data.headers["location"]) == (302, f"/history/project/{CHANGED}/{number}.nt")
    assert "accept-datetime" in data.headers["vary"].lower()
    for path in (f"/page/project/{CHANGED}", f"/id/project/{CHANGED}"):
        page = get(server, path, accept=BROWSER, **{"accept-datetime": when})
        assert (page.status_code, page.headers["location"]) == (302, f"/history/project/{CHANGED}/{number}")


def test_following_the_timegate_gives_the_old_title(server: LiveServer) -> None:
    response = httpx.get(server.url + f"/id/project/{CHANGED}", follow_redirects=True,
                         headers={"accept": "text/turtle", "accept-datetime": "Sat, 01 Jun 2024 00:00:00 GMT"})
    assert titles(turtle(response), CHANGED) == {OLD_TITLE}


@pytest.mark.parametrize("when", ["yesterday", "2024-06-01T00:00:00Z", ""])
def test_a_malformed_accept_datetime_is_400(server: LiveServer, when: str) -> None:
    for path in (f"/id/project/{CHANGED}", f"/data/project/{CHANGED}.ttl", f"/page/project/{CHANGED}"):
        response = get(server, path, **{"accept-datetime": when})
        assert response.status_code == 400, path
        assert "Accept-Datetime" in response.text and "HTTP date" in response.text


def test_without_accept_datetime_nothing_changes(server: LiveServer) -> None:
    response = get(server, f"/id/project/{CHANGED}", accept="text/turtle")
    assert (response.status_code, response.headers["location"]) == (303, f"/data/project/{CHANGED}.ttl")
    browser = get(server, f"/id/project/{CHANGED}", accept=BROWSER)
    assert (browser.status_code, browser.headers["location"]) == (303, f"/page/project/{CHANGED}")


# -- Link rel="timemap" ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("prj_id", [CHANGED, UNTOUCHED])
def test_a_project_with_history_links_its_timemap(server: LiveServer, prj_id: int) -> None:
    for path, status in ((f"/id/project/{prj_id}", 303), (f"/data/project/{prj_id}.ttl", 200),
                         (f"/page/project/{prj_id}", 200)):
        response = get(server, path)
        assert response.status_code == status, path
        assert links(response)["timemap"] == f"/timemap/project/{prj_id}", path
        assert 'type="application/link-format"' in response.headers["link"]
        assert links(response)["timegate"] == URIS.project(prj_id)
        assert "accept-datetime" in response.headers["vary"].lower()
    data = get(server, f"/data/project/{prj_id}.ttl")
    assert links(data)["alternate"]  # the other formats are still linked
    assert get(server, f"/data/project/{prj_id}.ttl", **{"if-none-match": data.headers["etag"]}).status_code == 304


def test_other_things_are_left_alone(server: LiveServer) -> None:
    response = get(server, "/id/post/ambassade-de-france-a-tunis", **{"accept-datetime": "nonsense"})
    assert response.status_code == 303 and "timemap" not in response.headers.get("link", "")
    assert get(server, "/id/project/1").status_code == 404


# -- a withdrawn project ----------------------------------------------------------------------------------------------


def test_a_withdrawn_project_is_gone_in_rdf(server: LiveServer) -> None:
    response = get(server, f"/id/project/{WITHDRAWN}", accept="text/turtle")
    assert response.status_code == 410
    graph = turtle(response)
    project, memento = URIRef(URIS.project(WITHDRAWN)), URIRef(f"{BASE}history/project/{WITHDRAWN}/1")
    assert (project, PROV.invalidatedAtTime, Literal(WITHDRAWAL, datatype=XSD_DATETIME)) in graph
    assert (memento, PROV.specializationOf, project) in graph
    assert (memento, PROV.generatedAtTime, Literal(FIRST, datatype=XSD_DATETIME)) in graph
    assert links(response)["timemap"] == f"/timemap/project/{WITHDRAWN}"


def test_a_withdrawn_project_is_gone_in_html(server: LiveServer) -> None:
    for path in (f"/id/project/{WITHDRAWN}", f"/page/project/{WITHDRAWN}"):
        response = get(server, path, accept=BROWSER)
        assert response.status_code == 410, path
        doc = html.fromstring(response.text)
        text = " ".join(doc.text_content().split())
        assert "retiré de l'Atlas le 15 janvier 2025 à 08:00 UTC" in text and WITHDRAWN_TITLE in text
        assert f"/history/project/{WITHDRAWN}/1" in doc.xpath("//a/@href")
        assert links(response)["timemap"] == f"/timemap/project/{WITHDRAWN}"


def test_a_withdrawn_projects_data_is_gone(server: LiveServer) -> None:
    response = get(server, f"/data/project/{WITHDRAWN}.ttl")
    assert response.status_code == 410
    assert (URIRef(URIS.project(WITHDRAWN)), PROV.invalidatedAtTime, None) in turtle(response)
    jsonld = get(server, f"/data/project/{WITHDRAWN}.jsonld")
    assert (jsonld.status_code, jsonld.headers["content-type"]) == (410, "application/ld+json")


def test_a_withdrawn_projects_timegate_still_answers(server: LiveServer) -> None:
    response = get(server, f"/id/project/{WITHDRAWN}", accept="text/turtle",
                   **{"accept-datetime": "Sun, 01 Jun 2025 00:00:00 GMT"})
    assert (response.status_code, response.headers["location"]) == (302, f"/history/project/{WITHDRAWN}/1.ttl")


# -- the published view ---------------------------------------------------------------------------------------------


def sparql(server: LiveServer, query: str) -> dict[str, object]:
    response = httpx.get(server.url + "/sparql", params={"query": query},
                         headers={"accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_the_sparql_endpoint_sees_no_history(server: LiveServer) -> None:
    old = sparql(server, f'ASK {{ GRAPH ?g {{ ?s ?p ?o FILTER(STR(?o) = "{OLD_TITLE}") }} }}')
    assert old["boolean"] is False
    new = sparql(server, f'ASK {{ ?s ?p ?o FILTER(STR(?o) = "{NEW_TITLE}") }}')
    assert new["boolean"] is True
    projects = sparql(server, f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a <{BASE}def/Project> }}")
    assert projects["results"]["bindings"][0]["n"]["value"] == "4"  # type: ignore[index]
    withdrawn = sparql(server, f"ASK {{ <{URIS.project(WITHDRAWN)}> ?p ?o }}")
    assert withdrawn["boolean"] is False
    # ...while its memento keeps the old title.
    assert titles(turtle(get(server, f"/history/project/{CHANGED}/1.ttl")), CHANGED) == {OLD_TITLE}


def test_memento_headers_are_readable_across_origins(server: LiveServer) -> None:
    response = get(server, f"/history/project/{CHANGED}/1.ttl", origin="https://example.org")
    assert "memento-datetime" in response.headers["access-control-expose-headers"].lower()


def test_openapi_describes_the_memento_routes(server: LiveServer) -> None:
    paths = get(server, "/openapi.json").json()["paths"]
    assert "200" in paths["/timemap/project/{prj_id}"]["get"]["responses"]
    assert "/history/project/{prj_id}/{number}" in paths and "/history/project/{prj_id}/{number}.{ext}" in paths
    assert {"302", "400", "410"} <= set(paths["/id/{key}"]["get"]["responses"])


# -- a project that comes back --------------------------------------------------------------------------------------


def test_a_withdrawn_project_that_comes_back_is_served_again(tmp_path: Path) -> None:
    data = changed_and_withdrawn(tmp_path)
    with live_server(data.root) as running:
        assert get(running, f"/id/project/{WITHDRAWN}").status_code == 410
        back = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
        _ingest(data, [examples_dir() / f"{WITHDRAWN}.txt"], back)  # while the server runs
        response = get(running, f"/id/project/{WITHDRAWN}", accept="text/turtle")
        assert (response.status_code, response.headers["location"]) == (303, f"/data/project/{WITHDRAWN}.ttl")
        assert titles(turtle(get(running, f"/data/project/{WITHDRAWN}.ttl")), WITHDRAWN) == {WITHDRAWN_TITLE}
        assert get(running, f"/page/project/{WITHDRAWN}").status_code == 200
        mementos = [(t, a["datetime"]) for t, a in timemap(running, WITHDRAWN) if "memento" in a["rel"]]
        assert mementos == [(f"/history/project/{WITHDRAWN}/1", http_date(FIRST)),
                            (f"/history/project/{WITHDRAWN}/3", http_date(back))]
        between = get(running, f"/id/project/{WITHDRAWN}", accept="text/turtle",
                      **{"accept-datetime": "Sat, 01 Feb 2025 00:00:00 GMT"})
        assert between.headers["location"] == f"/history/project/{WITHDRAWN}/1.ttl"
