"""The content checksum: SHA-256 over everything a package delivers read-only.

Field edits change ``hbim_*`` and ``field_*`` tables (and their full-text shadow
tables) every time a surveyor saves, so those are left out; part B's journal
protects them. Everything else a user relies on is covered: feature tables, tile
and coverage tables, IFC blobs, styles, the sensor snapshot, the GeoPackage
metadata tables about them and package_meta (without the checksum itself).
R*Tree tables are an index derived from the features; verify checks they agree.

What the checksum protects is what the centre delivered read-only, not who last wrote the
file: records may be edited by any tool (QGIS, QField, GDAL, SQLite), so a package another
tool edited must still verify. Such an edit changes only what is left out here: the record
tables, ``field_capture`` (its triggers' copy of each edit, offline/package/capture.py),
GDAL's bookkeeping (``gpkg_ogr_contents``, ``gpkg_contents.last_change``,
``sqlite_sequence``) and triggers, which are not tables. The QGIS project and default styles the
package carries (``qgis_projects``, ``layer_styles``: offline/package/qgis_project.py) are left out
too: a surveyor who re-saves the project or a style in QGIS has changed no delivered data.
Damage to anything delivered still fails it; the record edits are protected instead by each outbox row's own hash (drained
captures get one too, offline/field/drain.py), and the capture triggers, whose loss would lose
other tools' edits silently, are held to their exact text by verify.
"""
from __future__ import annotations

import hashlib
import sqlite3

EDITABLE_PREFIXES = ("hbim_", "field_")
# QGIS's project and default styles in the package (qgis_project.py): a user may re-save them, and the package
# still verifies; the console never reads them back (nothing in them is a path it reads or writes)
USER_TABLES = ("qgis_projects", "layer_styles")
DERIVED_PREFIXES = ("rtree_", "sqlite_")
# gpkg tables whose rows name a table in their first column: covered for covered tables only
_PER_TABLE = {"gpkg_contents": "table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id",
              "gpkg_geometry_columns": "*", "gpkg_tile_matrix_set": "*", "gpkg_tile_matrix": "*",
              "gpkg_2d_gridded_coverage_ancillary": "*", "gpkg_2d_gridded_tile_ancillary": "*",
              "gpkg_extensions": "*", "gpkg_data_columns": "*"}


def is_editable(table: str) -> bool:
    return table.startswith(EDITABLE_PREFIXES)


def covered_tables(con: sqlite3.Connection) -> list[str]:
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return [n for n in names if not n.startswith(EDITABLE_PREFIXES + DERIVED_PREFIXES)
            and n not in _PER_TABLE and n not in USER_TABLES
            and n != "gpkg_ogr_contents" and n != "gpkg_metadata_reference"]


def _feed(h, rows):
    for row in rows:
        h.update(repr(row).encode("utf-8", "surrogatepass"))
        h.update(b"\n")


def content_sha256(con: sqlite3.Connection) -> str:
    h = hashlib.sha256()
    tables = covered_tables(con)
    for t in tables:
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')]
        h.update(f"table {t} {cols}\n".encode())
        where = " WHERE key NOT IN ('content_sha256', 'signature')" if t == "package_meta" else ""
        _feed(h, con.execute(f'SELECT rowid, * FROM "{t}"{where} ORDER BY rowid'))
    present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    covered = set(tables)
    for t, cols in _PER_TABLE.items():
        if t not in present:
            continue
        first = {"gpkg_2d_gridded_tile_ancillary": "tpudt_name",
                 "gpkg_2d_gridded_coverage_ancillary": "tile_matrix_set_name"}.get(t, "table_name")
        rows = con.execute(f'SELECT {cols} FROM "{t}" ORDER BY rowid')
        h.update(f"meta {t}\n".encode())
        i = [c[0] for c in rows.description].index(first)
        _feed(h, (r for r in rows if r[i] is None or r[i] in covered))
    return h.hexdigest()
