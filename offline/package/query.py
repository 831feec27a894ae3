"""Features of a package table inside a box, through the table's R*Tree (GeoPackage extension F.3).

The R*Tree holds each feature's envelope, so a box query reads a few index pages and
then only the rows it returns, instead of decoding every geometry of the table.
"""
from __future__ import annotations

import sqlite3

import numpy as np


def geometry_column(con: sqlite3.Connection, table: str) -> str:
    row = con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name=?", (table,)).fetchone()
    if row is None:
        raise KeyError(f"{table!r} is not a feature table of this package")
    return row[0]


def fids_in_box(con: sqlite3.Connection, table: str, xmin: float, ymin: float, xmax: float, ymax: float,
                column: str | None = None) -> np.ndarray:
    """Feature ids whose envelope meets the box (the candidates an exact test would refine)."""
    column = column or geometry_column(con, table)
    rows = con.execute(f'SELECT id FROM "rtree_{table}_{column}" WHERE minx <= ? AND maxx >= ? '
                       f'AND miny <= ? AND maxy >= ?', (xmax, xmin, ymax, ymin)).fetchall()
    return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))


def features_in_box(con: sqlite3.Connection, table: str, xmin: float, ymin: float, xmax: float, ymax: float):
    """(fid, GeoPackage geometry blob) rows of the features whose envelope meets the box."""
    column = geometry_column(con, table)
    return con.execute(f'SELECT t.rowid, t."{column}" FROM "rtree_{table}_{column}" r JOIN "{table}" t '
                       f'ON t.rowid = r.id WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?',
                       (xmax, xmin, ymax, ymin)).fetchall()
