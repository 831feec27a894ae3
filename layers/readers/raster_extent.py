"""Where a raster lies, and the part of it the project CRS can hold.

The outline is the pixel grid's edges (21 points each, as GDAL's suggested warp
output samples them) taken through the geotransform, so a rotated grid is not
inflated to its axis-aligned box. A raster that reaches beyond what the project
CRS can hold (a world image in a Gauss-Kruger zone) is warped only over the part
inside; one wholly outside gives an empty layer with a warning. A grid across the
antimeridian is judged by its longitudes made continuous (179..181), not by GDAL's
box, which runs from -180 to 180 for it.
"""
from __future__ import annotations

import math

import numpy as np

from layers.crs import WGS84
from layers.extent import describe_area, holdable, inside, to_wgs84

EDGE_POINTS = 21


def _edges(width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    t = np.linspace(0.0, 1.0, EDGE_POINTS)
    cols = np.concatenate([t * width, np.full_like(t, width), t[::-1] * width, np.zeros_like(t)])
    rows = np.concatenate([np.zeros_like(t), t * height, np.full_like(t, height), t[::-1] * height])
    return cols, rows


def _outline(src) -> tuple[np.ndarray, np.ndarray]:
    """The pixel grid's edges in the source CRS, through the geotransform."""
    cols, rows = _edges(src.width, src.height)
    a = src.transform
    return a.c + a.a * cols + a.b * rows, a.f + a.d * cols + a.e * rows


def _outline_lonlat(src, src_crs: str) -> tuple[np.ndarray, np.ndarray]:
    x, y = _outline(src)
    lon, lat = to_wgs84(src_crs).transform(x, y)  # one transformer per CRS and process (~0.1 s each)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def source_extent(src, src_crs: str, gcps) -> tuple[list | None, list | None]:
    """(bounds in the source CRS, WGS84 bounds [W, S, E, N]); GCP-placed rasters through their GCPs."""
    from rasterio.warp import calculate_default_transform
    if gcps:
        t, w, h = calculate_default_transform(src_crs, WGS84, src.width, src.height, gcps=gcps)
        return None, [t.c, t.f + h * t.e, t.c + w * t.a, t.f]
    x, y = _outline(src)
    bounds = [float(x.min()), float(y.min()), float(x.max()), float(y.max())]
    try:
        lon, lat = _outline_lonlat(src, src_crs)
    except Exception:  # CRSs PROJ cannot relate to the Earth
        return bounds, None
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return bounds, None
    return bounds, [float(lon[ok].min()), float(lat[ok].min()), float(lon[ok].max()), float(lat[ok].max())]


class NoArea(ValueError):
    """The raster, once placed in the project CRS, has no area (a one-pixel geocentric file: a point)."""


def _reach(src, src_crs: str, box, gcps) -> tuple:
    """The WGS84 box with longitudes made continuous over the antimeridian (179 → 181, not -179).

    ``box`` is GDAL's (the outline's min and max longitude): a grid across the antimeridian
    spans almost the whole world in it, though it lies near ±180."""
    w, s, e, n = box
    if e - w <= 180.0 or gcps:
        return box
    lon, _ = _outline_lonlat(src, src_crs)
    lon = lon[np.isfinite(lon)]
    turned = np.where(lon < 0, lon + 360.0, lon)
    if len(turned) and turned.max() - turned.min() < e - w:
        return (float(turned.min()), s, float(turned.max()), n)
    return box


def _overlap(reach, area):
    """The part of ``reach`` inside ``area`` (both WGS84 boxes), or None; ``reach`` may run past 180."""
    for shift in (0.0, -360.0):
        w, e = max(reach[0] + shift, area[0]), min(reach[2] + shift, area[2])
        s, n = max(reach[1], area[1]), min(reach[3], area[3])
        if w < e and s < n:
            return w, s, e, n
    return None


def _window(src, left, bottom, right, top):
    """The whole pixels covering the bounds, within the raster (any grid: south-up and rotated
    too, where rasterio's ``from_bounds`` gives up); None if no pixel does."""
    from rasterio.windows import Window
    inv = ~src.transform
    cols, rows = zip(*(inv * (x, y) for x in (left, right) for y in (bottom, top)))
    c0, r0 = max(0, math.floor(min(cols))), max(0, math.floor(min(rows)))
    c1, r1 = min(src.width, math.ceil(max(cols))), min(src.height, math.ceil(max(rows)))
    return Window(c0, r0, c1 - c0, r1 - r0) if c1 > c0 and r1 > r0 else None


def clip_grid(src, src_crs: str, box, project_crs: str, warnings: list, gcps=None):
    """None (warp it all), "outside" (no part fits), or the WarpedVRT grid of the part that fits."""
    from rasterio.warp import calculate_default_transform, transform_bounds
    area = holdable(project_crs)
    if box is None or inside(box, area):
        return None
    part = _overlap(_reach(src, src_crs, box, gcps), area)
    if part is None:  # wholly beyond: warped as it is if the maths holds (the caller tries)
        return "outside"
    if gcps:  # placed by GCPs: no geotransform to cut a window with; GDAL warps it whole
        return None
    left, bottom, right, top = transform_bounds(WGS84, src_crs, *part, densify_pts=EDGE_POINTS)
    window = _window(src, left, bottom, right, top)
    if window is None:
        return "outside"
    wl, wb, wr, wt = src.window_bounds(window)
    t, dw, dh = calculate_default_transform(src_crs, project_crs, int(window.width), int(window.height),
                                            wl, wb, wr, wt)
    if not all(math.isfinite(v) for v in (t.a, t.c, t.e, t.f)):
        return "outside"
    warnings.append(f"reaches beyond what {project_crs} can hold ({describe_area(area)}); "
                    "only the part inside is drawn")
    return {"transform": t, "width": dw, "height": dh}


def beyond_warning(project_crs: str) -> str:
    return f"lies wholly beyond what {project_crs} can hold ({describe_area(holdable(project_crs))}); nothing drawn"
