"""The project search (words, facets, sort, pages, CSV and JSON exports) and the lists of authorities, countries
and posts; mounted with the base URI's path as prefix, before `/page/...`.

As in datasette, the exports are the same URL with `.csv` or `.json` added to the path: `/search.csv?q=eau`.
They hold every matching project, not one page.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any
from urllib.parse import urlencode

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from atlas_ld.web.conditional import Validators
from atlas_ld.web.dependencies import ServedBrowser
from atlas_ld.web.routes.pages import PageVersion, respond
from atlas_ld.web.views import catalogue_lists
from atlas_ld.web.views.faceted_search import (
    CSV_COLUMNS,
    FILTERS,
    SORTS,
    SearchAnswer,
    SearchRequest,
    search,
)
from atlas_ld.web.views.resource_page import SITE_NAME, page_links, positive_int
from atlas_ld.web.views.search_index import SearchIndex

router = APIRouter(
    tags=["Search and lists"],
    default_response_class=HTMLResponse,
    responses={304: {"description": "Not modified since the client's copy (ETag, Last-Modified)."}},
)


# Searches that arrive while the index is built (half a minute after a start or a write on 20,000 projects) wait
# for it in threads of their own: in the page threads, a few of them would hold up every page meanwhile.
_INDEX_WAITERS = 64


async def index_of(request: Request, browser: ServedBrowser) -> SearchIndex:
    """The search index of the store as it is now, waited for outside the page threads."""
    waiting = getattr(request.app.state, "index_waiting", None)
    if waiting is None:  # made once, on the app's event loop
        waiting = request.app.state.index_waiting = CapacityLimiter(_INDEX_WAITERS)
    return await to_thread.run_sync(SearchIndex.of, browser, limiter=waiting)


ServedIndex = Annotated[SearchIndex, Depends(index_of)]


def _answer(request: Request, index: SearchIndex) -> SearchAnswer:
    return search(index, SearchRequest.of(request.query_params))


@router.get("/search", summary="Search projects: words without accents or case, facets, sort, pages")
def search_page(request: Request, validators: PageVersion, browser: ServedBrowser, index: ServedIndex) -> Response:
    if validators.matches(request.headers):
        return validators.not_modified()
    answer = _answer(request, index)
    path = request.url.path

    def href(**changes: str | None) -> str:
        params = answer.request.params(**changes)
        return path + ("?" + urlencode(params) if params else "")

    def export(ext: str) -> str:
        params = answer.request.params(page=None)
        return path + "." + ext + ("?" + urlencode(params) if params else "")

    context = {
        "title": "Recherche de projets",
        "answer": answer,
        "sorts": SORTS,
        "filters": FILTERS,
        "href": href,
        "clear_href": href(**dict.fromkeys(FILTERS)),
        "export": export,
        "page_href": lambda number: href(page=str(number)) if number > 1 else href(page=None),
    }
    return respond(request, "search.html", browser.uris, context, validators)


@router.get(
    "/search.{ext}",
    summary="Every project of a search as CSV or JSON",
    response_class=Response,
    responses={
        200: {"description": "The projects, one per row.", "content": {"text/csv": {}, "application/json": {}}},
        404: {"description": "Neither .csv nor .json.", "content": {"text/plain": {}}},
    },
)
def search_export(request: Request, ext: str, browser: ServedBrowser, index: ServedIndex) -> Response:
    media_type = {"csv": "text/csv; charset=utf-8", "json": "application/json"}.get(ext)
    if media_type is None:
        return Response("Formats : .csv, .json", status_code=404, media_type="text/plain; charset=utf-8")
    validators = Validators.of(browser.store.last_modified(), request.url.path, str(request.url.query), media_type)
    if validators.matches(request.headers):
        return validators.not_modified()
    answer = _answer(request, index)
    headers = validators.headers()  # cross-origin reads: the app's CORS middleware, as for every route
    if ext == "json":
        body = {
            "total": answer.total,
            "query": answer.request.text,
            "filters": dict(answer.request.filters),
            "sort": answer.request.sort,
            "rows": answer.rows(),
        }
        return Response(json.dumps(body, ensure_ascii=False), media_type=media_type, headers=headers)
    headers["Content-Disposition"] = 'inline; filename="projets.csv"'
    return Response(_csv(answer.rows()), media_type=media_type, headers=headers)


def _csv(rows: list[dict[str, Any]]) -> str:
    """One line per project; lists of names joined by "; "."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            "; ".join(value) if isinstance(value, list) else "" if value is None else value
            for value in (row[column] for column in CSV_COLUMNS)
        )
    return out.getvalue()


@router.get("/authorities", summary="Every authority with its number of projects")
def authorities(request: Request, validators: PageVersion, browser: ServedBrowser) -> Response:
    return _list_page(request, "authorities", validators, browser)


@router.get("/countries", summary="Every country with its numbers of projects and authorities")
def countries(request: Request, validators: PageVersion, browser: ServedBrowser) -> Response:
    return _list_page(request, "countries", validators, browser)


@router.get("/posts", summary="Every diplomatic post with its number of projects")
def posts(request: Request, validators: PageVersion, browser: ServedBrowser) -> Response:
    return _list_page(request, "posts", validators, browser)


def _list_page(request: Request, kind: str, validators: Validators, browser: ServedBrowser) -> Response:
    if validators.matches(request.headers):
        return validators.not_modified()
    params = request.query_params
    sort = params.get("_sort", "projects")
    sort = sort if sort in catalogue_lists.SORTS else "projects"
    items = catalogue_lists.listed(browser, kind, sort)
    size = catalogue_lists.PAGE_SIZE
    pages = max(1, -(-len(items) // size))
    page = min(positive_int(params.get("page"), 1) or 1, pages)
    root = browser.uris.root
    context = {
        "title": catalogue_lists.KINDS[kind].title,
        "kind": catalogue_lists.KINDS[kind],
        "items": items[(page - 1) * size : page * size],
        "total": len(items),
        "result": {"page": page, "pages": pages},
        "sort": sort,
        "sorts": catalogue_lists.SORTS,
        "search_href": lambda item: root + "search?" + urlencode([item.filter]) if item.filter else "",
        "page_href": page_links(request.url.path, params),
        "site_name": SITE_NAME,
    }
    return respond(request, "list.html", browser.uris, context, validators)
