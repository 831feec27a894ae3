"""Sync a field package's outbox into the operations-centre store, resumably and idempotently.

In batches, oldest edit first: (1) read the batch and its photos from the package, checking
each photo against its SHA-256; (2) the store merges the batch and journals every edit UUID
in ONE transaction (``Store.apply_edits``); (3) only after that commit, the package records
the batch's UUIDs in ``field_sync``. A kill between (2) and (3) leaves edits the store has
already journalled: the next run finds them there and only marks them. Nothing else in the
package is ever written, so a failed sync cannot lose a surveyor's work (Mergin #2382).
"""
from __future__ import annotations

import hashlib
import logging
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from offline.field.annotations import OPS as ANNOTATION_OPS
from offline.field.journal import now
from offline.guard import StoreRefused

log = logging.getLogger(__name__)
BATCH = 250


@dataclass
class SyncReport:
    package: str
    store: str
    outcomes: dict = field(default_factory=dict)  # outcome → count
    photos: int = 0
    annotations: int = 0

    def add(self, outcomes: dict):
        for o in outcomes.values():
            self.outcomes[o] = self.outcomes.get(o, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())

    def to_dict(self) -> dict:
        return {"package": self.package, "store": self.store, "edits": self.total, "photos": self.photos,
                "annotations": self.annotations,
                **{k: self.outcomes.get(k, 0) for k in ("applied", "same", "partial", "conflict", "already")}}


def _open(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: field package not found")  # a usage error (exit 2), not damage
    con = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    try:
        con.execute("PRAGMA busy_timeout=10000")
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        con.close()
        raise StoreRefused(f"{path}: damaged field package ({exc})") from None
    if "package_meta" not in tables:
        con.close()
        raise StoreRefused(f"{path}: not a field package (no package_meta table)")
    if "field_outbox" not in tables:  # never edited: nothing to send
        con.close()
        return None
    return con


def pending(con: sqlite3.Connection, limit: int) -> list[dict]:
    cur = con.execute("SELECT * FROM field_outbox WHERE uuid NOT IN (SELECT uuid FROM field_sync) "
                      "ORDER BY seq LIMIT ?", (limit,))
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def sync(package, store, batch: int = BATCH, progress=None) -> SyncReport:
    """Send every edit not yet acknowledged; ``progress(done, total)`` after each batch."""
    path = Path(package)
    report = SyncReport(str(path), store.url)
    con = _open(path)
    if con is None:
        return report
    try:
        with _damaged(path):
            package_id = dict(con.execute("SELECT key, value FROM package_meta").fetchall()).get("package_id", "")
            total = con.execute("SELECT COUNT(*) FROM field_outbox WHERE uuid NOT IN "
                                "(SELECT uuid FROM field_sync)").fetchone()[0]
        while True:
            with _damaged(path):
                edits = pending(con, batch)
                photos = _photos(con, path, [e["key"] for e in edits if e["op"] == "photo"])
            if not edits:
                break
            outcomes = store.apply_edits(edits, photos, package_id)  # the store commits here
            with _damaged(path):  # and only now does the package learn of it
                con.execute("BEGIN IMMEDIATE")
                con.executemany("INSERT OR IGNORE INTO field_sync (uuid, synced_at, outcome, store) VALUES "
                                "(?,?,?,?)", [(u, now(), o, store.url) for u, o in outcomes.items()])
                con.execute("COMMIT")
            report.add(outcomes)
            report.photos += sum(1 for e in edits if e["op"] == "photo" and outcomes[e["uuid"]] != "already")
            report.annotations += sum(1 for e in edits if e["op"] in ANNOTATION_OPS
                                      and outcomes[e["uuid"]] not in ("already", "same"))
            if progress:
                progress(report.total, total)
    finally:
        con.close()
    log.info("synced %s into %s: %s", path, store.url, report.to_dict())
    return report


@contextmanager
def _damaged(path: Path):
    """SQLite errors reading or marking the package name the package (the store's have their own)."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise StoreRefused(f"{path}: damaged field package ({exc})") from None


def _photos(con, path: Path, shas: list[str]) -> dict:
    out = {}
    for sha in shas:
        row = con.execute("SELECT data FROM field_photos WHERE sha256 = ?", (sha,)).fetchone()
        if row is None or hashlib.sha256(row[0]).hexdigest() != sha:
            raise StoreRefused(f"{path}: photo {sha[:12]}… is missing or damaged in the package; nothing of it "
                               "was sent")
        out[sha] = bytes(row[0])
    return out
