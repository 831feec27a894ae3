"""Vector tables → Layer in the project CRS (shared by the GeoJSON and GeoPackage readers)."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import shapely

from layers.crs import (CRSNotUnderstood, GCJ02, WGS84, ProjectCRS, is_geographic, label, normalise_crs,
                        transform_xy)
from layers.data import VectorData
from layers.datum import best_route
from layers.extent import describe_area, holdable, wgs84_bounds
from layers.layer import Layer
from layers.errors import ReadError

log = logging.getLogger(__name__)


def looks_like_lonlat(geoms: np.ndarray) -> bool:
    xy = shapely.get_coordinates(geoms)
    if len(xy) == 0:
        return True
    xy = xy[np.all(np.isfinite(xy), axis=1)]
    slack = 1e-6  # Natural Earth's Antarctica reaches -90.00000000000003
    # longitudes past ±180 are how some writers cross the antimeridian (GDAL reads them as degrees)
    return bool(np.all(np.abs(xy[:, 0]) <= 360.0 + slack) and np.all(np.abs(xy[:, 1]) <= 90.0 + slack))


def reproject(geoms: np.ndarray, src: str, dst: str, transform=None) -> np.ndarray:
    """Reproject geometries; ``transform(x, y[, z])`` overrides the default src→dst route."""
    has_z = bool(np.any(shapely.has_z(geoms)))
    if transform is None:
        def transform(x, y, z=None):
            return transform_xy(x, y, src, dst, z)

    def fn(coords):
        if has_z:
            return np.column_stack(transform(coords[:, 0], coords[:, 1], coords[:, 2])[:3])
        return np.column_stack(transform(coords[:, 0], coords[:, 1])[:2])

    return shapely.transform(geoms, fn, include_z=has_z)


def _route_transform(route):
    t = route.transformer()

    def fn(x, y, z=None):
        if z is None:
            return t.transform(x, y)
        return (*t.transform(x, y), np.asarray(z, dtype=float))
    return fn


def _clip_to_holdable(geoms: np.ndarray, src: str, project: ProjectCRS, warnings: list) -> np.ndarray:
    """World-wide data the projection fails on: cut to what the project CRS can hold (in WGS84)."""
    area = holdable(project.crs)
    lonlat = reproject(geoms, src, WGS84) if src != WGS84 else geoms
    clipped = shapely.clip_by_rect(lonlat, *area)
    changed = int(np.sum(~shapely.is_missing(lonlat) & ~shapely.equals_exact(lonlat, clipped, 0.0)))
    warnings.append(f"{changed} feature(s) reach beyond what {project.crs} can hold "
                    f"({describe_area(area)}); clipped to it")
    return clipped


def _straddles(box, area) -> bool:
    """Whether data reach both inside and beyond the box the project CRS can hold."""
    if box is None:
        return False
    w, s, e, n = box
    if w > e:  # over the antimeridian
        return True
    overlaps = w < area[2] and e > area[0] and s < area[3] and n > area[1]
    return overlaps and not (area[0] <= w and e <= area[2] and area[1] <= s and n <= area[3])


def _finite(geoms: np.ndarray) -> bool:
    xy = shapely.get_coordinates(geoms)
    return bool(np.all(np.isfinite(xy)))


def resolve_crs(path: Path, declared: str | None, assume: str | None, geoms, warnings: list,
                implied: str | None = None) -> str:
    """The CRS to read coordinates in: the user's override, else the file's, else WGS84 if plausible.

    ``implied`` is the CRS a format defines when the file says none (RFC 7946 GeoJSON: WGS84);
    it is taken without a warning, but only if the coordinates can be longitude/latitude.
    """
    if assume:
        try:
            return normalise_crs(assume)
        except CRSNotUnderstood as exc:
            raise ReadError(path, f"CRS not understood ({exc})") from exc
    if declared:
        try:
            crs = normalise_crs(declared)
        except CRSNotUnderstood as exc:
            raise ReadError(path, f"{exc}; pass the CRS explicitly") from exc
        if crs != GCJ02 and is_geographic(crs) and not looks_like_lonlat(geoms):
            raise ReadError(path, f"the file says {declared} but its coordinates are not longitude/latitude; "
                                  "pass the CRS explicitly")
        return crs
    if looks_like_lonlat(geoms):
        if implied != WGS84:
            warnings.append("no CRS declared; coordinates look like longitude/latitude, read as WGS84")
        return WGS84
    raise ReadError(path, "no CRS declared and coordinates are not longitude/latitude; pass the CRS explicitly")


def make_vector_layer(path: Path, name: str, geoms: np.ndarray, columns: dict, src_crs: str,
                      project: ProjectCRS, warnings: list, table: str | None = None,
                      fids=None) -> Layer:
    missing = shapely.is_missing(geoms)
    if missing.any():
        warnings.append(f"{int(missing.sum())} feature(s) without geometry")
    invalid = ~missing & ~shapely.is_valid(geoms)
    if invalid.any():
        warnings.append(f"{int(invalid.sum())} invalid geometr{'y' if invalid.sum() == 1 else 'ies'} (drawn as given)")
    source_bounds = _bounds(geoms)
    box = wgs84_bounds(source_bounds, src_crs) if source_bounds else None
    route = None if src_crs == GCJ02 else best_route(src_crs, project.crs, box, project.datum_shift)
    if src_crs != GCJ02 and route is None:
        raise ReadError(path, f"table {name!r}: PROJ cannot convert {label(src_crs)} to {project.crs}")
    projected = reproject(geoms, src_crs, project.crs, _route_transform(route) if route else None)
    if route is not None and (not _finite(projected) or _straddles(box, holdable(project.crs))):
        clipped = _clip_to_holdable(geoms, src_crs, project, warnings)
        route = best_route(WGS84, project.crs, None, project.datum_shift)
        projected = reproject(clipped, WGS84, project.crs, _route_transform(route))
    if not _finite(projected):
        raise ReadError(path, f"table {name!r}: coordinates fall outside what {project.crs} can project")
    if route is not None and route.warning():
        warnings.append(route.warning())
    data = VectorData(geometries=projected, columns=columns, fids=fids)
    meta = {"warnings": warnings, "table": table, "feature_count": len(data),
            "geometry_types": data.geometry_types, "source_bounds": source_bounds,
            "datum": route.describe() if route else None}
    if src_crs == GCJ02:
        meta["datum_note"] = "GCJ-02 coordinates converted to WGS84"
    return Layer(name=name, kind="vector", data=data, bounds=data.bounds(), source=str(path),
                 source_crs=src_crs, meta=meta)


def _bounds(geoms: np.ndarray):
    xy = shapely.get_coordinates(geoms)
    xy = xy[np.all(np.isfinite(xy), axis=1)] if len(xy) else xy
    if not len(xy):
        return None
    return [float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()), float(xy[:, 1].max())]
