"""The HTML pages: the home page (counts, search, filters), one page per resource under /page/, the vocabulary.

Each page is chosen from the resource's types (see `views.pages.ViewBuilder.kind`), carries schema.org JSON-LD and
`<link rel="alternate">` to every RDF format, and answers 304 while the store has not changed. A project's page
with a history is a Memento TimeGate too, and 410 Gone once the project is withdrawn (`atlas_ld.web.memento`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from atlas_ld.publish.describe import Description, describe_resource, iri_node
from atlas_ld.publish.stats import count_resources
from atlas_ld.settings import Settings
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import DCTERMS, atlas_namespace
from atlas_ld.web.conditional import Validators
from atlas_ld.web.dependencies import (
    ServedBrowser,
    ServedHistory,
    ServedSettings,
    ServedStore,
    ServedUris,
)
from atlas_ld.web.html import render
from atlas_ld.web.links import alternates
from atlas_ld.web.memento import ORIGINAL_RESPONSES, ProjectPast, gone_page
from atlas_ld.web.views import schema_org
from atlas_ld.web.views.figures import home_figures
from atlas_ld.web.views.pages import ViewBuilder
from atlas_ld.web.views.resource_page import (
    SITE_NAME,
    filters_from,
    page_links,
    positive_int,
    resource_context,
)

router = APIRouter(
    tags=["HTML pages"],
    default_response_class=HTMLResponse,
    responses={304: {"description": "Not modified since the client's copy (ETag, Last-Modified)."}},
)
"""The home page and /page/...; mounted with the base URI's path as prefix (`UriScheme.root`)."""


async def page_version(request: Request, store: ServedStore) -> Validators:
    """A page changes only with the store: its last write, the path and the query string name its version."""
    return Validators.of(store.last_modified(), request.url.path, str(request.url.query), "text/html")


PageVersion = Annotated[Validators, Depends(page_version)]


async def view_builder(browser: ServedBrowser, uris: ServedUris) -> ViewBuilder:
    return ViewBuilder(browser, uris, atlas_namespace(uris.base))


Views = Annotated[ViewBuilder, Depends(view_builder)]


def respond(
    request: Request, template: str, uris: UriScheme, context: dict[str, Any], validators: Validators
) -> Response:
    """The page with what every template uses: the site's root and links to pages, and the page's validators."""
    page_context = {"root": uris.root, "page_of": uris.page_path, **context}
    return render(request, template, page_context, headers=validators.headers())


@router.get("/", summary="Home page: counts, search and filters")
def home(request: Request, validators: PageVersion, browser: ServedBrowser) -> Response:
    if validators.matches(request.headers):
        return validators.not_modified()
    params = request.query_params
    filters = filters_from(params)
    counts = browser.kept.get("counts", lambda: count_resources(browser.store, browser.uris))
    context = {
        "title": SITE_NAME,
        "counts": counts,
        "filters": filters,
        "facets": browser.facets(),
        "result": browser.search(filters, positive_int(params.get("page"), 1) or 1),
        "page_href": page_links(request.url.path, params),
        "json_ld": schema_org.site(SITE_NAME, request.url.path, counts),
        "figures": home_figures(browser),
    }
    return respond(request, "home.html", browser.uris, context, validators)


@router.get("/page/def/", summary="The vocabulary, documented")
def vocabulary(request: Request, validators: PageVersion, views: Views) -> Response:
    if validators.matches(request.headers):
        return validators.not_modified()
    browser, uris = views.browser, views.uris
    meta = browser.ontology_metadata()
    title = meta["title"].get("fr") or meta["title"].get("en") or "Vocabulaire"
    context = {
        "title": title,
        "iri": uris.vocab,
        "meta": meta,
        "terms": browser.vocabulary(),
        "schemes": browser.schemes(),
        "curie": views.curie,
        "alternates": alternates(uris, uris.vocab),
        "json_ld": schema_org.thing(uris.vocab, title) | {"@type": "DefinedTermSet"},
    }
    return respond(request, "vocabulary.html", uris, context, validators)


@router.get("/page/country/{iso3}", summary="A country's page", responses={404: {"description": "Unknown country."}})
def country(request: Request, iso3: str, validators: PageVersion, settings: ServedSettings, views: Views) -> Response:
    return resource_page(request, views.uris.country(iso3), "country", validators, settings, views)


@router.get(
    "/page/{key:path}",
    summary="A thing's page",
    responses={
        404: {"description": "Unknown resource."},
        410: {"description": "A project withdrawn from the Atlas: since when, and a link to its last version."},
        **ORIGINAL_RESPONSES,
    },
)
def thing(
    request: Request, key: str, validators: PageVersion, settings: ServedSettings, views: Views, history: ServedHistory
) -> Response:
    past = ProjectPast.of(history, views.uris, key)
    if past is None:
        return resource_page(request, views.uris.thing(key), None, validators, settings, views)
    return past.respond(
        request,
        lambda: resource_page(request, past.iri, None, validators, settings, views),
        lambda: gone_page(request, past, views.browser.store),
    )


def resource_page(
    request: Request, iri: str, kind: str | None, validators: Validators, settings: Settings, views: ViewBuilder
) -> Response:
    """The page of the resource `iri` (of `kind` when the route knows it); 404 when nothing is known of it."""
    if validators.matches(request.headers):
        return validators.not_modified()
    uris, browser = views.uris, views.browser
    known = iri_node(iri) is not None
    description = Description(describe_resource(browser.store, uris, iri, labels=browser.labels) if known else [])
    if not description.types(iri) and not description.objects(iri, DCTERMS.title):
        unknown = {"title": "Ressource inconnue", "iri": iri, "root": uris.root}
        return render(request, "not_found.html", unknown, status_code=404)
    page = positive_int(request.query_params.get("page"), 1) or 1
    template, context = resource_context(views, description, iri, kind, page, settings)
    context |= {
        "alternates": alternates(uris, iri),
        "page_href": page_links(request.url.path, request.query_params),
    }
    return respond(request, template, uris, context, validators)
