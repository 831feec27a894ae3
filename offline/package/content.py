"""What GDAL writes into a field package: clipped vector layers, the sensor snapshot, basemap and DEM.

pyogrio (GDAL) writes the feature tables, so every one has its gpkg_geometry_columns
row, its R*Tree and GDAL's standard triggers; rasterio (GDAL) writes the basemap as
PNG tiles and the DEM as a 2D gridded coverage (TIFF float tiles). The rest of the
package is plain SQL (offline/package/records.py).
"""
from __future__ import annotations

import json
import logging
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import shapely

from layers.crs import WGS84, transform_xy

log = logging.getLogger(__name__)
SNAPSHOT_TABLE = "sensor_snapshot"


def _wkb(geoms) -> np.ndarray:
    return np.array(shapely.to_wkb(geoms, output_dimension=3, flavor="iso"), dtype=object)


def _clip(geoms, area):
    """Features touching the area, cut to it; a cut that leaves lower-dimension slivers keeps only its own kind."""
    keep = shapely.intersects(geoms, area)
    cut = shapely.intersection(geoms[keep], area)
    for i, (src, out) in enumerate(zip(geoms[keep], cut)):
        if out.geom_type == "GeometryCollection":
            dim = shapely.get_dimensions(src)
            parts = [p for p in shapely.get_parts(out) if shapely.get_dimensions(p) == dim]
            cut[i] = shapely.union_all(parts) if parts else src
    # GDAL leaves empty geometries out of the R*Tree, and verify counts them in: write none
    empty = shapely.is_empty(cut)
    if empty.any():
        keep[np.flatnonzero(keep)[empty]] = False
        cut = cut[~empty]
    return keep, cut


# geometry kinds by shapely type id: single types, then their multi type
KINDS = {"points": ((0,), 4, "Point"), "lines": ((1, 2), 5, "LineString"), "polygons": ((3,), 6, "Polygon")}
_MULTI = {"points": shapely.multipoints, "lines": shapely.multilinestrings, "polygons": shapely.multipolygons}


def _kind_of(geoms) -> np.ndarray:
    ids = shapely.get_type_id(geoms)
    out = np.full(len(geoms), "", dtype=object)
    for kind, (single, multi, _) in KINDS.items():
        out[np.isin(ids, (*single, multi))] = kind
    return out


def _one_type(kind: str, geoms, source):
    """``geoms`` of one kind under one geometry type: the single type, or its multi type when any of the
    kind (here or in the source) is multi, the single ones wrapped in it."""
    _, multi, name = KINDS[kind]
    geoms = np.array(geoms, dtype=object)
    ids = shapely.get_type_id(geoms)
    if (ids == multi).any() or (shapely.get_type_id(source) == multi).any():
        for i in np.flatnonzero(ids != multi):
            geoms[i] = _MULTI[kind]([geoms[i]])
        name = "Multi" + name
    else:
        for i in np.flatnonzero(ids == 2):  # a closed ring is a line string
            geoms[i] = shapely.LineString(geoms[i].coords)
    return geoms, name + (" Z" if shapely.has_z(source).any() else "")


def write_vector(out: Path, source: Path, table: str, area) -> dict[str, int]:
    """One embedded vector layer clipped to ``area`` (WGS84) as feature tables of one geometry type each;
    returns table → features written.

    A layer holding several geometry kinds is written as one table per kind (``transport`` →
    ``transport_lines``, ``transport_points``; a one-kind layer keeps its name), a part with no
    feature in the area left out: QGIS gives a mixed layer the type of its first feature and drops
    the others (the metro line, issue 23)."""
    import pyogrio.raw
    meta, _fids, geom, field_data = pyogrio.raw.read(source)
    geoms = shapely.from_wkb(geom)
    crs = meta.get("crs") or WGS84
    keep, cut = _clip(geoms, area if crs == WGS84 else area_in(area, crs))  # the city buildings: EPSG:4549
    fields = {name: np.asarray(f)[keep] for name, f in zip(meta["fields"], field_data)}
    kinds = _kind_of(geoms)
    present = [k for k in KINDS if (kinds == k).any()]
    written = {}
    for kind in present:
        name = table if len(present) == 1 else f"{table}_{kind}"
        mine = kinds[keep] == kind
        if len(present) > 1 and not mine.any():  # a part with nothing in the area is left out
            continue
        part, geometry_type = _one_type(kind, cut[mine], geoms[kinds == kind])
        write_features(out, name, part, {n: v[mine] for n, v in fields.items()}, crs, geometry_type)
        written[name] = int(mine.sum())
    return written


FAST = {"OGR_SQLITE_SYNCHRONOUS": "OFF", "OGR_SQLITE_JOURNAL": "OFF"}


@contextmanager
def _fast_sqlite():
    """The package is a temporary file, fsync'd once and renamed into place only when complete
    (create.py), so GDAL need neither sync each transaction nor keep a rollback journal; a crash
    leaves a .part file the next run deletes. GDAL's config is process-wide: put back as it was."""
    import pyogrio
    before = {k: pyogrio.get_gdal_config_option(k) for k in FAST}
    pyogrio.set_gdal_config_options(FAST)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(before)


def _text_lists(values: np.ndarray) -> np.ndarray:
    """A GeoJSON list field (pyogrio reads it as arrays) as JSON text, not numpy's repr of an array."""
    if values.dtype != object or not any(isinstance(v, (list, tuple, np.ndarray)) for v in values):
        return values
    return np.array([json.dumps(list(v), ensure_ascii=False, default=str)
                     if isinstance(v, (list, tuple, np.ndarray)) else v for v in values], dtype=object)


def write_features(out: Path, table: str, geoms, fields: dict, crs: str, geometry_type: str = "Unknown"):
    """Shapely geometries and their columns as one feature table, written by GDAL (pyogrio): its
    gpkg_geometry_columns row, R*Tree (built in bulk once the rows are in) and standard triggers.

    Writing the rows with SQLite ourselves was tried: Python's executemany and SQLite's
    row-by-row R*Tree inserts made it 4-5x slower than GDAL's bulk-loaded index.
    """
    import pyogrio.raw
    with _fast_sqlite():
        pyogrio.raw.write(out, _wkb(geoms), [_text_lists(np.asarray(v)) for v in fields.values()], list(fields),
                          layer=table, driver="GPKG", geometry_type=geometry_type, crs=crs, **_gpkg_options(out))


def _gpkg_options(out: Path) -> dict:
    """GeoPackage 1.2 (R*Tree update triggers 1-4): what the GDAL and QGIS on surveyors' laptops read,
    and what GDAL's validate_gpkg.py of Debian's python3-gdal checks; set when the file is created."""
    return {"append": True} if out.exists() else {"dataset_options": {"VERSION": "1.2"}}


def area_in(area, crs: str):
    """``area`` (WGS84) in another CRS, vertex by vertex (the areas are a few km across)."""
    return shapely.transform(area, lambda xy: np.column_stack(transform_xy(xy[:, 0], xy[:, 1], WGS84, crs)))


def latest_values(model, rows: np.ndarray, history_path) -> tuple[np.ndarray, np.ndarray]:
    """(times, values) of the terminals: the recorded history if there is one, else the demo simulator."""
    now = time.time()
    if history_path is not None and Path(history_path).is_file() and Path(history_path).stat().st_size:
        from offline.history import HistoryReader
        with HistoryReader(history_path) as hist:  # read-only; a damaged one is refused (HistoryError names it)
            ds, times, values = hist.at(now)
        idx = model.registry.index_of_datastreams(ds)
        ok = idx >= 0
        if ok.any():
            model.ingest(idx[ok], times[ok], values[ok])
            return model.state.time[rows].copy(), model.state.value[rows].copy()
    model.prime(now=now)
    return model.state.time[rows].copy(), model.state.value[rows].copy()


def write_sensors(out: Path, area, restricted_kinds: set[str], history_path) -> int:
    """The area's terminals with their latest reading, as a 3D point table in the registry's CRS."""
    from layers.sensors.model import SensorModel, default_registry
    reg = default_registry()
    local = area_in(area, reg.crs)
    inside = shapely.contains_xy(local, reg.xyz[:, 0], reg.xyz[:, 1])
    kinds = reg.kind_names()
    rows = np.flatnonzero(inside & ~np.isin(kinds, sorted(restricted_kinds)))
    times, values = latest_values(SensorModel(reg), rows, history_path)
    pts = shapely.points(reg.xyz[rows])
    districts = np.array(list(reg.district_names) + [""], dtype=object)[reg.district[rows]]
    fields = {"id": reg.ids[rows].astype(object), "kind": kinds[rows].astype(object), "district": districts,
              "datastream": reg.datastream[rows], "warn": reg.warn[rows], "crit": reg.crit[rows],
              "interval_s": reg.interval_s[rows], "mounted_on": reg.mounted_on[rows].astype(object),
              "time": times, "value": values}
    write_features(out, SNAPSHOT_TABLE, pts, fields, reg.crs, "Point Z")
    return len(rows)


def write_raster(out: Path, source: Path, table: str, area, margin: float = 200.0) -> str | None:
    """The raster window covering ``area`` (plus a margin) as a GeoPackage tile table; returns the table name,
    or None when the area lies outside the raster (nothing written).

    rasterio upper-cases creation option values, so the table is named in capitals (BASEMAP, DEM).
    """
    import rasterio
    from rasterio.errors import WindowError
    from rasterio.io import MemoryFile
    from rasterio.shutil import copy as rio_copy
    from rasterio.windows import from_bounds
    with rasterio.open(source) as src:
        minx, miny, maxx, maxy = area_in(area, src.crs.to_string()).bounds
        win = from_bounds(minx - margin, miny - margin, maxx + margin, maxy + margin, src.transform)
        try:
            win = win.round_offsets().round_lengths().intersection(
                rasterio.windows.Window(0, 0, src.width, src.height))
        except WindowError:  # no overlap at all
            return None
        if win.width < 1 or win.height < 1:
            return None
        data = src.read(window=win)
        profile = dict(driver="GTiff", width=int(win.width), height=int(win.height), count=src.count,
                       dtype=src.dtypes[0], crs=src.crs, transform=src.window_transform(win), nodata=src.nodata)
    float_data = np.issubdtype(data.dtype, np.floating)
    options = {"TILE_FORMAT": "TIFF"} if float_data else {"TILE_FORMAT": "PNG"}
    with MemoryFile() as mem:
        with mem.open(**profile) as tmp:
            tmp.write(data)
        with mem.open() as tmp:
            rio_copy(tmp, out, driver="GPKG", RASTER_TABLE=table, APPEND_SUBDATASET="YES", **options)
    return table.upper()
