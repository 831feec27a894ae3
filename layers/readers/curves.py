"""Curved geometries (ISO WKB CircularString, CompoundCurve, CurvePolygon, MultiCurve,
MultiSurface) → straight segments, as GDAL's OGR_G_ForceToLinear does.

GEOS (and so shapely) has no curve types and refuses the whole table; GeoPackages from
CAD and survey software hold arcs. Arcs are cut every 4°, GDAL's default step.
"""
from __future__ import annotations

import math
import struct

import numpy as np
import shapely

STEP_DEG = 4.0
_LINEAR = {1, 2, 3, 4, 5, 6, 7}


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def read(self, fmt: str):
        size = struct.calcsize(fmt)
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def header(self) -> tuple[str, int, int]:
        order = "<" if self.read("B")[0] == 1 else ">"
        code = self.read(order + "I")[0]
        dims = 2 + (code % 10000 // 1000 in (1, 3)) + (code % 10000 // 1000 in (2, 3))
        has_z = code % 10000 // 1000 in (1, 3)
        if code & 0x80000000 or code & 0x40000000:  # EWKB flags
            has_z = bool(code & 0x80000000)
            dims = 2 + has_z + bool(code & 0x40000000)
            code &= 0x0FFFFFFF
        return order, code % 1000, dims if has_z else -dims  # negative: no Z to keep

    def points(self, order: str, dims: int) -> np.ndarray:
        n = self.read(order + "I")[0]
        raw = np.array(self.read(order + "d" * (n * abs(dims))), dtype=float).reshape(n, abs(dims))
        return raw[:, :3] if dims > 0 else raw[:, :2]


def _arc(p0, p1, p2) -> list:
    """Points along the circle through p0, p1, p2 (p0 excluded), or the straight line if collinear."""
    (x0, y0), (x1, y1), (x2, y2) = p0[:2], p1[:2], p2[:2]
    d = 2 * (x0 * (y1 - y2) + x1 * (y2 - y0) + x2 * (y0 - y1))
    if abs(d) < 1e-12 * max(1.0, abs(x0) + abs(y0)) ** 2:
        return [p1, p2]
    s0, s1, s2 = x0 * x0 + y0 * y0, x1 * x1 + y1 * y1, x2 * x2 + y2 * y2
    cx = (s0 * (y1 - y2) + s1 * (y2 - y0) + s2 * (y0 - y1)) / d
    cy = (s0 * (x2 - x1) + s1 * (x0 - x2) + s2 * (x1 - x0)) / d
    r = math.hypot(x0 - cx, y0 - cy)
    a0, a1, a2 = (math.atan2(y - cy, x - cx) for x, y in ((x0, y0), (x1, y1), (x2, y2)))
    ccw = d > 0
    sweep = (a2 - a0) % (2 * math.pi) if ccw else -((a0 - a2) % (2 * math.pi))
    if p0[0] == p2[0] and p0[1] == p2[1]:  # a full circle: p1 is the opposite point
        sweep = 2 * math.pi if ccw else -2 * math.pi
    n = max(2, int(math.ceil(abs(math.degrees(sweep)) / STEP_DEG)))
    z = len(p0) > 2
    out = []
    for i in range(1, n + 1):
        t = i / n
        a = a0 + sweep * t
        pt = [cx + r * math.cos(a), cy + r * math.sin(a)]
        if z:
            pt.append(p0[2] + (p2[2] - p0[2]) * t)
        out.append(pt)
    out[-1] = list(p2)
    return out


def _circular(pts: np.ndarray) -> list:
    line = [list(pts[0])]
    for i in range(0, len(pts) - 2, 2):
        line += _arc(pts[i], pts[i + 1], pts[i + 2])
    return line


def _curve(r: _Reader) -> list:
    """Any curve → a list of points."""
    order, kind, dims = r.header()
    if kind == 2:
        return r.points(order, dims).tolist()
    if kind == 8:
        return _circular(r.points(order, dims))
    if kind == 9:
        n = r.read(order + "I")[0]
        line: list = []
        for _ in range(n):
            part = _curve(r)
            line += part if not line else part[1:]
        return line
    raise ValueError(f"WKB type {kind} is not a curve")


def _surface(r: _Reader, order: str, kind: int, dims: int):
    n = r.read(order + "I")[0]
    if kind == 3:
        rings = [r.points(order, dims).tolist() for _ in range(n)]
    else:  # CurvePolygon: each ring is a curve with its own header
        rings = [_curve(r) for _ in range(n)]
    rings = [ring for ring in rings if len(ring) >= 4]
    return shapely.Polygon(rings[0], rings[1:]) if rings else shapely.Polygon()


def _geometry(r: _Reader):
    start = r.pos
    order, kind, dims = r.header()
    if kind in (2, 8, 9):
        r.pos = start
        return shapely.LineString(_curve(r))
    if kind in (3, 10):
        return _surface(r, order, kind, dims)
    if kind == 1:
        return shapely.Point(r.read(order + "d" * abs(dims))[:3 if dims > 0 else 2])
    n = r.read(order + "I")[0]
    parts = [_geometry(r) for _ in range(n)]
    if kind in (5, 11):
        return shapely.MultiLineString(parts)
    if kind in (6, 12):
        return shapely.MultiPolygon([p for p in parts if not p.is_empty])
    if kind == 4:
        return shapely.MultiPoint(parts)
    return shapely.GeometryCollection(parts)


def linearise(wkb: bytes):
    """Shapely geometry of a WKB blob holding curves, with arcs cut into segments."""
    return _geometry(_Reader(wkb))


def from_wkb_linear(blobs: list) -> tuple[np.ndarray, int]:
    """Like shapely.from_wkb, but curved geometries are linearised; returns (geometries, how many were)."""
    geoms = np.empty(len(blobs), dtype=object)
    try:
        geoms[:] = shapely.from_wkb(blobs, on_invalid="ignore")
        return geoms, 0
    except (NotImplementedError, shapely.errors.GEOSException):
        pass
    curved = 0
    for i, blob in enumerate(blobs):
        try:
            geoms[i] = shapely.from_wkb(blob, on_invalid="ignore") if blob is not None else None
        except (NotImplementedError, shapely.errors.GEOSException):
            try:
                geoms[i] = linearise(blob)
                curved += 1
            except (struct.error, ValueError, IndexError):
                geoms[i] = None
    return geoms, curved
