"""Observation history in SQLite, for charts and for replaying the sensor layer.

- WAL + synchronous=NORMAL: telemetry is re-fetchable, so the last commits may
  roll back after an OS crash (they survive an application crash, and QoS 1 readings are
  acknowledged to the broker only after their commit). Every write is one
  ``BEGIN IMMEDIATE`` batch with executemany.
- ``obs`` is a WITHOUT ROWID table keyed (sensor, time): the key *is* the query
  index for ``series`` and ``at``, and with INSERT OR IGNORE it also drops QoS 1
  redeliveries, so a duplicate is never stored twice (even across restarts).
  Batches are sorted by key before insert so the B-tree is walked left to right.
- ``sensor`` is the SensorThings Datastream id (in ``obs`` and ``alarm_events``); ``time`` is
  Unix milliseconds. Alarm ids are unique across processes (layers/sensors/alarms.py).
- One connection per thread: open a HistoryStore in the thread that uses it.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from layers.sensors.alarms import AlarmEvent
from layers.sqlite_uri import connect_ro
from offline.guard import StoreRefused, check_store

SCHEMA = """
CREATE TABLE IF NOT EXISTS obs (sensor INTEGER NOT NULL, time INTEGER NOT NULL, value REAL NOT NULL,
    PRIMARY KEY (sensor, time)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alarm_events (alarm INTEGER NOT NULL, sensor INTEGER NOT NULL,
    event TEXT NOT NULL, severity INTEGER NOT NULL, time INTEGER NOT NULL, who TEXT, value REAL, note TEXT);
CREATE INDEX IF NOT EXISTS alarm_events_time ON alarm_events (time);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS vitals (district TEXT NOT NULL, key TEXT NOT NULL, time INTEGER NOT NULL,
    value REAL, PRIMARY KEY (district, key, time)) WITHOUT ROWID;
"""
# distinct sensors by index seeks (a skip-scan), then each one's last row at or before ?1
_DISTINCT = """WITH RECURSIVE s(sensor) AS (SELECT min(sensor) FROM obs UNION ALL
    SELECT (SELECT min(sensor) FROM obs WHERE sensor > s.sensor) FROM s WHERE s.sensor IS NOT NULL)"""
_AT = _DISTINCT + """ SELECT o.sensor, o.time, o.value FROM s JOIN obs o ON o.sensor = s.sensor
    AND o.time = (SELECT max(time) FROM obs WHERE sensor = s.sensor AND time <= ?1 AND time >= ?2)"""


def _extremes(t: np.ndarray, v: np.ndarray, buckets: int) -> np.ndarray:
    """Row indices (in time order) of each of ``buckets`` equal time spans' lowest and highest value."""
    b = np.minimum(((t - t[0]) / max(t[-1] - t[0], 1.0) * buckets).astype(np.int64), buckets - 1)
    starts = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])  # t is sorted: each bucket is one run
    ends = np.r_[starts[1:], len(t)]
    keep = [s + np.argmin(v[s:e]) for s, e in zip(starts, ends)] + [s + np.argmax(v[s:e]) for s, e in zip(starts, ends)]
    return np.unique(np.array(keep, np.int64))


def _as_event(e) -> AlarmEvent:
    return e if isinstance(e, AlarmEvent) else AlarmEvent(*e)


# vital-sign samples outlive the raw readings: a day of sparklines, and the daily report's figures of a
# day earlier (console/export/day_change.py) when the default day of raw readings no longer holds them
VITALS_KEEP_S = 26 * 3600.0
APPLICATION_ID = 0x534A4853  # "SJHS": a Songjiang console sensor history


class HistoryError(RuntimeError):
    pass


def check_history(path) -> bool:
    """True when ``path`` would be a new history; StoreRefused when it is damaged or not a history."""
    return check_store(path, APPLICATION_ID, "sensor history", {"obs", "alarm_events", "meta"})


def alarm_states_of(events) -> tuple[dict, dict]:
    """Alarm events (alarm, sensor, event, severity, time ms, who, note) in order → (open, ended), as
    ``alarms_at``; the history file's and the operations-centre store's (offline/store/history_reads.py)."""
    out, ended = {}, {}
    for alarm, sensor, event, sev, tm, who, text in events:
        if event == "raised":
            out[alarm] = {"sensor": sensor, "severity": sev, "status": "active",
                          "raised_at": tm / 1000.0}
        elif event == "resumed" and alarm in ended:
            out[alarm] = ended.pop(alarm)
        elif event == "cleared":
            out.pop(alarm, None)
            ended.pop(alarm, None)
        elif alarm not in out:
            continue
        elif event == "ended":
            ended[alarm] = out.pop(alarm)
        elif event == "escalated":
            out[alarm]["severity"] = sev
        elif event == "flapping":
            out[alarm]["flapping"] = True
        elif event == "unacknowledged":
            out[alarm]["escalated"] = True
        elif event == "acknowledged":
            out[alarm].update(status="acknowledged", acked_by=who, acked_at=tm / 1000.0)
            if text:
                out[alarm]["note"] = text
    return out, ended


class _Reads:
    """The queries charts, replay, snapshot and the report make; ``conn`` is the writer's or a reader's."""

    conn: sqlite3.Connection

    def close(self):
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def vitals_series(self, t0: float, t1: float) -> dict:
        """{(district, indicator): (times s, values)} in [t0, t1], oldest first."""
        out: dict = {}
        for d, k, tm, v in self.conn.execute(
                "SELECT district, key, time, value FROM vitals WHERE time BETWEEN ? AND ? ORDER BY district, key, time",
                (int(t0 * 1000), int(t1 * 1000))):
            times, values = out.setdefault((d, k), ([], []))
            times.append(tm / 1000.0)
            values.append(float("nan") if v is None else v)
        return {key: (np.array(t), np.array(v)) for key, (t, v) in out.items()}

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def latest(self) -> float | None:
        """Time (s) of the newest observation, None when there is none (what a report is "as of")."""
        row = self.conn.execute("SELECT max(time) FROM obs").fetchone()
        return None if row[0] is None else row[0] / 1000.0

    def extent(self) -> tuple[float, float] | None:
        """(first, last) observation time in seconds, None when there is none: the span replay can reach.

        Per sensor through the key (a skip-scan), never a scan of every row of a day's history.
        """
        t0, t1 = self.conn.execute(_DISTINCT + " SELECT min((SELECT min(time) FROM obs WHERE sensor = s.sensor)), "
                                   "max((SELECT max(time) FROM obs WHERE sensor = s.sensor)) FROM s "
                                   "WHERE s.sensor IS NOT NULL").fetchone()
        return None if t0 is None else (t0 / 1000.0, t1 / 1000.0)

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM obs").fetchone()[0]

    def series(self, sensor: int, t0: float, t1: float, max_points: int | None = None):
        """(times s, values) of one sensor in [t0, t1], oldest first, for charts.

        ``max_points``: a long span (a day of readings every second) comes back as each time
        bucket's lowest and highest reading, so a chart draws the whole span with its excursions.
        """
        rows = self.conn.execute(
            "SELECT time, value FROM obs WHERE sensor = ? AND time BETWEEN ? AND ? ORDER BY time",
            (int(sensor), int(t0 * 1000), int(t1 * 1000))).fetchall()
        a = np.array(rows, dtype=np.float64).reshape(-1, 2)
        if max_points is not None and len(a) > max_points:
            a = a[_extremes(a[:, 0], a[:, 1], max_points // 2)]
        return a[:, 0] / 1000.0, a[:, 1]

    def at(self, t: float, lookback_s: float | None = None):
        """Last observation per sensor at or before t → (sensors, times s, values), for replay."""
        lo = -(2 ** 62) if lookback_s is None else int((t - lookback_s) * 1000)
        rows = self.conn.execute(_AT, (int(round(t * 1000)), lo)).fetchall()
        a = np.array(rows, dtype=np.float64).reshape(-1, 3)
        return a[:, 0].astype(np.int64), a[:, 1] / 1000.0, a[:, 2]

    def alarms_at(self, t: float) -> dict:
        """Alarms open at time t: {alarm id: {"sensor", "severity", "status", "raised_at"[, "acked_by",
        "acked_at", "note", "flapping", "escalated"]}}.

        An alarm the recording left open when it ended ("ended": the window closed, the source was
        switched or lost) is not open after that moment: nobody watched it. It is open again from
        its "resumed" event, when the next recording carried it on.
        """
        return self.alarm_states(t)[0]

    def alarm_states(self, t: float) -> tuple[dict, dict]:
        """(open at t, left open by a recording that ended before t and not resumed), as alarms_at."""
        note = "note" if self._has_notes() else "NULL"
        return alarm_states_of(self.conn.execute(
            f"SELECT alarm, sensor, event, severity, time, who, {note} FROM alarm_events "
            "WHERE time <= ? ORDER BY time, rowid", (int(round(t * 1000)),)))

    def _has_notes(self) -> bool:
        """Histories written before notes were kept have no note column (a reader never adds one)."""
        if getattr(self, "_notes", None) is None:
            self._notes = any(r[1] == "note" for r in self.conn.execute("PRAGMA table_info(alarm_events)"))
        return self._notes

    def retention(self) -> float | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'retention_s'").fetchone()
        return float(row[0]) if row and row[0] is not None else None


class HistoryReader(_Reads):
    """A history another process (or thread) may be writing, read without ever writing to it.

    Read-only through its WAL (``connect_ro``: nothing is created, no journal mode is switched),
    checked like every store first, and ``moment()`` holds one read transaction so several queries
    (readings at t, the alarms open at t, the feed's name) all see the same committed state.
    """

    def __init__(self, path, busy_timeout_s: float = 5.0):
        self.path = Path(path)
        try:
            if check_history(self.path):
                raise HistoryError(f"{self.path}: no such sensor history")
            self.conn = connect_ro(self.path, timeout=busy_timeout_s, isolation_level=None,
                                   check_same_thread=True)
        except StoreRefused as exc:
            raise HistoryError(str(exc)) from None
        except sqlite3.Error as exc:
            raise HistoryError(f"{self.path}: cannot open sensor history ({exc})") from None

    @contextmanager
    def moment(self):
        """One read transaction: what the queries inside it return is one committed state of the file."""
        self.conn.execute("BEGIN")
        try:
            yield self
        finally:
            self.conn.execute("COMMIT")


class HistoryStore(_Reads):
    def __init__(self, path, retention_s: float | None = None, busy_timeout_s: float = 5.0):
        self.path = Path(path)
        try:
            new = check_history(self.path)
        except StoreRefused as exc:
            raise HistoryError(str(exc)) from None
        try:
            self.conn = sqlite3.connect(str(self.path), isolation_level=None,
                                        timeout=busy_timeout_s, check_same_thread=True)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
            self.conn.execute("PRAGMA cache_size=-131072")  # 128 MiB: index pages stay hot
            self.conn.executescript(SCHEMA)
            if not self._has_notes():  # a history from before acknowledgement notes were kept
                self.conn.execute("ALTER TABLE alarm_events ADD COLUMN note TEXT")
                self._notes = True
            if new or self.conn.execute("PRAGMA application_id").fetchone()[0] == 0:
                self.conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"{self.path}: cannot open history store ({exc})") from None
        if retention_s is not None:
            self.set_retention(retention_s)

    def _write(self, sql: str, rows) -> int:
        before = self.conn.total_changes
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.executemany(sql, rows)
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:  # a failed COMMIT (disk full) leaves it open: the retry needs it closed
                self.conn.execute("ROLLBACK")
            raise
        return self.conn.total_changes - before

    def append(self, sensors, times, values) -> int:
        """Store a batch (times in Unix seconds); returns rows stored (duplicates ignored)."""
        s = np.asarray(sensors, dtype=np.int64)
        t = np.round(np.asarray(times, dtype=np.float64) * 1000.0).astype(np.int64)
        v = np.asarray(values, dtype=np.float64)
        if len(s) == 0:
            return 0
        order = np.lexsort((t, s))
        rows = zip(s[order].tolist(), t[order].tolist(), v[order].tolist())
        return self._write("INSERT OR IGNORE INTO obs VALUES (?, ?, ?)", rows)

    def append_alarm_events(self, events) -> int:
        """AlarmEvent records (layers/sensors/alarms.py), or tuples in their field order."""
        rows = [(e.alarm, e.sensor, e.event, e.severity, int(round(e.time * 1000)), e.who,
                 None if e.value != e.value else e.value, e.note or None) for e in map(_as_event, events)]
        return self._write("INSERT INTO alarm_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows) if rows else 0

    def append_vitals(self, t: float, rows) -> int:
        """(district, indicator, value) samples of the city vital signs at time t (sparklines)."""
        ms = int(round(t * 1000))
        return self._write("INSERT OR REPLACE INTO vitals VALUES (?, ?, ?, ?)",
                           [(d, k, ms, None if v != v else v) for d, k, v in rows])

    def set_meta(self, key: str, value: str):
        self._write("INSERT OR REPLACE INTO meta VALUES (?, ?)", [(key, value)])

    def set_retention(self, seconds: float | None):
        self._write("INSERT OR REPLACE INTO meta VALUES ('retention_s', ?)",
                    [(None if seconds is None else str(float(seconds)),)])

    def prune(self, now: float) -> int:
        """Delete observations older than the retention setting; returns rows deleted."""
        keep = self.retention()
        if keep is None:
            return 0
        cutoff = int((now - keep) * 1000)
        # per-sensor range deletes through the key (a plain "time < ?" would scan everything)
        sql = _DISTINCT + " DELETE FROM obs WHERE sensor IN (SELECT sensor FROM s) AND time < ?"
        n = self._write(sql, [(cutoff,)])
        # an alarm still open keeps its events: it is carried on after a restart (AlarmBook.restore);
        # one whose last event is "cleared" or "ended" (a recording that closed and never resumed it) goes
        self._write("DELETE FROM alarm_events WHERE time < ?1 AND alarm IN (SELECT e.alarm FROM alarm_events e "
                    "WHERE e.rowid = (SELECT max(rowid) FROM alarm_events WHERE alarm = e.alarm) "
                    "AND e.event IN ('cleared', 'ended'))", [(cutoff,)])
        self._write("DELETE FROM vitals WHERE time < ?", [(int((now - max(keep, VITALS_KEEP_S)) * 1000),)])
        return n
