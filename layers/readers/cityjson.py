"""CityJSON 1.0/1.1/2.0 → a buildings layer: Building and BuildingPart surfaces (LoD1/LoD2), attributes kept.

Every surface of the highest LoD an object has is triangulated at once: each
surface is laid flat on its own best-fitting plane (Newell normal, the dominant
axis dropped), cut by GEOS' constrained Delaunay with its holes, and lifted
back onto the plane. Vertices are dequantised with ``transform`` and reprojected
along ``layers.datum.best_route`` from ``metadata.referenceSystem`` (or the CRS
the user gives, ``--crs``). A Building's parts are drawn and picked as that building.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import shapely

from layers.buildings.model import BuildingSet
from layers.crs import CRSNotUnderstood, label, normalise_crs
from layers.datum import best_route
from layers.errors import ReadError
from layers.extent import wgs84_bounds
from layers.layer import Layer

VERSIONS = ("1.0", "1.1", "2.0")
BUILDINGS = ("Building", "BuildingPart")
_AXES = np.array([[1, 2], [0, 2], [0, 1]])   # the two axes kept when axis i is dropped


def _crs(path: Path, doc: dict, assume: str | None) -> str:
    ref = assume or ((doc.get("metadata") or {}).get("referenceSystem") if isinstance(doc.get("metadata"), dict) else None)
    if not ref:
        raise ReadError(path, "CityJSON has no metadata.referenceSystem; give its CRS (--crs EPSG:…)")
    m = re.search(r"EPSG/\d+/(\d+)$|EPSG:+(\d+)$", str(ref).strip())
    try:
        crs = normalise_crs(f"EPSG:{m.group(1) or m.group(2)}" if m else str(ref))
    except CRSNotUnderstood as exc:
        raise ReadError(path, f"CityJSON referenceSystem {str(ref)[:80]!r} is not a CRS PROJ knows; "
                              "give its CRS (--crs EPSG:…)") from exc
    from pyproj import CRS
    parsed = CRS.from_user_input(crs)
    if parsed.is_compound:  # e.g. RD New + NAP: heights stay as given, the plane is reprojected
        crs = normalise_crs(parsed.sub_crs_list[0].to_wkt())
    return crs


def _vertices(path: Path, doc: dict) -> np.ndarray:
    verts = doc.get("vertices")
    if not isinstance(verts, list) or not verts:
        raise ReadError(path, "CityJSON has no vertices")
    try:
        xyz = np.array(verts, dtype=float)
    except (TypeError, ValueError):
        xyz = None
    if xyz is None or xyz.ndim != 2 or xyz.shape[1] != 3 or not np.isfinite(xyz).all():
        raise ReadError(path, "CityJSON vertices are not [x, y, z] number triples")
    t = doc.get("transform")
    if t is not None:
        try:
            scale, translate = (np.array(t[k], dtype=float) for k in ("scale", "translate"))
            assert scale.shape == translate.shape == (3,) and np.isfinite([scale, translate]).all()
        except (TypeError, ValueError, KeyError, AssertionError) as exc:
            raise ReadError(path, "CityJSON transform needs scale and translate of 3 numbers") from exc
        with np.errstate(over="ignore", invalid="ignore"):
            xyz = xyz * scale + translate
        if not np.isfinite(xyz).all():
            raise ReadError(path, "CityJSON transform gives non-finite coordinates")
    return xyz


def _lod(g) -> float:
    try:
        return float(g.get("lod"))
    except (TypeError, ValueError):
        return -1.0


def _surfaces(geometry) -> list:
    """The surfaces ([ring, hole…]) of a CityJSON geometry, whatever its nesting."""
    kind, b = geometry.get("type"), geometry.get("boundaries")
    depth = {"MultiSurface": 1, "CompositeSurface": 1, "Solid": 2, "MultiSolid": 3, "CompositeSolid": 3}.get(kind)
    if depth is None or not isinstance(b, list):
        return []
    items = b
    for _ in range(depth - 1):
        items = [s for shell in items if isinstance(shell, list) for s in shell]
    return items


def _collect(path: Path, oid: str, obj: dict, n_vertices: int, rings, ring_surface, surface_owner, owner: int):
    geoms = [g for g in obj.get("geometry") or [] if isinstance(g, dict)]
    if not geoms:
        return
    top = max(_lod(g) for g in geoms)
    for g in geoms:
        if _lod(g) != top:
            continue
        for surface in _surfaces(g):
            if not isinstance(surface, list) or not surface:
                raise ReadError(path, f"CityJSON object {oid}: malformed boundaries")
            sid = len(surface_owner)
            for ring in surface:
                if not isinstance(ring, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ring):
                    raise ReadError(path, f"CityJSON object {oid}: malformed boundaries")
                bad = [i for i in ring if not 0 <= i < n_vertices]
                if bad:
                    raise ReadError(path, f"CityJSON object {oid} refers to vertex {bad[0]}, "
                                          f"but the file has {n_vertices} vertices")
                if len(ring) >= 3:
                    rings.append(ring)
                    ring_surface.append(sid)
            surface_owner.append(owner)


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


def read_cityjson(path: Path, doc: dict, project, options, progress) -> list:
    version = str(doc.get("version", ""))
    if version not in VERSIONS:
        raise ReadError(path, f"unsupported CityJSON version {version or '(none)'} (supported: 1.0, 1.1, 2.0)")
    objects = doc.get("CityObjects")
    if not isinstance(objects, dict):
        raise ReadError(path, "CityJSON has no CityObjects")
    xyz = _vertices(path, doc)
    src = _crs(path, doc, options.assume_crs)
    roots = [k for k, o in objects.items() if isinstance(o, dict) and o.get("type") == "Building"
             and not [p for p in o.get("parents") or [] if p in objects]]
    orphans = [k for k, o in objects.items() if isinstance(o, dict) and o.get("type") == "BuildingPart"
               and not [p for p in o.get("parents") or [] if p in objects]]
    rings, ring_surface, surface_owner, parts = [], [], [], []
    for b, key in enumerate(roots + orphans):
        _collect(path, key, objects[key], len(xyz), rings, ring_surface, surface_owner, b)
        stack = list(objects[key].get("children") or [])
        while stack:
            child = stack.pop(0)
            obj = objects.get(child)
            if not isinstance(obj, dict) or obj.get("type") not in BUILDINGS:
                continue
            parts.append({"id": child, "building": b, "attributes": dict(obj.get("attributes") or {})})
            _collect(path, child, obj, len(xyz), rings, ring_surface, surface_owner, b)
            stack += list(obj.get("children") or [])
    if not surface_owner:
        raise ReadError(path, "CityJSON holds no Building or BuildingPart with geometry")
    progress.update(0.4, f"{path.name}: triangulating")
    corners, surf = triangulate(xyz, rings, np.array(ring_surface), len(surface_owner))
    owner = np.array(surface_owner)[surf]
    box = wgs84_bounds([float(xyz[:, 0].min()), float(xyz[:, 1].min()), float(xyz[:, 0].max()),
                        float(xyz[:, 1].max())], src)
    route = best_route(src, project.crs, box, project.datum_shift)
    if route is None:
        raise ReadError(path, f"PROJ cannot convert {label(src)} to {project.crs}")
    x, y = route.transformer().transform(corners[:, 0], corners[:, 1])
    points = np.column_stack([x, y, corners[:, 2]])
    if not np.isfinite(points).all():
        raise ReadError(path, f"coordinates fall outside what {project.crs} can project")
    progress.update(0.8, f"{path.name}: {len(roots) + len(orphans)} buildings")
    keys = roots + orphans
    names = list(dict.fromkeys(k for key in keys for k in (objects[key].get("attributes") or {})))
    columns = {n: [(objects[key].get("attributes") or {}).get(n) for key in keys] for n in names}
    columns["parts"] = [sum(p["building"] == b for p in parts) for b in range(len(keys))]
    centroids = np.zeros((len(keys), 2))
    np.add.at(centroids, owner, points.reshape(-1, 3, 3)[:, :, :2].mean(axis=1))
    hits = np.bincount(owner, minlength=len(keys))
    centroids = centroids / np.maximum(hits, 1)[:, None]
    model = BuildingSet(points, np.arange(len(points)).reshape(-1, 3), owner.astype(np.int32), keys, columns,
                        centroids, on_ground=False, parts=parts)
    warnings = [route.warning()] if route.warning() else []
    meta = {"warnings": warnings, "building_count": len(keys), "parts": len(parts), "cityjson_version": version,
            "source_bounds": [float(v) for v in (xyz[:, 0].min(), xyz[:, 1].min(), xyz[:, 0].max(), xyz[:, 1].max())],
            "datum": route.describe()}
    progress.update(1.0, path.name)
    return [Layer(name=path.name.split(".")[0], kind="buildings", data=model, bounds=model.bounds(),
                  source=str(path), source_crs=src, meta=meta)]
