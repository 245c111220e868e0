"""Errors answered as plain text, built by tiny named functions: `raise bad_request("...")`.

SPARQL clients show an error's body to their user as it is, so it is one readable sentence in text/plain
rather than a JSON envelope; a browser (Accept ranking HTML first) gets the same text in a page of the site.

>>> error = not_acceptable(["text/turtle", "application/ld+json"])
>>> error.status_code, error.detail
(406, 'None of the requested media types can be served; available: text/turtle, application/ld+json.')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response
from starlette.exceptions import HTTPException

from atlas_ld.media_types import HTML, Offer, prefers
from atlas_ld.sparql.errors import (
    BadQuery,
    NotAcceptable,
    QueryError,
    QueryFailed,
    ServiceRefused,
    store_unreadable,
)
from atlas_ld.store.base import StoreUnavailable
from atlas_ld.web.html import render

_PLAIN = (Offer("text/plain"),)
_TITLES = {400: "Requête invalide", 404: "Page introuvable", 406: "Format non disponible"}


class HttpError(HTTPException):
    """An HTTP error whose message is the whole body."""

    def __init__(self, status_code: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status_code=status_code, detail=message, headers=dict(headers or {}))


def bad_request(message: str) -> HttpError:
    return HttpError(400, message)


def unauthorized() -> HttpError:
    return HttpError(
        401,
        "This operation needs the update token: send 'Authorization: Bearer <token>'.",
        {"WWW-Authenticate": 'Bearer realm="atlas-ld"'},
    )


def forbidden_update() -> HttpError:
    return HttpError(403, "This server is read-only: SPARQL Update and the Graph Store Protocol are turned off.")


def not_found(message: str) -> HttpError:
    return HttpError(404, message)


def not_acceptable(available: Iterable[str]) -> HttpError:
    return HttpError(406, f"None of the requested media types can be served; available: {', '.join(available)}.")


def payload_too_large(limit: int) -> HttpError:
    return HttpError(413, f"The request body is larger than this server accepts ({limit} bytes).")


def uri_too_long(limit: int) -> HttpError:
    return HttpError(414, f"The request URL is longer than {limit} bytes: send long queries by POST.")


def header_fields_too_large(limit: int) -> HttpError:
    return HttpError(431, f"The request's header fields are larger than this server accepts ({limit} bytes in all).")


def store_refused(reason: str) -> HttpError:
    return HttpError(502, f"The SPARQL server behind this one refused the request: {reason}")


def unsupported_media_type(got: str, expected: Iterable[str]) -> HttpError:
    return HttpError(415, f"Content-Type {got or '(none)'!r} is not accepted here; send one of: {', '.join(expected)}.")


def as_response(error: HTTPException, request: Request | None = None) -> Response:
    """The plain-text answer for an error, or its HTML page when `request` comes from a browser."""
    if request is not None and prefers(HTML, _PLAIN, accept=request.headers.get("accept")):
        context = {
            "title": _TITLES.get(error.status_code, f"Erreur {error.status_code}"),
            "message": error.detail,
            "root": request.app.state.uris.root,
        }
        headers = {**(error.headers or {}), "Vary": "Accept"}
        return render(request, "error.html", context, status_code=error.status_code, headers=headers)
    return PlainTextResponse(f"{error.detail}\n", status_code=error.status_code, headers=error.headers)


# The HTTP status of each reason a SPARQL operation got no answer; any other is the server's, for now (503).
_QUERY_STATUS: tuple[tuple[type[QueryError], int], ...] = (
    (BadQuery, 400),
    (ServiceRefused, 403),
    (NotAcceptable, 406),
    (QueryFailed, 500),
)


def from_query_error(error: QueryError) -> HttpError:
    """The HTTP error that tells a client why its SPARQL operation got no answer.

    >>> from atlas_ld.sparql.errors import bad_query, workers_busy
    >>> busy = from_query_error(workers_busy(30))
    >>> busy.status_code, busy.headers, from_query_error(bad_query("no")).status_code
    (503, {'Retry-After': '5'}, 400)
    """
    status = next((code for kind, code in _QUERY_STATUS if isinstance(error, kind)), 503)
    return HttpError(status, str(error), {"Retry-After": str(error.retry_after)} if error.retry_after else None)


async def handle_query_error(request: Request, error: Exception) -> Response:
    """A SPARQL operation refused or stopped, wherever a route ran it."""
    assert isinstance(error, QueryError)
    return as_response(from_query_error(error), request)


async def handle_store_error(request: Request, error: Exception) -> Response:
    """A remote store down (503, try again) or refusing (502), wherever a route reached it."""
    if isinstance(error, StoreUnavailable):
        return as_response(from_query_error(store_unreadable(str(error))))
    return as_response(store_refused(str(error)))


async def handle_http_error(request: Request, error: Exception) -> Response:
    """Exception handler the app factory installs for every HTTP error, its own and the router's (404 for a path
    no route takes, 405), so that all of them read alike."""
    assert isinstance(error, HTTPException)
    if error.status_code == 404 and not isinstance(error, HttpError):  # the router's: no route takes the path
        error = not_found(f"Nothing is published at {request.url.path}.")
    return as_response(error, request)
