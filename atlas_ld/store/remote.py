"""A SPARQL 1.1 server as the store (Oxigraph's server, Fuseki, Virtuoso, QLever, GraphDB), reached with the SPARQL
1.1 Protocol alone: queries to its query URL, updates to its update URL, nothing specific to one engine.

Answers come back as pyoxigraph's own result objects, parsed from the server's standard formats, so the endpoint,
the pages and the dumps use them as they use the embedded store's. A query that picks no dataset must see the union of
the named graphs, as on atlas-ld's own endpoint: the default graph of Virtuoso and QLever is that union already;
Oxigraph's server and Fuseki are asked for it with a query parameter (`ATLAS_LD_STORE_UNION_PARAMETERS`).
urllib, not an HTTP client library: its responses are file objects that pyoxigraph's parsers read as a stream.
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from http.client import HTTPResponse
from typing import IO
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qsl, urlencode
from urllib.request import Request, urlopen

import pyoxigraph as ox

from atlas_ld.sparql.checks import names_dataset, query_form
from atlas_ld.store.base import (
    QueryResult,
    StoreRefused,
    StoreUnavailable,
    Term,
    ntriples,
)
from atlas_ld.store.stamp import WriteStamp

_RESULTS_JSON = "application/sparql-results+json"
_N_TRIPLES = "application/n-triples"
_GENERATED_AT = "http://www.w3.org/ns/prov#generatedAtTime"
# How long the time of the last ingest is taken as known: every page and document asks for it.
_STAMP_SECONDS = 2.0
# Triples per INSERT DATA operation: Virtuoso refuses one of much more than a thousand (its SQL text grows past
# its limit); several operations in one request still commit together.
_TRIPLES_PER_INSERT = 500


def default_update_url(query_url: str) -> str:
    """Where updates go when no update URL is set: Oxigraph's and Fuseki's `…/query` become `…/update`; other
    servers (Virtuoso, QLever, GraphDB's repositories) take both at the same URL.

    >>> default_update_url("http://127.0.0.1:7878/query"), default_update_url("http://127.0.0.1:8890/sparql")
    ('http://127.0.0.1:7878/update', 'http://127.0.0.1:8890/sparql')
    """
    return query_url.removesuffix("/query") + "/update" if query_url.endswith("/query") else query_url


def authorization_from_environment(environ: Mapping[str, str] = os.environ) -> str | None:
    """The Authorization header for the store's server: a bearer token (ATLAS_LD_STORE_TOKEN) or a user and
    password (ATLAS_LD_STORE_USER, ATLAS_LD_STORE_PASSWORD), never from the command line.

    >>> authorization_from_environment({"ATLAS_LD_STORE_USER": "dba", "ATLAS_LD_STORE_PASSWORD": "dba"})
    'Basic ZGJhOmRiYQ=='
    """
    if token := environ.get("ATLAS_LD_STORE_TOKEN"):
        return f"Bearer {token}"
    if user := environ.get("ATLAS_LD_STORE_USER"):
        pair = f"{user}:{environ.get('ATLAS_LD_STORE_PASSWORD', '')}".encode()
        return "Basic " + base64.b64encode(pair).decode()
    return None


@dataclass(frozen=True)
class RemoteEndpoint:
    """Where a SPARQL server takes queries, updates and (if it has it) the Graph Store Protocol, the credentials it
    wants, and the query parameters that make its default graph the union of its named graphs (for a query that
    picks no dataset of its own)."""

    query_url: str
    update_url: str
    graph_store_url: str | None = None
    authorization: str | None = field(default=None, repr=False)  # a secret: kept out of logs
    union_parameters: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(
        cls,
        query_url: str,
        update_url: str | None = None,
        union_parameters: str = "",
        graph_store_url: str | None = None,
    ) -> RemoteEndpoint:
        """From the settings; `union_parameters` as in a URL's query string (`union-default-graph`)."""
        return cls(
            query_url,
            update_url or default_update_url(query_url),
            graph_store_url or None,
            authorization_from_environment(),
            tuple(parse_qsl(union_parameters, keep_blank_values=True)),
        )


class RemoteStore:
    """`GraphStore` over a SPARQL 1.1 server. `timeout` bounds each request: the server stops its own work.

    The graphs under `graphs_under` (the base URI's `graph/`) are atlas-ld's: the list of graphs, the dumps and the
    counts leave out whatever else the server holds (another data set, Virtuoso's own graphs).

    Every write through atlas-ld is recorded in `stamp` (a file in the data folder, shared by the ingest and every
    server process), so that each of them sees it at once; the server itself is asked only every few seconds, for
    writes that other programs make.
    """

    readable_at = None  # a server stops its own queries at the request timeout
    shared_writes = True

    def __init__(
        self, endpoint: RemoteEndpoint, *, timeout: float = 60.0, graphs_under: str = "", stamp: WriteStamp | None = None
    ) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self.stamp = stamp
        self._ours = f'FILTER(STRSTARTS(STR(?g), {ox.Literal(graphs_under)}))' if graphs_under else ""
        self._stamp: tuple[float, float] = (0.0, float("-inf"))  # (newest ingest, when it was read)
        self._written_at = 0.0

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint.query_url!r})"

    # -- reading ------------------------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        graph_wanted = query_form(sparql) in ("CONSTRUCT", "DESCRIBE")
        fields = [("query", _with_base(sparql, base_iri))]
        fields += [("default-graph-uri", g) for g in default_graph or ()]
        fields += [("named-graph-uri", g) for g in named_graphs or ()]
        if default_graph is None and not names_dataset(sparql):
            fields += self.endpoint.union_parameters
        # A form, not a body of application/sparql-query: Virtuoso never answers that one.
        response = self._send(
            "POST",
            self.endpoint.query_url,
            urlencode(fields).encode(),
            "application/x-www-form-urlencoded",
            accept=_N_TRIPLES if graph_wanted else f"{_RESULTS_JSON}, {_N_TRIPLES};q=0.5",
        )
        media_type = response.headers.get_content_type()
        if media_type in (_N_TRIPLES, "text/plain", "text/turtle"):
            # A graph: held in a store of its own, so that it comes back as the engine's QueryTriples.
            graph = ox.Store()
            rdf_format = ox.RdfFormat.TURTLE if media_type == "text/turtle" else ox.RdfFormat.N_TRIPLES
            with response:
                graph.load(response, format=rdf_format, to_graph=ox.DefaultGraph())
            return graph.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        results_format = ox.QueryResultsFormat.from_media_type(media_type)
        if results_format is None:
            response.close()
            raise StoreRefused(f"{self.endpoint.query_url} answered in {media_type}, not SPARQL results")
        if "virtuoso" in response.headers.get("Server", "").lower():
            # Virtuoso labels blank nodes `nodeID://b1`, which no RDF syntax allows and pyoxigraph refuses.
            with response:
                return ox.parse_query_results(response.read().replace(b'"nodeID://', b'"nodeID-'), results_format)
        return ox.parse_query_results(response, results_format)

    def triples(
        self,
        *,
        subjects: Collection[ox.NamedNode] | None = None,
        predicates: Collection[ox.NamedNode] | None = None,
        objects: Collection[Term] | None = None,
    ) -> list[ox.Triple]:
        picked = {"s": subjects, "o": objects, "p": predicates}  # the most selective position first
        given = {name: sorted(map(str, terms)) for name, terms in picked.items() if terms is not None}
        if any(not terms for terms in given.values()):
            return []
        # The first position given anchors the pattern; the others are filters on what it finds. Oxigraph plans
        # a pattern after several VALUES blocks as a scan of the whole store.
        anchor = next(iter(given), None)
        values = f"VALUES ?{anchor} {{ {' '.join(given.pop(anchor))} }}" if anchor else ""
        filters = " ".join(
            f"FILTER({' || '.join(f'sameTerm(?{name}, {term})' for term in terms)})" for name, terms in given.items()
        )
        result = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {values} ?s ?p ?o {filters} }}")
        assert isinstance(result, ox.QueryTriples)
        return list(result)

    def absent(self, graph: str, triples: Iterable[ox.Triple]) -> list[ox.Triple]:
        return list(triples)  # one query per batch would cost what it saves

    def named_graphs(self) -> list[str]:
        # `GRAPH ?g { }` would be cheaper, but Virtuoso answers it with one empty row.
        rows = self.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours} }}")
        return [row["g"].value for row in rows if isinstance(row["g"], ox.NamedNode)]  # type: ignore[union-attr, index]

    def dump(
        self,
        output: IO[bytes],
        format: ox.RdfFormat,
        *,
        graph: str | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        named = dict(prefixes) if prefixes else None
        if graph is not None:
            triples = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}")
            ox.serialize(triples, output, format, prefixes=named)  # type: ignore[arg-type]
        elif format.supports_datasets:
            rows = self.query(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours} }}")
            quads = (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)  # type: ignore[union-attr, index]
            ox.serialize(quads, output, format)
        else:
            triples = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours} }}")
            ox.serialize(triples, output, format, prefixes=named)  # type: ignore[arg-type]

    def triple_count(self) -> int:
        rows = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours} }}")
        return int(next(iter(rows))["n"].value)  # type: ignore[call-overload, index]

    def last_modified(self) -> float:
        """The latest of: the last write through atlas-ld (the shared stamp, or this object's own), and when the
        newest project graph was written (its prov:generatedAtTime, read again every few seconds: the server keeps
        no stamp of its own that every engine would give), which tells of an ingest by another program.

        A write by another program that is not an ingest leaves it as it was."""
        value, read_at = self._stamp
        now = time.monotonic()
        if now - read_at >= _STAMP_SECONDS:
            rows = self.query(f"SELECT (MAX(?t) AS ?last) WHERE {{ GRAPH ?g {{ ?g <{_GENERATED_AT}> ?t }} }}")
            last = next(iter(rows))["last"]  # type: ignore[call-overload, index]
            value = datetime.fromisoformat(last.value).timestamp() if last is not None else 0.0
            self._stamp = (value, now)
        return max(value, self._written_at, self.stamp.read() if self.stamp is not None else 0.0)

    # -- writing ------------------------------------------------------------------------------------------------

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        body = urlencode([("update", _with_base(sparql, base_iri))]).encode()
        self._send("POST", self.endpoint.update_url, body, "application/x-www-form-urlencoded").close()
        self._wrote()

    def replace_graphs(
        self, graphs: Mapping[str, Iterable[ox.Triple]], *, add: Mapping[str, Iterable[ox.Triple]] | None = None
    ) -> None:
        """With the Graph Store Protocol, one PUT per graph (and a POST for what is added): each replaces its
        graph atomically. Without it, one update request, which the servers named above run as one transaction.
        Either way a reader sees each graph old or new."""
        if self.endpoint.graph_store_url:
            for graph, triples in graphs.items():
                self._put(graph, ntriples(triples), method="PUT")
            for graph, triples in (add or {}).items():
                if body := ntriples(triples):
                    self._put(graph, body, method="POST")
            self._wrote()
            return
        drops = [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in graphs]
        inserts = [
            f"INSERT DATA {{ GRAPH {ox.NamedNode(g)} {{\n{ntriples(listed[i : i + _TRIPLES_PER_INSERT])}}} }}"
            for g, triples in [*graphs.items(), *(add or {}).items()]
            for listed in [list(triples)]
            for i in range(0, len(listed), _TRIPLES_PER_INSERT)
        ]
        if drops or inserts:
            self.update(" ;\n".join([*drops, *inserts]))

    def flush(self) -> None:
        """Nothing is buffered here: each write is a request the server has committed."""

    def _wrote(self) -> None:
        self._written_at = time.time()
        if self.stamp is not None:
            self.stamp.touch()
        self._stamp = (self._stamp[0], float("-inf"))

    # -- HTTP ---------------------------------------------------------------------------------------------------

    def _put(self, graph: str, body: str, *, method: str) -> None:
        """A Graph Store Protocol write of N-Triples to `graph`; an empty PUT deletes the graph."""
        url = f"{self.endpoint.graph_store_url}?{urlencode({'graph': graph})}"
        if method == "PUT" and not body:
            try:
                self._send("DELETE", url, b"", _N_TRIPLES).close()
            except StoreRefused as error:
                if " 404:" not in str(error):
                    raise
            return
        self._send(method, url, body.encode(), _N_TRIPLES).close()

    def _send(self, method: str, url: str, body: bytes, content_type: str, *, accept: str | None = None) -> HTTPResponse:
        """One request. A 400 is the engine's syntax error (SyntaxError), another error status StoreRefused, no
        answer at all StoreUnavailable."""
        headers = {"Content-Type": f"{content_type}; charset=utf-8" if content_type != _N_TRIPLES else content_type}
        if accept:
            headers["Accept"] = accept
        if self.endpoint.authorization:
            headers["Authorization"] = self.endpoint.authorization
        request = Request(url, data=body, headers=headers, method=method)
        try:
            return urlopen(request, timeout=self.timeout)  # type: ignore[no-any-return]
        except HTTPError as error:
            message = error.read().decode(errors="replace").strip() or str(error.reason)
            if error.code == 400:
                raise SyntaxError(message) from None
            raise StoreRefused(f"{url} answered {error.code}: {message[:1000]}") from None
        except (URLError, OSError) as error:  # refused, unreachable, timed out
            raise StoreUnavailable(f"{url} could not be reached ({getattr(error, 'reason', error)})") from None


def _with_base(sparql: str, base_iri: str | None) -> str:
    """The protocol has no base IRI parameter; a BASE before the text's own prologue gives it (a later BASE in
    the text still wins). On the same line, so that the server's errors keep the text's line numbers."""
    return f"BASE {ox.NamedNode(base_iri)} {sparql}" if base_iri else sparql
