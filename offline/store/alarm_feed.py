"""The stored readings in the one order the alarm service evaluates them (offline/store/alarms_schema.py).

Order: the commit number of the transaction that stored them (``observations.tx``), then phenomenon
time, then Datastream. Only commit numbers below the *horizon* are read: every transaction below it
has ended, so no reading can ever be added there, and a step that has passed a number never has to
come back to it. PostgreSQL's horizon is the oldest transaction id still running
(``pg_snapshot_xmin(pg_current_snapshot())``): a transaction id is taken when a writer starts, so
reading "up to the highest id seen" would skip a recorder's batch that started first and committed
last (tests/test_alarm_service.py shows it). SQLite's is one past its commit counter (one writer).

Each transaction's readings are one batch of the rules, as they were one batch of the recorder, so
the alarms depend only on what is stored and never on when the service looked or how much it read
at once. The scan moves over a window of commit numbers (PostgreSQL's ids also count transactions
that stored no reading), halved when it holds more than ``max_rows`` and doubled when it holds few.
"""
from __future__ import annotations

import numpy as np


class Batch:
    """One committed transaction's readings: Datastreams, times (Unix s) and values, in time order."""

    __slots__ = ("tx", "datastreams", "times", "values")

    def __init__(self, tx: int, datastreams, times, values):
        self.tx, self.datastreams, self.times, self.values = tx, datastreams, times, values


class SettledReadings:
    def __init__(self, store, max_rows: int = 50_000):
        self.store, self.max_rows = store, max_rows
        self.pg = store.BACKEND == "postgresql"
        self.window = 4096

    def horizon(self) -> int:
        """Every commit number below it is final (committed or rolled back, never to be added to)."""
        if self.pg:
            return int(self.store.q("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint").fetchone()[0])
        return int(self.store.q("SELECT n FROM observation_commits WHERE id = 1").fetchone()[0]) + 1

    def after(self, position: int) -> tuple[int, list[Batch]]:
        """(the commit number read up to, the batches after ``position`` up to it), oldest first."""
        last = self.horizon() - 1
        if last <= position:
            return position, []
        upper = min(last, position + self.window)
        rows = self._rows(position, upper)
        if not rows and upper < last:  # ids that stored no reading: go straight to the next one that did
            nxt = self.store.q("SELECT min(tx) FROM observations WHERE tx > ? AND tx <= ?", (upper, last)).fetchone()[0]
            if nxt is None:
                return last, []
            upper = min(last, int(nxt) + self.window)
            rows = self._rows(position, upper)
        if len(rows) > self.max_rows:
            self.window = max(1, self.window // 2)
        elif len(rows) < self.max_rows // 4:
            self.window = min(self.window * 2, 1 << 40)
        return upper, _batches(rows)

    def _rows(self, low: int, high: int) -> list[tuple]:
        ms = "(extract(epoch FROM phenomenon_time) * 1000)::bigint" if self.pg else "phenomenon_time"
        return self.store.q(f"SELECT tx, datastream, {ms}, result FROM observations WHERE tx > ? AND tx <= ? "
                            "ORDER BY tx, phenomenon_time, datastream", (low, high)).fetchall()


def _batches(rows) -> list[Batch]:
    if not rows:
        return []
    a = np.array(rows, dtype=np.float64)  # ids, Datastreams and ms are far below 2**53: exact
    tx = np.array([r[0] for r in rows], np.int64)
    ds = np.array([r[1] for r in rows], np.int64)
    cuts = np.flatnonzero(np.diff(tx)) + 1
    out = []
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, len(rows)]):
        out.append(Batch(int(tx[lo]), ds[lo:hi], a[lo:hi, 2] / 1000.0, a[lo:hi, 3]))
    return out
