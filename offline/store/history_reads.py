"""The operations-centre store read as a sensor history: the chart, the time slider's replay, the extent.

Issue 22 item 4: a window following the store (offline/store/follow.py) records nothing of its own,
so what its chart and replay show is the store's ``observations`` (the recorders') and the alarm
service's ``alarm_events``. ``StoreHistoryReader`` answers the calls the window's history reader makes
of a history file (offline/history.py ``HistoryReader``: ``moment``, ``series``, ``at``,
``alarms_at``, ``extent``, ``vitals_series``), so the reader thread (console/panels/sensors/history.py)
does not know which one it holds; offline/history_source.py decides, from the workspace.

The vital signs' past samples are the alarm service's (``vitals``, offline/store/alarm_vitals.py): the
recorders each see part of the feed and compute none; a store no service has served yet has none ("—").

PostgreSQL: a series reads one Datastream's key in the day partitions it spans (pruned); ``at(t)``
and ``extent`` probe each Datastream's key once (a lateral join over ``latest``: an ordered Append over
the day partitions stops at the first one holding a reading), never a scan of the history.
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from offline.history import _extremes, alarm_states_of
from offline.store.observations import aggregated

_MS = "(extract(epoch FROM {col}) * 1000)::float8"  # timestamptz → Unix ms (PostgreSQL)


class StoreHistoryReader:
    def __init__(self, store):
        self.store = store
        self.pg = store.BACKEND == "postgresql"

    def close(self):
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _time(self, t: float):
        """A time parameter in the backend's form (Unix ms on SQLite)."""
        return float(t) if self.pg else int(round(t * 1000))

    def _col(self, col: str) -> str:
        return _MS.format(col=col) if self.pg else col

    def _param(self) -> str:
        return "to_timestamp(?)" if self.pg else "?"

    @contextmanager
    def moment(self):
        """One snapshot for the queries inside (PostgreSQL: a repeatable-read transaction)."""
        if not self.pg:
            self.store.q("BEGIN")
            try:
                yield self
            finally:
                self.store.q("COMMIT")
            return
        with self.store.con.transaction():
            self.store.q("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield self

    def series(self, sensor: int, t0: float, t1: float, max_points: int | None = None):
        """(times s, values) of one Datastream in [t0, t1], oldest first (as HistoryReader.series)."""
        p = self._param()
        rows = self.store.q(
            f"SELECT {self._col('phenomenon_time')}, result FROM observations WHERE datastream = ? "
            f"AND phenomenon_time BETWEEN {p} AND {p} ORDER BY phenomenon_time",
            (int(sensor), self._time(t0), self._time(t1))).fetchall()
        a = np.array(rows, dtype=np.float64).reshape(-1, 2)
        if max_points is not None and len(a) > max_points:
            a = a[_extremes(a[:, 0], a[:, 1], max_points // 2)]
        return a[:, 0] / 1000.0, a[:, 1]

    def at(self, t: float, lookback_s: float | None = None):
        """Each Datastream's last reading at or before t → (datastreams, times s, values), for replay."""
        p = self._param()
        lo = "" if lookback_s is None else f" AND o.phenomenon_time >= {p}"
        params = (self._time(t),) + (() if lookback_s is None else (self._time(t - lookback_s),))
        if self.pg:  # 200,000 Datastreams: ≈1 s here, ~4× less than as rows (observations.aggregated)
            ds, ms, v = aggregated(self.store, "l.datastream", "x.phenomenon_time", "x.result",
                                   "FROM latest l CROSS JOIN LATERAL (SELECT o.phenomenon_time, o.result FROM "
                                   f"observations o WHERE o.datastream = l.datastream AND o.phenomenon_time <= {p}{lo} "
                                   "ORDER BY o.phenomenon_time DESC LIMIT 1) x", params)
            return ds, ms / 1000.0, v
        sql = ("SELECT l.datastream, o.phenomenon_time, o.result FROM latest l JOIN observations o "
               "ON o.datastream = l.datastream AND o.phenomenon_time = (SELECT max(o.phenomenon_time) "
               f"FROM observations o WHERE o.datastream = l.datastream AND o.phenomenon_time <= ?{lo})")
        a = np.array(self.store.q(sql, params).fetchall(), dtype=np.float64).reshape(-1, 3)
        return a[:, 0].astype(np.int64), a[:, 1] / 1000.0, a[:, 2]

    def alarms_at(self, t: float) -> dict:
        """The alarms the alarm service had open at t (as HistoryReader.alarms_at; "sensor" a Datastream id)."""
        if not self.store.has_table("alarm_events"):
            return {}
        return alarm_states_of(self.store.q(
            "SELECT alarm, datastream, event, severity, at * 1000.0, who, note FROM alarm_events "
            "WHERE at <= ? ORDER BY seq", (float(t),)))[0]

    def extent(self) -> tuple[float, float] | None:
        """(first, last) reading's time in seconds, None when there is none: the span replay can reach."""
        if self.pg:
            sql = (f"SELECT min({self._col('x.phenomenon_time')}), max({self._col('l.phenomenon_time')}) FROM latest l "
                   "CROSS JOIN LATERAL (SELECT o.phenomenon_time FROM observations o WHERE o.datastream = l.datastream "
                   "ORDER BY o.phenomenon_time LIMIT 1) x")
        else:
            sql = ("SELECT min((SELECT min(phenomenon_time) FROM observations o WHERE o.datastream = l.datastream)), "
                   "max(phenomenon_time) FROM latest l")
        t0, t1 = self.store.q(sql).fetchone()
        return None if t0 is None else (float(t0) / 1000.0, float(t1) / 1000.0)

    def vitals_series(self, t0: float, t1: float) -> dict:
        """{(district, indicator): (times s, values)} in [t0, t1], oldest first (as HistoryReader.vitals_series)."""
        if not self.store.has_table("vitals"):
            return {}
        out: dict = {}
        for d, k, tm, v in self.store.q("SELECT district, indicator, time, value FROM vitals WHERE time BETWEEN ? AND ? "
                                        "ORDER BY district, indicator, time", (float(t0), float(t1))):
            times, values = out.setdefault((d, k), ([], []))
            times.append(float(tm))
            values.append(float("nan") if v is None else float(v))
        return {key: (np.array(t), np.array(v)) for key, (t, v) in out.items()}
