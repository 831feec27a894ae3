"""What the operations centre changed since a store version: what ``package sync`` brings into a package.

The store already logs every change it commits in ``changes`` (the version of its transaction, the
table, the record's key, the field or "*" for the record itself): a workstation's edit, a field edit
a sync merged, a conflict settled, a photo or an annotation a sync brought. Versions are taken under
the one ``store_version`` row lock and held until commit, so once version N is read every change up
to N is committed: the changes in (base, N] are read, then the records, photos and annotations they
name as they stand now (a change committed in between is read again next time, and found the same).
Read only: the pull never writes to the store (a field-sync role may read all of this: roles.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from offline.store.schema import RECORD_TABLES, key_of

PHOTO_COLUMNS = ("sha256", "name", "guid", "record_id", "taken_at", "lon", "lat", "size")


@dataclass
class Delta:
    version: int                                        # the store version these changes lead up to
    fields: dict = field(default_factory=dict)          # (table, key) → names of the fields changed ("*": whole)
    rows: dict = field(default_factory=dict)            # (table, key) → the centre's record now (None: deleted)
    photos: dict = field(default_factory=dict)          # sha256 → the photo's metadata (no bytes)
    annotations: dict = field(default_factory=dict)     # id → {"guid", "body"} (None: deleted)
    conflicts: list = field(default_factory=list)       # this package's conflicts at the centre, any status


def _fetch(store, sql: str, keys: list) -> list[dict]:
    out = []
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        out += store._rows(sql.format(marks=", ".join("?" * len(chunk))), chunk)
    return out


def since(store, version: int, package_id: str) -> Delta:
    """The centre's changes after ``version``, and the conflicts it lists for ``package_id``."""
    delta = Delta(store.version())
    if version < delta.version:
        for tbl, key, name in store.q("SELECT tbl, key, field FROM changes WHERE version > ? AND version <= ? "
                                      "ORDER BY seq", (version, delta.version)).fetchall():
            delta.fields.setdefault((tbl, key), set()).add(name)
    keys: dict = {}
    for tbl, key in delta.fields:
        keys.setdefault(tbl, []).append(key)
    for tbl in RECORD_TABLES:
        wanted = sorted(keys.get(tbl, []))
        delta.rows.update({(tbl, k): None for k in wanted})
        for r in _fetch(store, f"SELECT * FROM hbim_{tbl} WHERE {key_of(tbl)} IN ({{marks}})", wanted):
            delta.rows[(tbl, r[key_of(tbl)])] = r
    for r in _fetch(store, f"SELECT {', '.join(PHOTO_COLUMNS)} FROM photos WHERE sha256 IN ({{marks}})",
                    sorted(keys.get("photos", []))):
        delta.photos[r["sha256"]] = r
    wanted = sorted(keys.get("annotations", []))
    delta.annotations = {k: None for k in wanted}
    for r in _fetch(store, "SELECT id, guid, body FROM annotations WHERE id IN ({marks})", wanted):
        delta.annotations[r["id"]] = {"guid": r["guid"], "body": r["body"]}
    if package_id:
        delta.conflicts = store._rows("SELECT id, edit_id, tbl, key, field, base, field_value, store_value, author, "
                                      "edited_at, status, reason FROM conflicts WHERE package_id = ? ORDER BY id", (package_id,))
    return delta
