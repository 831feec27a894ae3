"""Editing a field package's HBIM records: the same HbimStore, with the field journal on.

A package (one GeoPackage, the part-A contract) holds ``hbim_*`` tables and
``package_meta``; opened here, every put/delete/undo also writes its outbox row in the
same transaction (offline/field/journal.py), signed with this machine's field profile.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from offline.field import profile as profiles
from offline.field.journal import GPKG_IDS, FieldJournal
from offline.hbim import HbimStore


def is_package(path) -> bool:
    """A GeoPackage with package_meta: what ``open_package`` opens (read-only look, nothing written)."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size < 100:
        return False
    try:
        con = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            meta = con.execute("SELECT 1 FROM sqlite_master WHERE name='package_meta'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return app_id in GPKG_IDS and bool(meta)


def open_package(path, undo_stack=None, profile: profiles.FieldProfile | None = None) -> HbimStore:
    """The package half of the one opener: call ``offline.records.open_records``, which decides by the file."""
    return HbimStore(path, undo_stack, journal=FieldJournal(profile or profiles.load()))


def outbox(store: HbimStore) -> list[dict]:
    """The package's outbox, oldest first (what sync sends), with whether each edit was acknowledged."""
    cur = store.db.execute("SELECT o.*, s.outcome AS synced FROM field_outbox o LEFT JOIN field_sync s "
                           "ON s.uuid = o.uuid ORDER BY o.seq")
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]
