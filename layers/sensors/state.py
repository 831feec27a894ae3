"""Live state of every terminal: last value, last time and a state code, as numpy arrays.

A terminal's state is decided in ONE place, ``terminal_states``: offline or stale by how long
it has been silent, else the severity of its open alarm (``alarm_level``, kept by the
AlarmBook: confirmation, hysteresis and return-to-normal are the alarm rules'), else normal.
The map, the alarm table's state column, the vital signs, the health tab, the inspector and
the hub's BIM colours all read it, so none shows critical where the alarm table has no alarm.

The feed's worker thread calls ``ingest`` with whole batches (vectorised, no
per-observation Python); the GUI polls ``snapshot`` at 10-20 Hz and redraws only
when ``version`` moved, so a 100k obs/s stream costs the GUI one copy per frame.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from layers.sensors import kinds as K
from layers.sensors.registry import SensorRegistry

NORMAL, WARNING, CRITICAL, STALE, OFFLINE = range(5)
STATE_NAMES = ("normal", "warning", "critical", "stale", "offline")
UTC_OFFSET_H = 8.0  # China Standard Time, for the GB 3096 night period
STALE_AFTER = 3.0    # × sampling interval without a report → stale
OFFLINE_AFTER = 10.0  # × sampling interval (or never reported) → offline


@dataclass
class Snapshot:
    version: int
    now: float
    value: np.ndarray
    time: np.ndarray
    state: np.ndarray


def terminal_states(last_time, interval_s, alarm_level, now: float) -> np.ndarray:
    """THE state rule: silence first (stale after 3x, offline after 10x the interval, or never
    heard), else the open alarm's severity (0 = none: normal). Arrays of any one shape."""
    age = now - np.asarray(last_time, dtype=np.float64)
    interval = np.asarray(interval_s, dtype=np.float64)
    out = np.array(alarm_level, dtype=np.uint8, copy=True)
    out[age > STALE_AFTER * interval] = STALE
    out[age > OFFLINE_AFTER * interval] = OFFLINE
    return out


def is_night(times) -> np.ndarray:
    hour = (np.asarray(times) / 3600.0 + UTC_OFFSET_H) % 24.0
    return (hour >= 22.0) | (hour < 6.0)


class SensorState:
    def __init__(self, registry: SensorRegistry):
        self.registry = registry
        n = len(registry)
        self.value = np.full(n, np.nan)
        self.time = np.full(n, -np.inf)
        self.level = np.zeros(n, np.uint8)  # NORMAL/WARNING/CRITICAL of the last reading (the alarms' input)
        self.alarm_level = np.zeros(n, np.uint8)  # severity of each terminal's open alarm (AlarmBook sets it)
        self.version = 0
        self._lock = threading.Lock()
        # compare sign*value >= sign*threshold so high-bad and low-bad kinds share one path
        self._sign = K.column("direction")[registry.kind]
        self._night_delta = K.column("night_delta")[registry.kind]
        self._has_night = bool(self._night_delta.any())
        self._sw = self._sign * registry.warn
        self._sc = self._sign * registry.crit

    def classify(self, idx: np.ndarray, times: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Level (NORMAL/WARNING/CRITICAL) of each observation against its terminal's thresholds."""
        sv = self._sign[idx] * values
        sw, sc = self._sw[idx], self._sc[idx]
        if self._has_night:
            d = self._night_delta[idx] * is_night(times)
            sw, sc = sw - d, sc - d
        return np.where(sv >= sc, CRITICAL, np.where(sv >= sw, WARNING, NORMAL)).astype(np.uint8)

    def clear_of(self, idx, times, values, deadband: np.ndarray) -> np.ndarray:
        """True where a reading is back in range by more than the deadband (hysteresis), per terminal."""
        sv = self._sign[idx] * np.asarray(values, dtype=np.float64)
        sw = self._sw[idx]
        if self._has_night:
            sw = sw - self._night_delta[idx] * is_night(np.asarray(times, dtype=np.float64))
        return sv < sw - deadband

    def ingest(self, idx, times, values) -> np.ndarray:
        """Apply a batch; observations older than what a terminal already shows are ignored.

        Returns the per-observation levels (alarms use them to catch short spikes).
        """
        idx = np.asarray(idx, dtype=np.intp)
        times = np.asarray(times, dtype=np.float64)
        values = np.asarray(values, dtype=np.float64)
        levels = self.classify(idx, times, values)  # in the caller's order: alarms pair them with its arrays
        result = levels
        if len(times) > 1 and not (times[1:] >= times[:-1]).all():
            order = np.argsort(times, kind="stable")  # so the newest of duplicates wins below
            idx, times, values, levels = idx[order], times[order], values[order], levels[order]
        with self._lock:
            newer = times > self.time[idx]
            if not newer.all():
                idx, times, values, lv = idx[newer], times[newer], values[newer], levels[newer]
            else:
                lv = levels
            # with repeated indices numpy keeps the last write, i.e. the newest observation
            self.value[idx] = values
            self.time[idx] = times
            self.level[idx] = lv
            self.version += 1
        return result

    def set_alarm_level(self, rows, level) -> None:
        """The AlarmBook's open-alarm severity for these terminals (0 when their alarm closed)."""
        with self._lock:
            self.alarm_level[np.asarray(rows, dtype=np.intp)] = level
            self.version += 1

    def states(self, now: float, rows=None) -> np.ndarray:
        """State code per terminal (or of ``rows``) at wall time ``now``: ``terminal_states``."""
        sel = slice(None) if rows is None else np.asarray(rows, dtype=np.intp)
        return terminal_states(self.time[sel], self.registry.interval_s[sel], self.alarm_level[sel], now)

    def snapshot(self, now: float) -> Snapshot:
        with self._lock:
            value, time, version = self.value.copy(), self.time.copy(), self.version
            alarm_level = self.alarm_level.copy()
        return Snapshot(version, now, value, time, terminal_states(time, self.registry.interval_s, alarm_level, now))

    def counts(self, now: float) -> dict:
        """Terminals per state name, e.g. for the status bar."""
        c = np.bincount(self.states(now), minlength=5)
        return dict(zip(STATE_NAMES, map(int, c)))

    def load(self, idx, times, values) -> None:
        """Replace the whole state (replay from history at a past moment)."""
        with self._lock:
            self.value[:] = np.nan
            self.time[:] = -np.inf
            self.level[:] = NORMAL
            self.alarm_level[:] = NORMAL
        self.ingest(idx, times, values)
