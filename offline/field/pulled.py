"""What a package keeps of the centre's changes: the version it is based on, and its conflict list (issue 23).

``package sync`` brings the operations centre's changes since the package's base version into the
package (offline/store/pull.py). Two tables of the package's own bookkeeping (``field_*``: left out of
the content checksum and the signature, offline/package/checksum.py, so a pull never disturbs them):

- ``field_base``: one row, the store version the package's records are now based on, written in the
  same transaction as the changes it brought. ``package_meta.base_version`` stays the version the
  package was cut from: package_meta is delivered content, covered by the checksum and signed by the
  centre that made it, and a surveyor's laptop holds no key to sign it again.
- ``field_conflicts``: the conflicts of this package, as the centre lists them (``origin`` "centre",
  the store's conflict rows mirrored by id, open or resolved) and as the pull found them before the
  push could (``origin`` "package": an unsynced local edit against a centre change; its id is the one
  the store gives the same conflict when the edit arrives, so it becomes one row, not two).
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import fields

from offline.hbim_records import KINDS, _key
from offline.package.listing import declare_internal

TABLES = {
    "field_base": """CREATE TABLE IF NOT EXISTS field_base (id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL, store TEXT, pulled_at TEXT NOT NULL)""",
    "field_conflicts": """CREATE TABLE IF NOT EXISTS field_conflicts (id TEXT PRIMARY KEY, edit_id TEXT,
        tbl TEXT NOT NULL, key TEXT NOT NULL, field TEXT NOT NULL, base TEXT, field_value TEXT, store_value TEXT,
        author TEXT, edited_at TEXT, status TEXT NOT NULL, origin TEXT NOT NULL, reason TEXT, listed_at TEXT NOT NULL)""",
}
COLUMNS = ("id", "edit_id", "tbl", "key", "field", "base", "field_value", "store_value", "author", "edited_at",
           "status", "origin", "reason")


def ensure_tables(con: sqlite3.Connection):
    """Our tables (idempotent), in the caller's transaction; bookkeeping, not layers (listing.py)."""
    for sql in TABLES.values():
        con.execute(sql)
    declare_internal(con, TABLES)


def _has(con: sqlite3.Connection, table: str) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone() is not None


def cut_version(con: sqlite3.Connection) -> int:
    """The store version the package was cut from (package_meta, as the centre delivered it)."""
    row = con.execute("SELECT value FROM package_meta WHERE key='base_version'").fetchone()
    text = str(row[0]) if row and row[0] is not None else "0"
    return int(text) if text.isdecimal() else 0


def base_version(con: sqlite3.Connection, store_version: int | None = None) -> int:
    """THE version the package is based on: the last pull's, else the one it was cut from.

    ``store_version``: the version of the store about to be pulled from. A store's version never goes
    down, so a recorded base above it came from another store: the package starts again from its cut."""
    pulled = None
    if _has(con, "field_base"):
        row = con.execute("SELECT version FROM field_base WHERE id = 1").fetchone()
        pulled = row[0] if row and isinstance(row[0], int) else None
    cut = cut_version(con)
    if pulled is None or (store_version is not None and pulled > store_version):
        return cut
    return max(pulled, cut)


def set_base(con: sqlite3.Connection, version: int, store: str, at: str):
    """Record the new base, in the transaction that applied the changes up to it."""
    con.execute("INSERT INTO field_base (id, version, store, pulled_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO "
                "UPDATE SET version = excluded.version, store = excluded.store, pulled_at = excluded.pulled_at",
                (version, store, at))


def conflicts(con: sqlite3.Connection, status: str | None = "open") -> list[dict]:
    """The package's conflict list (values parsed from their JSON text), oldest first."""
    if not _has(con, "field_conflicts"):
        return []
    cur = con.execute("SELECT * FROM field_conflicts" + (" WHERE status = ?" if status else "")
                      + " ORDER BY listed_at, id", (status,) if status else ())
    names = [c[0] for c in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    for r in rows:
        for k in ("base", "field_value", "store_value"):
            try:
                r[k] = json.loads(r[k]) if r[k] is not None else None
            except ValueError:  # kept as the text it is
                pass
    return rows


class PackageRecords:
    """A package file read as the conflict listing reads a store (offline/store/describe.py): ``get`` a record,
    ``q`` the photos' names; read only, nothing written (the photos' view is a temporary one)."""

    def __init__(self, path):
        from layers.sqlite_uri import connect_ro
        self.con = connect_ro(path)  # the file was checked by the caller (package verify's checks)
        photos = "field_photos" if _has(self.con, "field_photos") else "(SELECT '' AS sha256, '' AS name)"
        self.con.execute(f"CREATE TEMP VIEW photos AS SELECT sha256, name FROM {photos}")

    def get(self, table: str, key: str) -> dict | None:
        cols = [f.name for f in fields(KINDS[table])] if table in KINDS else []
        if not cols:
            return None
        listed = ", ".join(f'"{c}"' for c in cols)  # "end" (interventions) is a reserved word
        cur = self.con.execute(f"SELECT {listed} FROM hbim_{table} "
                               f"WHERE {_key(table)} = ?", (key,))
        row = cur.fetchone()
        return dict(zip(cols, row)) if row else None

    def q(self, sql: str, params=()):
        return self.con.execute(sql, tuple(params))

    def conflicts(self) -> list[dict]:
        return conflicts(self.con)

    def close(self):
        self.con.close()
