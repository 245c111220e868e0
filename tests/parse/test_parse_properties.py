"""Properties of the page parser over the real pages, cut, shuffled, repeated and corrupted: the outcome is
always a record or one PageError, in bounded time, and what a damaged page still holds is read as before."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import DATA

import atlas_ld
from atlas_ld.parse import parse_page_bytes, parse_page_html, parse_page_text
from atlas_ld.parse.labels import LABELS, PREFIX_LABELS, match_label
from atlas_ld.records import PageError, ProjectRecord

PAGES = Path(atlas_ld.__file__).parent / "examples"
HTML_PAGES = DATA / "html"
IDS = (12523, 15077, 15635, 16323, 6099)
TEXTS = {prj_id: (PAGES / f"{prj_id}.txt").read_text(encoding="utf-8") for prj_id in IDS}
HTMLS = {prj_id: (HTML_PAGES / f"{prj_id}.html").read_bytes() for prj_id in IDS}
FULL = {prj_id: parse_page_text(text, source_file=f"{prj_id}.txt") for prj_id, text in TEXTS.items()}
LABEL_TEXTS = [label.text for label in (*LABELS, *PREFIX_LABELS)]
# Fields that hold one value: the first occurrence of their label wins, so repeating a block keeps them.
SINGLE = ("title", "signature_year", "theme", "start_year", "status", "end_date", "context", "history",
          "context_and_history", "objective", "description", "partnership_form", "project_managers",
          "contracting_authorities", "beneficiaries", "footer_year", "triennial", "template")

FUZZ = settings(max_examples=200, deadline=timedelta(seconds=3), database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def outcome(read: Callable[[], ProjectRecord], source_file: str) -> ProjectRecord | PageError:
    """The record or the PageError; any other exception fails the test. Also checks what both must carry."""
    started = time.perf_counter()
    try:
        result: ProjectRecord | PageError = read()
    except PageError as error:
        result = error
        assert error.file == source_file
        assert error.line is None or error.line >= 1
    else:
        assert result.source_file == source_file
        assert all(isinstance(w.line, int) and w.line >= 1 for w in result.warnings), result.warnings
        assert len(result.warnings) <= 101
    assert time.perf_counter() - started < 5
    return result


def text_outcome(text: str, prj_id: int = 12523) -> ProjectRecord | PageError:
    name = f"{prj_id}.txt"
    return outcome(lambda: parse_page_text(text, source_file=name), name)


def single_fields(record: ProjectRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in SINGLE}


def is_prefix(short: list[object] | tuple[object, ...], full: list[object] | tuple[object, ...]) -> bool:
    return list(short) == list(full[: len(short)])


@pytest.mark.parametrize("prj_id", IDS)
def test_truncation_at_every_line_keeps_what_was_read(prj_id: int) -> None:
    lines, full = TEXTS[prj_id].split("\n"), FULL[prj_id]
    footer = next((i for i, line in enumerate(lines) if line.startswith("Tous droits réservés")), None)
    for cut in range(len(lines) + 1):
        result = text_outcome("\n".join(lines[:cut]), prj_id)
        if isinstance(result, PageError):
            reasons = ("not an Atlas detail page", "empty page", "nothing on the page")
            assert any(why in result.message for why in reasons)
            continue
        assert result.prj_id == prj_id
        assert result.complete == (footer is not None and cut > footer)
        if not result.complete:
            assert "page cut short" in result.warnings[-1].message
        for name in ("title", "signature_year", "start_year", "status", "end_date", "partnership_form"):
            assert getattr(result, name) in (None, getattr(full, name)), name
        for name in ("context", "history", "objective", "description", "context_and_history", "posts",
                     "other_themes", "sdgs", "foreign_partners", "partner_contacts", "funding", "documents"):
            value = getattr(result, name)
            if name == "posts" and value:  # the last post may have lost contacts, its last contact a name or e-mail
                assert is_prefix(value[:-1], full.posts)
                contacts, all_contacts = value[-1].contacts, full.posts[len(value) - 1].contacts
                assert value[-1].name == full.posts[len(value) - 1].name
                assert is_prefix(contacts[:-1], all_contacts)
                if contacts:
                    last, whole = contacts[-1], all_contacts[len(contacts) - 1]
                    assert last.role == whole.role
                    assert last.name in (None, whole.name) and last.email in (None, whole.email)
            else:
                assert is_prefix(value, getattr(full, name)), name


@pytest.mark.parametrize("prj_id", (15077, 15635, 16323, 6099))
def test_truncation_at_every_character(prj_id: int) -> None:
    text = TEXTS[prj_id]
    for cut in range(len(text) + 1):
        result = text_outcome(text[:cut], prj_id)
        if isinstance(result, ProjectRecord):
            assert result.complete is False


@FUZZ
@given(data=st.data())
def test_truncation_anywhere_in_the_whole_page_and_its_html(data: st.DataObject) -> None:
    text = TEXTS[12523]
    cut = data.draw(st.integers(0, len(text)))
    result = text_outcome(text[:cut])
    if isinstance(result, ProjectRecord):
        assert result.complete == ("Tous droits réservés" in text[:cut])
    html = HTMLS[data.draw(st.sampled_from(IDS))]
    html_cut = data.draw(st.integers(0, len(html)))
    outcome(lambda: parse_page_html(html[:html_cut], source_file="1.html"), "1.html")


@FUZZ
@given(prj_id=st.sampled_from(IDS), data=st.data())
def test_labels_swapped_or_moved(prj_id: int, data: st.DataObject) -> None:
    lines = TEXTS[prj_id].split("\n")
    label_rows = [i for i, line in enumerate(lines) if match_label(line.strip())]
    i, j = data.draw(st.sampled_from(label_rows)), data.draw(st.sampled_from(label_rows))
    lines[i], lines[j] = lines[j], lines[i]
    if data.draw(st.booleans()):
        lines.insert(data.draw(st.integers(0, len(lines))), data.draw(st.sampled_from(LABEL_TEXTS)))
    text_outcome("\n".join(lines), prj_id)


@FUZZ
@given(prj_id=st.sampled_from(IDS), data=st.data())
def test_whole_page_shuffled(prj_id: int, data: st.DataObject) -> None:
    lines = data.draw(st.permutations(TEXTS[prj_id].split("\n")))
    text_outcome("\n".join(lines), prj_id)


@FUZZ
@given(prj_id=st.sampled_from(IDS), data=st.data(), times=st.integers(1, 4))
def test_repeated_blocks_keep_the_first_values(prj_id: int, data: st.DataObject, times: int) -> None:
    """A block of whole sections repeated after itself leaves every one-value field as it was."""
    lines = TEXTS[prj_id].split("\n")
    starts = [i for i, line in enumerate(lines) if match_label(line.strip())] + [len(lines)]
    a = data.draw(st.integers(0, len(starts) - 2))
    b = data.draw(st.integers(a + 1, len(starts) - 1))
    block = lines[starts[a]:starts[b]]
    repeated = lines[:starts[b]] + block * times + lines[starts[b]:]
    result = text_outcome("\n".join(repeated), prj_id)
    assert isinstance(result, ProjectRecord)
    assert single_fields(result) == single_fields(FULL[prj_id])


@FUZZ
@given(data=st.binary(max_size=4000), as_html=st.booleans())
def test_random_bytes(data: bytes, as_html: bool) -> None:
    outcome(lambda: parse_page_bytes(data, source_file="5.txt", html=as_html), "5.txt")


@FUZZ
@given(text=st.text(max_size=3000))
def test_random_text(text: str) -> None:
    text_outcome(text)
    outcome(lambda: parse_page_html(text, source_file="5.html"), "5.html")


@FUZZ
@given(lines=st.lists(st.one_of(st.sampled_from(LABEL_TEXTS),
                                st.sampled_from(TEXTS[12523].split("\n") + TEXTS[16323].split("\n")),
                                st.text(max_size=80),
                                st.lists(st.text(max_size=20), max_size=6).map(" | ".join)), max_size=120))
def test_labels_and_values_in_any_order(lines: list[str]) -> None:
    text_outcome("\n".join(lines))


@settings(FUZZ, max_examples=20)
@given(prj_id=st.sampled_from(IDS), data=st.data(), size=st.integers(10_000, 1_000_000))
def test_huge_lines(prj_id: int, data: st.DataObject, size: int) -> None:
    lines = TEXTS[prj_id].split("\n")
    alphabet = data.draw(st.sampled_from(["a", "a b ", "Titre ", "1 - ", "| ", "[at]", "é\u0301", "<< "]))
    huge = (alphabet * (size // len(alphabet) + 1))[:size]
    lines.insert(data.draw(st.integers(0, len(lines))), huge)
    text_outcome("\n".join(lines), prj_id)


INVISIBLE = st.sampled_from(["\x00", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
                             "\u2067", "\u2068", "\u2069", "\u200b", "\ufeff", "\xad", "\x07"])


@FUZZ
@given(prj_id=st.sampled_from(IDS), data=st.data())
def test_invisible_characters_change_nothing_but_the_warnings(prj_id: int, data: st.DataObject) -> None:
    text = TEXTS[prj_id]
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(INVISIBLE) + text[at:]
    result = text_outcome(text, prj_id)
    assert isinstance(result, ProjectRecord)
    clean, full = dataclasses.asdict(result), dataclasses.asdict(FULL[prj_id])
    assert {k: v for k, v in clean.items() if k != "warnings"} == {k: v for k, v in full.items() if k != "warnings"}
    assert any("removed" in w.message for w in result.warnings)


@FUZZ
@given(prj_id=st.sampled_from(IDS), data=st.data())
def test_combining_marks_and_other_scripts(prj_id: int, data: st.DataObject) -> None:
    text = TEXTS[prj_id]
    odd = st.sampled_from(["\u0301", "\u0308", "\u0327", "\u20dd", "\U0001f600", "\u0627\u0644", "\u4e2d", "\u2028",
                           "\r", "\x85", "\ud800"])
    for _ in range(data.draw(st.integers(1, 10))):
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(odd) + text[at:]
    text_outcome(text, prj_id)
    outcome(lambda: parse_page_html(text, source_file="9.html"), "9.html")
