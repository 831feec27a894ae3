"""What plain SQL adds to a field package: metadata, files, HBIM records, styles, tessellations.

The HBIM record tables are registered in gpkg_contents as 'attributes' (GeoPackage 1.2 §2.4), so
GDAL and QGIS list them; the rest is the console's bookkeeping, declared as such (listing.py).
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import fields
from pathlib import Path

from layers.sqlite_uri import connect_ro, ro_uri
from offline.hbim import KINDS, create_schema
from offline.package import capture

from offline.package.area_models import IFC_MEDIA_TYPE
SCHEMA = """
CREATE TABLE IF NOT EXISTS package_meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS package_files (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,
    media_type TEXT NOT NULL, bytes INTEGER NOT NULL, sha256 TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS package_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL UNIQUE,
    name_zh TEXT, name_en TEXT, role TEXT, grp TEXT, style TEXT NOT NULL, visible INTEGER NOT NULL,
    opacity REAL NOT NULL);
CREATE TABLE IF NOT EXISTS ifc_tessellation (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE,
    file TEXT NOT NULL, meta BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS ifc_tessellation_arrays (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL
    REFERENCES ifc_tessellation(key), name TEXT NOT NULL, dtype TEXT NOT NULL, shape TEXT NOT NULL,
    data BLOB NOT NULL, UNIQUE (key, name));
"""
ATTRIBUTE_TABLES = tuple(f"hbim_{t}" for t in KINDS)


def create_tables(con: sqlite3.Connection):
    con.executescript(SCHEMA)
    capture.create_tables(con)  # integer keys: any tool can edit the records (capture.py)
    create_schema(con)
    for name in ATTRIBUTE_TABLES:
        con.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, last_change) "
                    "VALUES (?, 'attributes', ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", (name, name))


def add_file(con: sqlite3.Connection, path: Path, media_type: str = IFC_MEDIA_TYPE) -> str:
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    con.execute("INSERT OR REPLACE INTO package_files (name, media_type, bytes, sha256, data) VALUES (?, ?, ?, ?, ?)",
                (Path(path).name, media_type, len(data), digest, data))
    return digest


def add_tessellation(con: sqlite3.Connection, ifc_path: Path) -> bool:
    """The IFC engine's cached tessellation of the file, when it has one (layers/ifc/cache.py)."""
    from layers.ifc.cache import TessellationCache, cache_key
    cache = TessellationCache()
    if not cache.usable:
        return False
    key = cache_key(ifc_path, "auto")
    src = connect_ro(cache.path)
    try:
        meta = src.execute("SELECT meta FROM models WHERE key=?", (key,)).fetchone()
        if meta is None:
            return False
        con.execute("INSERT OR REPLACE INTO ifc_tessellation (key, file, meta) VALUES (?, ?, ?)",
                    (key, Path(ifc_path).name, meta[0]))
        con.executemany("INSERT INTO ifc_tessellation_arrays (key, name, dtype, shape, data) VALUES (?, ?, ?, ?, ?)",
                        src.execute("SELECT key, name, dtype, shape, data FROM arrays WHERE key=?", (key,)))
    except sqlite3.Error:  # no cache is slower in the field, never a failure
        return False
    finally:
        src.close()
    return True


def copy_hbim(con: sqlite3.Connection, store_path: Path, models: list[str]) -> int:
    """The records of the package's models, copied from the project's HBIM store; returns the row count."""
    if not models:
        return 0
    con.execute("ATTACH DATABASE ? AS src", (ro_uri(store_path),))
    try:
        marks = ",".join("?" * len(models))
        guids = f"SELECT guid FROM src.hbim_components WHERE model IN ({marks})"
        count = 0
        for table, cls in KINDS.items():
            cols = ", ".join(f.name for f in fields(cls))
            cur = con.execute(f"INSERT INTO main.hbim_{table} ({cols}) SELECT {cols} FROM src.hbim_{table} "
                              f"WHERE guid IN ({guids})", models)
            count += cur.rowcount
        con.commit()
    finally:
        con.execute("DETACH DATABASE src")
    return count


def add_style(con: sqlite3.Connection, table: str, spec: dict):
    con.execute("INSERT OR REPLACE INTO package_styles (table_name, name_zh, name_en, role, grp, style, visible, "
                "opacity) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (table, spec.get("name_zh", ""), spec.get("name_en", ""), spec.get("role", ""),
                 spec.get("group", ""), json.dumps(spec.get("style", {}), ensure_ascii=False),
                 int(spec.get("visible", True)), float(spec.get("opacity", 1.0))))


def set_meta(con: sqlite3.Connection, meta: dict):
    con.executemany("INSERT OR REPLACE INTO package_meta VALUES (?, ?)", [(k, str(v)) for k, v in meta.items()])
