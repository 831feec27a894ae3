"""Before a store writes to a file: is it ours, and is it whole?

A store opens its file read-only first and checks it; only a missing or empty
file becomes a new store. Anything else that is not one of ours (a GeoPackage,
another program's database, the other store) or that SQLite finds damaged is
refused with one line naming the file, and the file is left byte for byte as
it was — no WAL switch, no CREATE TABLE, no seeding.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from layers.sqlite_uri import connect_ro

SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CORRUPT, SQLITE_NOTADB = 5, 6, 11, 26  # primary result codes


class StoreRefused(RuntimeError):
    """A file a store will not use; str() is one line naming it and why."""


def check_store(path: Path, application_id: int, what: str, own_tables: set[str]) -> bool:
    """True when ``path`` is to become a new store; False when it is one of ours, whole.

    Stores written before application ids were set have id 0: they pass when their
    tables are all ours. ``own_tables`` are exact names or prefixes ending in "*". A field
    package is never a store's file here: it is opened with its journal (offline/records.py).
    """
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return True
    if path.is_dir():
        raise StoreRefused(f"{path}: is a folder, not a {what}")
    try:
        con = connect_ro(path, timeout=5.0)
    except sqlite3.Error as exc:
        raise StoreRefused(f"{path}: cannot open {what} ({exc})") from None
    try:
        # one read transaction through the WAL: every check below sees one committed state of a file
        # another process may be writing, never a half-checkpointed mix of two
        con.execute("BEGIN")
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id == 0 and not tables:  # an empty database: another process is making this store right now
            return True  # (its WAL header is written, its schema not yet committed); nothing in it to keep
        ours = app_id == application_id or (app_id == 0 and tables and all(_own(t, own_tables) for t in tables))
        if not ours:
            kind = "a GeoPackage" if app_id in (0x47504B47, 0x47503130) else "another program's database"
            raise StoreRefused(f"{path}: not a {what} ({kind}); choose another file")
        check = con.execute("PRAGMA quick_check(1)").fetchone()[0]
        if check != "ok":
            check = " ".join(check.replace("*** in database main ***", "").split())
            raise StoreRefused(f"{path}: damaged {what} ({check}); restore it from a backup or move it away")
        check_text(con, path, what, [t for t in tables if _own(t, own_tables)])
    except sqlite3.DatabaseError as exc:
        raise refusal(path, what, exc) from None
    finally:
        con.close()
    return False


def refusal(path: Path, what: str, exc: sqlite3.DatabaseError) -> StoreRefused:
    """The one line for an SQLite error met while reading a store: "damaged" only when SQLite says so.

    SQLITE_CORRUPT is damage; SQLITE_NOTADB is a file that is not a database (or whose header is
    damaged); a busy or locked file, or an I/O error, is not damage and is never called so: the
    user would be told to throw away a healthy store.
    """
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code == SQLITE_NOTADB and not has_magic(path):
        return StoreRefused(f"{path}: not a {what} (not an SQLite database)")
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return StoreRefused(f"{path}: damaged {what} ({exc}); restore it from a backup or move it away")
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return StoreRefused(f"{path}: {what} busy ({exc}); try again when the program writing it lets go")
    return StoreRefused(f"{path}: cannot open {what} ({exc})")


def has_magic(path: Path) -> bool:
    """The SQLite header string, read with Python only once SQLite refused the file as no database.

    Never before: closing any descriptor of a file drops every POSIX lock this process holds
    on it, so a plain open()/close() of a history this process records into released its
    writer's locks, and another process's reader, believing itself the last, checkpointed and
    deleted the WAL under the writer (the "damaged" exports of issue 26 item 1).
    """
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def check_text(con: sqlite3.Connection, path: Path, what: str, tables) -> None:
    """StoreRefused when a text cell of ``tables`` is not UTF-8, before anything writes to the file.

    SQLite stores whatever bytes it is given as TEXT and quick_check does not look at
    them; Python's sqlite3 then fails on the first read of that cell, long after the
    store was opened (and its journal mode switched). Each text cell is read as bytes
    here (``CAST … AS BLOB``), so the refusal names the file, the table and the column.
    Columns declared numeric are not read: text lands there only when a writer stores
    words in a number, and a pass over them would cost a second read of the whole
    sensor history on every start.
    """
    con.create_function("_utf8", 1, _is_utf8, deterministic=True)
    virtual = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE 'CREATE VIRTUAL%'")}
    for table in tables:
        if table in virtual or table.startswith("sqlite_"):
            continue  # a virtual table's text is its content table's (or shadow tables') own
        quoted = table.replace('"', '""')
        columns = [name for name, decl in con.execute(f'SELECT name, type FROM pragma_table_info("{quoted}")')
                   if _may_hold_text(decl)]
        bad = {c: '(typeof("{0}") = \'text\' AND NOT _utf8(CAST("{0}" AS BLOB)))'.format(c.replace('"', '""'))
               for c in columns}
        if not columns or not con.execute(f'SELECT 1 FROM "{quoted}" WHERE {" OR ".join(bad.values())} '
                                          f'LIMIT 1').fetchone():
            continue  # one pass over the table; the column is looked for only when one is bad
        column = next(c for c in columns if con.execute(f'SELECT 1 FROM "{quoted}" WHERE {bad[c]} LIMIT 1').fetchone())
        raise StoreRefused(f"{path}: damaged {what} (text that is not UTF-8 in {table}.{column}); "
                           f"restore it from a backup or move it away")


def _may_hold_text(declared: str) -> bool:
    """SQLite's affinity rules (datatype3.html §3.1): TEXT, or BLOB/none, which keep text as given."""
    t = (declared or "").upper()
    if "INT" in t:
        return False
    return any(k in t for k in ("CHAR", "CLOB", "TEXT", "BLOB")) or not t


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _own(table: str, own: set[str]) -> bool:
    return table.startswith("sqlite_") or any(
        table.startswith(o[:-1]) if o.endswith("*") else table == o for o in own)


def set_aside(path: Path) -> Path:
    """Move a refused store (and its -wal/-shm/-journal) aside, unchanged, so a fresh one can start.

    The file keeps its bytes and gains a ".damaged-<UTC time>" suffix beside the original,
    where whoever recovers it will look; returns its new path.
    """
    import time
    path = Path(path)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while kept.exists():
        n += 1
        kept = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(kept.with_name(kept.name + suffix))
    path.rename(kept)
    return kept
