"""One sync batch inside the store's transaction: each record read once, written once.

Reading every record a batch touches in one query per table (``FOR UPDATE`` on
PostgreSQL), merging in memory — later edits of a batch see the earlier ones — and
writing with ``executemany`` turns five round trips per edit into a handful per batch,
which is what a PostgreSQL store across a network needs. The merge rule itself is
``merge.merge``; what is logged is the same as for a workstation's edit.
"""
from __future__ import annotations

import json
import uuid

from offline.store.merge import WHOLE, merge
from offline.store.schema import RECORD_TABLES, key_of, record_columns

CONFLICT_NS = uuid.UUID("5b0c6c1e-9d1f-4d49-8a55-6a0e3f1c2b7a")
CONFLICT_SQL = ("INSERT INTO conflicts (id, edit_id, tbl, key, field, base, field_value, store_value, author, team, "
                "device, edited_at, package_id, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT (id) DO NOTHING")


def _json(v):
    return None if v is None else json.dumps(v, ensure_ascii=False)


class Batch:
    def __init__(self, store, version: int, package_id: str = ""):
        self.store, self.version, self.package_id = store, version, package_id
        self.rows: dict = {}   # (table, key) → the record as it stands in this transaction (None: absent)
        self.dirty: set = set()
        self.logs: list = []
        self.conflicts: list = []

    def prefetch(self, edits: list[dict]):
        wanted: dict = {}
        for e in edits:
            if e["tbl"] in RECORD_TABLES:  # photos and annotations are not HBIM records
                wanted.setdefault(e["tbl"], set()).add(e["key"])
        for table, keys in wanted.items():
            keys = sorted(keys)
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                found = self.store._rows(f"SELECT * FROM hbim_{table} WHERE {key_of(table)} IN "
                                         f"({', '.join('?' * len(chunk))})" + self.store.LOCK, chunk)
                self.rows.update({(table, k): None for k in chunk})
                self.rows.update({(table, r[key_of(table)]): r for r in found})

    def merge(self, e: dict):
        table, key = e["tbl"], e["key"]
        before = json.loads(e["before"]) if e["before"] else None
        after = json.loads(e["after"]) if e["after"] else None
        current = self.rows.get((table, key))
        m = merge(current, before, after)
        if m.write:
            self.rows[(table, key)] = m.row
            self.dirty.add((table, key))
            for name in m.applied:
                old = current if name == WHOLE else (current or {}).get(name)
                new = m.row if name == WHOLE else m.row[name]
                self.logs.append(self.store.log_row(self.version, e["author"], table, key, name, old, new, e["uuid"]))
        for name, base, mine, theirs in m.conflicts:
            self.conflicts.append((str(uuid.uuid5(CONFLICT_NS, f"{e['uuid']}/{name}")), e["uuid"], table, key, name,
                                   _json(base), _json(mine), _json(theirs), e["author"], e.get("team"),
                                   e.get("device"), e["at"], self.package_id, None))
        outcome = "conflict" if m.conflicts and not m.applied else "partial" if m.conflicts else \
            "applied" if m.applied else "same"
        return outcome, {"applied": m.applied, "same": m.same, "conflicts": [c[0] for c in m.conflicts]}

    def flush(self):
        by_table: dict = {}
        for table, key in sorted(self.dirty):
            row = self.rows[(table, key)]
            if row is None:
                self.store.q(f"DELETE FROM hbim_{table} WHERE {key_of(table)} = ?", (key,))
            else:
                by_table.setdefault(table, []).append(row)
        for table, rows in by_table.items():
            cols = record_columns(table)
            quoted = ", ".join(f'"{c}"' for c in cols)  # "end" is a reserved word in PostgreSQL
            updates = ", ".join(f'"{c}" = excluded."{c}"' for c in cols if c != key_of(table))
            self.store.qmany(f"INSERT INTO hbim_{table} ({quoted}) VALUES ({', '.join('?' * len(cols))}) "
                             f"ON CONFLICT ({key_of(table)}) DO UPDATE SET {updates}",
                             [[r.get(c) for c in cols] for r in rows])
        if self.logs:
            self.store.qmany(self.store.LOG_SQL, self.logs)
        if self.conflicts:
            self.store.qmany(CONFLICT_SQL, self.conflicts)
