"""The data of the maps and charts (world map, map of France, funding per year), as plain dicts for the
`_world_map.html`, `_france_map.html` and `_funding_chart.html` partials, which draw them as inline SVG.

Each figure also carries its data as JSON-ready rows (embedded in the page beside the SVG, and shown as a table)
and the ready query that gives the same numbers, so a reader can check and reuse them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from markupsafe import Markup, escape

from atlas_ld import __version__
from atlas_ld.queries import ready_query
from atlas_ld.vocab import ADMS, DCTERMS
from atlas_ld.web.views.browse import Browser
from atlas_ld.web.views.funding_totals import FundingRow
from atlas_ld.web.views.map_shapes import (
    WORLD_HEIGHT,
    WORLD_SPRITE,
    WORLD_WIDTH,
    france_regions,
    france_view_box,
    world_shapes,
    world_view_box,
)
from atlas_ld.web.views.store_queries import (
    StoreQueries,
    int_of,
    narrower_or_self,
    select_rows,
    text_of,
)

SHADES = 5
CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 640, 240, 40


def shade(count: int, highest: int) -> int:
    """0 for nothing, else 1..SHADES on a log scale: a few countries have most projects.

    >>> [shade(n, 100) for n in (0, 1, 5, 100)]
    [0, 1, 2, 5]
    """
    if count <= 0:
        return 0
    if highest <= 1:
        return SHADES
    return 1 + min(SHADES - 1, int((SHADES - 1) * math.log(count) / math.log(highest) + 1e-9))


def query_link(name: str, base: str, example: str = "", iri: str = "") -> dict[str, str]:
    """A ready query's title and a link running it on the endpoint (CSV, any browser can open it), its example
    IRI `example` (in VALUES) replaced by `iri`."""
    query = ready_query(name, base)
    text = query.text.replace(f"<{example}>", f"<{iri}>") if example and iri else query.text
    return {"title": query.title, "href": "/sparql?" + urlencode({"query": text, "format": "csv"})}


def world_map(
    counts: Mapping[str, int],
    names: Mapping[str, str],
    page_of_country: Callable[[str], str],
    *,
    current: str | None = None,
    caption: str = "Projets par pays",
) -> dict[str, Any]:
    """Every country's shape, shaded by its count (ISO alpha-3 → number), linked to its page where it has one;
    `current` is outlined and the view zoomed around it."""
    highest = max(counts.values(), default=0)
    areas, focus = [], None
    for s in world_shapes():
        count = counts.get(s.iso3, 0) if s.iso3 else 0
        if s.iso3 and s.iso3 == current:
            focus = s
        areas.append(
            {
                "key": s.key,
                "iso3": s.iso3,
                "name": names.get(s.iso3) or s.name,
                "count": count,
                "shade": shade(count, highest),
                "href": page_of_country(s.iso3) if count or s.iso3 == current else "",
                "current": s.iso3 == current and bool(current),
            }
        )
    numeric = {s.iso3: s.numeric for s in world_shapes() if s.iso3}
    rows = [
        {"iso3": code, "numeric": numeric.get(code, ""), "name": names.get(code, code), "count": n,
         "href": page_of_country(code)}
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], names.get(item[0], item[0])))
    ]  # fmt: skip
    return {
        "caption": caption,
        "drawn": _drawn(areas, f"{WORLD_SPRITE}?v={__version__}"),
        "view_box": world_view_box(focus),
        "width": WORLD_WIDTH,
        "height": WORLD_HEIGHT,
        "areas": areas,
        "rows": rows,
        "highest": highest,
    }


def _drawn(areas: Iterable[Mapping[str, Any]], sprite: str) -> Markup:
    """The map's countries as SVG, each a `<use>` of its shape in the sprite, shaded, titled, linked to its page.

    Written here rather than looped over in the template: Jinja took 1.8 ms a map for its 176 countries, on every
    authority, country and theme page; this takes a tenth of that.
    """
    sprite, parts = escape(sprite), []
    for a in areas:
        count = a["count"]
        classes = f"area shade-{a['shade']}" + (" has-projects" if count else "") + (" current" if a["current"] else "")
        projects = f" : {count} projet{'s' if count != 1 else ''}" if count else ""
        # Keys and codes are letters and hyphens (map_shapes): only names and links need escaping.
        shape = (
            f'<use href="{sprite}#{a["key"]}" data-iso3="{a["iso3"]}" data-count="{count}" class="{classes}">'
            f"<title>{escape(a['name'])}{projects}</title></use>"
        )
        parts.append(f'<a href="{escape(a["href"])}">{shape}</a>' if a["href"] else shape)
    return Markup("\n".join(parts))


def france_map(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The régions shaded by their number of projects; `rows` as `region_counts` gives them."""
    rows = list(rows)
    by_code = {r["code"]: r for r in rows}
    highest = max((r["projects"] for r in rows), default=0)
    areas = [
        {
            "code": region.code,
            "name": region.name,
            "path": region.path,
            "count": by_code.get(region.code, {}).get("projects", 0),
            "shade": shade(by_code.get(region.code, {}).get("projects", 0), highest),
        }
        for region in france_regions()
    ]
    return {"view_box": france_view_box(), "areas": areas, "rows": rows, "highest": highest}


def country_counts(browser: StoreQueries) -> tuple[dict[str, int], dict[str, str]]:
    """The ready query "projects-per-country": ISO alpha-3 → projects, and alpha-3 → the country's name."""

    def run() -> tuple[dict[str, int], dict[str, str]]:
        counts, names = {}, {}
        for r in select_rows(browser.store, ready_query("projects-per-country", browser.uris.base).text):
            code = browser.uris.country_code(text_of(r, "country") or "")
            if code:
                counts[code] = int_of(r, "projects")
                names[code] = text_of(r, "countryName") or code
        return counts, names

    return browser.kept.get(("figures", "countries"), run)  # type: ignore[no-any-return]


def region_counts(browser: StoreQueries) -> list[dict[str, Any]]:
    """The ready query "projects-per-region": INSEE code, name, projects, funding (a number, in euros)."""

    def run() -> list[dict[str, Any]]:
        found = select_rows(browser.store, ready_query("projects-per-region", browser.uris.base).text)
        return [
            {
                "code": text_of(r, "code") or "",
                "name": text_of(r, "regionName") or text_of(r, "code") or "",
                "projects": int_of(r, "projects"),
                "funding": float(Decimal(text_of(r, "funding") or 0)),
            }
            for r in found
        ]

    return browser.kept.get(("figures", "regions"), run)  # type: ignore[no-any-return]


def partner_countries(browser: StoreQueries, authority: str) -> dict[str, int]:
    """ISO alpha-3 → number of projects the authority shares with partners in that country."""
    node, atlas = ox.NamedNode(authority), browser.atlas
    roles = f"{atlas.frenchPartner}|{atlas.foreignPartner}"

    def run() -> dict[str, int]:
        found = select_rows(
            browser.store,
            f"""SELECT ?country (COUNT(DISTINCT ?project) AS ?n) WHERE {{
              ?project {roles} {node} ; {roles} ?partner .
              FILTER(?partner != {node})
              ?partner {DCTERMS.spatial} ?country .
            }} GROUP BY ?country""",
        )
        codes = {browser.uris.country_code(text_of(r, "country") or ""): int_of(r, "n") for r in found}
        return {code: n for code, n in codes.items() if code}

    return browser.kept.get(("figures", "partners", authority), run)  # type: ignore[no-any-return]


def funding_chart(rows: Iterable[FundingRow], caption: str = "Financements par année") -> dict[str, Any]:
    """One bar per year, its height proportional to the amount (euros; the "1 % Eau" amounts are apart)."""
    years = [r for r in rows if r.label.isdigit()]
    highest = max((float(r.amount) for r in years), default=0.0)
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_MARGIN, CHART_HEIGHT - 2 * CHART_MARGIN
    step = inner_w / max(len(years), 1)
    bars = []
    for i, r in enumerate(years):
        amount = float(r.amount)
        height = inner_h * amount / highest if highest else 0.0
        bars.append(
            {
                "year": r.label,
                "amount": amount,
                "x": round(CHART_MARGIN + i * step + step * 0.15, 1),
                "y": round(CHART_MARGIN + inner_h - height, 1),
                "width": round(step * 0.7, 1),
                "height": round(height, 1),
                "label_x": round(CHART_MARGIN + i * step + step / 2, 1),
            }
        )
    return {
        "caption": caption,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "margin": CHART_MARGIN,
        "base_y": CHART_HEIGHT - CHART_MARGIN,
        "bars": bars,
        "highest": highest,
        "rows": [{"year": b["year"], "amount": b["amount"]} for b in bars],
    }


def _country_page(browser: Browser) -> Callable[[str], str]:
    """Where a country's page is, by its ISO alpha-3 code."""
    return lambda code: browser.uris.page_path(browser.uris.country(code))


def home_figures(browser: Browser) -> dict[str, Any]:
    """The home page's world map, map of France and funding chart, each with its ready query."""
    counts, names = country_counts(browser)
    base = browser.uris.base
    return {
        "world": world_map(counts, names, _country_page(browser)),
        "world_query": query_link("projects-per-country", base),
        "france": france_map(region_counts(browser)),
        "france_query": query_link("projects-per-region", base),
        "funding": funding_chart(browser.funding_by("year")),
        "funding_query": query_link("funding-per-year-and-funder", base),
    }


def country_figures(browser: Browser, iso3: str) -> dict[str, Any]:
    """A country's page: the world map around it, the other countries with projects shaded for comparison."""
    counts, names = country_counts(browser)
    page_of = _country_page(browser)
    caption = f"{names.get(iso3, iso3)} et les pays voisins : projets par pays"
    return {
        "world": world_map(counts, names, page_of, current=iso3, caption=caption),
        "world_query": query_link("projects-per-country", browser.uris.base),
    }


def authority_figures(browser: Browser, iri: str, funding: list[FundingRow]) -> dict[str, Any]:
    """An authority's page: its partners' countries on the world map, and its funding per year."""
    _, names = country_counts(browser)
    page_of = _country_page(browser)
    counts = partner_countries(browser, iri)
    return {
        "world": world_map(counts, names, page_of, caption="Pays des partenaires : projets en commun"),
        "world_query": query_link(
            "partners-of-an-authority", browser.uris.base, browser.uris.thing("authority/fra/romans-sur-isere"), iri
        ),
        "funding": funding_chart(funding, caption="Financements apportés par année"),
    }


def concept_figures(browser: Browser, iri: str) -> dict[str, Any]:
    """A theme's, an SDG's (or a status's) page: the countries of its projects on the world map."""
    node = ox.NamedNode(iri)

    def run() -> dict[str, int]:
        found = select_rows(
            browser.store,
            f"""SELECT ?country (COUNT(DISTINCT ?project) AS ?n) WHERE {{
              {{ {narrower_or_self(node)} ?project {DCTERMS.subject} ?subject }}
              UNION {{ ?project {ADMS.status} {node} }} UNION {{ ?project {DCTERMS.type} {node} }}
              ?project {DCTERMS.spatial} ?country .
            }} GROUP BY ?country""",
        )
        codes = {browser.uris.country_code(text_of(r, "country") or ""): int_of(r, "n") for r in found}
        return {code: n for code, n in codes.items() if code}

    counts = browser.kept.get(("figures", "concept", iri), run)
    _, names = country_counts(browser)
    page_of = _country_page(browser)
    return {"world": world_map(counts, names, page_of, caption="Pays des projets")}
