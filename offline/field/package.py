"""Editing a field package's HBIM records: the same HbimStore, with the field journal on.

A package (one GeoPackage, the part-A contract) holds ``hbim_*`` tables and
``package_meta``; opened here, every put/delete/undo also writes its outbox row in the
same transaction (offline/field/journal.py), signed with this machine's field profile.
"""
from __future__ import annotations

from pathlib import Path

from offline.field import profile as profiles
from offline.field.journal import FieldJournal
from offline.hbim import HbimStore


def is_package(path) -> bool:
    """A GeoPackage with package_meta: what ``open_package`` opens (read-only look, nothing written)."""
    from offline.package.verify import is_package as looks_like_one
    return looks_like_one(path)


def open_package(path, undo_stack=None, profile: profiles.FieldProfile | None = None) -> HbimStore:
    """The package half of the one opener (call ``offline.records.open_records``, which decides by the file):
    writable and journalled; refused (StoreRefused, nothing written) unless the package passes every
    check of ``package verify`` (FieldJournal.check runs them before HbimStore writes)."""
    return HbimStore(path, undo_stack, journal=FieldJournal(profile))


def outbox(store: HbimStore) -> list[dict]:
    """The package's outbox, oldest first (what sync sends), with whether each edit was acknowledged."""
    cur = store.db.execute("SELECT o.*, s.outcome AS synced FROM field_outbox o LEFT JOIN field_sync s "
                           "ON s.uuid = o.uuid ORDER BY o.seq")
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]
