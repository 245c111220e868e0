"""The shapes of the maps, read once from the vendored npm packages (static/vendor/, see its README): the world's
countries from world-atlas's TopoJSON, projected here (Equal Earth) into SVG paths so the pages need no script,
and the French régions from @svg-maps/france.regions, already SVG.

World-atlas names countries by ISO 3166 numeric code and the graph by alpha-3 (the EU country authority), so
shapes are joined to the data by code through pycountry, never by name.

>>> shapes = world_shapes()
>>> tunisia = next(s for s in shapes if s.iso3 == "TUN")
>>> tunisia.numeric, tunisia.path.startswith("M")
('788', True)
>>> sorted(r.code for r in france_regions())[:3]
['11', '24', '27']
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pycountry

from atlas_ld.bundled import bundled

WORLD_SPRITE = "/maps/world.svg"
"""Where the app serves `world_sprite()`."""
WORLD_WIDTH = 960.0
"""The world map's width in SVG units; its height follows from the projection."""
_LEFT_OUT = {"010"}
"""Antarctica: no project there, and it would take a fifth of the map."""

REGION_CODES = {
    "ara": "84", "bfc": "27", "bre": "53", "cvl": "24", "cor": "94", "ges": "44", "hdf": "32",
    "idf": "11", "nor": "28", "naq": "75", "occ": "76", "pdl": "52", "pac": "93",
}  # fmt: skip
"""@svg-maps/france.regions's ids → INSEE région codes (the package has the 13 metropolitan régions only)."""


@dataclass(frozen=True)
class Shape:
    """One country: its codes, its name in the TopoJSON, its SVG path and its bounding box (x0, y0, x1, y1)."""

    iso3: str
    numeric: str
    name: str
    path: str
    box: tuple[float, float, float, float]

    @property
    def key(self) -> str:
        """Its id in the world sprite: the alpha-3 code, or its name made into an id when it has none."""
        return self.iso3 or re.sub(r"[^a-z]+", "-", self.name.lower()).strip("-")


@dataclass(frozen=True)
class Region:
    """One French région: its INSEE code, its name and its SVG path."""

    code: str
    name: str
    path: str


def _equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Equal Earth projection (Šavrič, Patterson, Jenny 2018), in radians of the unit sphere."""
    a1, a2, a3, a4, m = 1.340264, -0.081106, 0.000893, 0.003796, math.sqrt(3) / 2
    theta = math.asin(m * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = math.radians(lon) * math.cos(theta) / (m * (a1 + 3 * a2 * t2 + t6 * (7 * a3 + 9 * a4 * t2)))
    y = theta * (a1 + a2 * t2 + t6 * (a3 + a4 * t2))
    return x, y


_X_MAX = _equal_earth(180, 0)[0]
_Y_MAX = _equal_earth(0, 90)[1]
_SCALE = WORLD_WIDTH / (2 * _X_MAX)
WORLD_HEIGHT = round((_Y_MAX - _equal_earth(0, -60)[1]) * _SCALE)
"""Cut at 60° S: only Antarctica, left out, lies below."""


def _point(lon: float, lat: float) -> tuple[float, float]:
    x, y = _equal_earth(lon, lat)
    return round((x + _X_MAX) * _SCALE, 1), round(_Y_MAX * _SCALE - y * _SCALE, 1)


def _arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """The topology's arcs decoded (delta-encoded, quantized) to longitude and latitude."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    """One ring projected. A ring crossing the antimeridian (Russia, Fiji) is unwrapped past ±180°, where the
    SVG's view box clips it, instead of being drawn across the whole map."""
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    unwrapped, shift, previous = [], 0.0, None
    for lon, lat in points:
        if previous is not None and abs(lon + shift - previous) > 180:
            shift += 360 if previous > lon + shift else -360
        previous = lon + shift
        unwrapped.append(_point(previous, lat))
    return unwrapped


def _path(rings: list[list[tuple[float, float]]]) -> str:
    """Relative moves after the first point: a third shorter than absolute ones."""
    parts = []
    for ring in rings:
        if not ring:
            continue
        (x, y), steps = ring[0], []
        for nx, ny in ring[1:]:
            steps.append(f"{round(nx - x, 1):g},{round(ny - y, 1):g}")
            x, y = nx, ny
        parts.append(f"M{ring[0][0]:g},{ring[0][1]:g}l" + " ".join(steps) + "z")
    return "".join(parts)


@cache
def world_shapes() -> tuple[Shape, ...]:
    """Every country of world-atlas's countries-110m but Antarctica; those without an ISO code (N. Cyprus,
    Somaliland, Kosovo) have an empty `iso3`."""
    topology = json.loads(bundled("web", "static", "vendor", "world-atlas", "countries-110m.json").read_text())
    arcs = _arcs(topology)
    shapes = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id") or ""
        if numeric in _LEFT_OUT or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [_ring(arcs, ring) for polygon in polygons for ring in polygon]
        xs = [x for ring in rings for x, _ in ring]
        ys = [y for ring in rings for _, y in ring]
        country = pycountry.countries.get(numeric=numeric) if numeric else None
        shapes.append(
            Shape(
                iso3=country.alpha_3 if country else "",
                numeric=numeric,
                name=geometry.get("properties", {}).get("name", ""),
                path=_path(rings),
                box=(min(xs), min(ys), max(xs), max(ys)),
            )
        )
    return tuple(shapes)


@cache
def world_sprite() -> bytes:
    """Every country's shape once, as an SVG document whose paths the pages' maps `<use>` by id.

    The shapes are 100 kB of the 110 kB of a page with the world map; in one document, the browser fetches them
    once for every page, and the page's map is drawn and compressed in a seventh of the time. The stroke keeps its width
    when a map zooms on a country: set on each path, as a page's style sheet does not reach into another document.
    """
    paths = "".join(
        f'<path id="{shape.key}" d="{shape.path}" vector-effect="non-scaling-stroke"/>' for shape in world_shapes()
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{world_view_box()}" fill="#dfe3ea" stroke="#fff" '
        f'stroke-width=".4">{paths}</svg>'
    ).encode()


def world_view_box(focus: Shape | None = None, margin: float = 0.6) -> str:
    """The whole world, or the area around one country (its box grown by `margin` each side, 2:1 at least)."""
    if focus is None:
        return f"0 0 {WORLD_WIDTH:g} {WORLD_HEIGHT}"
    x0, y0, x1, y1 = focus.box
    width, height = max(x1 - x0, 30.0) * (1 + 2 * margin), max(y1 - y0, 15.0) * (1 + 2 * margin)
    width, height = max(width, 2 * height), max(height, width / 2)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return f"{cx - width / 2:.1f} {cy - height / 2:.1f} {width:.1f} {height:.1f}"


@cache
def _france() -> dict[str, Any]:
    source = bundled("web", "static", "vendor", "svg-maps-france.regions", "index.js").read_text(encoding="utf-8")
    # The module is `export default {...JSON...};`.
    data: dict[str, Any] = json.loads(source[source.index("{") : source.rindex("}") + 1])
    return data


def france_regions() -> tuple[Region, ...]:
    return tuple(Region(REGION_CODES[loc["id"]], loc["name"], loc["path"]) for loc in _france()["locations"])


def france_view_box() -> str:
    return str(_france()["viewBox"])
