"""Footprints → one triangle mesh, vectorised: walls from every ring edge, roofs by fan or CDT.

Never a mesh per building: 20,000 buildings are a handful of numpy passes
(bench/bench_city.py measures it against building them one by one and merging).
Convex rings without holes (most footprints) get a triangle fan, computed for
all of them at once; concave or holed footprints go through GEOS' constrained
Delaunay, also in one call.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely


@dataclass
class Mesh:
    points: np.ndarray            # (N, 3) float64
    triangles: np.ndarray         # (M, 3) int64 into points
    triangle_owner: np.ndarray    # (M,) int32: the building each triangle belongs to


def _convex(xy: np.ndarray, start: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Per ring (first vertex not repeated): whether every turn goes the same way."""
    nxt = np.arange(len(xy)) + 1
    ends = start + count
    nxt[ends - 1] = start                        # wrap each ring
    nxt2 = nxt[nxt]
    a, b = xy[nxt] - xy, xy[nxt2] - xy[nxt]
    cross = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
    eps = 1e-9 * (np.abs(a).max(initial=1.0) ** 2)
    positive = np.add.reduceat(cross > eps, start) if len(start) else np.zeros(0, int)
    negative = np.add.reduceat(cross < -eps, start) if len(start) else np.zeros(0, int)
    return (positive == 0) | (negative == 0)


def extrude(footprints: np.ndarray, base: np.ndarray, height: np.ndarray) -> Mesh:
    """Polygons/MultiPolygons (project CRS, 2D) → walls and flat roofs from ``base`` to ``base + height``.

    ``base`` and ``height`` are per footprint; the triangles carry the footprint's index.
    """
    # exteriors counter-clockwise, holes clockwise: every wall and roof then faces outwards,
    # so a renderer may cull back faces (half the wall pixels on software GL)
    footprints = shapely.orient_polygons(np.asarray(footprints, dtype=object), exterior_cw=False)
    parts, part_owner = shapely.get_parts(footprints, return_index=True)
    keep = ~shapely.is_empty(parts)
    parts, part_owner = parts[keep], part_owner[keep]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, vert_ring = shapely.get_coordinates(rings, return_index=True)
    counts = np.bincount(vert_ring, minlength=len(rings))
    # drop each ring's closing vertex (it repeats the first)
    last = np.cumsum(counts) - 1
    open_mask = np.ones(len(coords), bool)
    open_mask[last[counts > 0]] = False
    xy, vert_ring = coords[open_mask], vert_ring[open_mask]
    counts = np.maximum(counts - 1, 0)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    owner_of_ring = part_owner[ring_part]
    owner = owner_of_ring[vert_ring]
    lo = np.asarray(base, float)[owner]
    hi = lo + np.asarray(height, float)[owner]
    n = len(xy)
    points = [np.column_stack([xy, lo]), np.column_stack([xy, hi])]   # bottom ring 0..n-1, top n..2n-1
    # walls: every edge k → k+1 of its ring
    k = np.arange(n)
    k1 = k + 1
    k1[start[counts > 0] + counts[counts > 0] - 1] = start[counts > 0]
    walls = np.concatenate([np.column_stack([k, k1, k1 + n]), np.column_stack([k, k1 + n, k + n])])
    wall_owner = np.concatenate([owner, owner])
    # roofs: fan over convex single-ring parts, CDT over the rest
    rings_per_part = np.bincount(ring_part, minlength=len(parts))
    first_ring = np.concatenate([[0], np.cumsum(rings_per_part)[:-1]]).astype(np.int64)
    ok = counts >= 3
    convex = np.zeros(len(rings), bool)
    if ok.any():
        convex[ok] = _convex_rings(xy, start, counts, ok)
    fan_part = (rings_per_part == 1) & convex[first_ring]
    fan_rings = first_ring[fan_part]
    fan_counts = counts[fan_rings] - 2
    ring_of_tri = np.repeat(fan_rings, fan_counts)
    local = np.arange(fan_counts.sum()) - np.repeat(np.cumsum(fan_counts) - fan_counts, fan_counts)
    s = start[ring_of_tri]
    roof = np.column_stack([s, s + local + 1, s + local + 2]) + n
    roof_owner = owner_of_ring[ring_of_tri]
    tris, tri_owner = [walls, roof], [wall_owner, roof_owner]
    rest = np.flatnonzero(~fan_part & (rings_per_part > 0))
    if len(rest):
        cdt = shapely.constrained_delaunay_triangles(shapely.make_valid(parts[rest]))
        pieces, which = shapely.get_parts(cdt, return_index=True)
        tri = shapely.get_coordinates(pieces).reshape(-1, 4, 2)[:, :3, :]
        a, b = tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]
        down = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0] < 0
        tri[down] = tri[down][:, ::-1]                 # roofs face up
        corners = tri.reshape(-1, 2)
        tri_of = part_owner[rest][which]
        z = np.repeat(np.asarray(base, float)[tri_of] + np.asarray(height, float)[tri_of], 3)
        offset = 2 * n
        points.append(np.column_stack([corners, z]))
        tris.append(np.arange(len(corners)).reshape(-1, 3) + offset)
        tri_owner.append(tri_of)
    return Mesh(np.concatenate(points), np.concatenate(tris).astype(np.int64),
                np.concatenate(tri_owner).astype(np.int32))


def _convex_rings(xy, start, counts, ok) -> np.ndarray:
    """Convexity of the rings flagged ``ok`` (at least a triangle), evaluated in one pass."""
    idx = np.flatnonzero(ok)
    s, c = start[idx], counts[idx]
    # the rings flagged ok are not contiguous in xy: gather them, remapping starts
    take = np.repeat(s, c) + (np.arange(c.sum()) - np.repeat(np.cumsum(c) - c, c))
    sub = xy[take]
    sub_start = np.concatenate([[0], np.cumsum(c)[:-1]]).astype(np.int64)
    return _convex(sub, sub_start, c)
