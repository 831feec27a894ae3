"""Sync a field package's outbox into the operations-centre store, resumably and idempotently.

In batches, oldest edit first: (1) read the batch and its photos from the package, checking
each row (its own SHA-256 and its form, offline/field/outbox.py) and each photo against its
SHA-256; (2) the store merges the sound rows, journals their UUIDs and queues the damaged
ones in its conflict list (quarantined, never merged) in ONE transaction
(``Store.apply_edits``); (3) only after that commit, the package records the batch's UUIDs in
``field_sync`` (a damaged row as "quarantined", so it is not sent again). A kill between (2)
and (3) leaves edits the store has already journalled: the next run finds them there and only
marks them. Before the first batch, edits other tools made (QGIS, QField…: captured by the
package's triggers, offline/package/capture.py) are turned into outbox rows in one transaction
(offline/field/drain.py). Then (4) the centre's changes since the package's base version come
back into the package in one transaction of its own (offline/store/pull.py: records merged field
by field, photos, annotations, the conflict list and the new base version). Nothing else in the
package is ever written, so a failed sync cannot lose a surveyor's work (Mergin #2382).
"""
from __future__ import annotations

import hashlib
import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from offline.field import outbox
from offline.field.annotations import OPS as ANNOTATION_OPS
from offline.field.journal import now, take_captured
from offline.guard import StoreRefused
from offline.store.pull import Pulled, damaged as _damaged, pull

log = logging.getLogger(__name__)
BATCH = 250
OUTCOMES = ("applied", "same", "partial", "conflict", "already", "quarantined")


@dataclass
class SyncReport:
    package: str
    store: str
    outcomes: dict = field(default_factory=dict)  # outcome → count
    photos: int = 0
    quarantined: list = field(default_factory=list)  # (edit UUID as read, reason) of each damaged row stopped
    annotations: int = 0
    received: Pulled = field(default_factory=Pulled)  # what the centre's changes brought into the package

    def add(self, outcomes: dict):
        for o in outcomes.values():
            self.outcomes[o] = self.outcomes.get(o, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())

    def to_dict(self) -> dict:
        return {"package": self.package, "store": self.store, "edits": self.total, "photos": self.photos,
                "annotations": self.annotations,
                **{k: self.outcomes.get(k, 0) for k in OUTCOMES}, "received": self.received.to_dict()}

    def lines(self) -> list[str]:
        """One line per quarantined edit, naming the package and the edit (English; localized at the edge)."""
        return [f"{self.package}: edit {edit or '(no UUID)'} quarantined ({why}); it waits in the store's conflict "
                "list" for edit, why in self.quarantined]


def check_package(path) -> dict:
    """Every check of ``package verify`` (StoreRefused names the file and the check); a missing file is
    FileNotFoundError, a usage error. Runs before the package or the store is opened for writing."""
    from offline.package import open_package
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: field package not found")  # a usage error (exit 2), not damage
    return open_package(path)


def _open(path: Path) -> sqlite3.Connection:
    check_package(path)
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
    try:
        if take_captured(con):  # other tools' edits (QGIS, QField…) join the outbox first
            tables.add("field_outbox")
    except sqlite3.DatabaseError as exc:
        con.close()
        raise StoreRefused(f"{path}: damaged field package ({exc})") from None
    if "field_outbox" not in tables:  # never edited: nothing to send
        con.close()
        return None
    return con


def pending(con: sqlite3.Connection, after: int, limit: int) -> list[dict]:
    """Outbox rows after seq ``after``, oldest first, not acknowledged yet or quarantined before.

    A quarantined row is read again at every sync: still damaged it stays where it is (not sent
    again); repaired (it passes every check, e.g. restored from a backup) it is sent like any other.
    Text that is not UTF-8 is read as it is (surrogates) for ``outbox.problem`` to name.
    """
    factory, con.text_factory = con.text_factory, outbox.decode
    try:
        cur = con.execute(f"SELECT * FROM ({CANDIDATES}) WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit))
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        con.text_factory = factory


# "IS": a damaged row's uuid may be NULL, and its quarantine mark is found all the same
CANDIDATES = ("SELECT o.*, (SELECT s.outcome FROM field_sync s WHERE s.uuid IS o.uuid LIMIT 1) AS synced_outcome "
              "FROM field_outbox o WHERE synced_outcome IS NULL OR synced_outcome = 'quarantined'")
MARK = ("INSERT INTO field_sync (uuid, synced_at, outcome, store) VALUES (?,?,?,?) ON CONFLICT (uuid) DO UPDATE SET "
        "synced_at = excluded.synced_at, outcome = excluded.outcome, store = excluded.store "
        "WHERE field_sync.outcome = 'quarantined'")  # a repaired row's mark replaces its quarantine
# copied from the row itself, so whatever its uuid holds (text, a blob, NULL) is what pending() compares
MARK_QUARANTINED = ("INSERT INTO field_sync (uuid, synced_at, outcome, store) SELECT uuid, ?, 'quarantined', ? "
                    "FROM field_outbox WHERE seq = ? ON CONFLICT (uuid) DO NOTHING")


def sync(package, store, batch: int = BATCH, progress=None) -> SyncReport:
    """Send every edit not yet acknowledged, then bring the centre's changes since the package's base
    version into the package (offline/store/pull.py); ``progress(done, total)`` after each batch.

    A row that fails its checks (offline/field/outbox.py), or a photo whose bytes do not match
    their SHA-256, is quarantined: not merged, queued in the store's conflict list with the
    package id and the edit's UUID, marked ``quarantined`` in the package, named in
    ``SyncReport.quarantined``; the rest of the package syncs.
    """
    path = Path(package)
    report = SyncReport(str(path), store.url)
    con = _open(path)
    if con is not None:  # None: never edited, nothing to send
        try:
            _push(path, con, store, report, batch, progress)
        finally:
            con.close()
    report.received = pull(path, store)  # after the push: the centre has merged what the package sent
    for line in report.lines():
        log.info("%s", line)
    log.info("synced %s into %s: %s", path, store.url, report.to_dict())
    return report


def _push(path: Path, con, store, report: SyncReport, batch: int, progress):
    with _damaged(path):
        package_id = dict(con.execute("SELECT key, value FROM package_meta").fetchall()).get("package_id", "")
        total = con.execute(f"SELECT COUNT(*) FROM ({CANDIDATES})").fetchone()[0]
    seq, done = -(2 ** 63), 0
    while True:
        with _damaged(path):
            rows = pending(con, seq, batch)
            edits, damaged, photos = _sort(con, rows)
        if not rows:
            break
        seq, done = rows[-1]["seq"], done + len(rows)
        if edits or damaged:
            stopped = [outbox.quarantined(r, why) for r, why in damaged]
            outcomes = store.apply_edits(edits, photos, package_id, stopped)  # the store commits here
            with _damaged(path):  # and only now does the package learn of it
                con.execute("BEGIN IMMEDIATE")
                con.executemany(MARK, [(u, now(), o, store.url) for u, o in outcomes.items()])
                con.executemany(MARK_QUARANTINED, [(now(), store.url, r["seq"]) for r, _ in damaged])
                con.execute("COMMIT")
            report.add(outcomes)
            report.outcomes["quarantined"] = report.outcomes.get("quarantined", 0) + len(stopped)
            report.quarantined += [(q["uuid"], q["reason"]) for q in stopped]
            report.photos += sum(1 for e in edits if e["op"] == "photo" and outcomes[e["uuid"]] != "already")
            report.annotations += sum(1 for e in edits if e["op"] in ANNOTATION_OPS
                                      and outcomes[e["uuid"]] not in ("already", "same"))
        if progress:
            progress(done, total)


def _sort(con, rows: list[dict]):
    """The rows to send, the damaged ones to quarantine (row, reason), and the photos' bytes."""
    edits, damaged = [], []
    for r in rows:
        why = outbox.problem(r)
        if why is None:
            edits.append(r)
        elif r["synced_outcome"] != "quarantined":  # one quarantined before stays in the conflict list
            damaged.append((r, why))
    photos = _photos(con, [e["key"] for e in edits if e["op"] == "photo"])
    for e in [e for e in edits if e["op"] == "photo" and e["key"] not in photos]:
        edits.remove(e)
        if e["synced_outcome"] != "quarantined":
            damaged.append((e, "the photo's bytes are missing or do not match its SHA-256"))
    damaged.sort(key=lambda d: d[0]["seq"])
    return edits, damaged, photos


def _photos(con, shas: list[str]) -> dict:
    """sha256 → bytes of the photos that are in the package and match their SHA-256 (the others are left out)."""
    out = {}
    for sha in shas:
        row = con.execute("SELECT data FROM field_photos WHERE sha256 = ?", (sha,)).fetchone()
        if row is not None and isinstance(row[0], bytes) and hashlib.sha256(row[0]).hexdigest() == sha:
            out[sha] = bytes(row[0])
    return out
