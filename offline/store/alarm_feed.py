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

from offline.store.observations import EPOCH_2000_MS, HEADER, TRAILER

ROWS = np.dtype([("tx", np.int64), ("ds", np.int64), ("ms", np.int64), ("v", np.float64)])
# one row of the binary COPY out: field count, then (length, value) for tx, datastream, phenomenon_time, result
COPIED = np.dtype([("n", ">i2"), ("l0", ">i4"), ("tx", ">i8"), ("l1", ">i4"), ("ds", ">i8"), ("l2", ">i4"),
                   ("t", ">i8"), ("l3", ">i4"), ("v", ">f8")])


class Batch:
    """One committed transaction's readings: Datastreams, times (Unix s) and values, in time order."""

    __slots__ = ("tx", "datastreams", "times", "values")

    def __init__(self, tx: int, datastreams, times, values):
        self.tx, self.datastreams, self.times, self.values = tx, datastreams, times, values


class SettledReadings:
    def __init__(self, store, max_rows: int = 50_000):
        self.store, self.max_rows = store, max_rows
        self.pg = store.BACKEND == "postgresql"
        self.window = 16  # commit numbers per look; a backlog is read in steps of about max_rows

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
        if not len(rows) and upper < last:  # ids that stored no reading: go straight to the next one that did
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

    def _rows(self, low: int, high: int) -> np.ndarray:
        """The readings with commit numbers in (low, high], in evaluation order, as a structured array."""
        order = "ORDER BY tx, phenomenon_time, datastream"
        if not self.pg:
            rows = self.store.q("SELECT tx, datastream, phenomenon_time, result FROM observations "
                                f"WHERE tx > ? AND tx <= ? {order}", (low, high)).fetchall()
            out = np.zeros(len(rows), ROWS)
            if rows:
                cols = list(zip(*rows))
                out["tx"], out["ds"], out["ms"], out["v"] = cols[0], cols[1], cols[2], cols[3]
            return out
        # binary COPY, decoded by numpy: no Python object per reading (COPY takes no parameters: ints only)
        sql = (f"COPY (SELECT tx, datastream, phenomenon_time, result FROM observations WHERE tx > {int(low)} "
               f"AND tx <= {int(high)} {order}) TO STDOUT (FORMAT BINARY)")
        with self.store.con.cursor() as cur, cur.copy(sql) as copy:
            data = b"".join(bytes(b) for b in copy)
        a = np.frombuffer(data[len(HEADER):len(data) - len(TRAILER)], COPIED)
        out = np.zeros(len(a), ROWS)
        out["tx"], out["ds"], out["v"] = a["tx"], a["ds"], a["v"]
        out["ms"] = a["t"] // 1000 + EPOCH_2000_MS
        return out


def _batches(rows: np.ndarray) -> list[Batch]:
    if not len(rows):
        return []
    tx = rows["tx"]
    cuts = np.flatnonzero(np.diff(tx)) + 1
    return [Batch(int(tx[lo]), rows["ds"][lo:hi], rows["ms"][lo:hi] / 1000.0, rows["v"][lo:hi])
            for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, len(rows)])]
