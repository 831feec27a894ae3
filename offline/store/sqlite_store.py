"""The operations-centre store in one SQLite file: the default, for one workstation.

WAL + synchronous=FULL and ``BEGIN IMMEDIATE`` as for field edits (offline/hbim.py): a
sync's batch and its journal rows are one transaction, so a crash keeps all or none.
Other processes on the same file see changes by polling the change log (``wait``).
"""
from __future__ import annotations

import sqlite3
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from offline.guard import StoreRefused, check_store
from offline.store.base import Store

APPLICATION_ID = 0x534A4F50  # "SJOP": a Songjiang operations-centre store
OWN = {"hbim_*", "store_version", "schema_version", "restricted_tables", "photos", "photo_blobs", "annotations", "sync_journal", "changes", "conflicts",
       "observations", "latest", "observation_commits", "alarms", "alarm_events", "alarm_service"}


class SqliteStore(Store):
    def __init__(self, path):
        self.session = str(uuid.uuid4())
        self.path = Path(path)
        self.url = str(self.path)
        new = check_store(self.path, APPLICATION_ID, "operations-centre store", OWN)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            self.con.execute("PRAGMA journal_mode=WAL")
            self.con.execute("PRAGMA synchronous=FULL")
            self.con.execute("PRAGMA busy_timeout=10000")
            self.create()
            if new:
                self.con.execute(f"PRAGMA application_id={APPLICATION_ID}")
        except sqlite3.DatabaseError as exc:
            raise StoreRefused(f"{self.path}: cannot open operations-centre store ({exc})") from None
        self._seen = self.last_change()

    def q(self, sql: str, params=()):
        return self.con.execute(sql, tuple(params))

    def qmany(self, sql: str, rows):
        self.con.executemany(sql, rows)

    def has_table(self, name: str) -> bool:
        return self.q("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None

    @contextmanager
    def tx(self, what: str = "write to the store"):
        self.con.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.con.execute("COMMIT")
        except BaseException:
            if self.con.in_transaction:
                self.con.execute("ROLLBACK")
            raise

    def wait(self, timeout: float) -> list[dict]:
        """Changes other connections committed since the last call (polled every 20 ms)."""
        end = time.monotonic() + timeout
        while True:
            found = self._others_since()
            if found or time.monotonic() >= end:
                return found
            time.sleep(0.02)

    def reopen(self) -> "SqliteStore":
        """Another connection to the same store (for another thread)."""
        return SqliteStore(self.path)

    def close(self):
        self.con.close()
