"""Page text → numbered logical lines, with the site's noise removed and pipe-table rows cut into cells.

>>> page = "Accueil > ???menu.atlas.libelle???\\n\\nEl Jem Tunisie commun.ico.loupe.alter\\n<< < pagination.page.x"
>>> [(line.number, line.text) for line in text_lines(page)]
[(3, 'El Jem Tunisie')]
>>> text_lines("Culture et Patrimoine | Patrimoine | 2 |\\n---|---|---|")[0].cells
('Culture et Patrimoine', 'Patrimoine', '2')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum, auto
from typing import NamedTuple


class Line(NamedTuple):
    """One logical line; `cells` holds a table row's cells when the rendering kept them apart (pipes, HTML).

    HTML rows keep their empty cells, so cells line up with the header; the pipe rendering leaves them out.
    (A named tuple: pages of short lines make millions of these, and tuples are cheap to create.)
    """

    number: int
    text: str
    cells: tuple[str, ...] | None = None
    links: tuple[str | None, ...] | None = None  # an HTML row's first link in each cell (a document's address)

    @property
    def filled_cells(self) -> tuple[str, ...]:
        return tuple(c for c in self.cells if c) if self.cells else ()


RawLine = tuple[int, str, "tuple[str, ...] | None", "tuple[str | None, ...] | None"]

# Missing-translation keys and icon alt texts of the site: never content.
_KEYS = re.compile(r"\?\?\?[^?\n]*\?\?\?|\bpagination\.page\.[\w.]*|\bcommun\.ico\.[\w.]*")
_SPACES = re.compile(r"[ \t\v\f]+")
_SEPARATOR = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?")
_PAGINATION = re.compile(r"[<>«»\d\s]+")  # a plain class: alternatives like (<<|<)+ backtrack exponentially
_BREADCRUMB = re.compile(r"Accueil\s*>")


class _Kind(Enum):
    BLANK = auto()
    PAGINATION = auto()
    NUMBER = auto()
    CONTENT = auto()


def tidy(text: str) -> str:
    """Remove the site's noise keys and collapse runs of spaces (non-breaking spaces inside text are kept)."""
    if "???" in text or "pagination." in text or "commun.ico." in text:
        text = _KEYS.sub(" ", text)
    if "  " in text or "\t" in text or "\v" in text or "\f" in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


def _pipe_cells(text: str) -> tuple[str, ...] | None:
    stripped = text.strip()
    if not (stripped.startswith("|") or stripped.endswith("|")):
        return None
    return tuple(cell for cell in (tidy(c) for c in stripped.split("|")) if cell)


def text_lines(text: str) -> list[Line]:
    """Lines of a text rendering (spaces or pipes between cells), numbered from 1, noise removed."""
    raw: list[RawLine] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if "-" in line and _SEPARATOR.fullmatch(line.strip()):
            continue
        raw.append((number, line, _pipe_cells(line) if "|" in line else None, None))
    return clean_lines(raw)


def _classify(raw_text: str, text: str) -> _Kind:
    if not text or (text[0] == "A" and _BREADCRUMB.match(text)):
        return _Kind.BLANK
    if (text[0] in "<>«»" or text[0].isdigit()) and len(text) < 200 and _PAGINATION.fullmatch(text):
        if text.isdigit():
            return _Kind.PAGINATION if "pagination.page." in raw_text else _Kind.NUMBER
        return _Kind.PAGINATION
    return _Kind.CONTENT


def clean_lines(raw: Iterable[RawLine]) -> list[Line]:
    """Drop blank lines, breadcrumbs and pagination (with a page number standing alone between its arrows)."""
    kept: list[tuple[_Kind, Line]] = []
    for number, raw_text, raw_cells, links in raw:
        if raw_cells is not None:
            cells = tuple(tidy(c) for c in raw_cells)
            line = Line(number, " ".join(c for c in cells if c), cells, links)
            raw_text = " ".join(raw_cells)
        else:
            line = Line(number, tidy(raw_text))
        kind = _classify(raw_text, line.text)
        if kind is not _Kind.BLANK:
            kept.append((kind, line))
    lines: list[Line] = []
    for index, (kind, line) in enumerate(kept):
        if kind is _Kind.PAGINATION:
            continue
        if kind is _Kind.NUMBER:
            before = kept[index - 1][0] if index > 0 else None
            after = kept[index + 1][0] if index + 1 < len(kept) else None
            if before is _Kind.PAGINATION and after is _Kind.PAGINATION:
                continue
        lines.append(line)
    return lines
