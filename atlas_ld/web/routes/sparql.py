"""The SPARQL 1.1 endpoint: queries at /sparql (GET, form POST, direct POST), updates at /sparql and /update.

A plain query sees the union of the project graphs; the protocol's dataset parameters and FROM pick graphs.
Results are written by pyoxigraph's own serialisers and streamed, or sent in one piece when the query runner
has them whole. Every query runs under a deadline (503 when it passes) and a row cap (a cut answer carries
`Atlas-LD-Truncated: true`), wherever the app's query runner runs it. Updates are refused (403) unless the server
runs with updates on, and then need the bearer token (401). SERVICE is refused unless its endpoint is on the
allow-list, so the server makes no request on a query's behalf.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from atlas_ld.media_types import HTML, RDF, RESULTS, prefers
from atlas_ld.sparql.answers import Answer, perform_update
from atlas_ld.web.dependencies import (
    queries_of,
    require_update_access,
    settings_of,
    store_of,
)
from atlas_ld.web.errors import bad_request
from atlas_ld.web.routes.query_ui import query_ui_response
from atlas_ld.web.routes.service_description import describe_service
from atlas_ld.web.sparql_protocol import (
    FORM,
    QUERY,
    UPDATE,
    UpdateOperation,
    read_operation,
)
from atlas_ld.web.streaming import ClosingStreamingResponse

TRUNCATED = "Atlas-LD-Truncated"
"""Response header present, with the value `true`, when the row cap cut the answer."""

router = APIRouter(tags=["SPARQL"])


_TEXT: dict[str, Any] = {"text/plain": {}}
_STRING: dict[str, Any] = {"schema": {"type": "string", "minLength": 1}}
_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Query results (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE, and the service description "
        "when there is no query), in the negotiated format; the query editor for a browser.",
        "content": {offer.media_type: {} for offer in (*RESULTS, *RDF, HTML)},
        "headers": {
            TRUNCATED: {
                "description": "`true` when the answer was cut at the server's row cap (`max_rows`): page through "
                "it with ORDER BY, LIMIT and OFFSET. Absent otherwise; a `Warning` header then says the same.",
                "schema": {"type": "string", "enum": ["true"]},
            }
        },
    },
    400: {"description": "Malformed request or query; the body gives the engine's message.", "content": _TEXT},
    403: {"description": "An update while the server is read-only, or a SERVICE call not allowed.", "content": _TEXT},
    406: {"description": "None of the accepted media types can carry this kind of result.", "content": _TEXT},
    503: {
        "description": "The query ran past the server's time limit (`query_timeout`) and was stopped, or every "
        "query worker stayed busy that long. Results already under way when the limit passes are cut off: the "
        "connection closes before the end of the body.",
        "content": _TEXT,
    },
}
_UPDATES: dict[int | str, dict[str, Any]] = {
    204: {"description": "Update done."},
    400: {"description": "Malformed request or update; the body gives the engine's message.", "content": _TEXT},
    401: {"description": "Update token missing or wrong.", "content": _TEXT},
    403: {"description": "The server is read-only, or the update calls a SERVICE not allowed.", "content": _TEXT},
    415: {"description": "A body in another media type than those described.", "content": _TEXT},
}
_GRAPH_LIST: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
_GET_PARAMETERS: list[dict[str, Any]] = [
    {"name": name, "in": "query", "description": description, "schema": schema}
    for name, description, schema in (
        ("query", "A SPARQL 1.1 query; without it, the service description.", _STRING["schema"]),
        ("default-graph-uri", "Graphs merged as the default graph.", _GRAPH_LIST),
        ("named-graph-uri", "Graphs available to GRAPH.", _GRAPH_LIST),
        (
            "format",
            "Result format, overriding Accept: json, xml, csv, tsv, ttl, jsonld, nt, rdf, nq, trig.",
            {"type": "string"},
        ),
    )
]


# The parameters are only described: `read_operation` reads them itself, as the protocol wants (a repeated `query`
# is an error, not "the last one wins"), and FastAPI would parse and validate them once more on every query.
@router.get(
    "/sparql",
    response_class=Response,
    responses=_ANSWERS,
    summary="Query by GET, or read the service description",
    openapi_extra={"parameters": _GET_PARAMETERS},
)
async def sparql_get(request: Request) -> Response:
    return await answer_at_endpoint(request)


@router.post(
    "/sparql",
    response_class=Response,
    responses={**_UPDATES, **_ANSWERS},
    summary="Query or update by POST",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "query": _STRING["schema"],
                            "update": _STRING["schema"],
                            "default-graph-uri": _GRAPH_LIST,
                            "named-graph-uri": _GRAPH_LIST,
                            "using-graph-uri": _GRAPH_LIST,
                            "using-named-graph-uri": _GRAPH_LIST,
                            "format": {"type": "string"},
                        },
                        "oneOf": [{"required": ["query"]}, {"required": ["update"]}],
                    }
                },
                QUERY: _STRING,
                UPDATE: _STRING,
            },
        }
    },
)
async def sparql_post(request: Request) -> Response:
    return await answer_at_endpoint(request)


@router.post(
    "/update",
    status_code=204,
    response_class=Response,
    responses=_UPDATES,
    summary="Update (SPARQL 1.1 Update) by POST",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "update": _STRING["schema"],
                            "using-graph-uri": _GRAPH_LIST,
                            "using-named-graph-uri": _GRAPH_LIST,
                        },
                        "required": ["update"],
                    }
                },
                UPDATE: _STRING,
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


async def answer_at_endpoint(request: Request) -> Response:
    """What GET and POST at /sparql answer: the service description or query editor, a query's answer, or an
    update's 204. Also called by `SparqlLane`, before the router."""
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
    settings = settings_of(request)
    answer = await queries_of(request).answer(
        operation,
        accept=request.headers.get("accept"),
        base_iri=_endpoint(request),
        allowed_services=settings.service_allowlist,
    )
    headers = _answer_headers(answer, settings.max_rows)
    if isinstance(answer.chunks, tuple):  # whole already: nothing left to read
        return Response(b"".join(answer.chunks), media_type=answer.media_type, headers=headers)
    return ClosingStreamingResponse(answer.chunks, media_type=answer.media_type, headers=headers)


def _answer_headers(answer: Answer, max_rows: int) -> dict[str, str]:
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers[TRUNCATED] = "true"
        headers["Warning"] = (
            f'199 atlas-ld "Results cut at {max_rows} rows, the limit of this server: page through them with '
            'ORDER BY, LIMIT and OFFSET, or use the dumps."'
        )
    return headers


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
