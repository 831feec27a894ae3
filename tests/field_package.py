"""A minimal field package for the sync tests: a valid GeoPackage holding HBIM records.

Only the part-A contract is relied on: one GeoPackage file (application_id GPKG,
user_version 10400, the required gpkg_* tables), HbimStore's tables made by
``offline.hbim.create_schema``, and ``package_meta`` (package_id, district,
base_version, created_by). Part A's ``package create`` writes the full thing.
Every command that writes a package runs ``package verify``'s checks first, so the
package also has the tables and metadata those require, sealed (content checksum and
this test session's centre signature) as ``package create`` seals one.
"""
from __future__ import annotations

import sqlite3
import uuid
from functools import lru_cache
from pathlib import Path

from offline.hbim import KINDS, create_schema
from offline.package import capture
from offline.package.records import SCHEMA as PACKAGE_SCHEMA
from offline.package.signature import seal
from offline.store.schema import record_columns

GPKG_DDL = [
    """CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
       organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
       description TEXT)""",
    """CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
       identifier TEXT UNIQUE, description TEXT DEFAULT '',
       last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
       min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
       CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
       geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
       CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
       CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
       CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""",
]
WGS84 = ('GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],'
         'UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]]')


def make_package(path: Path, records: dict, base_version: int = 0, district: str = "old-town",
                 created_by: str = "test", legacy: bool = False) -> Path:
    """``records``: table → list of row dicts (text fields, as HbimStore and the store keep them).

    As ``package create`` makes one (format 2: integer record keys and capture triggers,
    offline/package/capture.py); ``legacy``: as an older console made one (format 1: TEXT keys, no triggers)."""
    path = Path(path)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA application_id=1196444487")  # 'GPKG'
    con.execute("PRAGMA user_version=10300")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("BEGIN")
    for sql in GPKG_DDL:
        con.execute(sql)
    con.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)", [
        ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", ""),
        ("Undefined geographic SRS", 0, "NONE", 0, "undefined", ""),
        ("WGS 84 geodetic", 4326, "EPSG", 4326, WGS84, "")])
    con.execute("CREATE TABLE package_meta (key TEXT PRIMARY KEY, value TEXT)")
    con.executemany("INSERT INTO package_meta VALUES (?, ?)", [
        ("package_id", str(uuid.uuid4())), ("district", district), ("base_version", str(base_version)),
        ("created_by", created_by), ("format_version", "1" if legacy else "2"),
        ("created_at", "2026-11-01T08:00:00+00:00"),
        ("console_version", "test"), ("project_crs", "EPSG:4549")])
    con.execute("COMMIT")
    if not legacy:
        capture.create_tables(con)
    create_schema(con)
    con.executescript(PACKAGE_SCHEMA)
    con.execute("BEGIN")
    for table in KINDS:
        con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES (?, 'attributes', ?)",
                    (f"hbim_{table}", f"hbim_{table}"))
        cols = record_columns(table)
        con.executemany(f"INSERT INTO hbim_{table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                        [[r.get(c) for c in cols] for r in records.get(table, [])])
    if not legacy:
        capture.install(con)
    seal(con)
    con.execute("COMMIT")
    con.close()
    return path


def copy_sqlite(src, dst) -> str:
    """A consistent copy of an SQLite store through the backup API (never a file copy beside a -wal)."""
    con, out = sqlite3.connect(src), sqlite3.connect(dst)
    con.backup(out)
    con.close()
    out.close()
    return str(dst)


def cut_from(store, path: Path, **kw) -> Path:
    """A package of the store's current records, based on its current version."""
    return make_package(path, {t: store.records(t) for t in KINDS}, base_version=store.version(), **kw)


@lru_cache(maxsize=1)
def seed_rows() -> dict:
    """The records packages are cut from (the workstation's store, seeded from the five old-town models), as
    text rows: what ``package create`` copies and a new centre store starts with (read once per run)."""
    from offline.hbim_seeding import source_records
    return source_records()


def conflicted_store(tmp_path, surveyor="李伟", field_note="东侧拱圈新增裂缝", centre_note="已加固",
                     base_note: str | None = None, url: str | None = None):
    """An SQLite store, and a package cut from it whose sync will conflict on an inspection's notes."""
    from offline.field.profile import FieldProfile
    from offline.records import open_records
    from offline.store import open_store
    store = open_store(url or tmp_path / "ops.sqlite")
    for table, rows in seed_rows().items():
        store.import_rows(table, rows)
    row = store.records("inspections")[0]
    if base_note is not None:
        row = {**row, "notes": base_note}
        store.put("inspections", row, "运营中心 王")
    package = cut_from(store, tmp_path / "old-town.gpkg")
    field = open_records(package, profile=FieldProfile(surveyor, "老城组", "laptop-1"))
    rec = field.get("inspections", row["id"])
    rec.notes = field_note
    field.put(rec)
    field.close()
    store.put("inspections", {**row, "notes": centre_note}, "运营中心 王")
    return store, package, row
