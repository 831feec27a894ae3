"""Edits other tools made in a package, from the capture table into the outbox (issue 23).

The package's triggers (offline/package/capture.py) copy every insert, update and delete of a
record into ``field_capture``, whoever made it: QGIS, QField, GDAL, plain SQLite, or the console.
``drain`` turns each captured edit into an outbox row like the console's own (a new UUID, the
time of the edit, the fields before and after, the package's base version and the row's own
SHA-256, offline/field/outbox.py), signed ``another tool`` since a trigger cannot know who edited,
and empties the table, in the caller's transaction. The console journals its own edits itself,
in the same transaction as the edit, so what its writes captured is discarded
(``FieldJournal.end``), never journalled twice.

A photo another tool added (a row of ``field_photos``, captured by its ``fid``) is hashed here: its
SHA-256 and size are filled in and its outbox row is the console's own kind (``photo``, keyed by
the SHA-256, the photo's name, component, damage record, time and place), so sync sends the bytes.

Captured text is copied as it is: a damaged or forged captured row becomes an outbox row that
sync's checks quarantine, like any other damaged row.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid

from offline.field.outbox import row_sha256
from offline.package.capture import TABLE, fill_keys

AUTHOR = "another tool"     # who: a trigger cannot tell (QGIS, QField, GDAL, SQLite…)
DEVICE = "gpkg-triggers"    # how the edit was captured
_NOT_NULL = ("at", "tbl", "key", "op")


def has_capture(con: sqlite3.Connection) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (TABLE,)).fetchone() is not None


def mark(con: sqlite3.Connection) -> int:
    """The last capture number used so far: what a transaction's own writes capture comes after it."""
    row = con.execute("SELECT seq FROM sqlite_sequence WHERE name=?", (TABLE,)).fetchone() \
        if con.execute("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'").fetchone() else None
    return int(row[0]) if row and isinstance(row[0], int) else 0


def _text(value):
    """A captured value as outbox text: bytes decoded (bad UTF-8 kept for the checks to name), numbers as text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    return json.dumps(value) if isinstance(value, float) else str(value)


def _storable(value):
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if isinstance(value, str) else value


def drain(con: sqlite3.Connection, base_version: int) -> int:
    """Every captured edit as an outbox row, oldest first, and the capture table emptied; returns how many.
    In the caller's open transaction; the outbox tables must exist (FieldJournal.attach makes them)."""
    if not has_capture(con):
        return 0
    fill_keys(con)  # records added without an id get one now: captured as their creation
    factory, con.text_factory = con.text_factory, bytes
    try:
        rows = con.execute(f"SELECT seq, at, tbl, key, op, before, after FROM {TABLE} ORDER BY seq").fetchall()
    finally:
        con.text_factory = factory
    for seq, *values in rows:
        row = dict(zip(("at", "tbl", "key", "op", "before", "after"), map(_text, values)))
        if row["tbl"] == "photos" and row["op"] == "photo":  # a photo another tool added: hashed now
            taken = take_photo(con, row["key"])
            con.execute(f"DELETE FROM {TABLE} WHERE seq = ?", (seq,))
            if taken is None:  # gone again, or the same bytes as a photo the package already holds
                continue
            row["key"], row["after"] = taken
        row.update({k: row[k] or "" for k in _NOT_NULL})  # a missing one is named by sync's checks
        row.update({"uuid": str(uuid.uuid4()), "author": AUTHOR, "team": None, "device": DEVICE,
                    "base_version": base_version})
        row["sha256"] = row_sha256(row)  # over the bytes as captured: bad UTF-8 stored replaced will not match
        con.execute(f"INSERT INTO field_outbox ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                    [_storable(v) for v in row.values()])
        con.execute(f"DELETE FROM {TABLE} WHERE seq = ?", (seq,))
    return len(rows)


def take_photo(con: sqlite3.Connection, fid) -> tuple[str, str] | None:
    """(SHA-256, metadata JSON) of the photo row ``fid`` another tool added, its hash and size filled in, its EXIF
    time and place where the row gives none; None (and the row removed) when the package already holds its bytes."""
    row = con.execute("SELECT fid, sha256, name, guid, record_id, taken_at, lon, lat, data FROM field_photos "
                      "WHERE fid = ?", (fid,)).fetchone()
    if row is None or not isinstance(row[8], bytes):
        return None
    data = row[8]
    sha = hashlib.sha256(data).hexdigest()
    if con.execute("SELECT 1 FROM field_photos WHERE sha256 = ? AND fid <> ?", (sha, row[0])).fetchone():
        con.execute("DELETE FROM field_photos WHERE fid = ?", (row[0],))  # kept once, by SHA-256
        return None
    meta = {k: _text(v) for k, v in zip(("name", "guid", "record_id", "taken_at"), row[2:6])}
    meta.update(lon=_degrees(row[6]), lat=_degrees(row[7]))  # what another tool typed there: a number or nothing
    from PIL import Image  # Pillow: only when another tool added a photo
    from offline.field.photos import read_exif
    try:
        exif = read_exif(data)
    except (ValueError, Image.DecompressionBombError):  # not an image the console reads: sent as it is (its hash)
        exif = {}
    meta.update({k: v for k, v in exif.items() if meta.get(k) in (None, "")})
    meta["name"] = meta["name"] or f"photo-{row[0]}"
    con.execute("UPDATE field_photos SET sha256 = ?, size = ?, name = ?, taken_at = ?, lon = ?, lat = ? "
                "WHERE fid = ?", (sha, len(data), meta["name"], meta["taken_at"], meta["lon"], meta["lat"], row[0]))
    return sha, json.dumps(meta, ensure_ascii=False)


def _degrees(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -360.0 <= number <= 360.0 else None


def discard(con: sqlite3.Connection, since: int):
    """Forget what was captured after ``since`` (``mark``): the console's own writes, journalled by it."""
    if has_capture(con):
        con.execute(f"DELETE FROM {TABLE} WHERE seq > ?", (since,))
