"""GET /maps/world.svg: the countries' shapes, which every world map of the pages draws with `<use>`."""

from __future__ import annotations

from fastapi import APIRouter, Response

from atlas_ld.web.views.map_shapes import WORLD_SPRITE, world_sprite

router = APIRouter(tags=["Pages"])


@router.get(
    WORLD_SPRITE,
    summary="The world map's country shapes (SVG, one path per country, its id the ISO alpha-3 code)",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}},
)
async def world() -> Response:
    # The shapes change only with the package: the pages name them with the version, so they can be kept long.
    return Response(world_sprite(), media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=604800"})
