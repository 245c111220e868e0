"""Memento (RFC 7089) for the projects: the project's IRI (/id/project/N, and its /page and /data documents) is
its own TimeGate, each published version has a URI-M under /history/, a TimeMap lists them, and a project withdrawn
from the Atlas answers 410 Gone.

The versions come from the history file beside the store (`atlas_ld.store.history`), read here and never written:
nothing of them enters the store, so the published view (the union of the graphs, counts, dumps) never shows a
replaced version.

>>> from datetime import UTC, datetime
>>> t = [datetime(2024, m, 1, 12, tzinfo=UTC) for m in (5, 6, 7)]
>>> past = ProjectPast(UriScheme("https://atlas.example.org/"), 7, (
...     Version(7, 1, t[0], t[1], False), Version(7, 2, t[1], t[2], False), Version(7, 3, t[2], None, True)))
>>> [past.at(datetime(2024, m, 2, tzinfo=UTC)).number for m in (1, 5, 6, 12)]
[1, 1, 2, 2]
>>> past.withdrawn.since.month, past.memento(2, "ttl"), past.timemap
(7, '/history/project/7/2.ttl', '/timemap/project/7')
>>> print(past.links())
<https://atlas.example.org/id/project/7>; rel="original timegate", </timemap/project/7>; rel="timemap"; \
type="application/link-format"
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import Request, Response
from werkzeug.http import http_date, parse_date

from atlas_ld.store.base import GraphStore
from atlas_ld.store.history import History, Version
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import DCTERMS, PROV, XSD
from atlas_ld.web.errors import bad_request
from atlas_ld.web.html import render

LINK_FORMAT = "application/link-format"
PROJECT_KEY = re.compile(r"project/([1-9][0-9]{0,17})")
"""The key of a project under /id/ (not of its parts, /id/project/N/theme/...); 18 digits keep SQLite's integers."""
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")

ORIGINAL_RESPONSES: dict[int | str, dict[str, Any]] = {
    302: {"description": "A project with a history, asked with Accept-Datetime (Memento TimeGate): Found, to the "
                         "version in force at that time."},
    400: {"description": "Accept-Datetime is not an HTTP date.", "content": {"text/plain": {}}},
}


def french_datetime(when: datetime) -> str:
    """A date as the pages write it, in UTC.

    >>> french_datetime(datetime(2024, 5, 1, 12, 5, tzinfo=UTC))
    '1 mai 2024 à 12:05 UTC'
    """
    when = when.astimezone(UTC)
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year} à {when:%H:%M} UTC"


def xsd_datetime(when: datetime) -> ox.Literal:
    return ox.Literal(when.astimezone(UTC).isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)


class HistoryReader:
    """The data folder's history file, opened read-only once it exists and then kept: between two reads, a read-only
    SQLite connection sees what the ingest, in another process, has committed meanwhile."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._history: History | None = None
        self._lock = threading.Lock()  # one connection for every request thread: its reads take turns

    def versions(self, prj_id: int) -> list[Version]:
        with self._lock:
            try:
                history = self._open()
                return history.versions(prj_id) if history is not None else []
            except sqlite3.OperationalError:  # the first ingest is still creating the file's table
                return []

    def graph(self, prj_id: int, number: int) -> bytes | None:
        with self._lock:
            history = self._open()
            return history.graph(prj_id, number) if history is not None else None

    def last_modified(self) -> float:
        """When the history file was last written (its write-ahead log included): 0.0 while there is none."""
        times = [0.0]
        for path in (self.path, self.path.with_name(self.path.name + "-wal")):
            try:
                times.append(os.stat(path).st_mtime)
            except OSError:
                pass
        return max(times)

    def close(self) -> None:
        with self._lock:
            if self._history is not None:
                self._history.close()
                self._history = None

    def _open(self) -> History | None:
        if self._history is None:
            self._history = History.open_if_kept(self.path)
        return self._history


@dataclass(frozen=True)
class ProjectPast:
    """One project's versions, oldest first (withdrawals included), and the Memento links and answers they make."""

    uris: UriScheme
    prj_id: int
    versions: tuple[Version, ...]
    history: HistoryReader | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, history: HistoryReader, uris: UriScheme, key: str) -> ProjectPast | None:
        """The past of the thing at /id/{key}: None unless it is a project with a published version on record."""
        match = PROJECT_KEY.fullmatch(key)
        return cls.of_project(history, uris, int(match[1])) if match else None

    @classmethod
    def of_project(cls, history: HistoryReader, uris: UriScheme, prj_id: int) -> ProjectPast | None:
        if not 0 < prj_id < 10**18:
            return None
        versions = tuple(history.versions(prj_id))
        return cls(uris, prj_id, versions, history) if any(not v.withdrawn for v in versions) else None

    # where things are
    @property
    def iri(self) -> str:
        return self.uris.project(self.prj_id)

    @property
    def timemap(self) -> str:
        return f"{self.uris.root}timemap/project/{self.prj_id}"

    def memento(self, number: int, suffix: str | None = None) -> str:
        """The path of a version (URI-M), or of one of its RDF documents."""
        return f"{self.uris.root}history/project/{self.prj_id}/{number}" + (f".{suffix}" if suffix else "")

    def memento_iri(self, number: int) -> str:
        """The version's URI-M under the base, as RDF names it."""
        return self.uris.base + self.memento(number).removeprefix(self.uris.root)

    # which versions
    @property
    def mementos(self) -> list[Version]:
        """The published versions: a withdrawal is no memento, it has no content."""
        return [v for v in self.versions if not v.withdrawn]

    @property
    def withdrawn(self) -> Version | None:
        """The withdrawal in force, if the project is out of the Atlas."""
        return self.versions[-1] if self.versions and self.versions[-1].withdrawn else None

    def version(self, number: int) -> Version | None:
        return next((v for v in self.mementos if v.number == number), None)

    def after(self, version: Version) -> Version | None:
        """What ended `version`: the next version or a withdrawal."""
        return next((v for v in self.versions if v.number > version.number), None)

    def at(self, when: datetime) -> Version:
        """The memento in force at `when`: the latest published by then (the first, before any). Compared to the
        second, as Memento-Datetime gives it: asking for a memento's own datetime gives that memento."""
        chosen = self.mementos[0]
        for version in self.mementos:
            if version.since.replace(microsecond=0) <= when:
                chosen = version
        return chosen

    def triples(self, version: Version, store: GraphStore) -> list[ox.Triple]:
        """What the version said: kept in the history once replaced; the store's project graph while in force."""
        if version.current:
            graph = ox.NamedNode(self.uris.project_graph(self.prj_id))
            found = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
            assert isinstance(found, ox.QueryTriples)
            triples = list(found)
        else:
            data = self.history.graph(self.prj_id, version.number) if self.history is not None else None
            triples = [q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES)] if data else []
        return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    # HTTP
    def links(self) -> str:
        """The Link header of the original, its documents and its mementos: the TimeGate and the TimeMap."""
        return f'<{self.iri}>; rel="original timegate", <{self.timemap}>; rel="timemap"; type="{LINK_FORMAT}"'

    def decorate(self, response: Response, vary: str = "") -> Response:
        """The original's answer as a TimeGate's: its links added to any it has, and Vary naming Accept-Datetime
        (and `vary`, what else chose the answer)."""
        headers = response.headers
        headers["Link"] = ", ".join(filter(None, [headers.get("link"), self.links()]))
        headers["Vary"] = _vary(headers.get("vary", ""), vary, "Accept-Datetime")
        return response

    def timegate(self, request: Request, location: Callable[[Version], str], vary: str = "") -> Response | None:
        """302 to the memento in force at the request's Accept-Datetime (at `location(version)`); None without
        one; 400 when it is no HTTP date. `vary` names what else chose the location (Accept)."""
        asked = request.headers.get("accept-datetime")
        if asked is None:
            return None
        when = parse_date(asked)
        if when is None:
            raise bad_request(
                f"Accept-Datetime must be an HTTP date, such as 'Wed, 01 May 2024 12:00:00 GMT'; got {asked[:80]!r}."
            )
        headers = {"Location": location(self.at(when)), "Link": self.links(), "Vary": _vary(vary, "Accept-Datetime")}
        return Response(status_code=302, headers=headers)

    def respond(self, request: Request, answer: Callable[[], Response], gone: Callable[[], Response], *,
                suffix: str | None = None, vary: str = "") -> Response:
        """The original's answer (`answer()`) as a TimeGate gives it: a 302 by Accept-Datetime (to the memento's
        document of `suffix`), `gone()` once the project is withdrawn, and the Memento links on every answer."""
        gate = self.timegate(request, lambda version: self.memento(version.number, suffix), vary)
        if gate is not None:
            return gate
        response = answer()
        if response.status_code == 404 and self.withdrawn is not None:
            response = gone()
        return self.decorate(response, vary)

    def memento_headers(self, version: Version) -> dict[str, str]:
        """What every representation of a memento carries (RFC 7089 §2.1)."""
        return {"Memento-Datetime": http_date(version.since), "Link": self.links()}

    # a withdrawn project
    def gone_triples(self) -> list[ox.Triple]:
        """Since when the project is withdrawn and its last version, in PROV-O: a memento is a specialization of
        the project in time (as PROV-AQ relates them), with the interval it was in force."""
        withdrawn, last = self.withdrawn, self.mementos[-1]
        assert withdrawn is not None
        project, memento = ox.NamedNode(self.iri), ox.NamedNode(self.memento_iri(last.number))
        triples = [
            ox.Triple(project, PROV.invalidatedAtTime, xsd_datetime(withdrawn.since)),
            ox.Triple(memento, PROV.specializationOf, project),
            ox.Triple(memento, PROV.generatedAtTime, xsd_datetime(last.since)),
        ]
        if last.until is not None:
            triples.append(ox.Triple(memento, PROV.invalidatedAtTime, xsd_datetime(last.until)))
        return triples

    def last_title(self, store: GraphStore) -> str | None:
        last = self.mementos[-1]
        project = ox.NamedNode(self.iri)
        return next((t.object.value for t in self.triples(last, store)
                     if t.subject == project and t.predicate == DCTERMS.title), None)


def _vary(*values: str) -> str:
    """Vary's field names, each once.

    >>> _vary("Accept", "accept, Accept-Datetime", "")
    'Accept, Accept-Datetime'
    """
    names: dict[str, str] = {}
    for value in values:
        for name in filter(None, (n.strip() for n in value.split(","))):
            names.setdefault(name.lower(), name)
    return ", ".join(names.values())


def gone_page(request: Request, past: ProjectPast, store: GraphStore) -> Response:
    """The 410 page of a withdrawn project: since when, and a link to its last version."""
    withdrawn, last = past.withdrawn, past.mementos[-1]
    assert withdrawn is not None
    context = {
        "title": past.last_title(store) or "Projet retiré",
        "iri": past.iri,
        "root": past.uris.root,
        "withdrawn_at": withdrawn.since,
        "last_at": last.since,
        "last_href": past.memento(last.number),
        "timemap": past.timemap,
        "when": french_datetime,
    }
    return render(request, "gone.html", context, status_code=410)
