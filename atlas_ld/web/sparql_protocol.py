"""Reading a SPARQL 1.1 Protocol request: which operation, its text, its dataset, from GET, form POST or direct POST.

Every way a request can be malformed (two queries, a query and an update, the wrong Content-Type, a body that
is not UTF-8, an update by GET) is answered here with a 4xx, before the store is touched.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import Request
from werkzeug.http import parse_options_header

from atlas_ld.sparql.operations import Operation, QueryOperation, UpdateOperation
from atlas_ld.web.errors import bad_request, unsupported_media_type

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"

__all__ = ["Operation", "QueryOperation", "UpdateOperation", "read_operation"]


async def read_operation(request: Request) -> Operation | None:
    """The operation a GET or POST carries; None for a GET with neither `query` nor `update`."""
    params = list(request.query_params.multi_items())
    if request.method == "GET" or request.method == "HEAD":
        if _values(params, "update"):
            raise bad_request("An update must be sent by POST, never by GET.")
        if not _values(params, "query"):
            return None
        return _operation(params)
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    if content_type not in (FORM, QUERY, UPDATE):
        raise unsupported_media_type(content_type, (FORM, QUERY, UPDATE))
    charset = options.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise bad_request(f"The body must be UTF-8, not {charset}.")
    text = _utf8(await request.body())
    if content_type == FORM:
        try:
            params += parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
        except UnicodeDecodeError as error:
            raise bad_request(f"A form value is not UTF-8 once decoded: {error}.") from error
    else:
        params.append(("query" if content_type == QUERY else "update", text))
    return _operation(params)


def _operation(params: list[tuple[str, str]]) -> Operation:
    queries, updates = _values(params, "query"), _values(params, "update")
    if queries and updates:
        raise bad_request("A request carries a query or an update, not both.")
    if len(queries) > 1 or len(updates) > 1:
        raise bad_request("A request carries exactly one query or one update.")
    if updates:
        return UpdateOperation(
            updates[0], tuple(_values(params, "using-graph-uri")), tuple(_values(params, "using-named-graph-uri"))
        )
    if not queries:
        raise bad_request("The request carries no 'query' or 'update' parameter.")
    formats = _values(params, "format")
    return QueryOperation(
        queries[0],
        tuple(_values(params, "default-graph-uri")),
        tuple(_values(params, "named-graph-uri")),
        ",".join(formats) or None,  # SPARQLWrapper repeats it: a name, then media types
    )


def _values(params: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in params if key == name]


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise bad_request(f"The body is not UTF-8: {error}.") from error
