"""The README's SPARQL examples run against the example data and give the page's real figures."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from support import ROOT
from support.example_data import ingest_examples

from atlas_ld.settings import Settings, settings_table
from atlas_ld.store.datadir import DataDir

README = ROOT / "README.md"


def readme_queries() -> list[str]:
    return re.findall(r"```sparql\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def readme_query(title: str) -> str:
    """The README's query whose first line is the comment `# {title}`."""
    (found,) = [q for q in readme_queries() if q.startswith(f"# {title}")]
    return found


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    return ingest_examples(tmp_path_factory.mktemp("readme"))


def test_the_readme_has_example_queries() -> None:
    assert len(readme_queries()) >= 2


def test_every_setting_is_in_the_readme_with_its_help() -> None:
    text = README.read_text(encoding="utf-8")
    for name, help_text in Settings.documented().items():
        assert f"| `{Settings.variable(name)}` | {help_text} |" in text, name


def test_the_readme_holds_the_settings_table_made_from_the_settings() -> None:
    """The table is generated (`settings_table()`): a setting added, renamed or re-worded without the README
    being regenerated fails here."""
    text = README.read_text(encoding="utf-8")
    table = settings_table()
    assert table in text
    start = text.index("| variable | what it sets |")
    assert text[start : start + len(table)] == table
    assert text[start + len(table) :].startswith("\n")  # no row of a setting that is gone


def test_funding_per_year_gives_the_totals_of_page_12523(data: DataDir) -> None:
    store = data.open_store(read_only=True)
    rows = {str(r["year"].value): Decimal(r["total"].value) for r in store.query(readme_query("Funding per year"))}
    # 12523: Autre 0 + Romans sur Isère 112285 + MEAE 25000 + Villes partenaires 27000 in 2010; MEAE 25000 in 2011, 2012.
    assert rows == {"2010": Decimal(164285), "2011": Decimal(25000), "2012": Decimal(25000)}


def test_projects_of_romans_with_their_foreign_partners(data: DataDir) -> None:
    store = data.open_store(read_only=True)
    rows = [(r["project"].value, r["partnerName"].value) for r in store.query(readme_query("Projects of one French authority"))]
    assert rows == [("https://atlas.example.org/id/project/12523", "El Jem")]
