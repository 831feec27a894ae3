"""Vector tables → Layer in the project CRS (shared by the GeoJSON and GeoPackage readers)."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import shapely

from layers.crs import CRSNotUnderstood, GCJ02, WGS84, ProjectCRS, normalise_crs, transform_xy
from layers.data import VectorData
from layers.layer import Layer
from layers.errors import ReadError

log = logging.getLogger(__name__)


def looks_like_lonlat(geoms: np.ndarray) -> bool:
    xy = shapely.get_coordinates(geoms)
    if len(xy) == 0:
        return True
    return bool(np.all(np.abs(xy[:, 0]) <= 180.0) and np.all(np.abs(xy[:, 1]) <= 90.0))


def reproject(geoms: np.ndarray, src: str, dst: str) -> np.ndarray:
    has_z = bool(np.any(shapely.has_z(geoms)))

    def fn(coords):
        if has_z:
            x, y, z = transform_xy(coords[:, 0], coords[:, 1], src, dst, coords[:, 2])
            return np.column_stack([x, y, z])
        x, y = transform_xy(coords[:, 0], coords[:, 1], src, dst)
        return np.column_stack([x, y])

    return shapely.transform(geoms, fn, include_z=has_z)


def resolve_crs(path: Path, declared: str | None, assume: str | None, geoms, warnings: list) -> str:
    """The CRS to read coordinates in: the user's override, else the file's, else WGS84 if plausible."""
    if assume:
        try:
            return normalise_crs(assume)
        except CRSNotUnderstood as exc:
            raise ReadError(path, str(exc)) from exc
    if declared:
        try:
            return normalise_crs(declared)
        except CRSNotUnderstood as exc:
            raise ReadError(path, f"{exc}; pass the CRS explicitly") from exc
    if looks_like_lonlat(geoms):
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
    projected = reproject(geoms, src_crs, project.crs)
    finite = shapely.get_coordinates(projected)
    if len(finite) and not np.all(np.isfinite(finite)):
        raise ReadError(path, f"table {name!r}: coordinates fall outside what {src_crs} can project")
    data = VectorData(geometries=projected, columns=columns, fids=fids)
    meta = {"warnings": warnings, "table": table, "feature_count": len(data),
            "geometry_types": data.geometry_types}
    if src_crs == GCJ02:
        meta["datum_note"] = "GCJ-02 coordinates converted to WGS84"
    return Layer(name=name, kind="vector", data=data, bounds=data.bounds(), source=str(path),
                 source_crs=src_crs, meta=meta)
