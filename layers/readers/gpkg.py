"""GeoPackage reading straight from SQLite.

GDAL's Python bindings reject some legal geometry types (e.g. GEOMETRY Z), so the
tables are read with sqlite3 and the GPKG blob header is stripped to plain WKB.
The file is opened read-only and immutable: reading never changes it.
"""
from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import numpy as np
import shapely

from layers.readers.curves import STEP_DEG, from_wkb_linear
from layers.readers.gpkg_db import connect_readonly, srs_definition

_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def gpkg_blob_to_wkb(blob: bytes | None) -> bytes | None:
    if blob is None or len(blob) < 8 or blob[:2] != b"GP":
        return None
    flags = blob[3]
    if flags & 0x10:  # empty geometry flag
        return None
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0x07)
    if envelope is None:
        return None
    return bytes(blob[8 + envelope:])


def read_table(con: sqlite3.Connection, table: str, geom_col: str):
    """Return (fids, geometries, columns) of one feature table."""
    cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
    pk = next((r[1] for r in con.execute(f'PRAGMA table_info("{table}")') if r[5] == 1), None)
    rows = con.execute(f'SELECT * FROM "{table}"').fetchall()
    gi = cols.index(geom_col)
    wkb = [gpkg_blob_to_wkb(r[gi]) for r in rows]
    geoms, curved = from_wkb_linear(wkb)
    attrs = {c: [r[i] for r in rows] for i, c in enumerate(cols) if c not in (geom_col, pk)}
    fids = np.array([r[cols.index(pk)] for r in rows]) if pk else np.arange(len(rows))
    return fids, geoms, attrs, curved


def read_gpkg_tables(path: Path) -> tuple[list[dict], list[str]]:
    """List every table in gpkg_contents: name, data_type, srs, geometry column."""
    con = connect_readonly(path)
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        warnings = []
        if app_id not in (0x47504B47, 0x47503130):  # 'GPKG', 'GP10'
            warnings.append(f"application_id is {struct.pack('>i', app_id)!r}, not 'GPKG'")
        rows = con.execute("SELECT table_name, data_type, srs_id FROM gpkg_contents").fetchall()
        has_geom_table = con.execute("SELECT 1 FROM sqlite_master WHERE name='gpkg_geometry_columns'").fetchone()
        # A feature table's CRS is its geometry column's (what GDAL reads): gpkg_contents can disagree.
        geom_cols = {n: (c, s) for n, c, s in con.execute(
            "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns")} if has_geom_table else {}
        tables = []
        for n, d, s in rows:
            column, srs_id = geom_cols.get(n, (None, s))
            tables.append({"name": n, "data_type": d, "srs_id": srs_id, "contents_srs_id": s,
                           "geometry_column": column,
                           "crs": srs_definition(con, srs_id) if srs_id is not None else None})
        return tables, warnings
    finally:
        con.close()


def read_gpkg(path: Path, project, options, progress) -> list:
    """Every table of a GeoPackage: feature tables as vector layers, tile tables as imagery."""
    from layers.errors import ReadError
    from layers.readers.vector import make_vector_layer, resolve_crs

    try:
        tables, file_warnings = read_gpkg_tables(path)
    except (sqlite3.Error, ValueError) as exc:
        raise ReadError(path, f"not a readable GeoPackage ({exc})") from exc
    if not tables:
        raise ReadError(path, "GeoPackage has no tables listed in gpkg_contents")
    if options.table:
        tables = [t for t in tables if t["name"] == options.table]
        if not tables:
            raise ReadError(path, f"no table {options.table!r} in gpkg_contents")
    layers, skipped = [], []
    con = connect_readonly(path)
    try:
        for i, t in enumerate(tables):
            progress.update(i / len(tables), f"{path.name}: {t['name']}")
            warnings = list(file_warnings)
            if t["data_type"] == "tiles":
                layers.append(_read_tiles(path, t, project, options, progress))
                continue
            if t["data_type"] == "2d-gridded-coverage":  # elevation (GeoPackage extension F.11): GDAL reads it
                from dataclasses import replace

                from layers.readers.raster import read_raster
                layer = read_raster(path, project, replace(options, role=options.role or "terrain"), progress,
                                    subdataset=f"GPKG:{path}:{t['name']}")
                layer.meta["table"] = t["name"]
                layers.append(layer)
                continue
            if t["data_type"] == "attributes":  # plain tables (records, metadata): data, not map layers
                continue
            if t["name"] == "ogr_empty_table":  # GDAL's placeholder in a GeoPackage of attribute tables
                continue
            if t["data_type"] != "features" or not t["geometry_column"]:
                skipped.append(f"{t['name']} ({t['data_type']}, no geometry)")
                continue
            try:
                fids, geoms, attrs, curved = read_table(con, t["name"], t["geometry_column"])
            except (sqlite3.Error, ValueError, shapely.errors.GEOSException) as exc:
                skipped.append(f"{t['name']} (unreadable: {exc})")
                continue
            if curved:
                warnings.append(f"{curved} curved geometr{'y' if curved == 1 else 'ies'} linearised "
                                f"(arcs cut every {STEP_DEG:g}°, as GDAL does)")
            declared = t["crs"]
            if t["contents_srs_id"] != t["srs_id"]:
                warnings.append(f"gpkg_contents gives srs_id {t['contents_srs_id']} but the geometry column "
                                f"{t['srs_id']}; read in the geometry column's, as GDAL does")
            if t["srs_id"] == 0 and not options.assume_crs:
                warnings.append("undefined geographic CRS (srs_id 0); read as WGS84")
                declared = "EPSG:4326"
            src = resolve_crs(path, declared, options.assume_crs, geoms, warnings)
            layers.append(make_vector_layer(path, f"{path.stem}:{t['name']}", geoms, attrs, src,
                                            project, warnings, table=t["name"], fids=fids))
    finally:
        con.close()
    if not layers:
        raise ReadError(path, f"no readable table: {'; '.join(skipped)}")
    for lyr in layers:
        if skipped:
            lyr.meta.setdefault("warnings", []).append("skipped tables: " + "; ".join(skipped))
    progress.update(1.0, path.name)
    return layers


def _read_tiles(path: Path, table: dict, project, options, progress):
    """Mosaic one tile pyramid level from the tile matrix (not gpkg_contents, which can disagree)."""
    from layers.readers.tiles import mosaic_tiles
    return mosaic_tiles(path, table, project, options, progress)
