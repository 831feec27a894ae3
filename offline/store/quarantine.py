"""Quarantined field edits in the store: a damaged outbox row kept for a person, never merged.

Sync (offline/store/sync.py) stops an outbox row that fails its checks (offline/field/outbox.py:
its SHA-256, JSON, fields, operation, table) and sends what it could read of it here, in the
batch's transaction. It becomes an entry in the conflict list with the field ``quarantined``,
the package id, the edit's UUID and the reason; its "field value" is the row's ``after`` (the
record if it still parses, else the text as read), its "store value" the record the centre
holds. Resolving it (``Store.resolve``) with a record of that table writes the record whole, as
for a whole-record conflict; with the centre's own record nothing changes. An entry naming no
record (a damaged photo, an unknown table) is only marked decided. When the row later arrives
intact (restored in the package), it is merged like any edit and its entry is settled by sync.
"""
from __future__ import annotations

import json
import uuid

from offline.field.journal import now
from offline.store.apply import CONFLICT_NS, CONFLICT_SQL
from offline.store.merge import WHOLE
from offline.store.schema import RECORD_TABLES, key_of, record_columns

QUARANTINED = "quarantined"  # the conflict's field: not a record's field, nor "*"


def _text(value) -> str:
    return "" if value is None else str(value)


def _loose(text):
    """A JSON text parsed when it is a record, else kept as the text it is (None stays None)."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return text
    return value if isinstance(value, dict) else text


def conflict_row(store, q: dict, package_id: str) -> tuple:
    """The conflicts row for ``q`` (offline.field.outbox.quarantined), with the centre's record when it names one."""
    table, key = _text(q["tbl"]), _text(q["key"])
    current = store.get(table, key) if table in RECORD_TABLES and key else None
    # the same damaged row sent twice (a sync killed before the package heard) is one entry
    ident = str(uuid.uuid5(CONFLICT_NS, f"{package_id}/{q['uuid']}/{q['fingerprint']}/{QUARANTINED}"))
    dumps = (lambda v: None if v is None else json.dumps(v, ensure_ascii=False))
    return (ident, q["uuid"], table, key, QUARANTINED, dumps(_loose(q["before"])), dumps(_loose(q["after"])),
            dumps(current), _text(q["author"]), q["team"] if isinstance(q["team"], str) else None,
            q["device"] if isinstance(q["device"], str) else None, _text(q["at"]), package_id, q["reason"])


def add(store, entries: list[dict], package_id: str):
    if entries:
        store.qmany(CONFLICT_SQL, [conflict_row(store, q, package_id) for q in entries])


def close(store, edits: list[dict]):
    """Edits quarantined before that now arrived intact (repaired in the package): their entries are settled.

    Left open, the entry would offer the damaged value over what the edit itself just wrote.
    """
    ids = [e["uuid"] for e in edits if e.get("synced_outcome") == QUARANTINED]
    if ids:
        store.q(f"UPDATE conflicts SET status = 'resolved', resolved_by = 'sync', resolved_at = ? WHERE field = ? "
                f"AND status = 'open' AND edit_id IN ({', '.join('?' * len(ids))})", (now(), QUARANTINED, *ids))


def settle(store, c: dict, value, version: int, author: str):
    """A person's decision on a quarantined edit (inside ``Store.resolve``'s transaction)."""
    table, key = c["tbl"], c["key"]
    if table not in RECORD_TABLES:
        return  # a damaged photo or an edit naming no record: the decision is all there is to keep
    current = store.get(table, key, lock=True)
    if value == current:
        return
    if value is not None and not (isinstance(value, dict) and value.get(key_of(table)) == key
                                  and set(value) <= set(record_columns(table))
                                  and all(v is None or isinstance(v, str) for v in value.values())):
        raise ValueError(f"conflict {c['id']}: the value is not a record of {table} {key}")
    store._write(table, key, value)
    store._log(version, author, table, key, WHOLE, current, value, f"conflict:{c['id']}")
