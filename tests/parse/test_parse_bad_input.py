"""Bad input: each bad page gives a record with warnings or one PageError naming the file, never anything else."""

from __future__ import annotations

import codecs
import dataclasses
import json
import time
from pathlib import Path

import pytest
from support import DATA

import atlas_ld
from atlas_ld.parse import (
    MAX_PAGE_BYTES,
    parse_page_bytes,
    parse_page_html,
    parse_page_text,
    read_page,
)
from atlas_ld.records import PageError, ProjectRecord

PAGES = Path(atlas_ld.__file__).parent / "examples"
WHOLE = (PAGES / "12523.txt").read_text(encoding="utf-8")


def fields_but_warnings(record: ProjectRecord) -> dict[str, object]:
    fields = dataclasses.asdict(record)
    fields.pop("warnings")
    fields.pop("source_file")
    return fields


@pytest.fixture(scope="module")
def clean() -> ProjectRecord:
    return parse_page_text(WHOLE, source_file="12523.txt")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "message", "line"),
    [
        ("1.txt", b"", "empty page", 1),
        ("2.txt", b"  \n\n \t\n", "empty page", 1),
        ("3.html", b"", "empty page", 1),
        ("4.txt", b"Accueil > ???menu.atlas.libelle???\n<< < pagination.page.precedent 1 pagination.page.suivant > >>",
         "nothing on the page but the site's navigation", 1),
        ("README.txt", b"# A project\n\nSome notes that are not an Atlas page.\n", "not an Atlas detail page", 1),
        ("5.txt", b"Atlas fran\xc3\xa7ais de la coop\xc3\xa9ration d\xc3\xa9centralis\xc3\xa9e et des autres actions "
                  b"ext\xc3\xa9rieures\n", "not an Atlas detail page", 1),
        ("6.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary data", 2),
        ("7.txt", b"Titre\nUn titre\n" + b"\x00\x01\x02\x03" * 40, "binary data", 3),
        ("page.txt", b"Titre\nUn projet sans identifiant\n", "no Atlas id", 1),
    ],
)
def test_one_page_error_naming_file_and_line(tmp_path: Path, name: str, data: bytes, message: str, line: int) -> None:
    path = write(tmp_path, name, data)
    with pytest.raises(PageError) as raised:
        read_page(path)
    assert raised.value.file == str(path)
    assert message in raised.value.message
    assert raised.value.line == line
    assert str(raised.value).startswith(f"{path}:{line}: ")


def test_missing_file_and_folder_are_page_errors(tmp_path: Path) -> None:
    for path in (tmp_path / "404.txt", tmp_path):
        with pytest.raises(PageError, match="cannot read the file") as raised:
            read_page(path)
        assert raised.value.file == str(path)


def test_a_50_mb_file_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "12523.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB for stat, nothing written
    started = time.perf_counter()
    with pytest.raises(PageError, match="over the 5,242,880-byte limit") as raised:
        read_page(path)
    assert time.perf_counter() - started < 1
    assert raised.value.file == str(path) and raised.value.line is None


def test_oversized_text_and_bytes_are_refused() -> None:
    with pytest.raises(PageError, match="limit"):
        parse_page_text("x" * (MAX_PAGE_BYTES + 1), source_file="1.txt")
    with pytest.raises(PageError, match="limit"):
        parse_page_bytes(b"x" * (MAX_PAGE_BYTES + 1), source_file="1.txt")


def test_a_page_just_under_the_limit_is_read_in_bounded_time() -> None:
    repeated = WHOLE * (MAX_PAGE_BYTES // len(WHOLE.encode("utf-8")))
    started = time.perf_counter()
    record = parse_page_text(repeated, source_file="12523.txt")
    assert time.perf_counter() - started < 10
    assert record.title == "Projet d'action internationale de Romans et de ses villes partenaires"
    assert "label 'Titre' repeated; the first value is kept" in [w.message for w in record.warnings]
    assert len(record.warnings) == 101  # capped, with a last line counting the rest
    assert record.warnings[-1].message.endswith("more warnings not listed")


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_page_not_in_utf8_is_decoded_with_a_warning(clean: ProjectRecord, encoding: str) -> None:
    record = parse_page_bytes(WHOLE.encode(encoding), source_file="12523.txt")
    assert fields_but_warnings(record) == fields_but_warnings(clean)
    if encoding == "cp1252":
        # the first non-ASCII character of the page is the "ç" of "français" on line 3
        assert [(w.line, w.message) for w in record.warnings] == [
            (3, "not valid UTF-8 (byte 0xE7); read as Windows-1252")
        ]
    else:  # a byte order mark says what it is
        assert record.warnings == []


def test_latin1_page() -> None:
    text = "Titre\nCoopération à Sébikotane\nAnnée de début du partenariat\n2011\n"
    record = parse_page_bytes(text.encode("latin-1"), source_file="77.txt")
    assert (record.title, record.start_year) == ("Coopération à Sébikotane", 2011)
    assert record.warnings[0] == dataclasses.replace(record.warnings[0], line=2)
    assert record.warnings[0].message.startswith("not valid UTF-8 (byte 0xE9)")


def test_nul_bytes_are_removed_and_reported(clean: ProjectRecord) -> None:
    lines = WHOLE.split("\n")
    lines[13] = "Ti\x00tre"  # the "Titre" label
    lines[86] = lines[86] + "\x00\x00"
    record = parse_page_text("\n".join(lines), source_file="12523.txt")
    assert fields_but_warnings(record) == fields_but_warnings(clean)
    assert [(w.line, w.message) for w in record.warnings] == [(14, "3 NUL characters removed")]


def test_bidi_and_invisible_marks_do_not_hide_labels(clean: ProjectRecord) -> None:
    marked = WHOLE.replace("Titre\n", "\u202bTi\u200ftre\u202c\n", 1).replace("El Jem", "El\u200b Jem")
    record = parse_page_text(marked, source_file="12523.txt")
    assert fields_but_warnings(record) == fields_but_warnings(clean)
    assert [(w.line, w.message) for w in record.warnings] == [
        (14, "3 bidirectional marks removed"),
        (47, "4 invisible characters (zero-width, soft hyphen, BOM) removed"),  # "El Jem" is in the history too
    ]


def test_decomposed_accents_are_composed(clean: ProjectRecord) -> None:
    decomposed = WHOLE.replace("é", "e\u0301")
    record = parse_page_text(decomposed, source_file="12523.txt")
    assert fields_but_warnings(record) == fields_but_warnings(clean)


def test_windows_line_endings(clean: ProjectRecord) -> None:
    record = parse_page_text(WHOLE.replace("\n", "\r\n"), source_file="12523.txt")
    assert dataclasses.asdict(record) == dataclasses.asdict(clean)


def test_html_binary_and_non_html() -> None:
    with pytest.raises(PageError, match="binary data"):
        parse_page_html(bytes(range(256)) * 20, source_file="x.html", prj_id=1)
    with pytest.raises(PageError, match="not an Atlas detail page"):
        parse_page_html(b"<html><body><h1>Bienvenue</h1><p>Rien ici.</p></body></html>", source_file="x.html")


def test_utf8_bom_is_not_content() -> None:
    record = parse_page_bytes(codecs.BOM_UTF8 + b"Titre\nUn projet\n", source_file="3.txt")
    assert record.title == "Un projet"
    assert record.complete is False


REGRESSIONS = DATA / "regressions"
EXPECTED = json.loads((REGRESSIONS / "expected.json").read_text(encoding="utf-8"))


def test_every_regression_input_has_an_expectation() -> None:
    inputs = {p.name for p in REGRESSIONS.iterdir()} - {"expected.json", "README.md"}
    assert inputs == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_regressions_replay(name: str) -> None:
    expected = EXPECTED[name]
    started = time.perf_counter()
    try:
        record = parse_page_bytes((REGRESSIONS / name).read_bytes(), source_file=name, prj_id=1)
    except PageError as error:
        assert expected["outcome"] == "error", error
        assert expected["message"] in error.message
        assert error.file == name
    else:
        assert expected["outcome"] == "record"
        if "title" in expected:
            assert record.title == expected["title"]
        for name_of_list in ("partner_contacts", "documents", "sdgs"):
            if name_of_list in expected:
                assert len(getattr(record, name_of_list)) == expected[name_of_list]
        if "warning" in expected:
            assert any(expected["warning"] in w.message for w in record.warnings)
        assert all(len(w.message) < 1000 for w in record.warnings)  # values in messages are cut short
    assert time.perf_counter() - started < 1
