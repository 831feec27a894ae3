"""The operations-centre store's tables, one text for both backends.

HBIM record tables have HbimStore's names and columns (all text, as in the records
database and the field packages), so a record moves between the three unchanged.
``{blob}``, ``{serial}`` and ``{float}`` are filled in per backend.
"""
from __future__ import annotations

from dataclasses import fields

from offline.hbim_records import KINDS, _key

RECORD_TABLES = tuple(KINDS)
# columns added before migrations were numbered (migration 1 adds them to an older store); a later change
# to the schema is a new migration in offline/store/migrations.py
ADDED_COLUMNS = (("conflicts", "package_id"), ("conflicts", "reason"))


def record_columns(table: str) -> list[str]:
    return [f.name for f in fields(KINDS[table])]


def key_of(table: str) -> str:
    return _key(table)


def statements() -> list[str]:
    out = ["CREATE TABLE IF NOT EXISTS store_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)",
           "INSERT INTO store_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING"]
    for table in RECORD_TABLES:
        # quoted: interventions have a column "end", a reserved word in PostgreSQL
        cols = ", ".join(f'"{c}" TEXT' + (" PRIMARY KEY" if c == key_of(table) else "") for c in record_columns(table))
        out.append(f"CREATE TABLE IF NOT EXISTS hbim_{table} ({cols})")
        if table != "components":
            out.append(f"CREATE INDEX IF NOT EXISTS hbim_{table}_guid ON hbim_{table} (guid)")
    out += [
        """CREATE TABLE IF NOT EXISTS photos (sha256 TEXT PRIMARY KEY, name TEXT, guid TEXT, record_id TEXT,
           taken_at TEXT, lon {float}, lat {float}, size INTEGER, author TEXT, added_at TEXT)""",
        "CREATE TABLE IF NOT EXISTS photo_blobs (sha256 TEXT PRIMARY KEY, data {blob} NOT NULL)",
        """CREATE TABLE IF NOT EXISTS annotations (id TEXT PRIMARY KEY, guid TEXT, body TEXT NOT NULL,
           author TEXT, at TEXT)""",
        # which field edits (by outbox UUID) were applied, and how: what makes sync idempotent
        """CREATE TABLE IF NOT EXISTS sync_journal (edit_id TEXT PRIMARY KEY, package_id TEXT, outcome TEXT NOT NULL,
           detail TEXT, author TEXT, applied_at TEXT NOT NULL, version INTEGER NOT NULL)""",
        # every change to a record field at the centre: workstations follow it, reviewers read it
        """CREATE TABLE IF NOT EXISTS changes (seq {serial}, version INTEGER NOT NULL, at TEXT NOT NULL,
           author TEXT, tbl TEXT NOT NULL, key TEXT NOT NULL, field TEXT NOT NULL, old TEXT, new TEXT, source TEXT, session TEXT)""",
        """CREATE TABLE IF NOT EXISTS conflicts (id TEXT PRIMARY KEY, edit_id TEXT NOT NULL, tbl TEXT NOT NULL,
           key TEXT NOT NULL, field TEXT NOT NULL, base TEXT, field_value TEXT, store_value TEXT, author TEXT,
           team TEXT, device TEXT, edited_at TEXT, status TEXT NOT NULL DEFAULT 'open', resolved_value TEXT,
           resolved_by TEXT, resolved_at TEXT, package_id TEXT, reason TEXT)""",
        "CREATE INDEX IF NOT EXISTS conflicts_status ON conflicts (status)",
    ]
    return out
