"""Reading one page from its text or HTML (str or bytes), with the Atlas id and URL that go with it.

>>> project_id(None, "pages/12523.txt", None)
12523
>>> project_id(None, "page.html", "https://x/detailProjet.html?criteres.prjId=16323")
16323
>>> source_url_of(12523)
'https://pastel.diplomatie.gouv.fr/cncdext/dyn/public/atlas/detailProjet.html?criteres.prjId=12523'
"""

from __future__ import annotations

import re
from pathlib import PurePath

from lxml import etree

from atlas_ld.parse.decode import CleanText, clean_text, decode_page
from atlas_ld.parse.lines import Line, text_lines
from atlas_ld.parse.log import WarningLog
from atlas_ld.parse.markup import html_lines, parse_html
from atlas_ld.parse.page import has_field_labels, not_an_atlas_page, read_record
from atlas_ld.records import PageError, ProjectRecord

ATLAS_DETAIL_URL = "https://pastel.diplomatie.gouv.fr/cncdext/dyn/public/atlas/detailProjet.html?criteres.prjId={}"
MAX_PAGE_LINES = 100_000
MAX_HTML_ELEMENTS = 100_000
"""A real page has a few hundred lines and elements; past these a page is refused rather than read slowly."""
_PRJ_ID = re.compile(r"criteres\.prjId=([0-9]{1,9})\b")


def source_url_of(prj_id: int) -> str:
    """The Atlas detail page of a project."""
    return ATLAS_DETAIL_URL.format(prj_id)


def project_id(prj_id: int | None, source_file: str, source_url: str | None, page_text: str = "") -> int | None:
    """The Atlas id: given, else from the source URL, else from a file named <prjId>.txt|.html, else from the
    page's links to its own detail page (only when they all name the same project)."""
    if prj_id is not None:
        return prj_id
    if source_url and (found := _PRJ_ID.search(source_url)):
        return int(found.group(1))
    stem = PurePath(source_file).stem
    if stem.isascii() and stem.isdigit() and len(stem) <= 9:
        return int(stem)
    linked = {int(n) for n in _PRJ_ID.findall(page_text[:200_000])}
    return linked.pop() if len(linked) == 1 else None


def _read(lines: list[Line], cleaned: CleanText, *, source_file: str, prj_id: int | None, source_url: str | None,
          page_text: str = "") -> ProjectRecord:
    if not lines:
        raise PageError(source_file, "nothing on the page but the site's navigation and missing-translation keys", 1)
    the_id = project_id(prj_id, source_file, source_url, page_text)
    if the_id is None:
        if not has_field_labels(lines):
            raise not_an_atlas_page(source_file, lines)
        raise PageError(source_file, "no Atlas id: name the file <prjId>.txt or .html, or give its source URL", 1)
    log = WarningLog()
    log.extend(cleaned.warnings)
    url = source_url or source_url_of(the_id)
    return read_record(lines, prj_id=the_id, source_file=source_file, source_url=url, log=log)


def read_text(cleaned: CleanText, *, source_file: str, prj_id: int | None = None,
              source_url: str | None = None) -> ProjectRecord:
    """A record from clean text of a text rendering."""
    if not cleaned.text.strip():
        raise PageError(source_file, "empty page", 1)
    if cleaned.text.count("\n") >= MAX_PAGE_LINES:
        raise PageError(source_file, f"more than {MAX_PAGE_LINES:,} lines: not a single Atlas page", MAX_PAGE_LINES + 1)
    return _read(text_lines(cleaned.text), cleaned, source_file=source_file, prj_id=prj_id, source_url=source_url)


def read_html(cleaned: CleanText, *, source_file: str, prj_id: int | None = None,
              source_url: str | None = None) -> ProjectRecord:
    """A record from clean text of an HTML page."""
    if not cleaned.text.strip():
        raise PageError(source_file, "empty page", 1)
    try:
        root = parse_html(cleaned.text)
    except (etree.ParserError, ValueError) as error:
        raise PageError(source_file, f"not readable as HTML: {error}", 1) from error
    for count, element in enumerate(root.iter(), start=1):
        if count > MAX_HTML_ELEMENTS:
            raise PageError(source_file, f"more than {MAX_HTML_ELEMENTS:,} HTML elements: not a single Atlas page",
                            element.sourceline)
    return _read(html_lines(root), cleaned, source_file=source_file, prj_id=prj_id, source_url=source_url,
                 page_text=cleaned.text)


def parse_page_text(text: str, *, source_file: str, prj_id: int | None = None,
                    source_url: str | None = None) -> ProjectRecord:
    """Read a text rendering of a detail page (cells joined by spaces, or by pipes)."""
    cleaned = clean_text(text, source_file=source_file)
    return read_text(cleaned, source_file=source_file, prj_id=prj_id, source_url=source_url)


def parse_page_html(html: str | bytes, *, source_file: str, prj_id: int | None = None,
                    source_url: str | None = None) -> ProjectRecord:
    """Read a detail page's HTML; bytes are decoded with the charset the page declares, else UTF-8."""
    if isinstance(html, bytes):
        cleaned = decode_page(html, source_file=source_file, html=True)
    else:
        cleaned = clean_text(html, source_file=source_file)
    return read_html(cleaned, source_file=source_file, prj_id=prj_id, source_url=source_url)
