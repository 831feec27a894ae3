"""An outbox row's own SHA-256, and the checks a row must pass before sync sends it.

Field tables are left out of the package's content checksum (every save changes them), so
each outbox row carries its own hash, written by ``FieldJournal.log`` in the edit's
transaction: SHA-256 over the UTF-8 of the JSON array of the fields sync sends, in the
order of ``FIELDS``, with ``ensure_ascii=False`` and no spaces (``before``/``after`` as the
JSON text the row holds, ``base_version`` a number, a NULL team or device ``null``).

The hash detects damage (a flipped bit, a truncated value, an edit outside the console that
did not recompute it); it is not a signature: whoever edits the file on purpose can
recompute it. A row that fails any check here is quarantined by sync (offline/store/sync.py):
never merged, put in the store's conflict list for a person to decide.

A package whose outbox was written before the column existed gets the column when the
console first opens it for editing (``stamp_legacy``), and its rows are hashed as they stand
then: their content is taken as it is. Until that first open, such rows have no hash to check
and only the structural checks below apply.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import uuid
from dataclasses import fields

from offline.hbim_records import KINDS, _key

FIELDS = ("uuid", "at", "author", "team", "device", "tbl", "key", "op", "before", "after", "base_version")
# operation → the tables its rows may name: HBIM records, photos, and annotations placed in field
# mode (op "annotation"/"annotation-delete", offline/field/annotations.py)
OPS = {"put": tuple(KINDS), "delete": tuple(KINDS), "photo": ("photos",), "annotation": ("annotations",),
       "annotation-delete": ("annotations",)}
DELETES = ("delete", "annotation-delete")  # their rows have no "after"
PHOTO_META = {"name", "guid", "record_id", "taken_at", "lon", "lat"}
_SHA = re.compile(r"[0-9a-f]{64}")
_TEXT = ("uuid", "at", "author", "tbl", "key", "op")  # NOT NULL text columns


def row_sha256(row: dict) -> str:
    """The canonical hash of ``row`` (a dict holding at least ``FIELDS``)."""
    text = json.dumps([row[f] for f in FIELDS], ensure_ascii=False, separators=(",", ":"))
    # a value read from a damaged row keeps its undecodable bytes (surrogateescape): hashed as they are
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def has_column(con: sqlite3.Connection) -> bool:
    return any(r[1] == "sha256" for r in con.execute("PRAGMA table_info(field_outbox)"))


def stamp_legacy(con: sqlite3.Connection):
    """Add the hash column to an outbox made before it, hashing the rows as they stand (in the caller's tx)."""
    if has_column(con):
        return
    con.execute("ALTER TABLE field_outbox ADD COLUMN sha256 TEXT")
    factory, con.text_factory = con.text_factory, decode
    try:
        cur = con.execute(f"SELECT seq, {', '.join(FIELDS)} FROM field_outbox")
        names = [c[0] for c in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        con.text_factory = factory
    # a sound row's fingerprint is its row_sha256; an undecodable one gets a hash it will not match
    con.executemany("UPDATE field_outbox SET sha256 = ? WHERE seq = ?", [(fingerprint(r), r["seq"]) for r in rows])


def decode(data: bytes) -> str:
    """The text factory for reading outbox rows: bad UTF-8 kept (as surrogates) for the checks to find."""
    return data.decode("utf-8", "surrogateescape")


def _undecodable(value) -> bool:
    return isinstance(value, str) and any("\udc80" <= ch <= "\udcff" for ch in value)


def _record(name: str, text, table: str, op: str):
    """``before``/``after`` parsed; raises ValueError with the reason when it is not a record of ``table``."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError(f"the row's {name} is not text")
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"the row's {name} is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise ValueError(f"the row's {name} is not a record")
    if table == "annotations":  # an annotation's body: its own JSON, any fields
        return value
    allowed = PHOTO_META if op == "photo" else {f.name for f in fields(KINDS[table])}
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ValueError(f"the row's {name} has an unknown field {unknown[0]!r}")
    if op != "photo" and any(v is not None and not isinstance(v, str) for v in value.values()):
        raise ValueError(f"the row's {name} holds a value that is not text")
    return value


def problem(row: dict) -> str | None:
    """Why ``row`` (as read from field_outbox) must not be merged; None when it is sound."""
    missing = [f for f in FIELDS if f not in row]
    if missing:
        return f"the outbox has no {missing[0]} column"
    for name in FIELDS + (("sha256",) if "sha256" in row else ()):
        if _undecodable(row[name]):
            return f"the row's {name} is not valid UTF-8"
    for name in _TEXT:
        if not isinstance(row[name], str) or not row[name]:
            return f"the row's {name} is missing"
    if any(row[n] is not None and not isinstance(row[n], str) for n in ("team", "device")):
        return "the row's team or device is not text"
    if not isinstance(row["base_version"], int):
        return "the row's base_version is not a number"
    try:
        uuid.UUID(row["uuid"])
    except ValueError:
        return "the row's uuid is not a UUID"
    op, table, key = row["op"], row["tbl"], row["key"]
    if op not in OPS:
        return f"the row's operation {op!r} is unknown"
    if table not in OPS[op]:
        return f"the row's table {table!r} is unknown for {op!r}"
    try:
        before = _record("before", row["before"], table, op)
        after = _record("after", row["after"], table, op)
    except ValueError as exc:
        return str(exc)
    if op == "photo":
        if before is not None or after is None or not _SHA.fullmatch(key):
            return "the row is a photo edit without its SHA-256 and metadata"
    elif (op in DELETES) != (after is None) or (before is None and after is None):
        return f"the row's operation {op!r} does not fit its before/after"
    elif str((after or before).get("id" if table == "annotations" else _key(table))) != key:
        return "the row's key does not match its record"
    if "sha256" in row:  # absent only in an outbox written before the column existed, not yet stamped
        if not row["sha256"]:
            return "the row has no SHA-256"
        if row["sha256"] != row_sha256(row):
            return "the row does not match its SHA-256"
    return None


def fingerprint(row: dict) -> str:
    """The hash of the row as it was read, damage included: tells one damaged state from another."""
    return row_sha256({f: _plain(row.get(f)) for f in FIELDS})


def _plain(value):
    """A value as text safe to print and store: undecodable bytes replaced, blobs decoded."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    elif isinstance(value, str):
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value  # PostgreSQL text holds no NUL


def quarantined(row: dict, reason: str) -> dict:
    """What the store keeps of a damaged row (every value printable), with why it was stopped."""
    out = {f: _plain(row.get(f)) for f in FIELDS}
    return {**out, "uuid": "" if out["uuid"] is None else str(out["uuid"]), "reason": reason,
            "fingerprint": fingerprint(row)}
