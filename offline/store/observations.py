"""Sensor observations in the operations-centre store: write a batch once, read each Datastream's latest.

``Observations(store)`` writes through the store's own connection (one per thread, like every store).
``append`` is one transaction per batch; it returns the rows stored, the rest being duplicates of
(Datastream, phenomenonTime) already there, so the caller acknowledges the batch to the broker
only after it returns (the same guarantee as the history file, offline/history.py).

PostgreSQL writes with binary ``COPY`` (psycopg 3's ``cursor.copy``), the rows encoded by numpy in
one pass, never a Python object per reading. COPY cannot skip a duplicate: it is tried first in a
savepoint, and only a batch that meets one (a redelivery after a restart, a repeated publish) goes
again through a temporary table and ``INSERT … ON CONFLICT DO NOTHING``, which counts what it kept.
The day partitions a batch needs are made before its transaction (observations_schema.py).
Times are Unix ms on both backends (history's rounding); PostgreSQL keeps them as timestamptz.
"""
from __future__ import annotations

import datetime as dt
import itertools
import struct

import numpy as np

from offline.guard import StoreRefused
from offline.store.observations_schema import PARTITION_FUNCTION

DAY_MS = 86_400_000
EPOCH_2000_MS = 946_684_800_000  # PostgreSQL's binary timestamps count microseconds from 2000-01-01 UTC
# one row of binary COPY: field count, then (length, value) for datastream, phenomenon_time, result
ROW = np.dtype([("n", ">i2"), ("l1", ">i4"), ("ds", ">i8"), ("l2", ">i4"), ("t", ">i8"), ("l3", ">i4"), ("v", ">f8")])
HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
TRAILER = struct.pack(">h", -1)
COLUMNS = "observations (datastream, phenomenon_time, result)"
# each PostgreSQL write of readings ends with a NOTIFY here (payload: the rows stored), delivered only if it
# commits: windows following the store wake on it (offline/store/follow.py)
OBSERVATIONS_CHANNEL = "songjiang_observations"


class StoreUnavailable(RuntimeError):
    """The store's server went away in the middle of a batch (nothing of it committed): retry on a new
    connection (offline/pipeline.py retries it like a locked SQLite file)."""


def encode(ds: np.ndarray, ms: np.ndarray, values: np.ndarray) -> bytes:
    """Rows as PostgreSQL's binary COPY format, header and trailer included."""
    a = np.empty(len(ds), ROW)
    a["n"], a["l1"], a["l2"], a["l3"] = 3, 8, 8, 8
    a["ds"], a["t"], a["v"] = ds, (ms - EPOCH_2000_MS) * 1000, values
    return HEADER + a.tobytes() + TRAILER


def decode(data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Binary COPY output of (bigint, timestamptz, float8) rows → (datastreams, Unix ms, values)."""
    body = data[len(HEADER):len(data) - len(TRAILER)]
    a = np.frombuffer(body, ROW)
    return a["ds"].astype(np.int64), a["t"].astype(np.int64) // 1000 + EPOCH_2000_MS, a["v"].astype(np.float64)


def aggregated(store, ds: str, t: str, v: str, rest: str, params=()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """PostgreSQL: the (Datastream, time, value) columns of a query's rows → (datastreams, Unix ms, values).

    One row of three bytea columns, each the column's binary form end to end: a COPY out hands psycopg
    one message per row (200,000 Python calls: 2.7× slower, bench/bench_store_history.py). The three
    aggregates take the rows in one scan, so their n-th values are one row's.
    """
    a, b, c = store.q(f"SELECT string_agg(int8send({ds}), ''::bytea), string_agg(timestamptz_send({t}), ''::bytea), "
                      f"string_agg(float8send({v}), ''::bytea) {rest}", params).fetchone()
    if a is None:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return (np.frombuffer(a, ">i8").astype(np.int64), np.frombuffer(b, ">i8").astype(np.int64) // 1000 + EPOCH_2000_MS,
            np.frombuffer(c, ">f8").astype(np.float64))


def _days(ms: np.ndarray) -> list[dt.date]:
    """The UTC days of ``ms``, and the day after the last (made ahead: midnight never waits on DDL)."""
    days = np.unique(ms // DAY_MS)
    days = np.union1d(days, [days[-1] + 1])
    return [dt.date(1970, 1, 1) + dt.timedelta(days=int(d)) for d in days]


class Observations:
    def __init__(self, store):
        self.store = store
        self.pg = store.BACKEND == "postgresql"
        self._made: set = set()  # days whose partition this connection knows exists

    # -- writing ---------------------------------------------------------------------
    def append(self, datastreams, times, values) -> int:
        """Store a batch (times in Unix seconds) in one transaction; returns rows stored (duplicates dropped)."""
        ds = np.asarray(datastreams, np.int64)
        ms = np.round(np.asarray(times, np.float64) * 1000.0).astype(np.int64)
        v = np.asarray(values, np.float64)
        if not len(ds):
            return 0
        order = np.lexsort((ms, ds))  # the key's order: each partition's B-tree walked left to right
        ds, ms, v = ds[order], ms[order], v[order]
        if not self.pg:
            with self.store.tx("record sensor observations"):
                # the commit's number, in commit order: one writer at a time (the alarm service reads by it)
                self.store.q("UPDATE observation_commits SET n = n + 1 WHERE id = 1")
                tx = self.store.q("SELECT n FROM observation_commits WHERE id = 1").fetchone()[0]
                cur = self.store.con.executemany(
                    "INSERT OR IGNORE INTO observations (datastream, phenomenon_time, result, tx) VALUES (?, ?, ?, ?)",
                    zip(ds.tolist(), ms.tolist(), v.tolist(), itertools.repeat(tx)))
                return cur.rowcount  # the trigger's rows in ``latest`` are not counted here
        psycopg = self.store._psycopg
        try:
            try:
                return self._copy(ds, ms, v)
            except psycopg.errors.CheckViolation:  # no partition: retention (another connection) dropped its day
                self._made.clear()
                return self._copy(ds, ms, v)
        except psycopg.OperationalError as exc:  # the server restarted or the network dropped: nothing committed
            reason = f"the store's connection is lost ({self.store._hide(exc)})"  # pipeline.py names the store
            self._reconnect()
            raise StoreUnavailable(reason) from None

    def _reconnect(self):
        """A new connection for the next try; while the server is still down, the next try comes back here."""
        try:
            self.store.close()
        except Exception:  # noqa: BLE001 — a broken connection may fail to close; it is dropped either way
            pass
        try:
            self.store = self.store.reopen()
        except StoreRefused:
            return
        self._made.clear()

    def _copy(self, ds, ms, v) -> int:
        psycopg, con = self.store._psycopg, self.store.con
        days = [d for d in _days(ms) if d not in self._made]
        if days:
            with self.store.tx("make the day partitions of sensor observations"):
                self.store.q(f"SELECT {PARTITION_FUNCTION}(?::date[])", (days,))
            self._made.update(days)
        data = encode(ds, ms, v)
        with self.store.tx("record sensor observations"), con.cursor() as cur:
            n = self._copy_in(cur, data, len(ds))
            if n:
                cur.execute("SELECT pg_notify(%s, %s)", (OBSERVATIONS_CHANNEL, str(n)))
            return n

    def _copy_in(self, cur, data: bytes, rows: int) -> int:
        """COPY the rows in (inside the caller's transaction); returns those stored, duplicates dropped."""
        psycopg, con = self.store._psycopg, self.store.con
        try:
            with con.transaction(), self.store._privileged():  # a savepoint: a duplicate undoes only this
                with cur.copy(f"COPY {COLUMNS} FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(data)
            return rows
        except psycopg.errors.UniqueViolation:
            pass
        with self.store._privileged():
            cur.execute("CREATE TEMPORARY TABLE IF NOT EXISTS observations_in (datastream BIGINT, "
                        "phenomenon_time TIMESTAMPTZ, result DOUBLE PRECISION) ON COMMIT DELETE ROWS")
            with cur.copy("COPY observations_in FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(data)
            cur.execute(f"INSERT INTO {COLUMNS} SELECT DISTINCT ON (datastream, phenomenon_time) * "
                        "FROM observations_in ORDER BY datastream, phenomenon_time ON CONFLICT DO NOTHING")
            return cur.rowcount

    # -- reading ---------------------------------------------------------------------
    def latest(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each Datastream's newest reading → (datastreams, times s, values), by Datastream id."""
        if self.pg:
            ds, ms, v = aggregated(self.store, "datastream", "phenomenon_time", "result", "FROM latest")
            order = np.argsort(ds, kind="stable")
            ds, ms, v = ds[order], ms[order], v[order]
        else:
            rows = self.store.q("SELECT datastream, phenomenon_time, result FROM latest ORDER BY datastream").fetchall()
            a = np.array(rows, np.float64).reshape(-1, 3)
            ds, ms, v = a[:, 0].astype(np.int64), a[:, 1].astype(np.int64), a[:, 2]
        return ds, ms / 1000.0, v

    def count(self) -> int:
        return int(self.store.q("SELECT count(*) FROM observations").fetchone()[0])

    def partitions(self) -> list[str]:
        """PostgreSQL: the day partitions of ``observations``, oldest first (SQLite: none)."""
        if not self.pg:
            return []
        return sorted(r[0] for r in self.store.q(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass('observations')").fetchall())

    # -- retention -------------------------------------------------------------------
    def drop_before(self, t: float) -> int:
        """Forget readings older than ``t`` (Unix s); returns what went (PostgreSQL: whole day partitions).

        PostgreSQL drops each partition whose day ends at or before ``t`` (DROP TABLE: no dead rows, no
        vacuum); a day ``t`` falls inside is kept whole until it has passed. SQLite deletes the rows.
        ``latest`` loses the Datastreams whose newest reading went with them. Only the store's owner may
        drop (a recorder role is refused in one line, offline/store/pg_store.py PermissionRefused).
        """
        cutoff_ms = int(t * 1000)
        if not self.pg:
            with self.store.tx("delete old sensor observations"):
                n = self.store.q("DELETE FROM observations WHERE phenomenon_time < ?", (cutoff_ms,)).rowcount
                self.store.q("DELETE FROM latest WHERE phenomenon_time < ?", (cutoff_ms,))
            return n
        last_day = dt.date(1970, 1, 1) + dt.timedelta(days=cutoff_ms // DAY_MS)  # partitions before it ended by t
        gone = [name for name in self.partitions() if _day_of(name) is not None and _day_of(name) < last_day]
        with self.store.tx("drop old sensor observations"):
            for name in gone:
                self.store.q(f'DROP TABLE "{name}"')
            if gone:
                edge = dt.datetime.combine(_day_of(gone[-1]) + dt.timedelta(days=1), dt.time(), dt.timezone.utc)
                self.store.q("DELETE FROM latest WHERE phenomenon_time < ?", (edge,))
        self._made.difference_update(_day_of(n) for n in gone)
        return len(gone)


def _day_of(partition: str) -> dt.date | None:
    """``observations_p20261207`` → its day; None for a table of another name (never dropped)."""
    digits = partition.removeprefix("observations_p")
    if len(digits) != 8 or not digits.isdigit():
        return None
    return dt.datetime.strptime(digits, "%Y%m%d").date()
