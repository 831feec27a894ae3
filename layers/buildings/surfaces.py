"""Planar 3D surfaces (rings of vertex indices) → triangles, all at once, holes kept.

Each surface is laid flat on its own best-fitting plane (Newell normal, the dominant
axis dropped), cut by GEOS' constrained Delaunay with its holes, and lifted back
onto the plane. CityJSON's LoD1/LoD2 surfaces come through here.
"""
from __future__ import annotations

import numpy as np
import shapely

_AXES = np.array([[1, 2], [0, 2], [0, 1]])   # the two axes kept when axis i is dropped


def triangulate(xyz: np.ndarray, rings: list, ring_surface: np.ndarray, n_surfaces: int):
    """Planar surfaces (rings of vertex indices, first ring outer) → (T*3, 3) corners and the surface per triangle."""
    if not rings:
        return np.zeros((0, 3)), np.zeros(0, np.int64)
    counts = np.array([len(r) for r in rings])
    idx = np.concatenate(rings)
    ring_of = np.repeat(np.arange(len(rings)), counts)
    surf_of = ring_surface[ring_of]
    p = xyz[idx] - xyz[idx].mean(axis=0)     # local coordinates keep float precision
    nxt = np.arange(len(idx)) + 1
    ends = np.cumsum(counts)
    nxt[ends - 1] = ends - counts
    q = p[nxt]
    newell = np.column_stack([(p[:, 1] - q[:, 1]) * (p[:, 2] + q[:, 2]),
                              (p[:, 2] - q[:, 2]) * (p[:, 0] + q[:, 0]),
                              (p[:, 0] - q[:, 0]) * (p[:, 1] + q[:, 1])])
    normal = np.zeros((n_surfaces, 3))
    outer = np.r_[True, ring_surface[1:] != ring_surface[:-1]][ring_of]   # the first ring of each surface
    np.add.at(normal, surf_of[outer], newell[outer])
    drop = np.argmax(np.abs(normal), axis=1)
    keep = _AXES[drop]
    uv = np.take_along_axis(p, keep[surf_of], axis=1)
    # ring and polygon offsets for shapely's ragged constructor (rings closed by repeating their first vertex)
    closed = np.insert(uv, ends, uv[ends - counts], axis=0)
    ring_offsets = np.concatenate([[0], np.cumsum(counts + 1)])
    first_ring = np.flatnonzero(np.r_[True, ring_surface[1:] != ring_surface[:-1]])
    polys = shapely.from_ragged_array(shapely.GeometryType.POLYGON, closed,
                                      (ring_offsets, np.append(first_ring, len(rings))))
    owner_surface = ring_surface[first_ring]
    bad = ~shapely.is_valid(polys)
    if bad.any():
        polys[bad] = shapely.make_valid(polys[bad])
    tris = shapely.constrained_delaunay_triangles(polys)
    parts, which = shapely.get_parts(tris, return_index=True)
    parts, which = _polygon_parts(parts, which)
    corners = shapely.get_coordinates(parts).reshape(-1, 4, 2)[:, :3, :]
    surf = owner_surface[which]
    # lift back onto each surface's plane: n · p = d, d from its outer ring's centre
    d = np.zeros(n_surfaces)
    cnt = np.zeros(n_surfaces)
    np.add.at(d, surf_of[outer], np.einsum("ij,ij->i", p[outer], normal[surf_of[outer]]))
    np.add.at(cnt, surf_of[outer], 1)
    d = d / np.maximum(cnt, 1)
    out = np.zeros((len(parts), 3, 3))
    k, dropped, n = keep[surf], drop[surf], normal[surf]
    ar = np.arange(len(parts))
    nd = n[ar, dropped]
    for c in range(3):
        out[ar, c, k[:, 0]] = corners[:, c, 0]
        out[ar, c, k[:, 1]] = corners[:, c, 1]
        rest = n[ar, k[:, 0]] * corners[:, c, 0] + n[ar, k[:, 1]] * corners[:, c, 1]
        out[ar, c, dropped] = (d[surf] - rest) / np.where(nd == 0, 1.0, nd)
    return out.reshape(-1, 3) + xyz[idx].mean(axis=0), surf


def _polygon_parts(parts, which):
    """Triangles only (make_valid may have left lines or points in a collection)."""
    for _ in range(3):
        nested = np.isin(shapely.get_type_id(parts), (6, 7))
        if not nested.any():
            break
        sub, at = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], sub])
        which = np.concatenate([which[~nested], which[nested][at]])
    ok = (shapely.get_type_id(parts) == 3) & (shapely.get_num_coordinates(parts) == 4)
    return parts[ok], which[ok]
