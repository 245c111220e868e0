"""An HTML page → the same numbered lines as a text rendering, so that one reader serves both.

Blocks and <br> end lines; a data row of a table becomes one line of cells (empty cells kept, so they line up
with the header); a key/value row (<th> then <td>) gives a line per cell; scripts, styles and the <head> are
skipped; an image counts by its alt text, as text renderings show it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum, auto

from lxml import etree

from atlas_ld.parse.labels import MAX_LABEL_CHARS, match_label
from atlas_ld.parse.lines import Line, RawLine, clean_lines

_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "hr", "html", "label", "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_SKIPPED = frozenset({
    "script", "style", "noscript", "template", "head", "title", "select", "button", "iframe", "object", "embed", "svg",
    "math", "textarea",
})
_INLINE = frozenset({"span", "strong", "b", "em", "i", "a", "font", "abbr", "acronym", "cite", "small", "big", "u"})
# A cell holding one of these is layout, not data: its row is read block by block.
_LAYOUT = ("table", "div", "p", "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "fieldset")
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")


class _Event(Enum):
    TEXT = auto()
    BREAK = auto()
    ROW = auto()


def _tag(element: etree._Element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _cells(row: etree._Element) -> list[etree._Element]:
    return [child for child in row if _tag(child) in ("td", "th")]


def _is_data_row(row: etree._Element) -> bool:
    cells = _cells(row)
    if not cells:
        return False
    if _tag(cells[0]) == "th" and any(_tag(c) == "td" for c in cells[1:]):
        return False
    return not any(next(cell.iter(*_LAYOUT), None) is not None for cell in cells)


def _is_label_span(element: etree._Element) -> bool:
    """An inline element whose whole text is a label stands on its own line, as the label it is.

    Only short, nearly childless elements are looked at, so that nested inline wrappers cost little.
    """
    if len(element) > 2:
        return False
    pieces: list[str] = []
    size = 0
    for piece in element.itertext():
        size += len(piece)
        if size > MAX_LABEL_CHARS:
            return False
        pieces.append(piece)
    return match_label(" ".join("".join(pieces).split())) is not None


def _cell_text(cell: etree._Element) -> str:
    parts = [value if kind is _Event.TEXT else " " for kind, value, _ in _events(cell)]
    return _WHITESPACE.sub(" ", "".join(str(p) for p in parts)).strip()


def _cell_link(cell: etree._Element) -> str | None:
    """The address of the cell's first link, as written (the Atlas links each document this way)."""
    link = next((a for a in cell.iter("a") if a.get("href")), None)
    return link.get("href").strip() if link is not None else None  # type: ignore[union-attr]


def _events(root: etree._Element) -> Iterator[tuple[_Event, object, int]]:
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    label_spans: list[bool] = []  # whether each open inline element is a label, decided once at its start
    for event, element in walker:
        number = element.sourceline or 0
        if event in ("comment", "pi"):
            if element.tail:
                yield _Event.TEXT, element.tail, number
            continue
        tag = _tag(element)
        if event == "start":
            if tag in _SKIPPED:
                walker.skip_subtree()
                continue
            if tag == "tr" and _is_data_row(element):
                cells = _cells(element)
                yield _Event.ROW, (tuple(map(_cell_text, cells)), tuple(map(_cell_link, cells))), number
                walker.skip_subtree()
                continue
            if tag in _INLINE:
                label_spans.append(_is_label_span(element))
            if tag in _BLOCKS or tag == "br" or (tag in _INLINE and label_spans[-1]):
                yield _Event.BREAK, None, number
            if tag == "img" and element.get("alt"):
                yield _Event.TEXT, f" {element.get('alt')} ", number
            if element.text:
                yield _Event.TEXT, element.text, number
        else:
            if tag in _BLOCKS or (tag in _INLINE and label_spans.pop()):
                yield _Event.BREAK, None, number
            if element.tail and element is not root:
                yield _Event.TEXT, element.tail, number


def parse_html(html: str) -> etree._Element:
    """Parse with libxml2's forgiving HTML parser (plain elements: cheaper than lxml.html's element classes).

    Raises `etree.ParserError` for a document with nothing in it.
    """
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=False, remove_pis=False)
    root = etree.fromstring(html.encode("utf-8", "replace"), parser=parser)
    if root is None:
        raise etree.ParserError("Document is empty")
    return root


def html_lines(root: etree._Element) -> list[Line]:
    """The page's logical lines, numbered by their line in the HTML source."""
    raw: list[RawLine] = []
    parts: list[str] = []
    number: int | None = None

    def flush() -> None:
        nonlocal number
        if not parts:
            return
        text = "".join(parts).strip()
        if text:  # most pending text between blocks is indentation: no substitution for it
            raw.append((number or 1, _WHITESPACE.sub(" ", text), None, None))
        parts.clear()
        number = None

    for kind, value, line in _events(root):
        if kind is _Event.TEXT:
            if number is None and str(value).strip():
                number = line
            parts.append(str(value))
            continue
        flush()
        if kind is _Event.ROW:
            cells, links = value  # type: ignore[misc]
            raw.append((line, "", cells, links))
    flush()
    return clean_lines(raw)
