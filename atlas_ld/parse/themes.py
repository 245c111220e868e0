"""Theme paths and ODD rows split against the code lists: rows whose cells were joined by spaces.

>>> split_theme_path("Culture et Patrimoine Patrimoine".split())
(('Culture et Patrimoine', 'Patrimoine'), ())
>>> split_theme_path("Nouveau thème Santé".split())
(('Nouveau thème', 'Santé'), ('Nouveau thème',))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache
from itertools import combinations, pairwise
from typing import NamedTuple

from atlas_ld.codelists import SDG_VARIANTS, SDGS, THEMES

MAX_PATH_UNITS = 40
"""Rows with more words than this are not split (the search grows with the square of the words)."""

_SDG_START = re.compile(r"([0-9]{1,2})(?![0-9])\s*(?:[-–—]\s*)?")


def fold(text: str) -> str:
    """Comparison key for a code-list value: case and apostrophe style do not matter."""
    return " ".join(text.replace("’", "'").casefold().split())


class _Tree(NamedTuple):
    """The theme tree with folded keys (folded → as written), per level and per parent."""

    tops: dict[str, str]
    subs_of: dict[str, dict[str, str]]
    leaves_of: dict[str, dict[str, str]]
    all_subs: dict[str, str]
    all_leaves: dict[str, str]


@cache
def _tree() -> _Tree:
    tree = _Tree({}, {}, {}, {}, {})
    for top, subs in THEMES.items():
        tree.tops[fold(top)] = top
        tree.subs_of[fold(top)] = {fold(sub): sub for sub in subs}
        tree.all_subs.update(tree.subs_of[fold(top)])
        for sub, leaves in subs.items():
            tree.leaves_of[fold(sub)] = {fold(leaf): leaf for leaf in leaves}
            tree.all_leaves.update(tree.leaves_of[fold(sub)])
    return tree


def known_theme_path(path: tuple[str | None, ...]) -> list[str]:
    """The values of a theme path that the code lists do not know at their level (under their parent)."""
    tree = _tree()
    unknown: list[str] = []
    parent: str | None = None
    for level, value in enumerate(path):
        if not value:
            parent = None
            continue
        key = fold(value)
        if level == 0:
            choices = tree.tops
        elif level == 1:
            choices = tree.subs_of.get(parent, {}) if parent else tree.all_subs
        else:
            choices = tree.leaves_of.get(parent, {}) if parent else tree.all_leaves
        if key not in choices:
            unknown.append(value)
            parent = None
        else:
            parent = key
    return unknown


def _score(segments: list[str]) -> tuple[int, int, int]:
    known_words = sum(len(s.split()) for s in segments)
    unknown = known_theme_path(tuple(segments))
    known_words -= sum(len(u.split()) for u in unknown)
    return known_words, -len(unknown), -len(segments)


@cache
def _known_values() -> tuple[frozenset[str], int]:
    """Every folded theme value of any level, and the most words one has."""
    tree = _tree()
    values = frozenset(tree.tops) | frozenset(tree.all_subs) | frozenset(tree.all_leaves)
    return values, max(len(v.split()) for v in values)


def _cut_points(units: Sequence[str]) -> list[int]:
    """Where a known value starts or ends: the only cuts a best split needs (two unknown neighbours merge)."""
    values, longest = _known_values()
    folded = [fold(u) for u in units]
    points: set[int] = set()
    for start in range(len(units)):
        for end in range(start + 1, min(len(units), start + longest) + 1):
            if " ".join(folded[start:end]) in values:
                points.update((start, end))
    points.discard(0)
    points.discard(len(units))
    return sorted(points)


def split_theme_path(units: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Cut words (or cells) into a 1-3 level path that covers most words with known values (longest match).

    Returns the path and the values left unknown (kept whole, for the caller to report).
    """
    return _split_theme_path(tuple(units))


@lru_cache(maxsize=8192)
def _split_theme_path(units: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # Kept per row: the pages repeat the same few hundred theme rows, and the search tries every cut of each.
    if not units:
        return (), ()
    if len(units) > MAX_PATH_UNITS:
        whole = " ".join(units)
        return (whole,), (whole,)
    best: tuple[tuple[int, int, int], list[str]] | None = None
    for levels in (1, 2, 3):
        for cuts in combinations(_cut_points(units), levels - 1):
            bounds = (0, *cuts, len(units))
            segments = [" ".join(units[a:b]) for a, b in pairwise(bounds)]
            score = _score(segments)
            if best is None or score > best[0]:
                best = (score, segments)
    assert best is not None
    path = tuple(best[1])
    return path, tuple(known_theme_path(path))


def parse_sdg_row(text: str) -> tuple[int, str, int | None] | None:
    """ "11 - Villes et communautés durables 2" → (11, label as written, priority); None if not such a row.

    >>> parse_sdg_row("17 - Partenariats pour la réalisation des objectifs 2")
    (17, 'Partenariats pour la réalisation des objectifs', 2)
    """
    start = _SDG_START.match(text.strip())
    if not start:
        return None
    words = text.strip()[start.end():].split()
    priority = int(words.pop()) if len(words) > 1 and words[-1].isascii() and words[-1].isdigit() else None
    if not words:
        return None
    return int(start.group(1)), " ".join(words), priority


def sdg_label_known(number: int, label: str) -> bool:
    """Whether an ODD row's number and label agree with the 17 goals (the UN's label, or a variant pages use).

    >>> sdg_label_known(2, "Faim « zéro »"), sdg_label_known(2, "Faim zéro"), sdg_label_known(2, "Vie terrestre")
    (True, True, False)
    """
    return number in SDGS and fold(label) in {fold(known) for known in (SDGS[number][0], *SDG_VARIANTS.get(number, ()))}
