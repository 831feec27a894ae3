"""Where a raster lies, and the part of it the project CRS can hold.

The outline is the pixel grid's edges (21 points each, as GDAL's suggested warp
output samples them) taken through the geotransform, so a rotated grid is not
inflated to its axis-aligned box. A raster that reaches beyond what the project
CRS can hold (a world image in a Gauss-Kruger zone) is warped only over the part
inside; one wholly outside gives an empty layer with a warning.
"""
from __future__ import annotations

import math

import numpy as np
from pyproj import Transformer

from layers.crs import WGS84
from layers.extent import describe_area, holdable, inside

EDGE_POINTS = 21


def _edges(width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    t = np.linspace(0.0, 1.0, EDGE_POINTS)
    cols = np.concatenate([t * width, np.full_like(t, width), t[::-1] * width, np.zeros_like(t)])
    rows = np.concatenate([np.zeros_like(t), t * height, np.full_like(t, height), t[::-1] * height])
    return cols, rows


def source_extent(src, src_crs: str, gcps) -> tuple[list | None, list | None]:
    """(bounds in the source CRS, WGS84 bounds [W, S, E, N]); GCP-placed rasters through their GCPs."""
    from rasterio.warp import calculate_default_transform
    if gcps:
        t, w, h = calculate_default_transform(src_crs, WGS84, src.width, src.height, gcps=gcps)
        return None, [t.c, t.f + h * t.e, t.c + w * t.a, t.f]
    cols, rows = _edges(src.width, src.height)
    a = src.transform
    x = a.c + a.a * cols + a.b * rows
    y = a.f + a.d * cols + a.e * rows
    bounds = [float(x.min()), float(y.min()), float(x.max()), float(y.max())]
    try:
        lon, lat = Transformer.from_crs(src_crs, WGS84, always_xy=True).transform(x, y)
    except Exception:  # CRSs PROJ cannot relate to the Earth
        return bounds, None
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return bounds, None
    return bounds, [float(lon[ok].min()), float(lat[ok].min()), float(lon[ok].max()), float(lat[ok].max())]


def clip_grid(src, src_crs: str, box, project_crs: str, warnings: list):
    """None (warp it all), "outside" (no part fits), or the WarpedVRT grid of the part that fits."""
    from rasterio.warp import calculate_default_transform, transform_bounds
    from rasterio.windows import from_bounds
    area = holdable(project_crs)
    if box is None or inside(box, area):
        return None
    w, s, e, n = max(box[0], area[0]), max(box[1], area[1]), min(box[2], area[2]), min(box[3], area[3])
    if w >= e or s >= n:  # wholly beyond: warped as it is if the maths holds (the caller tries)
        return "outside"
    left, bottom, right, top = transform_bounds(WGS84, src_crs, w, s, e, n, densify_pts=EDGE_POINTS)
    window = from_bounds(left, bottom, right, top, src.transform).round_offsets().round_lengths()
    window = window.intersection(from_bounds(*src.bounds, src.transform).round_offsets().round_lengths())
    width, height = max(1, int(window.width)), max(1, int(window.height))
    wl, wb, wr, wt = src.window_bounds(window)
    t, dw, dh = calculate_default_transform(src_crs, project_crs, width, height, wl, wb, wr, wt)
    if not all(math.isfinite(v) for v in (t.a, t.c, t.e, t.f)):
        return "outside"
    warnings.append(f"reaches beyond what {project_crs} can hold ({describe_area(area)}); "
                    "only the part inside is drawn")
    return {"transform": t, "width": dw, "height": dh}


def beyond_warning(project_crs: str) -> str:
    return f"lies wholly beyond what {project_crs} can hold ({describe_area(holdable(project_crs))}); nothing drawn"
