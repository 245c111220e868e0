"""The README's SPARQL examples run against the example data and give the page's real figures."""

from __future__ import annotations

import re
from dataclasses import fields
from decimal import Decimal

import pytest
from support import ROOT
from support.example_data import ingest_examples

from atlas_ld.datadir import DataDir
from atlas_ld.settings import Settings

README = ROOT / "README.md"


def readme_queries() -> list[str]:
    return re.findall(r"```sparql\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    return ingest_examples(tmp_path_factory.mktemp("readme"))


def test_the_readme_has_example_queries() -> None:
    assert len(readme_queries()) >= 2


def test_every_setting_is_in_the_readme_with_its_help() -> None:
    text = README.read_text(encoding="utf-8")
    for f in fields(Settings):
        assert f"| `{f.metadata['env']}` | {f.metadata['help']} |" in text, f.name


def test_funding_per_year_gives_the_totals_of_page_12523(data: DataDir) -> None:
    store = data.open_store(read_only=True)
    rows = {str(r["year"].value): Decimal(r["total"].value) for r in store.query(readme_queries()[0])}
    # 12523: Autre 0 + Romans sur Isère 112285 + MEAE 25000 + Villes partenaires 27000 in 2010; MEAE 25000 in 2011, 2012.
    assert rows == {"2010": Decimal(164285), "2011": Decimal(25000), "2012": Decimal(25000)}


def test_projects_of_romans_with_their_foreign_partners(data: DataDir) -> None:
    store = data.open_store(read_only=True)
    rows = [(r["project"].value, r["partnerName"].value) for r in store.query(readme_queries()[1])]
    assert rows == [("https://atlas.example.org/id/project/12523", "El Jem")]
