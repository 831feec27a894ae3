"""CityJSON 1.0/1.1/2.0 → a buildings layer: Building and BuildingPart surfaces (LoD1/LoD2), attributes kept.

Every surface of the highest LoD an object has is triangulated at once
(layers/buildings/surfaces.py). Vertices are dequantised with ``transform`` and reprojected
along ``layers.datum.best_route`` from ``metadata.referenceSystem`` (or the CRS
the user gives, ``--crs``). A Building's parts are drawn and picked as that building.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np

from layers.buildings.model import BuildingSet
from layers.buildings.surfaces import triangulate
from layers.crs import CRSNotUnderstood, label, normalise_crs
from layers.datum import best_route
from layers.errors import ReadError
from layers.extent import wgs84_bounds
from layers.layer import Layer

VERSIONS = ("1.0", "1.1", "2.0")
BUILDINGS = ("Building", "BuildingPart")


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


SURFACE_TYPES = ("MultiSurface", "CompositeSurface", "Solid", "MultiSolid", "CompositeSolid")


def _collect(path: Path, oid: str, obj: dict, n_vertices: int, rings, ring_surface, surface_owner, owner: int,
             skipped: Counter):
    geoms = [g for g in obj.get("geometry") or [] if isinstance(g, dict)]
    for g in geoms:
        if g.get("type") not in SURFACE_TYPES:  # GeometryInstance (templates), points, lines
            skipped[str(g.get("type"))] += 1
    geoms = [g for g in geoms if g.get("type") in SURFACE_TYPES]
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
    rings, ring_surface, surface_owner, parts, skipped = [], [], [], [], Counter()
    for b, key in enumerate(roots + orphans):
        _collect(path, key, objects[key], len(xyz), rings, ring_surface, surface_owner, b, skipped)
        stack = list(objects[key].get("children") or [])
        while stack:
            child = stack.pop(0)
            obj = objects.get(child)
            if not isinstance(obj, dict) or obj.get("type") not in BUILDINGS:
                continue
            parts.append({"id": child, "building": b, "attributes": dict(obj.get("attributes") or {})})
            _collect(path, child, obj, len(xyz), rings, ring_surface, surface_owner, b, skipped)
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
    if skipped:
        warnings.append("geometries not drawn: " + ", ".join(f"{n} {t}" for t, n in sorted(skipped.items())))
    meta = {"warnings": warnings, "building_count": len(keys), "parts": len(parts), "cityjson_version": version,
            "source_bounds": [float(v) for v in (xyz[:, 0].min(), xyz[:, 1].min(), xyz[:, 0].max(), xyz[:, 1].max())],
            "datum": route.describe()}
    progress.update(1.0, path.name)
    return [Layer(name=path.name.split(".")[0], kind="buildings", data=model, bounds=model.bounds(),
                  source=str(path), source_crs=src, meta=meta)]
