"""`atlas-ld update` against the stand-in site: a first update publishes everything, a second one after a change
and a removal publishes only those (all conditional), keeps the replaced version and withdraws the removed
project; a project that comes back is published again; pages harvested but not yet published are not lost."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
from support.atlas_site import EXAMPLE_IDS, AtlasSite, example_html
from support.cli import run

from atlas_ld.harvest.warc import archived_responses
from atlas_ld.store.datadir import DataDir
from atlas_ld.store.history import History
from atlas_ld.uris import DEFAULT_BASE_URI, UriScheme

OLD_TITLE = "Projet d'action internationale de Romans et de ses villes partenaires"
NEW_TITLE = "Projet d'action internationale de Romans, nouvelle version"
IDS = ",".join(str(i) for i in (*EXAMPLE_IDS, 3))
URIS = UriScheme(DEFAULT_BASE_URI)


def _update(site: AtlasSite, data: Path, *extra: str) -> str:
    code, output = run("update", "--store", str(data), "--site", site.url, "--rate", "50", "--ids", IDS, *extra)
    assert code == 0, output
    return output


def _titles(data: Path) -> set[str]:
    """Project titles in the published view (the union of the store's graphs)."""
    store = DataDir(data).open_store(read_only=True)
    found = store.query("SELECT ?t WHERE { ?p a <https://atlas.example.org/def/Project> ; "
                        "<http://purl.org/dc/terms/title> ?t }")
    return {row["t"].value for row in found}  # type: ignore[union-attr]


def _dump_text(data: Path) -> str:
    return gzip.decompress((DataDir(data).dumps / "atlas.nq.gz").read_bytes()).decode()


def test_update_publishes_changes_withdraws_the_gone_and_keeps_versions(site: AtlasSite, tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = _update(site, data)
    assert "5 records stored" in first
    assert OLD_TITLE in _titles(data)
    nquads_mtime_before = (DataDir(data).dumps / "atlas.nq.gz").stat().st_mtime_ns

    site.pages[12523] = site.pages[12523].replace(OLD_TITLE.encode(), NEW_TITLE.encode())
    del site.pages[15077]
    hits_before = len(site.page_hits())
    second = _update(site, data)

    asked = site.page_hits()[hits_before:]
    unchanged = [h for h in asked if h.prj_id in {6099, 15635, 16323}]
    assert unchanged and all("If-None-Match" in h.headers for h in unchanged)  # a second run is all conditional
    assert "1 record stored" in second and "1 project withdrawn" in second
    titles = _titles(data)
    assert NEW_TITLE in titles and OLD_TITLE not in titles
    store = DataDir(data).open_store(read_only=True)
    assert URIS.project_graph(15077) not in store.named_graphs()
    dump = _dump_text(data)
    assert NEW_TITLE in dump and OLD_TITLE not in dump and "/id/project/15077>" not in dump
    assert (DataDir(data).dumps / "atlas.nq.gz").stat().st_mtime_ns != nquads_mtime_before

    history = History(DataDir(data).history, read_only=True)
    changed = history.versions(12523)
    assert [v.withdrawn for v in changed] == [False, False] and changed[0].until == changed[1].since
    assert OLD_TITLE.encode() in history.graph(12523, 1)  # type: ignore[operator]
    gone = history.versions(15077)
    assert [v.withdrawn for v in gone] == [False, True] and gone[-1].current

    site.pages[15077] = example_html(15077)
    third = _update(site, data)
    assert "1 record stored" in third
    assert URIS.project_graph(15077) in DataDir(data).open_store(read_only=True).named_graphs()
    assert [v.withdrawn for v in history.versions(15077)] == [False, True, False]


def test_an_unchanged_site_changes_nothing(site: AtlasSite, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _update(site, data)
    again = _update(site, data)
    assert "new 0, changed 0, unchanged 5" in again and "0 pages read, 0 records stored" in again
    assert all(len(History(DataDir(data).history, read_only=True).versions(i)) == 1 for i in EXAMPLE_IDS)


def test_pages_harvested_but_not_published_go_in_with_the_next_update(site: AtlasSite, tmp_path: Path) -> None:
    """A harvest alone (or an update stopped after its harvest) leaves pages in the mirror: the next update,
    whose harvest gets only 304s, still publishes them."""
    data = tmp_path / "data"
    code, output = run("harvest", "--store", str(data), "--site", site.url, "--rate", "50", "--ids", IDS)
    assert code == 0, output
    second = _update(site, data)
    assert "5 records stored" in second
    assert OLD_TITLE in _titles(data)


def test_ingest_reads_the_mirror_and_its_warc_files_with_url_and_fetch_time(site: AtlasSite, tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, _ = run("harvest", "--store", str(data), "--site", site.url, "--rate", "50", "--ids", IDS)
    assert code == 0
    mirror = DataDir(data).harvest
    code, output = run("ingest", "--store", str(tmp_path / "from-mirror"), str(mirror), "--no-dumps")
    assert code == 0 and "5 records stored" in output, output

    store = DataDir(tmp_path / "from-mirror").open_store(read_only=True)
    source = ox.NamedNode(URIS.source_page(12523))
    (url,) = store.triples(subjects=[source], predicates=[ox.NamedNode("http://www.w3.org/ns/prov#hadPrimarySource")])
    assert url.object.value == f"{site.url}detailProjet.html?criteres.prjId=12523"
    fetched = store.triples(subjects=[source], predicates=[ox.NamedNode("http://www.w3.org/ns/prov#generatedAtTime")])
    assert len(fetched) == 1 and fetched[0].object.datatype.value.endswith("#dateTime")

    (warc,) = mirror.glob("*.warc.gz")
    cut = tmp_path / "cut.warc.gz"
    last_project = list(archived_responses(warc))[-2]  # harvested in id order: 16323, then the empty id 3
    cut.write_bytes(warc.read_bytes()[: last_project.offset + 100])
    code, output = run("ingest", "--store", str(tmp_path / "from-cut"), str(cut), "--no-dumps")
    assert code == 0, output
    flat = " ".join(output.split())
    assert f"{cut}: WARC record at offset {last_project.offset} is cut short" in flat
    assert "4 records stored" in flat  # the records before the one cut
