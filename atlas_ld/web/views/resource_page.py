"""A resource's page as a whole: which kind it is, what to call that kind, its view, and its schema.org JSON-LD;
and the query-string values the pages read (page numbers, search fields)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from atlas_ld.publish.describe import Description
from atlas_ld.settings import Settings
from atlas_ld.vocab import SKOS
from atlas_ld.web.views import schema_org
from atlas_ld.web.views.pages import ViewBuilder
from atlas_ld.web.views.project_search import ProjectFilters

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


def resource_context(
    views: ViewBuilder, description: Description, iri: str, kind: str | None, page: int, settings: Settings
) -> tuple[str, dict[str, Any]]:
    """The template of the resource's page (`project.html`) and what it shows; `kind` when the route knows it."""
    kind = kind or views.kind(description, iri)
    view = getattr(views, kind)(description, iri, page)
    title = description.label(iri)
    label_kind = concept_kind(views, description, iri) if kind == "concept" else kind
    context = {
        "title": title,
        "iri": iri,
        "v": view,
        "kind_label": KIND_LABELS[label_kind],
        "json_ld": json_ld(kind, iri, title, view, settings),
    }
    return f"{kind}.html", context


def concept_kind(views: ViewBuilder, description: Description, iri: str) -> str:
    """A theme, a goal, or another concept: the label a concept's page gives its kind."""
    schemes = set(description.iris(iri, SKOS.inScheme))
    if views.uris.scheme("themes") in schemes:
        return "theme"
    if views.uris.scheme("sdgs") in schemes:
        return "sdg"
    return "concept"


def json_ld(kind: str, iri: str, title: str, view: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The page's schema.org description, for search engines."""
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
        return schema_org.dataset(iri, title, view, license_uri=settings.license_uri, publisher=settings.publisher_name)
    return schema_org.thing(iri, title)
