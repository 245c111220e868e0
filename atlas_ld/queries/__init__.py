"""The ready queries offered to researchers: one `.rq` file each, shared by the query page, the tests and the
benchmarks.

A file starts with comment lines `# title: ...`, `# description: ...` and `# order: N` (its place in the menu,
dropped from the text shown); its IRIs are written under the default base URI and are moved under the configured
one when loaded.

>>> [q.name for q in ready_queries()][:2]
['funding-per-year-and-funder', 'projects-per-country']
>>> "<https://example.org/def/" in ready_query("projects-per-country", "https://example.org/").text
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from atlas_ld.bundled import bundled
from atlas_ld.uris import DEFAULT_BASE_URI

_HEADER = re.compile(r"^#\s*(title|description|order)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class ReadyQuery:
    """One ready query, its IRIs under a given base."""

    name: str
    title: str
    description: str
    text: str
    order: int


def _parse(name: str, source: str) -> ReadyQuery:
    header: dict[str, str] = {}
    for line in source.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            key, value = match.groups()
            header[key] = (header[key] + " " + value) if key in header else value
    if "title" not in header or "description" not in header:
        raise ValueError(f"{name}.rq: the header needs '# title:' and '# description:' lines")
    text = "".join(line for line in source.splitlines(keepends=True) if not line.startswith("# order:"))
    return ReadyQuery(name, header["title"], header["description"], text, int(header.get("order", "99")))


@cache
def _bundled() -> tuple[ReadyQuery, ...]:
    files = bundled("queries").glob("*.rq")
    queries = [_parse(f.name.removesuffix(".rq"), f.read_text(encoding="utf-8")) for f in files]
    return tuple(sorted(queries, key=lambda q: (q.order, q.name)))


def _rebase(query: ReadyQuery, base: str) -> ReadyQuery:
    if base == DEFAULT_BASE_URI:
        return query
    # Only IRIs are moved: the default base always appears right after '<'.
    return ReadyQuery(
        query.name, query.title, query.description, query.text.replace("<" + DEFAULT_BASE_URI, "<" + base), query.order
    )


def ready_queries(base: str = DEFAULT_BASE_URI) -> list[ReadyQuery]:
    """Every ready query, in menu order, with IRIs under `base`."""
    base = base if base.endswith("/") else base + "/"
    return [_rebase(q, base) for q in _bundled()]


def ready_query(name: str, base: str = DEFAULT_BASE_URI) -> ReadyQuery:
    """One ready query by file name (without `.rq`)."""
    for query in ready_queries(base):
        if query.name == name:
            return query
    raise KeyError(name)
