"""GeoJSON reader, including ECharts' encoded map files (decoded, GCJ-02)."""
from __future__ import annotations

import json
import re
import math
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from layers.crs import GCJ02, WGS84
from layers.errors import ReadError
from layers.readers.vector import make_vector_layer, resolve_crs

MAX_BYTES = 2 * 1024 ** 3


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def load_json(path: Path):
    if path.stat().st_size > MAX_BYTES:
        raise ReadError(path, "file larger than 2 GiB")
    try:
        with open(path, "rb") as fh:
            return json.loads(fh.read().decode("utf-8-sig"), parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise ReadError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise ReadError(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    except RecursionError as exc:
        raise ReadError(path, "JSON nested too deeply") from exc
    except ValueError as exc:
        raise ReadError(path, f"invalid JSON ({exc})") from exc


def decode_echarts_ring(encoded: str, offset, scale: float) -> list:
    """ECharts' map encoding: zig-zag varint deltas in UTF-16 code points, quantised by scale."""
    prev_x, prev_y = offset
    ring = []
    for i in range(0, len(encoded) - 1, 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        prev_x, prev_y = x + prev_x, y + prev_y
        ring.append([prev_x / scale, prev_y / scale])
    return ring


def decode_echarts(doc: dict) -> dict:
    scale = float(doc.get("UTF8Scale") or 1024)
    for feat in doc.get("features", []):
        geom = feat.get("geometry") or {}
        offsets = geom.pop("encodeOffsets", None)
        if offsets is None:
            continue
        if geom.get("type") == "Polygon":
            geom["coordinates"] = [decode_echarts_ring(r, o, scale)
                                   for r, o in zip(geom["coordinates"], offsets)]
        elif geom.get("type") == "MultiPolygon":
            geom["coordinates"] = [[decode_echarts_ring(r, o, scale) for r, o in zip(poly, offs)]
                                   for poly, offs in zip(geom["coordinates"], offsets)]
    doc.pop("UTF8Encoding", None)
    return doc


def _type(obj) -> str | None:
    """An object's GeoJSON type as RFC 7946 spells it, whatever its case ("featurecollection", "POINT"):
    GDAL compares type names without case once it has recognised the file."""
    kind = obj.get("type") if isinstance(obj, dict) else None
    return _TYPES.get(kind.lower(), kind) if isinstance(kind, str) else kind


def _canonical(geom):
    """A geometry whose type names are spelt as RFC 7946 spells them (shapely and GEOS need that)."""
    if not isinstance(geom, dict) or not isinstance(geom.get("type"), str):
        return geom
    out = dict(geom, type=_type(geom))
    if isinstance(out.get("geometries"), list):
        out["geometries"] = [_canonical(g) for g in out["geometries"]]
    return out


def _spelt_right(geom) -> bool:
    return isinstance(geom, dict) and geom.get("type") in GEOMETRY_TYPES


def _features(path: Path, doc) -> list:
    if not isinstance(doc, dict):
        raise ReadError(path, "JSON is not a GeoJSON object")
    kind = _type(doc)
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise ReadError(path, "FeatureCollection without a 'features' list")
        # entries that are not Feature objects are not features (GDAL skips them too)
        return [f for f in feats if _type(f) == "Feature"]
    if kind == "Feature" and (doc["type"] == "Feature" or _spelt_right(doc.get("geometry"))):
        return [doc]  # GDAL recognises a lone feature by one of the two names spelt as RFC 7946 does
    if doc.get("type") in GEOMETRY_TYPES:  # a bare geometry: GDAL recognises only the exact spelling
        return [{"type": "Feature", "geometry": doc, "properties": {}}]
    raise ReadError(path, "JSON has no GeoJSON 'type' (not a geographic file)")


def _geometry(path: Path, i: int, geom, bad: list):
    """The feature's shapely geometry; a malformed one is kept as no geometry (and listed in ``bad``),
    as GDAL keeps the feature: one broken polygon does not cost the file's other features."""
    if geom is None:
        return None
    geom = _canonical(geom)
    if isinstance(geom, dict) and geom.get("type") not in GEOMETRY_TYPES:
        return None  # a type GeoJSON does not define: a feature without geometry, as GDAL reads it
    try:
        try:
            g = shape(geom)
        except (ValueError, shapely.errors.ShapelyError):  # mixed 2D/3D positions, or a one-position line
            g = shape(_one_point_lines(_pad_z(geom)))
    except (TypeError, ValueError, KeyError, IndexError, AttributeError,
            shapely.errors.ShapelyError) as exc:
        bad.append(f"feature {i}: {' '.join(str(exc).split())}")
        return None
    xy = shapely.get_coordinates(g, include_z=True)
    if len(xy) and not np.all(np.isfinite(np.nan_to_num(xy[:, :2], nan=math.inf))):
        raise ReadError(path, f"feature {i}: non-finite coordinates")
    return g


GEOMETRY_TYPES = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon",
                  "GeometryCollection")
_TYPES = {t.lower(): t for t in (*GEOMETRY_TYPES, "Feature", "FeatureCollection")}


def _one_point_lines(geom):
    """A line of one position as a zero-length line (GDAL keeps it; GEOS needs two positions)."""
    out = dict(geom)
    coords = out.get("coordinates")
    if out.get("type") == "LineString" and isinstance(coords, list) and len(coords) == 1:
        out["coordinates"] = coords * 2
    elif out.get("type") == "MultiLineString" and isinstance(coords, list):
        out["coordinates"] = [c * 2 if isinstance(c, list) and len(c) == 1 else c for c in coords]
    return out


def _pad_z(geom):
    """A copy of a GeoJSON geometry whose 2D positions get Z = 0."""
    def pad(c):
        if isinstance(c, list) and c and all(isinstance(v, (int, float)) for v in c):
            return list(c) + [0.0] * (3 - len(c)) if len(c) == 2 else c
        return [pad(v) for v in c] if isinstance(c, list) else c
    out = dict(geom)
    if "coordinates" in out:
        out["coordinates"] = pad(out["coordinates"])
    if isinstance(out.get("geometries"), list):
        out["geometries"] = [_pad_z(g) if isinstance(g, dict) else g for g in out["geometries"]]
    return out


def read_geojson(path: Path, project, options, progress) -> list:
    doc = load_json(path)
    if isinstance(doc, dict) and doc.get("type") == "CityJSON":
        from layers.readers.cityjson import read_cityjson
        return read_cityjson(path, doc, project, options, progress)
    warnings = []
    if isinstance(doc, dict) and doc.get("UTF8Encoding"):
        try:
            doc = decode_echarts(doc)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
            raise ReadError(path, f"malformed ECharts map encoding ({type(exc).__name__}: {exc})") from exc
        warnings.append("ECharts-encoded map decoded; its coordinates are GCJ-02")
        options_crs = options.assume_crs or GCJ02
    elif not options.assume_crs and _says_gcj02(path, doc):
        warnings.append("the file says its coordinates are GCJ-02; converted to WGS84")
        options_crs = GCJ02
    else:
        options_crs = options.assume_crs
    feats = _features(path, doc)
    listed = doc.get("features") if _type(doc) == "FeatureCollection" else feats
    if len(listed) > len(feats):
        warnings.append(f"{len(listed) - len(feats)} entries of 'features' are not GeoJSON Features: skipped")
    if not feats:  # GDAL opens it as an empty layer too
        warnings.append("the file holds no features")
    progress.update(0.3, f"{path.name}: {len(feats)} features")
    geoms = np.empty(len(feats), dtype=object)
    bad: list[str] = []
    geoms[:] = [_geometry(path, i, (f or {}).get("geometry"), bad) for i, f in enumerate(feats)]
    if bad and shapely.is_missing(geoms).all():  # not one geometry could be read: the file is broken
        raise ReadError(path, f"malformed geometry ({bad[0]})")
    if bad:
        warnings.append(f"{len(bad)} malformed geometr{'y' if len(bad) == 1 else 'ies'} kept as features "
                        f"without geometry ({bad[0]}{'; …' if len(bad) > 1 else ''})")
    if feats and shapely.is_missing(geoms).all():
        warnings.append("no feature has a geometry: attributes only, nothing to draw")
    props = [(f or {}).get("properties") or {} for f in feats]
    names = list(dict.fromkeys(k for p in props for k in p))
    columns = {n: [p.get(n) for p in props] for n in names}
    declared = _declared_crs(doc)
    src = resolve_crs(path, declared, options_crs, geoms, warnings, implied=None if declared else WGS84)
    progress.update(0.7, f"{path.name}: reprojecting")
    layer = make_vector_layer(path, path.stem, geoms, columns, src, project, warnings)
    progress.update(1.0, path.name)
    return [layer]


def _says_gcj02(path: Path, doc: dict) -> bool:
    """Files rarely declare GCJ-02; honour it where the name or a crs note does."""
    if re.search(r"gcj[-_]?02", path.name, re.I):
        return True
    feats = doc.get("features") if isinstance(doc, dict) else None
    first = (feats[0] or {}).get("properties") if isinstance(feats, list) and feats else None
    notes = [v for k, v in (first or {}).items() if k.lower() in ("crs", "crs_note", "datum")]
    return any(isinstance(v, str) and re.search(r"gcj[-_ ]?02", v, re.I) for v in notes)


def _declared_crs(doc: dict) -> str | None:
    """Old-style GeoJSON 'crs' member (RFC 7946 dropped it; GDAL still writes it)."""
    crs = doc.get("crs") if isinstance(doc, dict) else None
    if isinstance(crs, dict):
        name = (crs.get("properties") or {}).get("name")
        if isinstance(name, str):
            return name.replace("urn:ogc:def:crs:OGC:1.3:CRS84", "OGC:CRS84")
    return None
