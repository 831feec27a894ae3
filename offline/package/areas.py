"""The area a field package covers: a key district, the whole new city, or a drawn polygon (WGS84)."""
from __future__ import annotations

import json
from pathlib import Path

import shapely
from shapely.geometry import shape

from layers.districts import DISTRICT_IDS, WHOLE
from layers.districts import district as district_of



class AreaError(ValueError):
    """An area that cannot be used; the message names the district or file."""


def _features(name: str) -> list[dict]:
    import assets
    return json.loads(assets.path(name).read_text(encoding="utf-8"))["features"]


def district_area(district: str):
    """The district's polygon in WGS84 lon/lat."""
    if district not in DISTRICT_IDS:
        raise AreaError(f"unknown district {district!r}; choose from {', '.join(DISTRICT_IDS)}")
    if district == WHOLE:  # the new-city extent layer
        geoms = [shape(f["geometry"]) for f in _features("new_city_extent.geojson")]
    else:
        geoms = [shape(f["geometry"]) for f in _features("districts.geojson")
                 if f["properties"].get("id") in district_of(district).part_ids]
    return shapely.union_all(geoms)


MAX_NESTING = 64  # a GeoJSON FeatureCollection of MultiPolygons is 8 deep


def nesting(text: str) -> int:
    """The deepest bracket nesting of WKT or JSON text (brackets inside JSON strings count too: a bound)."""
    import numpy as np
    raw = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    step = np.isin(raw, (ord("("), ord("["), ord("{"))).astype(np.int32) - \
        np.isin(raw, (ord(")"), ord("]"), ord("}"))).astype(np.int32)
    return int(np.cumsum(step).max(initial=0))


def polygon_area(text_or_path: str):
    """A polygon from WKT text, or from a WKT/GeoJSON file (WGS84 lon/lat)."""
    path = Path(text_or_path)
    source = text_or_path
    try:
        if path.is_file():
            source = str(path)
            text = path.read_text(encoding="utf-8")
        else:
            text = text_or_path
        text = text.strip()
        depth = nesting(text)
        if depth > MAX_NESTING:  # json and GEOS recurse per level: a RecursionError, or a crash in C
            raise ValueError(f"nested {depth} levels deep, more than {MAX_NESTING}")
        if text.startswith("{"):
            doc = json.loads(text)
            feats = doc.get("features") or [doc]
            geom = shapely.union_all([shape(f.get("geometry", f)) for f in feats])
        else:
            geom = shapely.from_wkt(text)
    except (OSError, ValueError, TypeError, AttributeError, shapely.errors.ShapelyError) as exc:
        raise AreaError(f"{source[:120]}: not a polygon in WKT or GeoJSON ({exc})") from None
    if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise AreaError(f"{source[:120]}: not a polygon in WKT or GeoJSON")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise AreaError(f"{source[:120]}: the polygon is not in longitude/latitude degrees (WGS84)")
    return shapely.make_valid(geom)
