"""Where data lies: WGS84 bounds from a layer's own CRS, and what the project CRS can hold.

Bounds are reported the way GDAL does (``OCTTransformBounds``): the box's edges
densified and transformed, so a UTM box comes out as the curved quadrilateral's
real extent rather than four corners; a box over the antimeridian comes back
with west > east, one that holds a pole reaches ±90.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from pyproj import CRS, Transformer

from layers.crs import GCJ02, WGS84, transform_xy

DENSIFY = 21  # points per edge, GDAL's default


def wgs84_bounds(bounds, crs: str) -> list[float] | None:
    """(minx, miny, maxx, maxy) in ``crs`` → [west, south, east, north] in WGS84, or None."""
    if bounds is None or crs is None or not all(math.isfinite(v) for v in bounds):
        return None
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if crs in (WGS84, "OGC:CRS84"):
        return [minx, miny, maxx, maxy]
    if crs == GCJ02:
        xs = np.array([minx, maxx, minx, maxx])
        ys = np.array([miny, miny, maxy, maxy])
        lon, lat = transform_xy(xs, ys, GCJ02, WGS84)
        return [float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())]
    try:
        box = to_wgs84(crs).transform_bounds(minx, miny, maxx, maxy, densify_pts=DENSIFY)
    except Exception:  # CRSs PROJ cannot relate to the Earth (Mars, local engineering)
        return None
    return [float(v) for v in box] if all(math.isfinite(v) for v in box) else None


@lru_cache(maxsize=64)
def to_wgs84(crs: str) -> Transformer:
    return Transformer.from_crs(CRS.from_user_input(crs), WGS84, always_xy=True)


def area_of_use(crs: str) -> tuple[float, float, float, float] | None:
    try:
        a = CRS.from_user_input(crs).area_of_use
    except Exception:
        return None
    return (a.west, a.south, a.east, a.north) if a else None


def inside(box, area) -> bool:
    """Whether a WGS84 box lies within an area of use (boxes over the antimeridian are not)."""
    w, s, e, n = box
    return w <= e and area[0] <= w and e <= area[2] and area[1] <= s and n <= area[3]


@lru_cache(maxsize=16)
def holdable(project_crs: str) -> tuple[float, float, float, float]:
    """The WGS84 box the project CRS can hold without its maths breaking down.

    A Gauss-Kruger or UTM grid is exact near its central meridian and distorts
    away from it; past ~90° from it the projection fails (inf). So the box is the
    CRS's area of use widened by 45° east and west, short of the poles.
    """
    area = area_of_use(project_crs) or (-180.0, -85.0, 180.0, 85.0)
    return (max(-180.0, area[0] - 45.0), -85.0, min(180.0, area[2] + 45.0), 85.0)


def describe_area(area) -> str:
    w, s, e, n = area
    return f"{w:g}..{e:g}°E, {s:g}..{n:g}°N"
