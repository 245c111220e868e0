"""The SPARQL 1.1 endpoint: queries at /sparql (GET, form POST, direct POST), updates at /sparql and /update.

A plain query sees the union of the project graphs; the protocol's dataset parameters and FROM pick graphs.
Results are written by pyoxigraph's own serialisers and streamed. Updates are refused (403) unless the server
runs with updates on, and then need the bearer token (401). SERVICE is refused unless its endpoint is on the
allow-list, so the server makes no request on a query's behalf.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import IO, Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse

from atlas_ld.sparql_syntax import UncheckableSparql, service_calls, with_protocol_dataset
from atlas_ld.store import GraphStore, QueryResult
from atlas_ld.web.dependencies import require_update_access, settings_of, store_of
from atlas_ld.web.errors import bad_request, forbidden_service, not_acceptable
from atlas_ld.web.negotiation import HTML, RDF, RESULTS, Offer, negotiate, prefers, rdf_format, results_format
from atlas_ld.web.query_ui import query_ui_response
from atlas_ld.web.service_description import describe_service
from atlas_ld.web.sparql_protocol import FORM, QUERY, UPDATE, QueryOperation, UpdateOperation, read_operation
from atlas_ld.web.streaming import serialised

router = APIRouter(tags=["SPARQL"])


@dataclass(frozen=True)
class Answer:
    """A query's answer on its way out: its media type and its body, chunk by chunk."""

    media_type: str
    chunks: Iterator[bytes]


def answer_query(
    store: GraphStore,
    operation: QueryOperation,
    *,
    accept: str | None,
    base_iri: str,
    allowed_services: Sequence[str] = (),
) -> Answer:
    """Check a query, run it and start writing its results: the endpoint's one call into the store for queries.

    It takes and returns plain values and does the whole job (the Accept header is negotiated here, once the
    result's kind is known), so that it can move as a whole into a worker process with a deadline.
    """
    refuse_unlisted_services(operation.text, allowed_services, update=False)
    chosen: list[str] = []

    # pyoxigraph's results belong to the thread that made them, so one thread runs the query, negotiates by
    # the kind of result and writes it.
    def run_and_write(output: IO[bytes]) -> None:
        result = _run(store, operation, base_iri)
        try:
            offers = RDF if isinstance(result, ox.QueryTriples) else RESULTS
            offer = negotiate(offers, accept=accept, format=operation.format)
            if offer is None:
                raise not_acceptable(o.media_type for o in offers)
            chosen.append(offer.media_type)
            _write(result, offer, output)
        finally:
            # This frame can outlive the call, held by reference cycles made while parsing the query, and must
            # not take the result to whichever thread collects them.
            del result

    chunks = serialised(run_and_write)
    # The first chunk is awaited before any header goes out, so every error still gets its own status.
    first = next(chunks, b"")
    return Answer(chosen[0], chain([first], chunks))


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
            raise bad_request(str(error)) from error
    try:
        store.update(text, base_iri=base_iri)
    except SyntaxError as error:
        raise bad_request(str(error)) from error


def refuse_unlisted_services(text: str, allowed: Sequence[str], *, update: bool) -> None:
    """403 for a SERVICE whose endpoint is not on the allow-list; 400 if the text cannot be checked."""
    try:
        endpoints = service_calls(text, update=update)
    except UncheckableSparql as error:
        raise bad_request(str(error)) from error
    for endpoint in endpoints:
        if endpoint is None or endpoint not in allowed:
            raise forbidden_service(endpoint)


_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Query results (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE, and the service description "
        "when there is no query), in the negotiated format.",
        "content": {offer.media_type: {} for offer in (*RESULTS, *RDF)},
    },
    400: {"description": "Malformed request or query; the body gives the engine's message."},
    403: {"description": "An update while the server is read-only, or a SERVICE call that is not allowed."},
    406: {"description": "None of the accepted media types can carry this kind of result."},
    413: {"description": "Request body too large."},
    414: {"description": "URL too long: send the query by POST."},
}
_QUERY = Query(description="A SPARQL 1.1 query; without it, the service description.")
_DEFAULT_GRAPHS = Query(alias="default-graph-uri", description="Graphs merged as the default graph.")
_NAMED_GRAPHS = Query(alias="named-graph-uri", description="Graphs available to GRAPH.")
_FORMAT = Query(description="Result format, overriding Accept: json, xml, csv, tsv, ttl, jsonld, nt, rdf, nq, trig.")


# The parameters are declared for the OpenAPI description; `read_operation` reads them itself, as the protocol
# wants (a repeated `query` is an error, not "the last one wins").
@router.get("/sparql", responses=_RESPONSES, summary="Query by GET, or read the service description")
async def sparql_get(
    request: Request,
    query: Annotated[str | None, _QUERY] = None,
    default_graph_uri: Annotated[list[str] | None, _DEFAULT_GRAPHS] = None,
    named_graph_uri: Annotated[list[str] | None, _NAMED_GRAPHS] = None,
    format: Annotated[str | None, _FORMAT] = None,
) -> Response:
    return await _dispatch(request)


@router.post(
    "/sparql",
    responses={
        **_RESPONSES,
        204: {"description": "Update done."},
        401: {"description": "Update token missing or wrong."},
    },
    summary="Query or update by POST",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {"query": {"type": "string"}, "update": {"type": "string"}},
                    }
                },
                QUERY: {"schema": {"type": "string"}},
                UPDATE: {"schema": {"type": "string"}},
            },
        }
    },
)
async def sparql_post(request: Request) -> Response:
    return await _dispatch(request)


@router.post(
    "/update",
    status_code=204,
    responses={400: {}, 401: {"description": "Update token missing or wrong."}, 403: {"description": "Read-only."}},
    summary="Update (SPARQL 1.1 Update) by POST",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FORM: {"schema": {"type": "object", "properties": {"update": {"type": "string"}}}},
                UPDATE: {"schema": {"type": "string"}},
            },
        }
    },
)
async def update_post(request: Request) -> Response:
    require_update_access(request)
    operation = await read_operation(request)
    if not isinstance(operation, UpdateOperation):
        raise bad_request("/update takes SPARQL updates; send queries to /sparql.")
    return await _update(request, operation)


async def _dispatch(request: Request) -> Response:
    operation = await read_operation(request)
    if operation is None:
        settings = settings_of(request)
        wants_page = "format" not in request.query_params and prefers(HTML, RDF, accept=request.headers.get("accept"))
        response = query_ui_response(request, settings) if wants_page else describe_service(request, settings)
        response.headers["Vary"] = "Accept"
        return response
    if isinstance(operation, UpdateOperation):
        require_update_access(request)
        return await _update(request, operation)
    answer = await run_in_threadpool(
        answer_query,
        store_of(request),
        operation,
        accept=request.headers.get("accept"),
        base_iri=_endpoint(request),
        allowed_services=settings_of(request).service_allowlist,
    )
    return StreamingResponse(answer.chunks, media_type=answer.media_type, headers={"Vary": "Accept"})


async def _update(request: Request, operation: UpdateOperation) -> Response:
    await run_in_threadpool(
        perform_update,
        store_of(request),
        operation,
        base_iri=_endpoint(request),
        allowed_services=settings_of(request).service_allowlist,
    )
    return Response(status_code=204)


def _endpoint(request: Request) -> str:
    """The URL the client reached the endpoint at: the base for relative IRIs in its requests."""
    return str(request.url.replace(query=None, fragment=None))


def _run(store: GraphStore, operation: QueryOperation, base_iri: str) -> QueryResult:
    try:
        return store.query(
            operation.text,
            default_graph=list(operation.default_graphs) if operation.names_dataset else None,
            named_graphs=list(operation.named_graphs) if operation.names_dataset else None,
            base_iri=base_iri,
        )
    except (SyntaxError, ValueError) as error:  # ValueError: a graph parameter that is not an IRI
        raise bad_request(str(error)) from error


def _write(result: QueryResult, offer: Offer, output: IO[bytes]) -> None:
    if isinstance(result, ox.QueryTriples):
        result.serialize(output, rdf_format(offer))
    else:
        result.serialize(output, results_format(offer))
