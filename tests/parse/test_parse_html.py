"""HTML versions of the real pages (hand-written in the shape of the site's Java pages) read as the text ones."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from support import DATA

import atlas_ld
from atlas_ld.parse import parse_page_html, read_page
from atlas_ld.parse.markup import html_lines, parse_html
from atlas_ld.records import PageError, ProjectRecord

TEXT_PAGES = Path(atlas_ld.__file__).parent / "examples"
HTML_PAGES = DATA / "html"
IDS = (12523, 15077, 15635, 16323, 6099)


def comparable(record: ProjectRecord) -> dict[str, object]:
    """Every field but the file name and the documents' links, and warnings and names without their line numbers
    (which count source lines)."""
    fields = dataclasses.asdict(record)
    fields.pop("source_file")
    fields["warnings"] = [w.message for w in record.warnings]
    fields["name_lines"] = sorted(record.name_lines)
    for document in fields["documents"]:
        document.pop("url")  # only the HTML page links its documents
    return fields


@pytest.mark.parametrize("prj_id", IDS)
def test_html_version_gives_the_text_version_record(prj_id: int) -> None:
    from_html = read_page(HTML_PAGES / f"{prj_id}.html")
    from_text = read_page(TEXT_PAGES / f"{prj_id}.txt")
    assert comparable(from_html) == comparable(from_text)
    assert from_html.prj_id == prj_id


def test_html_12523_values() -> None:
    record = read_page(HTML_PAGES / "12523.html")
    assert record.complete and record.footer_year == 2013
    assert record.posts[0].contacts[0].email == "pierre-yves.sonalet@diplomatie.gouv.fr"
    assert [(f.funder, f.amount, f.water_amount, f.year) for f in record.funding][:2] == [
        ("Autre", 0, 0, 2010), ("Romans sur Isère", 112285, 0, 2010)
    ]
    assert record.partner_contacts[0].function is None
    assert record.documents[0].file_name == "protocole_coop_2010-2012_PAIR.pdf"


def test_html_warning_lines_point_into_the_html_source() -> None:
    record = read_page(HTML_PAGES / "15635.html")
    source = (HTML_PAGES / "15635.html").read_text(encoding="utf-8").split("\n")
    malformed = record.warnings[0]
    assert "gregor.trumel[at]diplomatie.gouv..fr" in source[malformed.line - 1]


def test_iso_8859_1_page_declared_in_its_meta() -> None:
    data = (HTML_PAGES / "6099.html").read_bytes()
    assert "é".encode("latin-1") in data  # the file really is Latin-1
    record = parse_page_html(data, source_file="6099.html")
    assert record.title == "Programme de coopération 2010-2012 en région de Mamou"
    assert record.context[1].startswith("La « solidarité internationale »")
    assert not any("UTF-8" in w.message for w in record.warnings)


def test_str_input_with_xml_declaration() -> None:
    text = (HTML_PAGES / "16323.html").read_text(encoding="utf-8")
    assert text.startswith("<?xml")
    record = parse_page_html(text, source_file="16323.html")
    assert record.template == "2022" and len(record.sdgs) == 9


def test_html_structure_to_lines() -> None:
    html = """<html><head><title>Titre</title><script>var t = "Titre";</script></head><body>
    <div>Accueil &gt; ???menu.atlas.libelle???</div>
    <p>un<!-- remarque -->deux<br/>trois <img alt="commun.ico.loupe.alter" src="l.gif"/></p>
    <div><span class="libelle">Titre</span> <span>Un projet</span></div>
    <table><tr><th>Année de début du partenariat</th><td>2010</td></tr></table>
    <table><tr><td>A</td><td></td><td><div>layout</div></td></tr></table>
    <table><tr><td>El Jem</td><td>Tunisie</td><td><img alt="commun.ico.loupe.alter"/></td></tr></table>
    </body></html>"""
    lines = html_lines(parse_html(html))
    assert [(line.text, line.cells) for line in lines] == [
        ("undeux", None),
        ("trois", None),
        ("Titre", None),
        ("Un projet", None),
        ("Année de début du partenariat", None),
        ("2010", None),
        ("A", None),
        ("layout", None),
        ("El Jem Tunisie", ("El Jem", "Tunisie", "")),
    ]


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "<p>Bonjour</p>", "<html><body><table><tr><td>1"])
def test_html_without_a_record_is_one_page_error(html: str) -> None:
    with pytest.raises(PageError) as raised:
        parse_page_html(html, source_file="x.html", prj_id=1)
    assert raised.value.file == "x.html" and raised.value.line == 1
