"""The city vital signs' minute samples, written by the alarm service into the store's ``vitals`` table.

Why the alarm service: with ``record --share`` each recorder sees part of the feed, so none can tell the
city's state; the alarm service reads every stored reading in commit order (offline/store/alarm_feed.py)
and holds the open alarms, so it is the one writer (docs/alarm-service.md, "Vital signs").

The clock is phenomenon time, cut by commit order: before each stored transaction's readings are taken
into the state, every minute boundary ``m`` that the transaction's newest reading reaches (clock < m <=
newest) gets one sample, ``vital_signs_of(state, open alarms, m)`` (layers/sensors/vitals.py) of the
readings of the transactions before it. Commit order and phenomenon times are what the store holds, so the
samples never depend on when the service looked, how much it read at once, or how often it was restarted.
The samples are written in the step's transaction (``save``), beside the alarms and the checkpoint.

A restarted service rebuilds the same state (``restore``): each terminal's newest reading among those up to
the checkpoint, which is what the uninterrupted service's state held, and reads on from the minute after
the newest sample in the table: no minute twice, none skipped.

A reading stamped more than ``FUTURE_S`` ahead of the service's wall clock (a terminal with a broken clock)
does not move the clock, or one bad terminal would stop the city's samples for years. A gap in the feed is
sampled minute by minute (terminals go stale, then offline, as on a workstation), at most the retention's
worth (``VITALS_KEEP_S``, the history file's: older samples are dropped in the same step).
"""
from __future__ import annotations

import math
import time

import numpy as np

from layers.sensors.vitals import samples, vital_signs_of
from offline.history import VITALS_KEEP_S

MINUTE_S = 60.0  # as offline/pipeline.py VITALS_EVERY_S
FUTURE_S = 300.0  # readings further ahead of the wall clock than this do not move the samples' clock

# migration 8 (offline/store/migrations.py): one row per (district, indicator, minute); Unix seconds
TABLE = ("CREATE TABLE IF NOT EXISTS vitals (district TEXT NOT NULL, indicator TEXT NOT NULL, "
         "time {float} NOT NULL, value {float}, PRIMARY KEY (district, indicator, time))")


def migrate(store):
    """Migration 8 on ``store`` (inside the migration's transaction)."""
    store.q(TABLE.format(**store.DIALECT))


class Vitals:
    """The samples' clock over an AlarmBook's SensorState (the service's one state of every terminal)."""

    def __init__(self, book, last_sample: float | None):
        self.book, self.state = book, book.state
        self.clock = float("-inf")  # the newest phenomenon time taken in (FUTURE_S aside)
        self.next = None if last_sample is None else last_sample + MINUTE_S  # the next minute to sample
        self.pending: list[tuple] = []  # rows for the step's transaction

    @classmethod
    def restore(cls, store, book, checkpoint: int) -> "Vitals":
        """The state and clock of a service that evaluated every reading up to ``checkpoint``."""
        last = store.q("SELECT max(time) FROM vitals").fetchone()[0]
        v = cls(book, None if last is None else float(last))
        ds, t, val = _newest_up_to(store, checkpoint)
        idx = book.registry.index_of_datastreams(ds) if len(ds) else np.zeros(0, np.int64)
        keep = idx >= 0
        if keep.any():
            v.state.ingest(idx[keep], t[keep], val[keep])
            v._advance(t[keep])
        return v

    def _advance(self, times: np.ndarray):
        sane = times[times <= time.time() + FUTURE_S]
        if len(sane):
            self.clock = max(self.clock, float(sane.max()))
        if self.next is None and math.isfinite(self.clock):
            self.next = (math.floor(self.clock / MINUTE_S) + 1) * MINUTE_S

    def ingest(self, idx, times, values):
        """One stored transaction's readings: sample the minutes they reach, then take them in.

        Returns the readings' levels (``SensorState.ingest``: the alarm rules' input)."""
        times = np.asarray(times, dtype=np.float64)
        sane = times[times <= time.time() + FUTURE_S]
        if self.next is not None and len(sane) and sane.max() >= self.next:
            last = math.floor(float(sane.max()) / MINUTE_S) * MINUTE_S
            first = max(self.next, last - VITALS_KEEP_S)  # a longer gap: what the retention would drop at once
            alarms = self.book.open_alarms()
            for m in np.arange(first, last + MINUTE_S / 2, MINUTE_S):
                self.pending += [(d, k, float(m), None if x != x else x)
                                 for d, k, x in samples(vital_signs_of(self.state, alarms, float(m)))]
            self.next = last + MINUTE_S
        levels = self.state.ingest(idx, times, values)
        self._advance(times)
        return levels

    def save(self, store) -> int:
        """Inside the step's transaction: the samples due, and the retention; returns the rows written."""
        rows, self.pending = self.pending, []
        if rows:
            store.qmany("INSERT INTO vitals (district, indicator, time, value) VALUES (?, ?, ?, ?)", rows)
            store.q("DELETE FROM vitals WHERE time < ?", (rows[-1][2] - VITALS_KEEP_S,))
        return len(rows)


def _newest_up_to(store, checkpoint: int):
    """Each Datastream's newest reading among those committed up to ``checkpoint`` → (ds, times s, values).

    One index probe per Datastream (``latest`` names them), newest first until one is old enough."""
    if store.BACKEND == "postgresql":
        from offline.store.observations import aggregated
        ds, ms, v = aggregated(store, "l.datastream", "x.phenomenon_time", "x.result",
                               "FROM latest l CROSS JOIN LATERAL (SELECT o.phenomenon_time, o.result FROM observations o "
                               "WHERE o.datastream = l.datastream AND o.tx <= ? ORDER BY o.phenomenon_time DESC "
                               "LIMIT 1) x", (int(checkpoint),))
        return ds, ms / 1000.0, v
    rows = store.q("SELECT l.datastream, x.phenomenon_time, x.result FROM latest l JOIN observations x "
                   "ON x.datastream = l.datastream AND x.phenomenon_time = (SELECT o.phenomenon_time FROM observations o "
                   "WHERE o.datastream = l.datastream AND o.tx <= ? ORDER BY o.phenomenon_time DESC LIMIT 1)",
                   (int(checkpoint),)).fetchall()
    a = np.array(rows, dtype=np.float64).reshape(-1, 3)
    return a[:, 0].astype(np.int64), a[:, 1] / 1000.0, a[:, 2]
