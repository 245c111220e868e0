"""What every list of the HTML pages starts from: the store, its URIs, the values kept until its next write, and
reading SPARQL solutions. Plain functions and data; no web code here.

Every value from a request enters the queries as a pyoxigraph term (`NamedNode`, `Literal`), never as raw text.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from atlas_ld.publish.describe import LabelCache
from atlas_ld.store.base import GraphStore
from atlas_ld.store.until_next_write import UntilNextWrite
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import SKOS, atlas_namespace

Row = dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]
"""One solution, its unbound variables left out."""

Kept = UntilNextWrite[Hashable, Any]
"""The store-wide values (counts, facets, funding totals, lists) pages show on every request."""


@dataclass(frozen=True)
class Option:
    """A choice of a filter: the value the form sends, its label, how many projects it has, its depth."""

    value: str
    label: str
    count: int = 0
    depth: int = 0


class StoreQueries:
    """The queries behind the HTML pages share one store, one URI scheme, and two caches emptied at its next write:
    `kept` for whole answers, `labels` for names (the same few recur on page after page)."""

    def __init__(
        self, store: GraphStore, uris: UriScheme, kept: Kept | None = None, labels: LabelCache | None = None
    ) -> None:
        self.store = store
        self.uris = uris
        self.atlas = atlas_namespace(uris.base)
        self.kept: Kept = kept or UntilNextWrite(store, max_entries=10_000)
        # Names come from the cache, not from joins: the same few names recur on page after page.
        self.labels = labels or LabelCache(store)


def narrower_or_self(concept: ox.NamedNode) -> str:
    """?subject bound to the concept and every concept below it. As a sub-select the few concepts come first;
    written as a path after ?project's subjects, Oxigraph would walk the tree up from every subject."""
    return f"{{ SELECT DISTINCT ?subject WHERE {{ ?subject {SKOS.broader}* {concept} }} }}"


def select_rows(store: GraphStore, query: str) -> list[Row]:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{name: row[name] for name in names if row[name] is not None} for row in result]


def text_of(row: Row, name: str) -> str | None:
    term = row.get(name)
    return term.value if term is not None else None


def int_of(row: Row, name: str) -> int:
    value = text_of(row, name)
    return int(value) if value else 0


def decimal_of(row: Row, name: str) -> Decimal:
    value = text_of(row, name)
    return Decimal(value) if value else Decimal(0)

