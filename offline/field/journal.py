"""The field-edit journal: every record edit in a package carries an outbox row, in one transaction.

HbimStore (offline/hbim.py) calls ``log`` inside its ``BEGIN IMMEDIATE`` … ``COMMIT``, so
after a crash a record change and its outbox row are both there or both absent. The row
holds who (profile), when, the record's fields before and after, and the store version
the package was cut from (``package_meta.base_version``): what sync (offline/store/sync.py)
needs to merge field by field. Our tables are ``field_*`` and registered in gpkg_contents
as attributes, so the package stays a GeoPackage that GDAL opens (the part-A contract).
"""
from __future__ import annotations

import datetime
import json
import sqlite3
import uuid
from pathlib import Path

from offline.field.profile import FieldProfile
from offline.guard import SQLITE_MAGIC, StoreRefused

GPKG_IDS = (0x47504B47, 0x47503130)  # "GPKG", and "GP10" of GeoPackage 1.0
TABLES = {
    "field_outbox": """CREATE TABLE IF NOT EXISTS field_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE, at TEXT NOT NULL,
        author TEXT NOT NULL, team TEXT, device TEXT, tbl TEXT NOT NULL, key TEXT NOT NULL,
        op TEXT NOT NULL, before TEXT, after TEXT, base_version INTEGER NOT NULL)""",
    "field_photos": """CREATE TABLE IF NOT EXISTS field_photos (
        sha256 TEXT PRIMARY KEY, name TEXT, guid TEXT, record_id TEXT, taken_at TEXT,
        lon REAL, lat REAL, size INTEGER, data BLOB NOT NULL)""",
    # annotations placed in field mode (offline/field/annotations.py): the Annotation as JSON, its GlobalId
    "field_annotations": """CREATE TABLE IF NOT EXISTS field_annotations (
        id TEXT PRIMARY KEY, anchor TEXT, body TEXT NOT NULL, at TEXT NOT NULL)""",
    # a UUID appears here only after the operations-centre store committed it (sync.py)
    "field_sync": """CREATE TABLE IF NOT EXISTS field_sync (
        uuid TEXT PRIMARY KEY, synced_at TEXT NOT NULL, outcome TEXT NOT NULL, store TEXT)""",
}


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


def register(con: sqlite3.Connection, tables):
    """List ``tables`` in gpkg_contents as attribute tables (when the file has one), so GDAL sees them."""
    if con.execute("SELECT 1 FROM sqlite_master WHERE name='gpkg_contents'").fetchone():
        for name in tables:
            con.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier) "
                        "VALUES (?, 'attributes', ?)", (name, name))


class FieldJournal:
    def __init__(self, profile: FieldProfile):
        self.profile = profile
        self.base_version = 0
        self.package_id = ""

    def check(self, path: Path) -> bool:
        """A package must already be a GeoPackage with package_meta; nothing is written when it is not."""
        path = Path(path)
        try:
            with open(path, "rb") as fh:
                magic = fh.read(16)
        except OSError as exc:
            raise StoreRefused(f"{path}: cannot open field package ({exc.strerror})") from None
        if magic != SQLITE_MAGIC:
            raise StoreRefused(f"{path}: not a field package (not an SQLite database)")
        con = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            meta = con.execute("SELECT 1 FROM sqlite_master WHERE name='package_meta'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreRefused(f"{path}: damaged field package ({exc})") from None
        finally:
            con.close()
        if app_id not in GPKG_IDS or not meta:
            raise StoreRefused(f"{path}: not a field package (no package_meta table)")
        return False

    def attach(self, db: sqlite3.Connection):
        """Our tables (idempotent) and the package's identity; called by HbimStore after its schema."""
        db.execute("BEGIN IMMEDIATE")
        try:
            for sql in TABLES.values():
                db.execute(sql)
            register(db, TABLES)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        meta = dict(db.execute("SELECT key, value FROM package_meta").fetchall())
        self.base_version = int(meta.get("base_version") or 0)
        self.package_id = meta.get("package_id", "")

    def log(self, db: sqlite3.Connection, table: str, key: str, before: dict | None, after: dict | None,
            op: str | None = None) -> str:
        """One outbox row, inside the caller's open transaction; returns its UUID."""
        edit = str(uuid.uuid4())
        op = op or ("delete" if after is None else "put")
        p = self.profile
        db.execute("INSERT INTO field_outbox (uuid, at, author, team, device, tbl, key, op, before, after, "
                   "base_version) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   (edit, now(), p.surveyor, p.team, p.device, table, key, op,
                    None if before is None else json.dumps(before, ensure_ascii=False),
                    None if after is None else json.dumps(after, ensure_ascii=False), self.base_version))
        return edit
