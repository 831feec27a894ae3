"""The field-edit journal: every record edit in a package carries an outbox row, in one transaction.

HbimStore (offline/hbim.py) calls ``log`` inside its ``BEGIN IMMEDIATE`` … ``COMMIT``, so
after a crash a record change and its outbox row are both there or both absent. The row
holds who (profile), when, the record's fields before and after, and the store version
the package was cut from (``package_meta.base_version``): what sync (offline/store/sync.py)
needs to merge field by field, and the row's own SHA-256 over all of that
(offline/field/outbox.py), so sync can tell a damaged row and quarantine it instead of
merging it. Our tables are ``field_*``: the console's bookkeeping, declared as such in the package
(offline/package/listing.py), so GDAL and QGIS do not offer them as layers.

Other tools' edits are captured by the package's triggers (offline/package/capture.py): each of
the console's edit transactions first drains them into the outbox (``begin``; they came first)
and, before it commits, drops what its own writes captured (``end``): journalled once, here.
Opening a format-1 package migrates it (integer keys, triggers) after every check has passed.
"""
from __future__ import annotations

import datetime
import json
import sqlite3
import uuid
from pathlib import Path

from layers.sqlite_uri import connect_ro
from offline.field.drain import discard, drain, has_capture, mark
from offline.field.outbox import row_sha256, stamp_legacy
from offline.field.profile import FieldProfile
from offline.field.profile import load as load_profile
from offline.field.pulled import base_version
from offline.guard import SQLITE_NOTADB, StoreRefused, has_magic, check_text
from offline.package.capture import PHOTOS_SQL, TABLE as CAPTURED, install_photos, migrate, unkeyed
from offline.package.listing import PHOTOS, declare_internal, list_photos, photos_listed

GPKG_IDS = (0x47504B47, 0x47503130)  # "GPKG", and "GP10" of GeoPackage 1.0
TABLES = {
    "field_outbox": """CREATE TABLE IF NOT EXISTS field_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE, at TEXT NOT NULL,
        author TEXT NOT NULL, team TEXT, device TEXT, tbl TEXT NOT NULL, key TEXT NOT NULL,
        op TEXT NOT NULL, before TEXT, after TEXT, base_version INTEGER NOT NULL, sha256 TEXT)""",
    # an integer key, so QGIS and QField add photos (capture.py); a package made before keeps its SHA-256 key
    "field_photos": PHOTOS_SQL,
    # annotations placed in field mode (offline/field/annotations.py): the Annotation as JSON, its GlobalId
    "field_annotations": """CREATE TABLE IF NOT EXISTS field_annotations (
        id TEXT PRIMARY KEY, anchor TEXT, body TEXT NOT NULL, at TEXT NOT NULL)""",
    # a UUID appears here only after the operations-centre store committed it (sync.py)
    "field_sync": """CREATE TABLE IF NOT EXISTS field_sync (
        uuid TEXT PRIMARY KEY, synced_at TEXT NOT NULL, outcome TEXT NOT NULL, store TEXT)""",
}


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


def ensure_tables(db: sqlite3.Connection):
    """Our tables (idempotent), in the caller's transaction: an outbox an older console wrote gets its rows
    hashed as they stand (outbox.stamp_legacy)."""
    for sql in TABLES.values():
        db.execute(sql)
    if has_capture(db):
        install_photos(db)  # a photo another tool adds is captured like a record edit
    stamp_legacy(db)
    declare_internal(db, [t for t in TABLES if t != PHOTOS or not photos_listed(db)])  # an older console listed them
    list_photos(db)  # the photos are a layer where QGIS can add one


def take_captured(db: sqlite3.Connection) -> int:
    """``package sync``'s first step: edits other tools made (captured by the package's triggers) join the
    outbox, in one transaction of their own; returns how many. Nothing is written when there are none."""
    if not has_capture(db) or not (db.execute(f"SELECT 1 FROM {CAPTURED} LIMIT 1").fetchone() or unkeyed(db)):
        return 0
    db.execute("BEGIN IMMEDIATE")
    try:
        ensure_tables(db)
        count = drain(db, base_version(db))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return count


class FieldJournal:
    def __init__(self, profile: FieldProfile | None = None):
        self._profile = profile  # None: this machine's, read (a device id saved) only once the package passed
        self.base_version = 0
        self.package_id = ""

    @property
    def profile(self) -> FieldProfile:
        if self._profile is None:
            self._profile = load_profile()
        return self._profile

    @profile.setter
    def profile(self, value: FieldProfile):
        self._profile = value

    def check(self, path: Path) -> bool:
        """A package must already be a GeoPackage with package_meta and pass every check of ``package verify``
        (offline/package/verify.py); nothing is written when it does not."""
        path = Path(path)
        # SQLite reads the header, never a plain open(): closing any descriptor of the file drops the
        # POSIX locks this process (the window) holds on the package (see offline/guard.py has_magic)
        if not path.is_file():
            reason = "is a folder" if path.is_dir() else "No such file or directory"
            raise StoreRefused(f"{path}: cannot open field package ({reason})")
        try:
            con = connect_ro(path)
        except sqlite3.Error as exc:
            raise StoreRefused(f"{path}: cannot open field package ({exc})") from None
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            meta = con.execute("SELECT 1 FROM sqlite_master WHERE name='package_meta'").fetchone()
            if app_id not in GPKG_IDS or not meta:
                raise StoreRefused(f"{path}: not a field package (no package_meta table)")
            # the records a window reads must decode before the store switches the file to WAL
            check_text(con, path, "field package", [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'hbim\\_%' ESCAPE '\\'")])
        except sqlite3.DatabaseError as exc:
            if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF == SQLITE_NOTADB and not has_magic(path):
                raise StoreRefused(f"{path}: not a field package (not an SQLite database)") from None
            raise StoreRefused(f"{path}: damaged field package ({exc})") from None
        finally:
            con.close()
        from offline.package.verify import open_package as checked
        checked(path)  # every check of `package verify`, before HbimStore writes a byte
        return False

    def attach(self, db: sqlite3.Connection):
        """Our tables (idempotent) and the package's identity; called by HbimStore after its schema."""
        meta = dict(db.execute("SELECT key, value FROM package_meta").fetchall())
        self.base_version = base_version(db)  # the last pull's, else the cut's (offline/field/pulled.py)
        self.package_id = meta.get("package_id", "")
        db.execute("BEGIN IMMEDIATE")
        try:
            ensure_tables(db)
            migrate(db)  # a format-1 package: integer keys and capture triggers (checked before: check())
            drain(db, self.base_version)  # what other tools edited since the console last had it open
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def begin(self, db: sqlite3.Connection) -> int:
        """At the start of each of the console's edit transactions: other tools' edits go into the outbox
        first (they came first); returns the mark ``end`` discards the console's own captures after."""
        self.base_version = base_version(db)  # a sync may have pulled since the package was opened
        drain(db, self.base_version)
        return mark(db)

    def end(self, db: sqlite3.Connection, since: int):
        """Before the console's edit commits: what its own writes captured is dropped (``log`` journalled it)."""
        discard(db, since)

    def log(self, db: sqlite3.Connection, table: str, key: str, before: dict | None, after: dict | None,
            op: str | None = None) -> str:
        """One outbox row, inside the caller's open transaction; returns its UUID."""
        edit = str(uuid.uuid4())
        op = op or ("delete" if after is None else "put")
        p = self.profile
        row = {"uuid": edit, "at": now(), "author": p.surveyor, "team": p.team, "device": p.device, "tbl": table,
               "key": key, "op": op, "before": None if before is None else json.dumps(before, ensure_ascii=False),
               "after": None if after is None else json.dumps(after, ensure_ascii=False),
               "base_version": self.base_version}
        row["sha256"] = row_sha256(row)
        db.execute(f"INSERT INTO field_outbox ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                   list(row.values()))
        return edit
