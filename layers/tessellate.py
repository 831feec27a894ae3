"""Vector geometry → flat numpy arrays a renderer can take without Python loops.

Polygons are cut into triangles with GEOS' constrained Delaunay (holes and
concave rings stay correct); rings and lines become polylines; points stay
points. Every primitive carries the index of the feature it came from, which is
what picking reports back.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

POLY_TYPES = (3, 6)        # Polygon, MultiPolygon
LINE_TYPES = (1, 2, 5)     # LineString, LinearRing, MultiLineString
POINT_TYPES = (0, 4)       # Point, MultiPoint


@dataclass
class Tessellation:
    tri_xyz: np.ndarray        # (T*3, 3) triangle corners, project CRS
    tri_feature: np.ndarray    # (T,) feature index per triangle
    line_xyz: np.ndarray       # (L, 3) polyline vertices
    line_offsets: np.ndarray   # (P+1,) start of each polyline in line_xyz
    line_feature: np.ndarray   # (P,)
    point_xyz: np.ndarray      # (Q, 3)
    point_feature: np.ndarray  # (Q,)
    has_z: bool


def _xyz(coords: np.ndarray) -> np.ndarray:
    if coords.shape[1] == 2:
        coords = np.column_stack([coords, np.full(len(coords), np.nan)])
    return coords


def _explode(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flatten collections/multi-geometries to simple parts with their feature index."""
    idx = np.arange(len(geoms))
    for _ in range(4):  # nested collections are rare; a few rounds flatten them
        parts, owner = shapely.get_parts(geoms, return_index=True)
        geoms, idx = parts, idx[owner]
        if not np.isin(shapely.get_type_id(geoms), (4, 5, 6, 7)).any():
            break
    return geoms, idx


def _triangles(polys: np.ndarray, owner: np.ndarray):
    if len(polys) == 0:
        return np.empty((0, 3)), np.empty(0, int)
    tris = shapely.constrained_delaunay_triangles(polys)
    parts, which = shapely.get_parts(tris, return_index=True)
    coords = shapely.get_coordinates(parts, include_z=True)
    corners = coords.reshape(-1, 4, 3)[:, :3, :].reshape(-1, 3)
    return corners, owner[which]


def _polylines(lines: np.ndarray, owner: np.ndarray):
    coords, which = shapely.get_coordinates(lines, include_z=True, return_index=True)
    counts = np.bincount(which, minlength=len(lines))
    offsets = np.concatenate([[0], np.cumsum(counts)])
    return coords, offsets, owner


def tessellate(geoms: np.ndarray) -> Tessellation:
    valid = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    simple, owner = _explode(geoms[valid])
    owner = np.flatnonzero(valid)[owner]
    kinds = shapely.get_type_id(simple)
    polys = simple[np.isin(kinds, POLY_TYPES)]
    poly_owner = owner[np.isin(kinds, POLY_TYPES)]
    tri_xyz, tri_feature = _triangles(shapely.make_valid(polys), poly_owner)
    tri_feature = tri_feature[: len(tri_xyz) // 3] if len(tri_xyz) else tri_feature
    rings, ring_owner = _rings(polys, poly_owner)
    is_line = np.isin(kinds, LINE_TYPES)
    lines = np.concatenate([rings, simple[is_line]])
    line_owner = np.concatenate([ring_owner, owner[is_line]]).astype(int)
    line_xyz, offsets, line_feature = _polylines(lines, line_owner)
    is_pt = np.isin(kinds, POINT_TYPES)
    pts = shapely.get_coordinates(simple[is_pt], include_z=True)
    return Tessellation(_xyz(tri_xyz), tri_feature.astype(int), _xyz(line_xyz), offsets,
                        line_feature, _xyz(pts), owner[is_pt].astype(int),
                        bool(shapely.has_z(geoms[valid]).any()))


def _rings(polys: np.ndarray, owner: np.ndarray):
    if len(polys) == 0:
        return np.empty(0, dtype=object), np.empty(0, int)
    rings, which = shapely.get_rings(polys, return_index=True)
    return rings, owner[which]
