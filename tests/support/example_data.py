"""Data folders filled by the real ingest (parser, mapping, SHACL, store) from the bundled example pages, for the
server tests, and a hostile page made from the whole example page 12523."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from atlas_ld.bundled import examples_dir
from atlas_ld.ingest.pipeline import ingest
from atlas_ld.ingest.rejected import RejectedRecords
from atlas_ld.settings import Settings
from atlas_ld.store.base import GraphStore
from atlas_ld.store.datadir import DataDir
from atlas_ld.uris import UriScheme
from support.backends import backend_store

BASE = "https://atlas.example.org/"
EXAMPLE_IDS = (6099, 12523, 15077, 15635, 16323)

HOSTILE_ID = 99001
HOSTILE_TITLE = '<script>alert(1)</script> "><img src=x onerror=alert(1)> Romans'
HOSTILE_CONTEXT = "</script><script>alert(2)</script> Ville moyenne française"


def hostile_page() -> str:
    """Page 12523 with markup and a closing </script> in its title and its context, as a scraped page may hold."""
    text = (examples_dir() / "12523.txt").read_text(encoding="utf-8")
    title = "Projet d'action internationale de Romans et de ses villes partenaires"
    assert text.count(title) == 1
    text = text.replace(title, HOSTILE_TITLE)
    return text.replace("Ville moyenne française", HOSTILE_CONTEXT, 1)


def ingest_examples(root: Path, *, base_uri: str = BASE, extra_pages: Mapping[str, str] | None = None) -> DataDir:
    """A data folder under `root` holding the example pages (and `extra_pages`: file name → text), store closed."""
    data = DataDir(root / "data")
    store = data.open_store()
    _ingest_into(store, data, root, base_uri, extra_pages)
    store.flush()
    del store
    return data


@contextmanager
def served_examples(
    backend: str, root: Path, *, base_uri: str = BASE, extra_pages: Mapping[str, str] | None = None
) -> Iterator[tuple[Settings, GraphStore]]:
    """The example pages ingested into a store of the kind `backend` names (see `backends`): the settings and the
    store that an app serves them with, as `atlas-ld serve` would open them."""
    if backend == "embedded":
        data = ingest_examples(root, base_uri=base_uri, extra_pages=extra_pages)
        yield Settings(store=data.root, base_uri=base_uri), data.open_store(read_only=True)
        return
    with backend_store(backend, root / "data") as (store, env):
        _ingest_into(store, DataDir(root / "data"), root, base_uri, extra_pages)
        yield Settings(store=env["ATLAS_LD_STORE"], data_dir=root / "data", base_uri=base_uri), store


def _ingest_into(
    store: GraphStore, data: DataDir, root: Path, base_uri: str, extra_pages: Mapping[str, str] | None
) -> None:
    pages = root / "pages"
    pages.mkdir(parents=True)
    for page in examples_dir().glob("*.txt"):
        shutil.copy(page, pages / page.name)
    for name, text in (extra_pages or {}).items():
        (pages / name).parent.mkdir(parents=True, exist_ok=True)
        (pages / name).write_text(text, encoding="utf-8")
    report = ingest([pages], store, UriScheme(base_uri), RejectedRecords(data.rejected, base_uri=base_uri))
    assert not report.rejected and not report.page_errors, (report.rejected, report.page_errors)
