"""The operations-centre store: one interface over SQLite (one workstation) and PostgreSQL.

Backends differ only in how they connect, open a write transaction, spell a few types
and tell other workstations (``notify``/``wait``); every query is written once here with
``?`` placeholders. Writers serialise on the one ``store_version`` row, whose number
counts committed changes: a field package records the version it was cut from.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from contextlib import contextmanager

from offline.field.annotations import OPS as ANNOTATION_OPS
from offline.field.journal import now
from offline.store.apply import Batch
from offline.store.merge import SETS, WHOLE, merge_set
from offline.store import quarantine
from offline.store import migrations
from offline.store.schema import RECORD_TABLES, key_of, record_columns


class Store:
    BACKEND = "sqlite"  # or "postgresql": the few places SQL differs by more than DIALECT (observations)
    url = ""
    session = ""  # one per open store: ``wait`` reports the changes of the others
    DIALECT = {"blob": "BLOB", "serial": "INTEGER PRIMARY KEY AUTOINCREMENT", "float": "REAL",
               "add_column": "ADD COLUMN"}

    # -- backend hooks -------------------------------------------------------------
    def q(self, sql: str, params=()):
        raise NotImplementedError

    def qmany(self, sql: str, rows):
        raise NotImplementedError

    @contextmanager
    def tx(self, what: str = "write to the store"):
        """One write transaction; ``what`` names it in a refusal (PostgreSQL: a role without the privilege)."""
        raise NotImplementedError

    def has_table(self, name: str) -> bool:
        raise NotImplementedError

    def lock_schema(self):
        """Inside a transaction: serialise schema migrations (SQLite's BEGIN IMMEDIATE already does)."""

    def migrate_backend(self):
        """The backend's own part of the schema (migration 2): PostgreSQL's PostGIS point; SQLite: none."""

    def notify(self, payload: str):
        """Tell other workstations (inside the write transaction); polling backends need nothing."""

    def close(self):
        raise NotImplementedError

    def reopen(self) -> "Store":
        raise NotImplementedError

    def wait(self, timeout: float) -> list[dict]:
        """Changes other connections committed since the last call, waiting up to ``timeout`` s for one."""
        raise NotImplementedError

    def create(self):
        """Bring the schema to the latest version (offline/store/migrations.py); a no-op when it is there."""
        migrations.migrate(self)

    # -- reading -------------------------------------------------------------------
    def version(self) -> int:
        return int(self.q("SELECT version FROM store_version WHERE id = 1").fetchone()[0])

    def _rows(self, sql, params=()) -> list[dict]:
        cur = self.q(sql, params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def get(self, table: str, key: str, lock: bool = False) -> dict | None:
        rows = self._rows(f"SELECT * FROM hbim_{table} WHERE {key_of(table)} = ?" + (self.LOCK if lock else ""), (key,))
        return rows[0] if rows else None

    LOCK = ""  # PostgreSQL: " FOR UPDATE" (SQLite's BEGIN IMMEDIATE already holds the whole file)

    def records(self, table: str) -> list[dict]:
        return self._rows(f"SELECT * FROM hbim_{table} ORDER BY {key_of(table)}")

    def applied(self, edit_ids) -> dict:
        """edit UUID → outcome, for those of ``edit_ids`` the journal holds."""
        out, ids = {}, list(edit_ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.update(self.q(f"SELECT edit_id, outcome FROM sync_journal WHERE edit_id IN "
                              f"({', '.join('?' * len(chunk))})", chunk).fetchall())
        return out

    def conflicts(self, status: str = "open") -> list[dict]:
        rows = self._rows("SELECT * FROM conflicts WHERE status = ? ORDER BY edited_at, id", (status,))
        for r in rows:
            for k in ("base", "field_value", "store_value", "resolved_value"):
                r[k] = json.loads(r[k]) if r[k] is not None else None
        return rows

    def changes_since(self, seq: int) -> list[dict]:
        return self._rows("SELECT * FROM changes WHERE seq > ? ORDER BY seq", (seq,))

    def _others_since(self) -> list[dict]:
        """What other workstations changed since the last look (this one's own edits are skipped)."""
        found = self.changes_since(self._seen)
        if found:
            self._seen = found[-1]["seq"]
        return [c for c in found if c["session"] != self.session]

    def last_change(self) -> int:
        return int(self.q("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0])

    def photo(self, sha256: str) -> bytes | None:
        row = self.q("SELECT data FROM photo_blobs WHERE sha256 = ?", (sha256,)).fetchone()
        return bytes(row[0]) if row else None

    # -- writing -------------------------------------------------------------------
    def _bump(self) -> int:
        self.q("UPDATE store_version SET version = version + 1 WHERE id = 1")
        return self.version()

    def _write(self, table: str, key: str, row: dict | None):
        if row is None:
            self.q(f"DELETE FROM hbim_{table} WHERE {key_of(table)} = ?", (key,))
            return
        cols = [c for c in record_columns(table) if c in row]
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in cols if c != key_of(table))
        quoted = ", ".join(f'"{c}"' for c in cols)
        self.q(f"INSERT INTO hbim_{table} ({quoted}) VALUES ({', '.join('?' * len(cols))}) "
               f"ON CONFLICT ({key_of(table)}) DO " + (f"UPDATE SET {updates}" if updates else "NOTHING"),
               [row[c] for c in cols])

    LOG_SQL = ("INSERT INTO changes (version, at, author, tbl, key, field, old, new, source, session) VALUES "
               "(?,?,?,?,?,?,?,?,?,?)")

    def log_row(self, version, author, table, key, name, old, new, source) -> tuple:
        return (version, now(), author, table, key, name, None if old is None else json.dumps(old, ensure_ascii=False),
                None if new is None else json.dumps(new, ensure_ascii=False), source, self.session)

    def _log(self, *args):
        self.q(self.LOG_SQL, self.log_row(*args))

    def put(self, table: str, row: dict, author: str, source: str = "workstation") -> int:
        """A workstation's edit of one record (fields as text); returns the store version."""
        with self.tx("edit HBIM records"):
            key = row[key_of(table)]
            version = self._bump()  # first, as a sync does: one lock order, no deadlock between the two
            current = self.get(table, key, lock=True)
            merged = {**(current or {}), **row}
            self._write(table, key, merged)
            for name in sorted(row):
                if current is None or current.get(name) != row[name]:
                    self._log(version, author, table, key, name, (current or {}).get(name), row[name], source)
            self.notify(f"{table}:{key}")
        return version

    def delete(self, table: str, key: str, author: str) -> int:
        with self.tx("edit HBIM records"):
            version = self._bump()
            current = self.get(table, key, lock=True)
            if current is not None:
                self._write(table, key, None)
                self._log(version, author, table, key, WHOLE, current, None, "workstation")
                self.notify(f"{table}:{key}")
        return version

    def import_rows(self, table: str, rows: list[dict]):
        """The starting records (not logged as changes): e.g. seeded from the HBIM models."""
        with self.tx("add records to the store"):
            for row in rows:
                self._write(table, row[key_of(table)], row)
            self._bump()

    def initialise(self, rows: dict, force: bool = False) -> int:
        """Fill a new store (version 0) with the records packages are cut from; returns the rows added.

        Checked and done in one write transaction (the version row locked), so two workstations
        opening one new store fill it once. A record the centre already holds, or one its change
        log names (deleted or changed here), is never touched: ``force`` (``store init``) may so
        fill a store that has been written to, without undoing what the centre did.
        """
        added = 0
        with self.tx("add records to the store"):
            if int(self.q("SELECT version FROM store_version WHERE id = 1" + self.LOCK).fetchone()[0]) and not force:
                return 0
            known = {(t, k) for t, k in self.q("SELECT DISTINCT tbl, key FROM changes").fetchall()}
            for table, table_rows in rows.items():
                key = key_of(table)
                have = {r[0] for r in self.q(f"SELECT {key} FROM hbim_{table}").fetchall()}
                new = [r for r in table_rows if r[key] not in have and (table, r[key]) not in known]
                cols = record_columns(table)
                quoted = ", ".join(f'"{c}"' for c in cols)
                if new:
                    self.qmany(f"INSERT INTO hbim_{table} ({quoted}) VALUES ({', '.join('?' * len(cols))}) "
                               f"ON CONFLICT ({key}) DO NOTHING", [[r.get(c) for c in cols] for r in new])
                added += len(new)
            if added or not self.version():
                self._bump()
                self.notify("initialised")
        return added

    def put_annotation(self, body: dict, author: str, guid: str = "", ident: str | None = None) -> str:
        """A workstation's annotation, logged as a change (packages of its component bring it in at sync)."""
        ident = ident or str(uuid.uuid4())
        with self.tx("add annotations"):
            version = self._bump()
            rows = self._rows("SELECT body FROM annotations WHERE id = ?" + self.LOCK, (ident,))
            self._log(version, author, "annotations", ident, WHOLE, json.loads(rows[0]["body"]) if rows else None,
                      body, "workstation")
            self.q("INSERT INTO annotations (id, guid, body, author, at) VALUES (?,?,?,?,?) ON CONFLICT (id) DO "
                   "UPDATE SET body = excluded.body, author = excluded.author, at = excluded.at",
                   (ident, guid, json.dumps(body, ensure_ascii=False), author, now()))
            self.notify(f"annotations:{ident}")
        return ident

    def annotations(self) -> list[dict]:
        return [{**r, "body": json.loads(r["body"])} for r in self._rows("SELECT * FROM annotations ORDER BY at, id")]

    # -- field edits (sync.py) -----------------------------------------------------
    def apply_edits(self, edits: list[dict], photos: dict, package_id: str, quarantined=()) -> dict:
        """Merge outbox rows into the store in ONE transaction, with their journal rows.

        ``photos``: sha256 → bytes for the batch's photo edits, verified here before commit.
        Edits the journal already holds are skipped (idempotent). ``quarantined``: the batch's
        damaged rows (offline.field.outbox.quarantined), queued in the conflict list, not merged
        and not journalled (a repaired row can still be applied). Returns UUID → outcome.
        """
        out = {}
        with self.tx("submit field edits (sync)"):
            done = self.applied(e["uuid"] for e in edits)
            pending = [e for e in edits if e["uuid"] not in done]
            # a repeated sync changes nothing
            version = self._bump() if pending or quarantined else self.version()
            batch = Batch(self, version, package_id)
            batch.prefetch(pending)
            journal = []
            for e in edits:
                if e["uuid"] in done:
                    out[e["uuid"]] = "already"
                    continue
                if e["op"] == "photo":
                    outcome, detail = self._photo(e, photos, version)
                elif e["op"] in ANNOTATION_OPS:
                    outcome, detail = self._annotation(e, version)
                else:
                    outcome, detail = batch.merge(e)
                journal.append((e["uuid"], package_id, outcome, json.dumps(detail), e["author"], now(), version))
                out[e["uuid"]] = outcome
            batch.flush()
            quarantine.add(self, list(quarantined), package_id)  # the centre's records as this batch leaves them
            quarantine.close(self, pending)
            if journal:
                self.qmany("INSERT INTO sync_journal (edit_id, package_id, outcome, detail, author, applied_at, "
                           "version) VALUES (?,?,?,?,?,?,?)", journal)
            if journal or quarantined:
                self.notify(f"sync:{package_id}")
        return out

    def _photo(self, e: dict, photos: dict, version: int):
        meta = json.loads(e["after"])
        sha = e["key"]
        data = photos.get(sha)
        if data is None or hashlib.sha256(data).hexdigest() != sha:
            raise ValueError(f"photo {meta.get('name') or sha}: its bytes do not match SHA-256 {sha}")
        self.q("INSERT INTO photo_blobs (sha256, data) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING", (sha, data))
        stored = self.photo(sha)
        if stored is None or hashlib.sha256(stored).hexdigest() != sha:  # verified before the commit
            raise ValueError(f"photo {meta.get('name') or sha}: the store holds different bytes under {sha}")
        self.q("INSERT INTO photos (sha256, name, guid, record_id, taken_at, lon, lat, size, author, added_at) "
               "VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (sha256) DO NOTHING",
               (sha, meta.get("name"), meta.get("guid"), meta.get("record_id"), meta.get("taken_at"),
                meta.get("lon"), meta.get("lat"), len(data), e["author"], now()))
        self._log(version, e["author"], "photos", sha, WHOLE, None, meta, e["uuid"])
        return "applied", {"applied": [WHOLE]}

    def _annotation(self, e: dict, version: int):
        """A field annotation placed, changed or deleted: the package's author owns it, so it is applied as sent
        (with its GlobalId); the change log keeps what it replaced."""
        key, after = e["key"], json.loads(e["after"]) if e["after"] else None
        rows = self._rows("SELECT body FROM annotations WHERE id = ?" + self.LOCK, (key,))
        current = json.loads(rows[0]["body"]) if rows else None
        if current == after:
            return "same", {"same": [WHOLE]}
        if after is None:
            self.q("DELETE FROM annotations WHERE id = ?", (key,))
        else:
            self.q("INSERT INTO annotations (id, guid, body, author, at) VALUES (?,?,?,?,?) ON CONFLICT (id) DO "
                   "UPDATE SET guid = excluded.guid, body = excluded.body, author = excluded.author, at = excluded.at",
                   (key, after.get("anchor") or "", json.dumps(after, ensure_ascii=False), e["author"], e["at"]))
        self._log(version, e["author"], "annotations", key, WHOLE, current, after, e["uuid"])
        return "applied", {"applied": [WHOLE]}

    def resolve(self, conflict_id: str, value, author: str) -> int:
        """Settle a conflict with ``value`` (a field's text; for "*" a whole row or None), as a journalled change."""
        with self.tx("resolve conflicts"):
            version = self._bump()
            rows = self._rows("SELECT * FROM conflicts WHERE id = ?" + self.LOCK, (conflict_id,))
            if not rows or rows[0]["status"] != "open":
                raise KeyError(f"conflict {conflict_id} is not open")
            c = rows[0]
            if c["field"] == quarantine.QUARANTINED:  # a damaged row's table is trusted only once checked there
                quarantine.settle(self, c, value, version, author)
            else:
                self._settle(c, value, version, author)
            self.q("UPDATE conflicts SET status = 'resolved', resolved_value = ?, resolved_by = ?, resolved_at = ? "
                   "WHERE id = ?", (json.dumps(value, ensure_ascii=False), author, now(), conflict_id))
            self.notify(f"{c['tbl']}:{c['key']}")
        return version

    def _settle(self, c: dict, value, version: int, author: str):
        current = self.get(c["tbl"], c["key"], lock=True)
        if c["field"] == WHOLE:
            self._write(c["tbl"], c["key"], value)
            self._log(version, author, c["tbl"], c["key"], WHOLE, current, value, f"conflict:{c['id']}")
        elif current is not None:
            if c["field"] in SETS:  # a set queued before sets merged (or edited): its items join the centre's
                base = json.loads(c["base"]) if c["base"] is not None else None  # the row as stored: JSON text
                value = merge_set(base, value, current.get(c["field"])) or value
            self._write(c["tbl"], c["key"], {**current, c["field"]: value})
            self._log(version, author, c["tbl"], c["key"], c["field"], current.get(c["field"]), value,
                      f"conflict:{c['id']}")


__all__ = ["Store", "RECORD_TABLES"]
