"""Threshold alarms with a lifecycle: active → acknowledged → cleared, with who and when.

One open alarm per terminal; a worse reading escalates it (warning → critical).
When readings return to normal an acknowledged alarm clears itself (who =
"system"); an unacknowledged one stays active, marked ``normal_since``, until an
operator acknowledges it (ISA-18.2 "return to normal, unacknowledged"), so no
alarm vanishes unseen. Every change is appended to ``events`` for the history store.
"""
from __future__ import annotations

import collections
import itertools
from operator import attrgetter
import secrets
import threading
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from layers.sensors import kinds as K
from layers.sensors.state import CRITICAL, OFFLINE, STALE, WARNING, SensorState

ACTIVE, ACKNOWLEDGED, CLEARED = "active", "acknowledged", "cleared"
MAX_EVENTS = 200_000
KEEP_CLEARED = 5_000  # cleared alarms kept in memory (the history store keeps them all)
SEVERITY = {WARNING: "warning", CRITICAL: "critical"}
SETTLE_EVERY_S = 1.0


class AlarmEvent(NamedTuple):
    """One change in an alarm's life, as the history store keeps it."""

    alarm: int
    sensor: int         # registry row in memory; the history store keeps the Datastream id
    event: str          # raised | escalated | acknowledged | cleared | normal | unacknowledged | flapping | note
    #                     | assigned (note: the assignee)
    #                     | ended (the recording stopped with it open) | resumed (the next one carried it on)
    severity: int
    time: float         # seconds since 1970
    who: str = ""       # the operator; for "ended" why: "shutdown" or "source lost"
    value: float = float("nan")
    note: str = ""      # what the operator wrote acknowledging or clearing it


@dataclass
class Alarm:
    id: int
    sensor: int
    severity: int
    raised_at: float
    value: float
    status: str = ACTIVE
    peak: float = float("nan")
    acked_by: str = ""
    acked_at: float | None = None
    cleared_by: str = ""
    cleared_at: float | None = None
    normal_since: float | None = None
    occurrences: int = 1          # excursions while it was open
    note: str = ""                # what the operator wrote when acknowledging or clearing
    escalated: bool = False       # left unacknowledged past its rule's escalation time
    flapping: bool = False        # came back flap_count times within flap_window_s
    returns: list = field(default_factory=list)  # times of the latest excursions (flapping test)
    assignee: str = ""            # whom an operator assigned it to (``assign``)
    pending: str = ""             # a window following the store: what was asked and not applied yet (alarm_mirror)


class AlarmBook:
    def __init__(self, state: SensorState, rules: dict | None = None):
        from layers.sensors.alarm_rules import rule_columns
        self.state = state
        self.registry = state.registry
        self.rules = rule_columns(self.registry, rules)
        self.streak = np.zeros(len(self.registry), np.int16)  # consecutive readings over a threshold
        self._settled_at = float("-inf")
        self.alarms: dict[int, Alarm] = {}
        self.open_by_sensor: dict[int, int] = {}
        self._cleared: collections.deque[int] = collections.deque()  # oldest first
        self.events: list[AlarmEvent] = []
        # Ids unique across processes: two runs' alarms must stay two alarms in one history file
        # (the store's alarm service numbers its own from 1: ``carry_on``).
        self.next_id = secrets.randbits(40) << 20
        self._lock = threading.RLock()
        self.version = 0

    def _event(self, a: Alarm, event: str, t: float, who: str = "", value: float = float("nan"), note: str = ""):
        self.events.append(AlarmEvent(a.id, a.sensor, event, a.severity, t, who, value, note))
        if len(self.events) > MAX_EVENTS:  # nobody drains (no history store): keep the newest
            del self.events[: MAX_EVENTS // 2]
        self.version += 1

    def update(self, idx, times, values, levels) -> list[Alarm]:
        """Feed the levels ``SensorState.ingest`` returned; returns alarms raised or escalated."""
        idx, levels = np.asarray(idx, dtype=np.intp), np.asarray(levels)
        times, values = np.asarray(times, dtype=np.float64), np.asarray(values, dtype=np.float64)
        hot_mask = levels >= WARNING
        changed = []
        with self._lock:
            self.streak[idx[~hot_mask]] = 0
            clear = self.state.clear_of(idx, times, values, self.rules["deadband"][idx])
            for j in np.flatnonzero(hot_mask).tolist():  # few: only over-threshold readings get here
                s, lv, t, v = int(idx[j]), int(levels[j]), float(times[j]), float(values[j])
                self.streak[s] = min(self.streak[s] + 1, 10_000)
                aid = self.open_by_sensor.get(s)
                if aid is None:
                    if self.streak[s] < self.rules["confirm"][s]:
                        continue  # one spike is not an alarm
                    a = Alarm(self.next_id, s, lv, t, v, peak=v)
                    self.next_id += 1
                    self.alarms[a.id] = a
                    self.open_by_sensor[s] = a.id
                    self._event(a, "raised", t, value=v)
                    self.state.set_alarm_level([s], lv)
                    changed.append(a)
                    continue
                a = self.alarms[aid]
                if a.normal_since is not None:  # a new excursion of the same alarm
                    a.normal_since = None
                    a.occurrences += 1
                    self._count_return(a, t)
                a.peak = v if abs(v) > abs(a.peak) else a.peak
                if lv > a.severity:
                    a.severity = lv
                    self._event(a, "escalated", t, value=v)
                    self.state.set_alarm_level([s], lv)
                    changed.append(a)
            for j in np.flatnonzero(clear).tolist():
                aid = self.open_by_sensor.get(int(idx[j]))
                if aid is not None and self.alarms[aid].normal_since is None:
                    a = self.alarms[aid]
                    a.normal_since = float(times[j])
                    if not a.flapping:  # a chattering alarm's every return would flood the log
                        self._event(a, "normal", a.normal_since, value=float(values[j]))
            self._settle(float(times.max()) if len(times) else None)
        return changed

    def _count_return(self, a: Alarm, t: float):
        window, count = float(self.rules["flap_window_s"][a.sensor]), int(self.rules["flap_count"][a.sensor])
        a.returns = [r for r in a.returns if t - r <= window][-(count - 1):] + [t]
        if not a.flapping and len(a.returns) >= count:
            a.flapping = True
            self._event(a, "flapping", t, value=a.peak)

    def _settle(self, now: float | None):
        """Clear what has been back in range long enough; remind about what nobody acknowledged.

        A walk over every open alarm: at most once a second of data time, not per batch.
        """
        if now is None or not self.open_by_sensor or now - self._settled_at < SETTLE_EVERY_S:
            return
        self._settled_at = now
        for aid in list(self.open_by_sensor.values()):
            a = self.alarms[aid]
            s = a.sensor
            if a.normal_since is not None and (a.status == ACKNOWLEDGED
                                               or now - a.normal_since >= self.rules["clear_after_s"][s]):
                self._close(a, "system", a.normal_since if a.status == ACKNOWLEDGED
                            else a.normal_since + float(self.rules["clear_after_s"][s]))
            elif a.status == ACTIVE and not a.escalated and now - a.raised_at >= self.rules["escalate_after_s"][s]:
                a.escalated = True
                self._event(a, "unacknowledged", now, value=a.peak)

    def _close(self, a: Alarm, who: str, when: float, note: str = ""):
        a.status, a.cleared_by, a.cleared_at = CLEARED, who, when
        self.open_by_sensor.pop(a.sensor, None)
        self.state.set_alarm_level([a.sensor], 0)
        self._event(a, "cleared", when, who, note=note)
        self._cleared.append(a.id)
        while len(self._cleared) > KEEP_CLEARED:  # a long shift must not grow without bound
            self.alarms.pop(self._cleared.popleft(), None)

    def acknowledge(self, alarm_id: int, who: str, when: float, note: str = "") -> Alarm:
        with self._lock:
            a = self.alarms[alarm_id]
            a.note = note or a.note
            if a.status != ACTIVE:
                raise ValueError(f"alarm {alarm_id} is {a.status}, not active")
            a.status, a.acked_by, a.acked_at = ACKNOWLEDGED, who, when
            self._event(a, "acknowledged", when, who, note=note)
            if a.normal_since is not None:
                self._close(a, "system", when)
            return a

    def clear(self, alarm_id: int, who: str, when: float, note: str = "") -> Alarm:
        """Operator clears (e.g. a known fault); an active alarm is acknowledged first."""
        with self._lock:
            a = self.alarms[alarm_id]
            a.note = note or a.note
            if a.status == CLEARED:
                raise ValueError(f"alarm {alarm_id} is already cleared")
            if a.status == ACTIVE:
                a.status, a.acked_by, a.acked_at = ACKNOWLEDGED, who, when
                self._event(a, "acknowledged", when, who, note=note)
            self._close(a, who, when, note)
            return a

    def remark(self, alarm_id: int, event: str, who: str, when: float, note: str = "") -> Alarm:
        """An operator's word on an open alarm that changes none of its state: a note, or an acknowledgement of
        one already acknowledged (two desks at once: both are in the history, the first one's name stays)."""
        with self._lock:
            a = self.alarms[alarm_id]
            a.note = note or a.note
            self._event(a, event, when, who, note=note)
            return a

    def assign(self, alarm_id: int, who: str, assignee: str, when: float) -> Alarm:
        """``who`` gives an open alarm to ``assignee`` (an "assigned" event: who asked, the assignee as its note)."""
        with self._lock:
            a = self.alarms[alarm_id]
            if a.status == CLEARED:
                raise ValueError(f"alarm {alarm_id} is already cleared")
            a.assignee = assignee
            self._event(a, "assigned", when, who, note=assignee)
            return a

    def restore(self, recorded: dict) -> int:
        """Carry on the alarms a history holds open (HistoryStore.alarms_at, sensors as registry rows).

        After a restart the operator's acknowledgements are still there and an excursion that
        is still going on stays the same alarm. A terminal that already has an open alarm
        keeps it. Nothing is logged: these events are in the history already.
        """
        n = 0
        with self._lock:
            for aid, r in recorded.items():
                s = int(r["sensor"])
                if s in self.open_by_sensor or int(aid) in self.alarms:
                    continue
                a = Alarm(int(aid), s, int(r["severity"]), float(r["raised_at"]), float("nan"),
                          status=r["status"], acked_by=r.get("acked_by") or "", acked_at=r.get("acked_at"),
                          note=r.get("note") or "", flapping=bool(r.get("flapping")),
                          escalated=bool(r.get("escalated")))
                self.alarms[a.id] = a
                self.open_by_sensor[s] = a.id
                self.streak[s] = self.rules["confirm"][s]  # confirmed already: a reading over keeps it open
                self.state.set_alarm_level([s], a.severity)
                n += 1
            self.version += 1
        return n

    def carry_on(self, open_alarms, streak: dict, settled_at: float, next_id: int) -> None:
        """Take up exactly where an evaluation stopped (the store's alarm service, offline/store/alarm_state.py).

        ``open_alarms`` with every field, each terminal's confirmation ``streak`` ({row: n}), the data
        time of the last settling walk and the next alarm id: unlike ``restore`` nothing is guessed,
        so the book decides every later reading as the one that stopped would have.
        """
        with self._lock:
            self.alarms = {a.id: a for a in open_alarms}
            self.open_by_sensor = {a.sensor: a.id for a in open_alarms}
            self._cleared.clear()
            self.streak[:] = 0
            for s, n in streak.items():
                self.streak[int(s)] = n
            self.state.set_alarm_level(np.arange(len(self.registry)), 0)
            for a in open_alarms:
                self.state.set_alarm_level([a.sensor], a.severity)
            self._settled_at, self.next_id = float(settled_at), int(next_id)
            self.version += 1

    def exact_state(self) -> tuple[dict, float]:
        """({row: streak} of the terminals with one, data time of the last settling walk): what
        ``carry_on`` needs beside the open alarms and ``next_id``."""
        with self._lock:
            rows = np.flatnonzero(self.streak)
            return dict(zip(rows.tolist(), self.streak[rows].tolist())), self._settled_at

    def end_open(self, when: float, why: str) -> int:
        """The recording stops with these alarms open ("shutdown", "source lost"): say so in the log.

        They stay open in memory (a feed switched in this window carries them on, ``resume``);
        the history marks where nobody watched them any more, so replay and the report do not
        count them open afterwards.
        """
        with self._lock:
            for a in self.open_alarms():
                self._event(a, "ended", when, why)
            return len(self.open_by_sensor)

    def resume(self, alarm_ids, when: float) -> int:
        """Alarms a new recording carries on (restored, or still open in this book): logged as resumed."""
        with self._lock:
            ids = [i for i in alarm_ids if i in self.alarms and self.alarms[i].status != CLEARED]
            for i in ids:
                self._event(self.alarms[i], "resumed", when)
            return len(ids)

    def open_alarms(self) -> list[Alarm]:
        with self._lock:
            return [self.alarms[i] for i in self.open_by_sensor.values()]

    def recently_cleared(self, n: int) -> list[Alarm]:
        """The last n alarms cleared, newest first."""
        with self._lock:
            return [self.alarms[i] for i in itertools.islice(reversed(self._cleared), n)]

    def for_sensor(self, sensor: int) -> Alarm | None:
        aid = self.open_by_sensor.get(sensor)
        return None if aid is None else self.alarms[aid]

    def counts_by_district(self) -> dict:
        """{district: {"active", "acknowledged", "warning", "critical"}} over open alarms."""
        return district_counts(self.registry, ((a.sensor, a.severity, a.status) for a in self.open_alarms()))

    def drain_events(self) -> list[AlarmEvent]:
        with self._lock:
            ev, self.events = self.events, []
            return ev


STATUSES = (ACTIVE, ACKNOWLEDGED, CLEARED)  # the status codes of alarm_columns()


def alarm_columns(alarms) -> dict[str, np.ndarray]:
    """Alarms as columns, so a table of 100,000 sorts, filters and selects with numpy."""
    al = list(alarms)
    n = len(al)

    def col(name, dtype):
        return np.fromiter(map(attrgetter(name), al), dtype, n)

    def opt(name):
        return np.array([np.nan if v is None else v for v in map(attrgetter(name), al)], np.float64)

    code = {s: i for i, s in enumerate(STATUSES)}
    return {"id": col("id", np.int64), "sensor": col("sensor", np.int64), "severity": col("severity", np.int8),
            "status": np.fromiter((code[a.status] for a in al), np.int8, n),
            "raised": col("raised_at", np.float64), "value": col("value", np.float64),
            "acked_at": opt("acked_at"), "cleared_at": opt("cleared_at"),
            "acked_by": np.array([a.acked_by for a in al], object),
            "cleared_by": np.array([a.cleared_by for a in al], object),
            "note": np.array([a.note for a in al], object),
            "assignee": np.array([a.assignee for a in al], object),
            "pending": np.array([a.pending for a in al], object),
            "occurrences": col("occurrences", np.int32), "flapping": col("flapping", bool)}


def replayed_alarms(alarms: dict) -> list[Alarm]:
    """HistoryStore.alarms_at() records (sensor as registry rows) as Alarm objects."""
    return [Alarm(int(aid), int(a["sensor"]), int(a["severity"]), float(a["raised_at"]), float("nan"),
                  status=a["status"], acked_by=a.get("acked_by") or "", acked_at=a.get("acked_at"),
                  note=a.get("note") or "", flapping=bool(a.get("flapping")))
            for aid, a in alarms.items()]


def district_counts(registry, open_alarms) -> dict:
    """Counts per district of (sensor row, severity, status) triples: the live book and a replay alike."""
    out = {d: {ACTIVE: 0, ACKNOWLEDGED: 0, "warning": 0, "critical": 0} for d in registry.district_names}
    for sensor, severity, status in open_alarms:
        d = registry.district_of(int(sensor)) or "unknown"
        c = out.setdefault(d, {ACTIVE: 0, ACKNOWLEDGED: 0, "warning": 0, "critical": 0})
        if status in (ACTIVE, ACKNOWLEDGED):
            c[status] += 1
        c[SEVERITY.get(int(severity), "warning")] += 1
    return out


def health(state: SensorState, now: float) -> dict:
    """The "sensor health" view: stale and offline terminals per district and per kind."""
    reg = state.registry
    st = state.states(now)
    out = {}
    for code, name in ((STALE, "stale"), (OFFLINE, "offline")):
        sel = st == code
        out[name] = {
            "count": int(sel.sum()),
            "by_district": {d: int(c) for d, c in zip(
                reg.district_names, np.bincount(reg.district[sel & (reg.district >= 0)],
                                                minlength=len(reg.district_names)))},
            "by_kind": {k: int(c) for k, c in zip(
                [k.name for k in K.KINDS], np.bincount(reg.kind[sel], minlength=K.N_KINDS))},
            "indices": np.flatnonzero(sel),
        }
    return out
