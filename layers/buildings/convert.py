"""A vector table of footprints with a height → a buildings layer (LoD1), at the reader's boundary.

A polygon table with a height column (``height``, ``measuredHeight``,
``building:height``…) is read as buildings: the city in 3D is what such a file
is for. ``ReadOptions.role == "buildings"`` asks for it explicitly, and then a
table without polygons or without a height is an error naming the file.
"""
from __future__ import annotations

import numpy as np
import shapely

from layers.buildings.model import BuildingSet, height_field, numbers
from layers.errors import ReadError
from layers.layer import Layer
from layers.layer_kinds import is_kind

POLYGONS = (3, 6)


def looks_like_buildings(layer) -> bool:
    if not is_kind(layer, "vector") or height_field(layer.data.columns) is None:
        return False
    geoms = layer.data.geometries
    present = ~shapely.is_missing(geoms)
    return bool(present.any() and np.isin(shapely.get_type_id(geoms[present]), POLYGONS).all())


def to_buildings(layer, path) -> Layer:
    data = layer.data
    field = height_field(data.columns)
    if not is_kind(layer, "vector"):
        raise ReadError(path, "holds no footprints to extrude (not a vector table)")
    if field is None:
        raise ReadError(path, "no height attribute to extrude footprints by (height, measuredHeight, building:height)")
    geoms = data.geometries
    keep = ~shapely.is_missing(geoms) & np.isin(shapely.get_type_id(geoms), POLYGONS)
    if not keep.any():
        raise ReadError(path, "holds no polygon footprints to extrude")
    heights = numbers(data.columns[field])
    warnings = list(layer.meta.get("warnings", []))
    if (~keep).any():
        warnings.append(f"{int((~keep).sum())} feature(s) without a polygon footprint left out")
    bad = keep & ~np.isfinite(heights)
    if bad.any():
        warnings.append(f"{int(bad.sum())} footprint(s) without a numeric {field} drawn flat")
    rows = np.flatnonzero(keep)
    columns = {k: [v[i] for i in rows] for k, v in data.columns.items()}
    ids = columns.get("building_id") or ([int(data.fids[i]) for i in rows] if data.fids is not None
                                         else [int(i) + 1 for i in rows])
    footprints = shapely.force_2d(geoms[rows])
    model = BuildingSet.extruded(footprints, heights[rows], columns, ids=ids)
    meta = {**layer.meta, "warnings": warnings, "building_count": len(model), "height_field": field}
    return Layer(name=layer.name, kind="buildings", data=model, bounds=model.bounds(), source=layer.source,
                 source_crs=layer.source_crs, meta=meta)
