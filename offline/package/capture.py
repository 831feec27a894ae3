"""Record tables any tool can edit, and the triggers that capture every edit for sync (issue 23).

QGIS, QField and anything else that writes a GeoPackage (GDAL's OGR driver, plain SQLite) edit a
package's ``hbim_*`` record tables without the console's journal. So that no such edit is lost:

- each record table has an ``INTEGER PRIMARY KEY AUTOINCREMENT`` ``fid`` (GeoPackage 1.2 Req 119:
  what GDAL and QGIS need to change or delete a row) and keeps its record key as a UNIQUE column
  (``id``, a UUID, given by the console when a tool added a row without one: ``fill_keys``; ``guid``
  for components, the IFC GlobalId, itself a UUID, which a new component must be given);
- three triggers per table, written into the package, copy every insert, update and delete into
  ``field_capture`` (when, table, key, put/delete, the record's fields before and after as JSON),
  whatever wrote it: they need only the SQLite JSON functions every GDAL build has;
- the console turns captured edits into ordinary, hashed outbox rows (offline/field/drain.py)
  when it opens the package and when ``package sync`` reads it, and discards what its own edits
  captured (it journals those itself: offline/field/journal.py).

Triggers were chosen over changesets against a base copy (Mergin Maps' GeoDiff): no second copy
of the package to carry and keep, no new dependency, the time of each edit kept, and an edit is
captured by the same transaction that makes it (README, "Edits made by other tools").

A package of format 1 has TEXT keys and no triggers: it still verifies and syncs as it is, and the
console migrates it when it opens it for editing (``migrate``, after every check has passed).
``verify`` holds a migrated or format-2 package to triggers exactly as written here: a package
whose triggers were dropped or changed would lose other tools' edits silently, so it is refused.
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import MISSING, fields

from offline.hbim_records import KINDS, _key
from offline.package.listing import PHOTOS, declare_internal, photos_listed

TABLE = "field_capture"
KEY = "fid"
CAPTURE_SQL = (f"CREATE TABLE IF NOT EXISTS {TABLE} (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, "
               "tbl TEXT NOT NULL, key TEXT, op TEXT NOT NULL, before TEXT, after TEXT)")
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
# a package's photos (offline/field/photos.py): an integer key, so QGIS and QField add rows (GeoPackage Req 119);
# the SHA-256 and size are the console's to fill in when it takes a photo another tool added (drain.py)
PHOTOS_SQL = (f"CREATE TABLE IF NOT EXISTS {PHOTOS} ({KEY} INTEGER PRIMARY KEY AUTOINCREMENT, sha256 TEXT UNIQUE, "
              "name TEXT, guid TEXT, record_id TEXT, taken_at TEXT, lon REAL, lat REAL, size INTEGER, "
              "data BLOB NOT NULL)")
PHOTO_META = ("name", "guid", "record_id", "taken_at", "lon", "lat")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def record_columns(table: str) -> list[str]:
    return [f.name for f in fields(KINDS[table])]


def table_sql(table: str) -> str:
    """A record table of the current format: ``fid``, then the record's fields (text), its key UNIQUE."""
    key = _key(table)
    cols = [f"{_q(KEY)} INTEGER PRIMARY KEY AUTOINCREMENT"]
    for c in record_columns(table):
        if c != key:
            cols.append(f"{_q(c)} TEXT" + _default(table, c))
        elif table == "components":  # an IFC GlobalId: a component added without one is refused
            cols.append(f"{_q(c)} TEXT NOT NULL UNIQUE")
        else:  # no DEFAULT: GDAL writes an expression's text as the value; fill_keys gives one
            cols.append(f"{_q(c)} TEXT UNIQUE")
    return f"CREATE TABLE {_q('hbim_' + table)} ({', '.join(cols)})"


def _default(table: str, column: str) -> str:
    """The record field's default as a DEFAULT clause (text, as HbimStore writes it), so a row another tool
    adds reads as the console's own would; none for a field the record must be given (a date, a type)."""
    f = next(f for f in fields(KINDS[table]) if f.name == column)
    if f.default is not MISSING:
        value = f.default
    elif f.default_factory is not MISSING:
        value = f.default_factory()
    else:
        return ""
    text = json.dumps(value) if isinstance(value, list) else "1" if value is True else "0" if value is False \
        else str(value)
    return " DEFAULT '" + text.replace("'", "''") + "'"


def _json(row: str, columns: list[str]) -> str:
    return "json_object(" + ", ".join(f"'{c}', {row}.{_q(c)}" for c in columns) + ")"


def triggers(table: str, columns: list[str]) -> dict[str, str]:
    """name → CREATE TRIGGER text of the three capture triggers of ``hbim_<table>`` (``columns``: its record
    fields); the text ``verify`` expects in sqlite_master, byte for byte."""
    t, key = _q(f"hbim_{table}"), _q(_key(table))
    old, new = _json("OLD", columns), _json("NEW", columns)
    put = f"INSERT INTO {TABLE} (at, tbl, key, op, before, after) SELECT {_NOW}, '{table}'"
    name = f"{TABLE}_{table}"
    return {
        # a row added without a key is captured when fill_keys gives it one (an update)
        f"{name}_insert": f"CREATE TRIGGER {name}_insert AFTER INSERT ON {t} BEGIN\n  "
                          f"{put}, NEW.{key}, 'put', NULL, {new} WHERE NEW.{key} IS NOT NULL;\nEND",
        # a changed key is the old record deleted and a new one put
        f"{name}_update": f"CREATE TRIGGER {name}_update AFTER UPDATE ON {t} BEGIN\n  "
                          f"{put}, OLD.{key}, 'delete', {old}, NULL WHERE OLD.{key} IS NOT NULL AND NEW.{key} IS NOT "
                          f"OLD.{key};\n  {put}, NEW.{key}, 'put', CASE WHEN NEW.{key} IS OLD.{key} THEN {old} END, "
                          f"{new} WHERE NEW.{key} IS NOT NULL;\nEND",
        f"{name}_delete": f"CREATE TRIGGER {name}_delete AFTER DELETE ON {t} BEGIN\n  "
                          f"{put}, OLD.{key}, 'delete', {old}, NULL WHERE OLD.{key} IS NOT NULL;\nEND",
    }


def photo_trigger() -> dict[str, str]:
    """name → text of the trigger that captures a photo another tool adds (its key: the row's ``fid``; the console
    reads the bytes and hashes them when it drains the capture). Photos are only ever added, as in the console."""
    name = f"{TABLE}_photos_insert"
    after = _json("NEW", PHOTO_META)
    return {name: f"CREATE TRIGGER {name} AFTER INSERT ON {_q(PHOTOS)} BEGIN\n  INSERT INTO {TABLE} (at, tbl, key, "
                  f"op, before, after) SELECT {_NOW}, 'photos', NEW.{_q(KEY)}, 'photo', NULL, {after};\nEND"}


def _expected(con: sqlite3.Connection) -> dict[str, str]:
    """Every capture trigger the package should hold, by name."""
    out = {}
    for table in KINDS:
        if is_current(con, table):
            out.update(triggers(table, _fields_in(con, table)))
    if photos_listed(con) and con.execute("SELECT 1 FROM sqlite_master WHERE name=?", (TABLE,)).fetchone():
        out.update(photo_trigger())  # a format-1 package has no capture table until the console migrates it
    return out


def _columns(con: sqlite3.Connection, table: str) -> list[tuple]:
    return con.execute(f"PRAGMA table_info({_q('hbim_' + table)})").fetchall()


def is_current(con: sqlite3.Connection, table: str) -> bool:
    """Has ``hbim_<table>`` the integer ``fid`` key (format 2), rather than its record key as a TEXT one?"""
    return any(c[1] == KEY and c[5] == 1 and str(c[2]).upper() == "INTEGER" for c in _columns(con, table))


def _fields_in(con: sqlite3.Connection, table: str) -> list[str]:
    present = {c[1] for c in _columns(con, table)}
    return [c for c in record_columns(table) if c in present]


def _unkeyed(con: sqlite3.Connection):
    for table in KINDS:
        if table != "components" and is_current(con, table):
            yield table, _q("hbim_" + table), _q(_key(table))


def unkeyed(con: sqlite3.Connection) -> bool:
    """Does any record lack its id (added by another tool, not yet given one by ``fill_keys``)?"""
    return any(con.execute(f"SELECT 1 FROM {t} WHERE {key} IS NULL LIMIT 1").fetchone()
               for _, t, key in _unkeyed(con))


def fill_keys(con: sqlite3.Connection) -> int:
    """Give each record another tool added without an id a new UUID (in the caller's transaction); the update
    trigger captures it as the record's creation. Not done by the insert trigger itself: an UPDATE there
    may run before the full-text index's own insert trigger, which then finds the index out of step."""
    count = 0
    for _, t, key in _unkeyed(con):
        for (fid,) in con.execute(f"SELECT {KEY} FROM {t} WHERE {key} IS NULL").fetchall():
            con.execute(f"UPDATE {t} SET {key} = ? WHERE {KEY} = ?", (str(uuid.uuid4()), fid))
            count += 1
    return count


def create_tables(con: sqlite3.Connection):
    """The record tables of a new package (before HbimStore's schema adds its indexes and full-text search)."""
    for table in KINDS:
        con.execute(table_sql(table))


def install(con: sqlite3.Connection):
    """The capture table and each record table's triggers, as they should be (idempotent; in the caller's
    transaction). Called once a package's records are in: rows copied before are not edits."""
    con.execute(CAPTURE_SQL)
    declare_internal(con, [TABLE])  # bookkeeping, not a layer (listing.py)
    install_photos(con)
    have = dict(con.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'").fetchall())
    for table in KINDS:
        for name, sql in triggers(table, _fields_in(con, table)).items():
            if have.get(name) != sql:  # missing, or made before a record field was added
                con.execute(f"DROP TRIGGER IF EXISTS {_q(name)}")
                con.execute(sql)


def install_photos(con: sqlite3.Connection):
    """The photos table (made with an integer key where there is none) and, once it has that key and the capture
    table is there, its capture trigger; an older package's photos table (keyed by SHA-256) is kept as it is."""
    con.execute(PHOTOS_SQL)
    if not photos_listed(con) or not con.execute("SELECT 1 FROM sqlite_master WHERE name=?", (TABLE,)).fetchone():
        return
    have = dict(con.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'").fetchall())
    for name, sql in photo_trigger().items():
        if have.get(name) != sql:
            con.execute(f"DROP TRIGGER IF EXISTS {_q(name)}")
            con.execute(sql)


def migrate(con: sqlite3.Connection) -> list[str]:
    """Give each format-1 record table its integer key, keeping every row, its rowid (the full-text index
    finds rows by it), its indexes and triggers; then ``install``. In the caller's transaction, after the
    package passed every check. Returns the tables migrated."""
    done = []
    for table in KINDS:
        name = f"hbim_{table}"
        if is_current(con, table):
            continue
        cols = [c for c in record_columns(table) if c in {r[1] for r in _columns(con, table)}]
        kept = [r[0] for r in con.execute("SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN "
                                          "('index', 'trigger') AND sql IS NOT NULL", (name,))]
        con.execute(table_sql(table).replace(_q(name), _q(name + "__fid"), 1))
        listed = ", ".join(_q(c) for c in cols)
        con.execute(f"INSERT INTO {_q(name + '__fid')} ({KEY}, {listed}) SELECT rowid, {listed} FROM {_q(name)} "
                    "ORDER BY rowid")
        con.execute(f"DROP TABLE {_q(name)}")
        con.execute(f"ALTER TABLE {_q(name + '__fid')} RENAME TO {_q(name)}")
        for sql in kept:
            con.execute(sql)
        done.append(name)
    install(con)
    return done


def problems(con: sqlite3.Connection, format_version: str | None) -> list[str]:
    """What ``package verify`` finds wrong with the record tables' keys and capture triggers (read only)."""
    out = []
    have = dict(con.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'").fetchall())
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in KINDS:
        if not is_current(con, table) and format_version not in (None, "1"):
            out.append(f"record keys: hbim_{table} has no integer key {KEY} (format {format_version})")
    expected = _expected(con)
    if expected and TABLE not in tables:
        out.append(f"capture triggers: the package has no {TABLE} table")
        expected = {}
    for name, sql in expected.items():
        if have.get(name) != sql:
            state = "is missing" if name not in have else "was changed"
            out.append(f"capture triggers: {name} {state}; edits made by other tools would be lost")
    out += _foreign_triggers(con, have)
    return out


def _foreign_triggers(con: sqlite3.Connection, have: dict) -> list[str]:
    """A trigger that is not one of ours and touches the journal or the package's bookkeeping (``field_*``,
    ``package_*``) could silently drop or rewrite edits before sync: a crafted package is refused for it.
    GDAL's (R*Tree, tile matrix, feature counts) and the full-text index's triggers touch none of these."""
    ours = set(_expected(con))
    return [f"triggers: {name} is not the console's and touches the field journal; the package is refused"
            for name, sql in sorted(have.items())
            if name not in ours and sql and any(w in sql.lower() for w in ("field_", "package_"))]
