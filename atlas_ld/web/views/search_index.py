"""The projects' search index: one entry per project with its folded words and the values it is filtered on.

SPARQL cannot fold accents (`LCASE` leaves "é"), so "cooperation" would never find "coopération". The index is
built in Python from a few queries, once per store version (kept in `StoreQueries.kept`), and searched there:
each text is folded (NFKD, combining marks dropped, casefolded) and kept as its distinct words only, which
keeps it small enough for every project of the Atlas in memory (see `SearchIndex.build`).
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from atlas_ld.store.until_next_write import UntilNextWrite
from atlas_ld.vocab import ADMS, DCTERMS, RDF, RDFS, SDMX_DIMENSION, SKOS, XSD
from atlas_ld.web.views.store_queries import Kept, StoreQueries, select_rows, text_of

log = logging.getLogger(__name__)
_WORD = re.compile(r"[^\W_]+")
# Letters that NFKD does not split into a base letter and a mark.
_LETTERS = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i"})


def fold(text: str) -> str:
    """Lower case without accents, as a reader types it.

    >>> fold("Coopération Œuvre ÉLÈVES Ømø")
    'cooperation oeuvre eleves omo'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)


def words(text: str) -> list[str]:
    """The folded words of a text, in order.

    >>> words("L’action d'El Jem (Tunisie)")
    ['l', 'action', 'd', 'el', 'jem', 'tunisie']
    """
    return [piece for word in _WORD.findall(unicodedata.normalize("NFC", text)) for piece in _folded(word)]


@lru_cache(maxsize=100_000)
def _folded(word: str) -> tuple[str, ...]:
    """A word folded, once: folding character by character is most of the cost of indexing long texts, and
    the Atlas's texts share a vocabulary of some tens of thousands of words."""
    return tuple(_WORD.findall(fold(word)))


def haystack(texts: Iterable[str]) -> str:
    """The distinct folded words of `texts`, each between spaces: `" " + word in haystack` finds a word starting
    with `word`. Distinct words only: the long texts repeat most of theirs."""
    raw = {word for text in texts for word in _WORD.findall(unicodedata.normalize("NFC", text))}
    distinct = sorted({piece for word in raw for piece in _folded(word)})
    return " " + " ".join(distinct) + " " if distinct else " "


@dataclass(slots=True)
class Entry:
    """One project: what is shown of it, what its words are, and the keys it is filtered and counted on."""

    iri: str
    identifier: str
    title: str
    sort_title: str = ""
    start_year: int | None = None
    status: str | None = None
    title_words: str = " "
    name_words: str = " "
    text_words: str = " "
    years: set[int] = field(default_factory=set)
    countries: list[str] = field(default_factory=list)  # ISO 3166 alpha-3 codes
    themes: list[str] = field(default_factory=list)  # keys of its themes and of every broader one
    french: list[str] = field(default_factory=list)  # keys of French partner authorities
    foreign: list[str] = field(default_factory=list)  # keys of foreign partner authorities
    posts: list[str] = field(default_factory=list)  # keys of diplomatic posts

    def score(self, query: list[str]) -> int:
        """0 unless every query word starts a word of the project; more when they are in its title or partners."""
        total = 0
        for word in query:
            needle = " " + word
            if needle in self.title_words:
                total += 3
            elif needle in self.name_words:
                total += 2
            elif needle in self.text_words:
                total += 1
            else:
                return 0
        return total


@dataclass
class SearchIndex:
    """Every project's entry, and the labels of the keys entries hold (countries, themes, statuses, authorities,
    posts), by kind then key."""

    entries: list[Entry]
    labels: dict[str, dict[str, str]]

    def label(self, kind: str, key: str) -> str:
        return self.labels.get(kind, {}).get(key, key)

    @classmethod
    def of(cls, queries: StoreQueries) -> SearchIndex:
        """The index of the store as it is now, built once until its next write: held apart from `kept`, which
        a flood of other pages may empty, and built by one thread while the others wait for it."""
        with _BUILDING:
            return cls._held(queries).get("index", lambda: cls.build(queries))

    @staticmethod
    def _held(queries: StoreQueries) -> UntilNextWrite[str, SearchIndex]:
        held = _HELD.get(queries.kept)
        if held is None:
            # Room for more than the one value: a full UntilNextWrite empties itself at the next read.
            held = _HELD[queries.kept] = UntilNextWrite(queries.store, max_entries=2)
        return held

    @classmethod
    def warm(cls, queries: StoreQueries, build: Callable[[], SearchIndex]) -> None:
        """Build the index of the store as it is now with `build` (in another process: `web.views.index_warmer`),
        unless it is built already; searches meanwhile wait for it. Dropped if the store was written meanwhile."""
        with _BUILDING:
            held = cls._held(queries)
            values = held.current()
            if "index" not in values:
                held.put(values, "index", build(), 0)

    @classmethod
    def build(cls, queries: StoreQueries) -> SearchIndex:
        """Four queries, each one pass over the projects: about 3 s per 1,000 projects of the synthetic corpus
        (half of it SPARQL, half splitting texts into words), and 4 kB of memory per project."""
        store, atlas, uris = queries.store, queries.atlas, queries.uris
        project = f"?project {RDF.type} {atlas.Project} ."
        entries: dict[str, Entry] = {}
        status_iris: set[str] = set()
        for row in select_rows(
            store,
            f"""SELECT ?project (SAMPLE(?id) AS ?identifier) (SAMPLE(?t) AS ?title) (SAMPLE(?s) AS ?start)
                  (SAMPLE(?st) AS ?status) WHERE {{ {project}
              OPTIONAL {{ ?project {DCTERMS.identifier} ?id }} OPTIONAL {{ ?project {DCTERMS.title} ?t }}
              OPTIONAL {{ ?project {atlas.startYear} ?s }} OPTIONAL {{ ?project {ADMS.status} ?st }}
            }} GROUP BY ?project""",
        ):
            iri = text_of(row, "project") or ""
            title = text_of(row, "title") or iri
            entry = Entry(iri, text_of(row, "identifier") or "", title, fold(title), title_words=haystack([title]))
            entry.start_year = _year(text_of(row, "start"))
            if entry.start_year is not None:
                entry.years.add(entry.start_year)
            status = text_of(row, "status")
            if status:
                entry.status = uris.key_of(status, "status") or status
                status_iris.add(status)
            entries[iri] = entry

        texts: dict[str, list[str]] = {}
        for row in select_rows(
            store,
            f"""SELECT ?project ?text WHERE {{ {project} ?project ?p ?text
              FILTER(isLiteral(?text) && (LANG(?text) != "" || DATATYPE(?text) = {XSD.string})) }}""",
        ):
            texts.setdefault(text_of(row, "project") or "", []).append(text_of(row, "text") or "")
        for iri, project_texts in texts.items():
            if iri in entries:
                entries[iri].text_words = haystack(project_texts)

        labels: dict[str, dict[str, str]] = {"authority": {}, "post": {}, "country": {}, "theme": {}, "status": {}}
        names: dict[str, list[str]] = {}
        for row in select_rows(
            store,
            f"""SELECT ?project ?role ?thing (SAMPLE(?label) AS ?name) WHERE {{
              VALUES ?role {{ {atlas.frenchPartner} {atlas.foreignPartner} {atlas.diplomaticPost} }}
              {project} ?project ?role ?thing . OPTIONAL {{ ?thing {RDFS.label} ?label }}
            }} GROUP BY ?project ?role ?thing""",
        ):
            entry, role, thing = entries.get(text_of(row, "project") or ""), text_of(row, "role"), text_of(row, "thing")
            if entry is None or not thing or not role:
                continue
            kind = "post" if role == atlas.diplomaticPost.value else "authority"
            key = uris.key_of(thing, kind) or thing
            labels[kind][key] = text_of(row, "name") or key
            if kind == "post":
                entry.posts.append(key)
            else:
                (entry.french if role == atlas.frenchPartner.value else entry.foreign).append(key)
                names.setdefault(entry.iri, []).append(labels[kind][key])
        for iri, partner_names in names.items():
            entries[iri].name_words = haystack(partner_names)

        theme_iris: dict[str, str] = {}
        country_iris: dict[str, str] = {}
        for row in select_rows(
            store,
            f"""SELECT DISTINCT ?project ?kind ?value WHERE {{ {project}
              {{ ?project {DCTERMS.spatial} ?value BIND("country" AS ?kind) }}
              UNION {{ ?project {DCTERMS.subject}/{SKOS.broader}* ?value BIND("theme" AS ?kind) }}
              UNION {{ ?project {atlas.signatureYear} ?value BIND("year" AS ?kind) }}
              UNION {{ ?funding {atlas.fundedProject} ?project ; {SDMX_DIMENSION.refPeriod} ?value
                       BIND("year" AS ?kind) }}
            }}""",
        ):
            entry, kind, value = entries.get(text_of(row, "project") or ""), text_of(row, "kind"), text_of(row, "value")
            if entry is None or not value:
                continue
            if kind == "year" and (year := _year(value)) is not None:
                entry.years.add(year)
            elif kind == "country" and (code := uris.country_code(value)) is not None:
                entry.countries.append(code)
                country_iris[code] = value
            elif kind == "theme" and (key := uris.key_of(value, "theme")) is not None:
                entry.themes.append(key)
                theme_iris[key] = value

        found = queries.labels.names(set(theme_iris.values()) | set(country_iris.values()) | status_iris)
        labels["country"] = {code: found.get(iri, code) for code, iri in country_iris.items()}
        labels["theme"] = {key: found.get(iri, key) for key, iri in theme_iris.items()}
        labels["status"] = {uris.key_of(iri, "status") or iri: found.get(iri, iri) for iri in status_iris}
        for entry in entries.values():
            entry.countries.sort(key=lambda code: labels["country"].get(code, code))
        return cls(list(entries.values()), labels)


_BUILDING = threading.Lock()
_HELD: weakref.WeakKeyDictionary[Kept, UntilNextWrite[str, SearchIndex]] = weakref.WeakKeyDictionary()


def _year(text: str | None) -> int | None:
    try:
        return int(text[:4]) if text else None
    except ValueError:
        return None
