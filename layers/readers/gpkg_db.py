"""Opening a GeoPackage's SQLite database and reading its CRS table (shared by feature and tile tables)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from layers.sqlite_uri import connect_ro


def connect_readonly(path: Path) -> sqlite3.Connection:
    con = connect_ro(path, immutable=True)
    # A damaged text cell must not abort the whole table: show replacement characters.
    con.text_factory = lambda b: b.decode("utf-8", "replace")
    return con


def srs_definition(con: sqlite3.Connection, srs_id: int) -> str | None:
    """The CRS string for a gpkg srs_id; None for the 'undefined' rows 0 and -1."""
    if srs_id in (0, -1):
        return None
    row = con.execute("SELECT organization, organization_coordsys_id, definition "
                      "FROM gpkg_spatial_ref_sys WHERE srs_id=?", (srs_id,)).fetchone()
    if row is None:
        return f"EPSG:{srs_id}"
    org, code, wkt = row
    if org and org.upper() == "EPSG" and code and code > 0:
        return f"EPSG:{code}"
    return wkt if wkt and wkt.lower() != "undefined" else None
