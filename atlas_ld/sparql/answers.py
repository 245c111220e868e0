"""Answering one SPARQL operation: check it, run it on a store, cap and write a query's results.

Plain values in, plain values out, no request or app in sight. `write_answer` writes a query's results to a file:
the query workers (`atlas_ld.sparql.pool`) call it directly; `answer_query` reads it chunk by chunk in a thread of
the server process (queries over a store that bounds its own time), where updates run too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import IO

import pyoxigraph as ox

from atlas_ld.media_types import (
    RDF,
    RESULTS,
    Offer,
    negotiate,
    rdf_format,
    results_format,
)
from atlas_ld.publish.jsonld import write_graph
from atlas_ld.sparql.checks import (
    UncheckableSparql,
    service_calls,
    with_protocol_dataset,
)
from atlas_ld.sparql.errors import (
    bad_query,
    not_acceptable,
    service_refused,
    syntax_error,
)
from atlas_ld.sparql.operations import QueryOperation, UpdateOperation
from atlas_ld.sparql.row_cap import cap_solutions, cap_triples
from atlas_ld.sparql.streaming import serialised
from atlas_ld.store.base import GraphStore, QueryResult


@dataclass(frozen=True)
class Answer:
    """A query's answer on its way out: its media type, whether the row cap cut it, and its body chunk by chunk,
    read on the event loop; a tuple of chunks is a body already whole in memory, sent in one piece with its
    length."""

    media_type: str
    chunks: AsyncIterator[bytes] | tuple[bytes, ...]
    truncated: bool = False


@dataclass(frozen=True)
class ThreadAnswer:
    """An answer whose chunks are read by blocking calls, in a thread: `answer_query`'s."""

    media_type: str
    chunks: Iterator[bytes]
    truncated: bool = False


def answer_query(
    store: GraphStore,
    operation: QueryOperation,
    *,
    accept: str | None,
    base_iri: str,
    allowed_services: Sequence[str] = (),
    max_rows: int = 0,
    site_base: str | None = None,
) -> ThreadAnswer:
    """`write_answer` read chunk by chunk: the endpoint's one call into the store for the queries it answers in the
    server process. It blocks until the first chunk: call it in a thread."""
    heads: list[tuple[str, bool]] = []
    # pyoxigraph's results belong to the thread that made them: the serialiser's thread runs the query too.
    write = partial(
        write_answer,
        store,
        operation,
        start=lambda *head: heads.append(head),
        accept=accept,
        base_iri=base_iri,
        allowed_services=allowed_services,
        max_rows=max_rows,
        site_base=site_base,
    )
    chunks = serialised(write)
    # The first chunk is awaited before any header goes out, so every error still gets its own status, and the
    # cap has been applied by then.
    first = next(chunks, b"")
    media_type, truncated = heads[0]
    return ThreadAnswer(media_type, _prepend(first, chunks), truncated=truncated)


def write_answer(
    store: GraphStore,
    operation: QueryOperation,
    output: IO[bytes],
    *,
    start: Callable[[str, bool], object],
    accept: str | None,
    base_iri: str,
    allowed_services: Sequence[str] = (),
    max_rows: int = 0,
    site_base: str | None = None,
) -> None:
    """Check a query, run it and write its results to `output`, at most `max_rows` rows (SELECT) or triples
    (CONSTRUCT, DESCRIBE), 0 meaning no cap. With `site_base`, graphs in Turtle and RDF/XML use the site's
    prefixes, and JSON-LD is compacted with its context.

    The Accept header is negotiated here, once the result's kind is known. `start(media_type, truncated)` is
    called before the first byte, once the cap is applied; before it, a bad query raises a QueryError (BadQuery, ServiceRefused, NotAcceptable).
    """
    refuse_unlisted_services(operation.text, allowed_services, update=False)
    result = _run(store, operation, base_iri)
    try:
        offers = RDF if isinstance(result, ox.QueryTriples) else RESULTS
        offer = negotiate(offers, accept=accept, format=operation.format)
        if offer is None:
            raise not_acceptable(o.media_type for o in offers)
        _write(result, offer, output, max_rows, partial(start, offer.media_type), site_base, base_iri)
    finally:
        # This frame can outlive the call, held by reference cycles made while parsing the query, and must not
        # take the result to whichever thread collects them.
        del result


def _write_graph(
    triples: Iterable[ox.Triple], offer: Offer, output: IO[bytes], site_base: str | None, reached: str | None
) -> None:
    """The graph as the site writes it (see `write_graph`), or plainly without a site's base."""
    if site_base is None:
        ox.serialize(triples, output, rdf_format(offer))
    else:
        write_graph(triples, rdf_format(offer), site_base, output, reached)


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    """`first`, then `rest`; closing it closes `rest`, which stops the serialiser."""
    yield first
    yield from rest


def perform_update(
    store: GraphStore, operation: UpdateOperation, *, base_iri: str, allowed_services: Sequence[str] = ()
) -> None:
    """Check and run an update in one transaction: the endpoint's one call into the store for updates."""
    text = operation.text
    refuse_unlisted_services(text, allowed_services, update=True)
    if operation.using_graphs or operation.using_named_graphs:
        try:
            text = with_protocol_dataset(text, operation.using_graphs, operation.using_named_graphs)
        except ValueError as error:  # UncheckableSparql included
            raise bad_query(str(error)) from error
    try:
        store.update(text, base_iri=base_iri)
    except SyntaxError as error:
        raise syntax_error(text, error) from error


def refuse_unlisted_services(text: str, allowed: Sequence[str], *, update: bool) -> None:
    """ServiceRefused for a SERVICE whose endpoint is not on the allow-list; BadQuery if the text cannot be checked."""
    try:
        endpoints = service_calls(text, update=update)
    except UncheckableSparql as error:
        raise bad_query(str(error)) from error
    for endpoint in endpoints:
        if endpoint is None or endpoint not in allowed:
            raise service_refused(endpoint)


def _run(store: GraphStore, operation: QueryOperation, base_iri: str) -> QueryResult:
    try:
        return store.query(
            operation.text,
            default_graph=list(operation.default_graphs) if operation.names_dataset else None,
            named_graphs=list(operation.named_graphs) if operation.names_dataset else None,
            base_iri=base_iri,
        )
    except SyntaxError as error:
        raise syntax_error(operation.text, error) from error
    except ValueError as error:  # a graph parameter that is not an IRI
        raise bad_query(str(error)) from error


def _write(
    result: QueryResult,
    offer: Offer,
    output: IO[bytes],
    max_rows: int,
    start: Callable[[bool], object],
    site_base: str | None = None,
    reached: str | None = None,
) -> None:
    """Write the result, capped; `start(truncated)` is called before the first byte."""
    if isinstance(result, ox.QueryTriples):
        if not max_rows:
            start(False)
            _write_graph(result, offer, output, site_base, reached)
            return
        triples = cap_triples(result, max_rows)
        start(triples.truncated)
        _write_graph(triples.result, offer, output, site_base, reached)
    elif isinstance(result, ox.QuerySolutions) and max_rows:
        solutions = cap_solutions(result, max_rows)
        start(solutions.truncated)
        solutions.result.serialize(output, results_format(offer))
    else:
        start(False)
        result.serialize(output, results_format(offer))
