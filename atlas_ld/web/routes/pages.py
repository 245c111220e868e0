"""The HTML pages: the home page (counts, search, filters), one page per resource under /page/, the vocabulary.

Each page is chosen from the resource's types (see `views.ViewBuilder.kind`), carries schema.org JSON-LD and
`<link rel="alternate">` to every RDF format, and answers 304 while the store has not changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from atlas_ld.publish.describe import (
    Description,
    LabelCache,
    describe_resource,
    iri_node,
)
from atlas_ld.publish.stats import count_resources
from atlas_ld.settings import Settings
from atlas_ld.store.embedded import GraphStore
from atlas_ld.uris import UriScheme
from atlas_ld.vocab import DCTERMS, SKOS, atlas_namespace
from atlas_ld.web.conditional import Validators
from atlas_ld.web.html import render
from atlas_ld.web.links import Links
from atlas_ld.web.views import schema_org
from atlas_ld.web.views.browse import Browser, ProjectFilters, StoreMemo
from atlas_ld.web.views.pages import ViewBuilder

SITE_NAME = "Atlas de la coopération décentralisée"
KIND_LABELS = {
    "project": "Projet de coopération décentralisée",
    "authority": "Collectivité",
    "post": "Poste diplomatique",
    "scheme": "Schéma de concepts",
    "theme": "Thématique",
    "sdg": "Objectif de développement durable",
    "concept": "Concept",
    "dataset": "Jeu de données",
    "country": "Pays",
    "resource": "Ressource",
}


def positive_int(text: str | None, default: int | None = None) -> int | None:
    """A page or year number from a query string; anything else is ignored rather than refused.

    >>> positive_int("3"), positive_int("-1", 1), positive_int("x", 1), positive_int(None)
    (3, 1, 1, None)
    """
    try:
        value = int(text) if text is not None else None
    except ValueError:
        return default
    return value if value is not None and 0 < value < 10_000 else default


def filters_from(params: Mapping[str, str]) -> ProjectFilters:
    """The search form's fields, trimmed and bounded (a search text is at most 200 characters)."""
    return ProjectFilters(
        text=params.get("q", "").strip()[:200],
        country=params.get("country", "").strip()[:3],
        theme=params.get("theme", "").strip()[:300],
        authority=params.get("authority", "").strip()[:200],
        status=params.get("status", "").strip()[:60],
        year=positive_int(params.get("year")),
    )


def page_links(path: str, params: Mapping[str, str]) -> Callable[[int], str]:
    """`href_for(n)`: the same list at page n, keeping the other parameters."""
    kept = {k: v for k, v in params.items() if k != "page" and v}

    def href_for(number: int) -> str:
        return path + "?" + urlencode({**kept, "page": str(number)})

    return href_for


def pages_router(settings: Settings, store: GraphStore) -> APIRouter:
    """The home page and /page/...; mount with the base URI's path as prefix (`Links.root`)."""
    router = APIRouter(
        tags=["HTML pages"],
        default_response_class=HTMLResponse,
        responses={304: {"description": "Not modified since the client's copy (ETag, Last-Modified)."}},
    )
    uris = UriScheme(settings.base_uri)
    links = Links(settings.base_uri)
    atlas = atlas_namespace(uris.base)
    memo = StoreMemo(store)
    labels = LabelCache(store)

    def tools() -> tuple[Browser, ViewBuilder]:
        browser = Browser(store, uris, memo, labels)
        return browser, ViewBuilder(browser, links, atlas)

    def cached(request: Request) -> Validators:
        return Validators.of(store.last_modified(), request.url.path, str(request.url.query), "text/html")

    def respond(request: Request, template: str, context: dict[str, Any], validators: Validators) -> Response:
        return render(request, template, {"root": links.root, "links": links, **context}, headers=validators.headers())

    @router.get("/", summary="Home page: counts, search and filters")
    def home(request: Request) -> Response:
        validators = cached(request)
        if validators.matches(request.headers):
            return validators.not_modified()
        browser, _ = tools()
        params = request.query_params
        filters = filters_from(params)
        counts = memo.get("counts", lambda: count_resources(store, uris))
        context = {
            "title": SITE_NAME,
            "counts": counts,
            "filters": filters,
            "facets": browser.facets(),
            "result": browser.search(filters, positive_int(params.get("page"), 1) or 1),
            "page_href": page_links(request.url.path, params),
            "json_ld": schema_org.site(SITE_NAME, request.url.path, counts),
        }
        return respond(request, "home.html", context, validators)

    @router.get("/page/def/", summary="The vocabulary, documented")
    def vocabulary(request: Request) -> Response:
        validators = cached(request)
        if validators.matches(request.headers):
            return validators.not_modified()
        browser, views = tools()
        meta = browser.ontology_metadata()
        title = meta["title"].get("fr") or meta["title"].get("en") or "Vocabulaire"
        context = {
            "title": title,
            "iri": uris.vocab,
            "meta": meta,
            "terms": browser.vocabulary(),
            "schemes": browser.schemes(),
            "curie": views.curie,
            "alternates": links.alternates(uris.vocab),
            "json_ld": schema_org.thing(uris.vocab, title) | {"@type": "DefinedTermSet"},
        }
        return respond(request, "vocabulary.html", context, validators)

    @router.get(
        "/page/country/{iso3}", summary="A country's page", responses={404: {"description": "Unknown country."}}
    )
    def country(request: Request, iso3: str) -> Response:
        return resource_page(request, links.country_iri(iso3), kind="country")

    @router.get("/page/{key:path}", summary="A thing's page", responses={404: {"description": "Unknown resource."}})
    def thing(request: Request, key: str) -> Response:
        return resource_page(request, links.iri_of_id(key))

    def resource_page(request: Request, iri: str, *, kind: str | None = None) -> Response:
        validators = cached(request)
        if validators.matches(request.headers):
            return validators.not_modified()
        description = (
            Description(describe_resource(store, uris, iri, labels=labels))
            if iri_node(iri) is not None
            else Description([])
        )
        if not description.types(iri) and not description.objects(iri, DCTERMS.title):
            context = {"title": "Ressource inconnue", "iri": iri, "root": links.root}
            return render(request, "not_found.html", context, status_code=404)
        browser, views = tools()
        kind = kind or views.kind(description, iri)
        page = positive_int(request.query_params.get("page"), 1) or 1
        view = getattr(views, kind)(description, iri, page)
        title = description.label(iri)
        label_kind = concept_kind(description, iri) if kind == "concept" else kind
        context = {
            "title": title,
            "iri": iri,
            "v": view,
            "kind_label": KIND_LABELS[label_kind],
            "alternates": links.alternates(iri),
            "page_href": page_links(request.url.path, request.query_params),
            "json_ld": json_ld(kind, iri, title, view),
        }
        return respond(request, f"{kind}.html", context, validators)

    def concept_kind(description: Description, iri: str) -> str:
        schemes = set(description.iris(iri, SKOS.inScheme))
        if uris.scheme("themes") in schemes:
            return "theme"
        if uris.scheme("sdgs") in schemes:
            return "sdg"
        return "concept"

    def json_ld(kind: str, iri: str, title: str, view: dict[str, Any]) -> dict[str, Any]:
        if kind == "project":
            return schema_org.project(iri, title, view)
        if kind == "authority":
            return schema_org.organisation(iri, title, country=view["country"])
        if kind == "post":
            return schema_org.organisation(iri, title, parent=view["parent"])
        if kind == "country":
            return schema_org.country(iri, title)
        if kind == "concept":
            return schema_org.concept(iri, title, view)
        if kind == "scheme":
            return schema_org.scheme(iri, title, view)
        if kind == "dataset":
            return schema_org.dataset(
                iri, title, view, license_uri=settings.license_uri, publisher=settings.publisher_name
            )
        return schema_org.thing(iri, title)

    return router
