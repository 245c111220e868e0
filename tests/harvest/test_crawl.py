"""The crawler against a real HTTP server: what it keeps, how politely it asks, what it does with faults."""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from support.atlas_site import EXAMPLE_IDS, AtlasSite
from warcio.archiveiterator import ArchiveIterator

from atlas_ld.harvest import HarvestReport, harvest, mirrored_pages

IDS = (*EXAMPLE_IDS, 2, 3)  # 2 is unknown (404), 3 is the page template without a project
AGENT = "atlas-ld/test (+https://example.org/contact)"


def _run(site: AtlasSite, mirror: Path, ids: tuple[int, ...] = IDS, rate: float = 20) -> HarvestReport:
    return harvest(ids, mirror, site=site.url, rate=rate, user_agent=AGENT, backoff=0.05)


def _records(mirror: Path) -> list[tuple[str, str, bytes]]:
    """(type, target URI, payload) of every record of every WARC file, as warcio reads them."""
    found = []
    for path in sorted(mirror.glob("*.warc.gz")):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                found.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"),
                              record.content_stream().read()))
    return found


def test_pages_are_kept_in_warc_and_read_back(site: AtlasSite, tmp_path: Path) -> None:
    report = _run(site, tmp_path)
    assert (report.new, report.no_project, report.failed, report.fetched) == (5, 2, [], 7)
    assert {h.headers["User-Agent"] for h in site.hits} == {AGENT}
    assert site.hits[0].path == "/robots.txt"
    records = _records(tmp_path)
    assert [kind for kind, _, _ in records] == ["response", "request"] * 7
    with next(tmp_path.glob("*.warc.gz")).open("rb") as handle:
        first = next(r for r in ArchiveIterator(handle) if r.rec_type == "response")
        assert first.rec_headers.get_header("WARC-Payload-Digest").startswith("sha1:")
        assert first.rec_headers.get_header("WARC-Date")
    pages = list(mirrored_pages(tmp_path))
    assert [p[0] for p in pages] == sorted(EXAMPLE_IDS)
    for prj_id, url, _, body in pages:
        assert url.endswith(f"detailProjet.html?criteres.prjId={prj_id}")
        assert body == site.pages[prj_id]


def test_the_rate_is_never_exceeded(site: AtlasSite, tmp_path: Path) -> None:
    """The crawler runs as `atlas-ld harvest` in a process of its own, so that the server's clock, in this one,
    does not wait for the crawler's threads to let go of the interpreter."""
    ids = ",".join(map(str, IDS))
    command = [sys.executable, "-m", "atlas_ld", "harvest", "--store", str(tmp_path), "--site", site.url,
               "--rate", "10", "--ids", ids]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    times = [h.at for h in site.hits]
    assert len(times) == 8
    # Every gap near the interval, and all of them together at least the intervals they add up to: a late
    # arrival at the server can shorten the gap after it, never the span.
    assert min(b - a for a, b in pairwise(times)) >= 0.1 / 2
    assert times[-1] - times[0] >= 7 * 0.1 - 0.02


def test_robots_txt_is_obeyed(site: AtlasSite, tmp_path: Path) -> None:
    site.robots = "User-agent: *\nDisallow: /cncdext/dyn/public/atlas/detailProjet.html?criteres.prjId=15077\nCrawl-delay: 1\n"
    report = _run(site, tmp_path, ids=(12523, 15077, 16323), rate=20)
    assert (report.refused, report.new) == (1, 2)
    assert site.page_hits(15077) == []
    times = [h.at for h in site.hits]
    assert min(b - a for a, b in pairwise(times)) >= 0.9
    assert times[-1] - times[0] >= 2 * 1 - 0.02


def test_503_and_429_are_retried_and_retry_after_honoured(site: AtlasSite, tmp_path: Path) -> None:
    site.faults = {6099: ["503"], 15077: ["429:1"]}
    report = _run(site, tmp_path, ids=(6099, 15077))
    assert (report.new, report.failed) == (2, [])
    asked = site.page_hits(15077)
    assert [h.status for h in asked] == [429, 200]
    assert asked[1].at - asked[0].at >= 1 - 0.02
    assert [h.status for h in site.page_hits(6099)] == [503, 200]
    assert [kind for kind, _, _ in _records(tmp_path)] == ["response", "request"] * 2


def test_a_page_that_keeps_failing_is_reported_and_the_run_goes_on(site: AtlasSite, tmp_path: Path) -> None:
    site.faults = {12523: ["503"] * 4}
    report = _run(site, tmp_path, ids=(12523, 16323))
    assert report.new == 1
    assert report.failed == [(12523, "HTTP 503 Service Unavailable (4 tries)")]
    assert "12523: HTTP 503" in report.summary()


def test_a_body_cut_short_is_retried_and_never_kept(site: AtlasSite, tmp_path: Path) -> None:
    site.faults = {12523: ["cut"]}
    report = _run(site, tmp_path, ids=(12523,))
    assert (report.new, report.failed) == (1, [])
    assert len(site.page_hits(12523)) == 2
    bodies = [payload for kind, _, payload in _records(tmp_path) if kind == "response"]
    assert bodies == [site.pages[12523]]


def test_a_second_run_is_conditional_and_writes_nothing(site: AtlasSite, tmp_path: Path) -> None:
    _run(site, tmp_path)
    warcs = {p: p.read_bytes() for p in tmp_path.glob("*.warc.gz")}
    site.hits.clear()
    report = _run(site, tmp_path)
    assert (report.unchanged, report.no_project, report.new, report.changed) == (5, 2, 0, 0)
    for prj_id in EXAMPLE_IDS:
        (hit,) = site.page_hits(prj_id)
        assert (hit.status, "If-None-Match" in hit.headers, "If-Modified-Since" in hit.headers) == (304, True, True)
    assert {p: p.read_bytes() for p in tmp_path.glob("*.warc.gz")} == warcs


def test_a_changed_page_is_kept_again(site: AtlasSite, tmp_path: Path) -> None:
    _run(site, tmp_path, ids=(12523,))
    site.pages[12523] = site.pages[12523].replace(b"Romans", b"Romans-sur-Is\xc3\xa8re")
    report = _run(site, tmp_path, ids=(12523,))
    assert report.changed == 1
    ((_, _, _, body),) = mirrored_pages(tmp_path)
    assert hashlib.sha256(body).digest() == hashlib.sha256(site.pages[12523]).digest()


def test_a_torn_warc_tail_is_cut_back_to_its_last_whole_record(site: AtlasSite, tmp_path: Path) -> None:
    _run(site, tmp_path, ids=(12523, 16323))
    (warc,) = tmp_path.glob("*.warc.gz")
    whole = warc.read_bytes()
    torn = gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n\r\n") + gzip.compress(os.urandom(4000))[:1000]
    warc.write_bytes(whole + torn)
    _run(site, tmp_path, ids=(16323,))
    assert warc.read_bytes() == whole
    assert len(_records(tmp_path)) == 4


@pytest.mark.parametrize("missing", [2, 3])
def test_no_project_is_not_an_error_and_makes_no_page(site: AtlasSite, tmp_path: Path, missing: int) -> None:
    report = _run(site, tmp_path, ids=(missing,))
    assert (report.no_project, report.failed) == (1, [])
    assert list(mirrored_pages(tmp_path)) == []
