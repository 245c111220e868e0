"""`--no-personal-data`: no person's name and no `mailto:` left in the store, the dumps, the pages or the endpoint,
including those an earlier ingest had stored. The names come from the example pages, read by the parser."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support.liveserver import LiveServer, live_server
from typer.testing import CliRunner

from atlas_ld.bundled import examples_dir
from atlas_ld.cli import app
from atlas_ld.parse import read_page
from atlas_ld.store.datadir import DataDir
from atlas_ld.uris import slugify

BASE = "https://atlas.example.org/"
runner = CliRunner()


def persons_on_the_example_pages() -> tuple[set[str], set[str]]:
    """Names and e-mail addresses of the persons the example pages list: embassy staff, contacts, volunteers."""
    names: set[str] = set()
    emails: set[str] = set()
    for page in sorted(examples_dir().glob("*.txt")):
        record = read_page(page)
        for post in record.posts:
            names |= {c.name for c in post.contacts if c.name}
            emails |= {c.email for c in post.contacts if c.email}
        for contact in record.partner_contacts:
            names |= {n for n in (contact.family_name, contact.given_name) if n}
            emails |= {contact.email} if contact.email else set()
        for volunteer in record.volunteers:
            names |= {n for n in (volunteer.family_name, volunteer.given_name) if n}
    return names, emails


NAMES, EMAILS = persons_on_the_example_pages()


def ingest(data: Path, *flags: str) -> None:
    result = runner.invoke(app, ["ingest", "--store", str(data), "--base-uri", BASE, "--examples", *flags])
    assert result.exit_code == 0, result.output


def dumps_text(data: Path) -> str:
    files = sorted(DataDir(data).dumps.glob("*.gz"))
    assert len(files) >= 4
    return "\n".join(gzip.decompress(f.read_bytes()).decode() for f in files)


def _word(text: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])")


def leaks(text: str) -> list[str]:
    """What of the persons `text` shows: names as written or as slugs in IRIs, addresses, any mailto: IRI."""
    found = [name for name in NAMES if _word(name).search(text) or _word(slugify(name)).search(text)]
    found += [email for email in EMAILS if email in text]
    return found + (["mailto:"] if "mailto:" in text else [])


def test_the_example_pages_name_persons() -> None:
    # Page 12523: the two contacts of the embassy in Tunis, and El Jem's contact.
    assert {"Pierre-Yves SONALET", "Valéry FRELAND", "AKROUT", "Ali"} <= NAMES
    assert {"pierre-yves.sonalet@diplomatie.gouv.fr", "valery.freland@diplomatie.gouv.fr", "ali.eljem@yahoo.fr"} <= EMAILS


@pytest.fixture(scope="module")
def withheld(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A data folder ingested with persons, then again with --no-personal-data; its dumps before the second run."""
    data = tmp_path_factory.mktemp("personal") / "atlas-data"
    ingest(data)
    before = dumps_text(data)
    ingest(data, "--no-personal-data")
    yield data, before


def test_persons_were_published_before(withheld: tuple[Path, str]) -> None:
    _, before = withheld
    assert "mailto:" in before
    assert leaks(before)


def test_no_person_is_left_in_the_dumps(withheld: tuple[Path, str]) -> None:
    data, _ = withheld
    assert leaks(dumps_text(data)) == []


@pytest.fixture(scope="module")
def server(withheld: tuple[Path, str]) -> Iterator[LiveServer]:
    data, _ = withheld
    with live_server(data, base_uri=BASE) as running:
        yield running


def test_no_person_is_left_in_the_endpoint(server: LiveServer) -> None:
    everything = httpx.get(
        server.url + "/sparql",
        params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/n-triples"},
    )
    assert everything.status_code == 200
    assert "/id/project/12523" in everything.text
    assert leaks(everything.text) == []
    persons = httpx.get(
        server.url + "/sparql",
        params={"query": "ASK { { ?x a <http://xmlns.com/foaf/0.1/Person> } UNION { ?x a <http://www.w3.org/ns/org#Membership> } }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert persons.json()["boolean"] is False


def test_no_person_is_left_in_the_pages_and_descriptions(server: LiveServer) -> None:
    rows = httpx.get(
        server.url + "/sparql",
        params={"query": "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?s), '" + BASE + "id/')) }"},
        headers={"Accept": "application/sparql-results+json"},
    ).json()["results"]["bindings"]
    resources = [row["s"]["value"].removeprefix(BASE + "id/") for row in rows]
    assert "project/12523" in resources and any(r.startswith("post/") for r in resources)
    shown = [httpx.get(server.url + "/").text]
    for key in resources:
        page = httpx.get(f"{server.url}/page/{key}")
        data = httpx.get(f"{server.url}/data/{key}.ttl")
        assert page.status_code == data.status_code == 200, key
        shown += [page.text, data.text]
    assert leaks("\n".join(shown)) == []
