"""A window's copy of the store's alarms, kept up to date by the alarm history's cursor (issue 22 item 4).

Why a copy and not the window's own AlarmBook: in an operations centre the alarms are evaluated once, by
the alarm service (offline/store/alarm_service.py), and an acknowledgement must be the same on every desk.
A window that follows the store (``Workspace.follow_store``) therefore shows the store's alarms and never
decides one itself; what its operator does becomes a request the service applies
(offline/store/alarm_requests.py).

Two halves, so the GUI thread never waits on the store:
- ``Follower`` (a worker thread, its own connection): ``first()`` reads the open alarms, the latest cleared
  ones and the pending requests, and notes the last event's ``seq`` (the cursor, read FIRST: an event
  committed during the read is read again next time, never missed); ``next()`` reads the events after the
  cursor and then the rows of the alarms they touched (the service writes both in one transaction, so the
  rows are at least as new as the events), and the pending requests again. It is woken by the service's
  notification on PostgreSQL, and polls on SQLite (offline/store/alarm_wake.py).
- ``MirrorBook`` (the GUI thread): what the alarm dock, the vital signs and the inspector read of an
  AlarmBook (``open_alarms``, ``recently_cleared``, ``for_sensor``, ``counts_by_district``, ``version``),
  filled by ``apply``. Its ``acknowledge``/``clear``/``remark``/``assign`` change nothing but mark the alarm
  "pending" and hand the request to ``asked`` (the window submits it off the GUI thread); the alarm
  changes when the service has applied it and the next read shows the result.
Terminals are Datastream ids in the store and registry rows here; an alarm on a terminal this window's
registry lacks is not shown (``unknown`` counts them). It also sets the terminals' alarm levels on the
window's SensorState, so the map colours the store's alarms as it colours a local book's.
"""
from __future__ import annotations

import collections
import math
import time
from dataclasses import dataclass, field

from layers.sensors.alarms import CLEARED, Alarm, district_counts
from offline.store import alarm_history
from offline.store.alarm_wake import Wake

KEEP_CLEARED = 200  # cleared alarms kept to show (the dock lists this many); the store keeps them all
EVENTS_PER_READ = 10_000
POLL_S = 0.5    # SQLite: how often a window reads (it has no notifications)
CHECK_S = 5.0   # PostgreSQL: a read even without a notification
SLICE_S = 0.25  # the longest wait without looking at ``stop`` (a closed window's thread ends this soon)
RETRY_S = 2.0   # the store lost: open it again after this


@dataclass
class Change:
    """One read of the store: the alarms' rows as they stand, every pending request, where the cursor is."""
    rows: list
    pending: dict            # alarm id → [(action, who), …] not applied yet, in request order
    cursor: int
    read_at: float           # time.monotonic() when the read began
    full: bool = False       # ``first()``: replaces everything the mirror held
    events: int = 0


class Follower:
    """The store's side (one thread): ``first()`` once, then ``next()`` after each wake."""

    def __init__(self, store):
        self.store, self.cursor, self._pending = store, 0, None

    def first(self) -> Change:
        t = time.monotonic()
        self.cursor = alarm_history.last_seq(self.store)  # first: an event committed during the read comes again
        rows = alarm_history.open_alarms(self.store) + alarm_history.latest_cleared(self.store, KEEP_CLEARED)
        self._pending = alarm_history.pending_requests(self.store)
        return Change(rows, self._pending, self.cursor, t, full=True)

    def next(self) -> Change | None:
        """What changed since the last read, or None (nothing: no refresh for the GUI)."""
        t = time.monotonic()
        touched, n = set(), 0
        while True:
            events = alarm_history.events_since(self.store, self.cursor, EVENTS_PER_READ)
            if events:
                self.cursor = int(events[-1]["seq"])
                touched.update(int(e["alarm"]) for e in events)
                n += len(events)
            if len(events) < EVENTS_PER_READ:
                break
        pending = alarm_history.pending_requests(self.store)
        if not touched and pending == self._pending:
            return None
        self._pending = pending
        return Change(alarm_history.alarms_by_id(self.store, touched), pending, self.cursor, t, events=n)


@dataclass
class _Asked:
    action: str
    done_at: float = math.inf   # monotonic time the request committed (inf: not yet)


class MirrorBook:
    """The store's alarms with this window's registry rows: read like an AlarmBook, acted on by requests."""

    def __init__(self, state):
        self.state, self.registry = state, state.registry
        self.alarms: dict[int, Alarm] = {}
        self.open_by_sensor: dict[int, int] = {}
        self._cleared: collections.deque[int] = collections.deque()
        self.version = 0
        self.events: list = []      # always empty: no event is made here (offline/pipeline.py looks)
        self.loaded = False
        self.unknown = 0            # alarms on terminals the window's registry does not have
        self.asked = None           # (action, alarm id, who, note) → None: sends a request (set by the window)
        self._store_pending: dict = {}
        self._mine: dict[int, _Asked] = {}  # requests this window made, until a read shows them in the store
        self._read_at = -math.inf  # when the latest read applied began (monotonic)

    # the store's side ---------------------------------------------------------------------
    def apply(self, change: Change) -> None:
        """A read of the store (on the GUI thread): the alarms as they stand now, and what is pending."""
        reg = self.registry
        if change.full:
            if self.open_by_sensor:
                self.state.set_alarm_level(list(self.open_by_sensor), 0)
            self.alarms, self.open_by_sensor, self.unknown = {}, {}, 0
            self._cleared.clear()
        rows_of = reg.index_of_datastreams([r["datastream"] for r in change.rows]) if change.rows else []
        for r, s in zip(change.rows, rows_of):
            if s < 0:
                self.unknown += change.full
                continue
            self._put(r, int(s))
        self._store_pending = change.pending
        self._read_at = max(self._read_at, change.read_at)
        self._mine = {a: m for a, m in self._mine.items() if m.done_at > self._read_at}
        for a in self.alarms.values():
            a.pending = self._pending_of(a.id)
        self.loaded = True
        self.version += 1

    def _put(self, r: dict, s: int) -> None:
        old = self.alarms.get(r["id"])
        a = Alarm(int(r["id"]), s, int(r["severity"]), float(r["raised_at"]), _nan(r["value"]), status=r["status"],
                  peak=_nan(r["peak"]), acked_by=r["acked_by"] or "", acked_at=r["acked_at"],
                  cleared_by=r["cleared_by"] or "", cleared_at=r["cleared_at"], normal_since=r["normal_since"],
                  occurrences=int(r["occurrences"]), note=r["note"] or "", escalated=r["escalated"],
                  flapping=r["flapping"], returns=r["returns"], assignee=r["assignee"] or "")
        self.alarms[a.id] = a
        if a.status == CLEARED:
            if self.open_by_sensor.get(s) == a.id:
                del self.open_by_sensor[s]
                self.state.set_alarm_level([s], 0)
            if old is None or old.status != CLEARED:
                self._cleared.append(a.id)
                while len(self._cleared) > KEEP_CLEARED:
                    self.alarms.pop(self._cleared.popleft(), None)
            return
        other = self.open_by_sensor.get(s)
        if other is not None and other != a.id and other in self.alarms:  # its successor's row came first
            if self.alarms[other].id > a.id:
                return
        self.open_by_sensor[s] = a.id
        self.state.set_alarm_level([s], a.severity)

    def _pending_of(self, alarm_id: int) -> str:
        actions = [act for act, _who in self._store_pending.get(alarm_id, ())]
        if alarm_id in self._mine:
            actions.append(self._mine[alarm_id].action)
        return ",".join(dict.fromkeys(actions))

    # what the window reads (an AlarmBook's read side) ---------------------------------------
    def open_alarms(self) -> list[Alarm]:
        return [self.alarms[i] for i in self.open_by_sensor.values()]

    def recently_cleared(self, n: int) -> list[Alarm]:
        return [self.alarms[i] for i in list(reversed(self._cleared))[:n] if i in self.alarms]

    def for_sensor(self, sensor: int) -> Alarm | None:
        aid = self.open_by_sensor.get(sensor)
        return None if aid is None else self.alarms[aid]

    def counts_by_district(self) -> dict:
        return district_counts(self.registry, ((a.sensor, a.severity, a.status) for a in self.open_alarms()))

    # a window's own recording side (offline/pipeline.py): nothing to do, the alarms are the service's
    def update(self, *_args) -> list:
        """Readings do not raise alarms here: the alarm service does."""
        return []

    def drain_events(self) -> list:
        return []  # the store's history is the service's; this window records none

    def end_open(self, *_args) -> int:
        return 0

    def restore(self, _recorded) -> int:
        return 0

    def resume(self, *_args) -> int:
        return 0

    # what the operator does: requests ---------------------------------------------------------
    def acknowledge(self, alarm_id: int, who: str, when: float, note: str = "") -> Alarm:
        return self._ask("ack", alarm_id, who, note)

    def clear(self, alarm_id: int, who: str, when: float, note: str = "") -> Alarm:
        return self._ask("clear", alarm_id, who, note)

    def remark(self, alarm_id: int, event: str, who: str, when: float, note: str = "") -> Alarm:
        return self._ask("ack" if event == "acknowledged" else "note", alarm_id, who, note)

    def assign(self, alarm_id: int, who: str, assignee: str, when: float) -> Alarm:
        return self._ask("assign", alarm_id, who, assignee)

    def _ask(self, action: str, alarm_id: int, who: str, note: str) -> Alarm:
        a = self.alarms[alarm_id]
        if self.asked is None:
            raise RuntimeError("this window cannot send requests to the alarm service")
        self._mine[alarm_id] = _Asked(action)
        a.pending = self._pending_of(alarm_id)
        self.version += 1
        self.asked(action, alarm_id, who, note)
        return a

    def asked_done(self, alarm_id: int, committed_at: float | None) -> None:
        """The request committed at ``committed_at`` (monotonic, taken by the thread that committed it: a read
        begun after it shows the request, pending or applied) or failed (None): the local mark can go."""
        mine = self._mine.get(alarm_id)
        if mine is None:
            return
        if committed_at is not None and committed_at > self._read_at:
            mine.done_at = committed_at  # until a read that began after the commit
        else:
            del self._mine[alarm_id]
        if alarm_id in self.alarms:
            self.alarms[alarm_id].pending = self._pending_of(alarm_id)
        self.version += 1


def _nan(v) -> float:
    return float("nan") if v is None else float(v)


def follow(open_store, stop, post, lost, poll_s: float = POLL_S) -> None:
    """Until ``stop`` is set: ``post(change)`` for the first read and every later one that found something.

    ``open_store()`` opens this thread's own connection. The store lost (a restarted server, the network):
    ``lost(one line)``, then opened again and read whole (``first``), every ``RETRY_S``. Woken by the alarm
    service's notification on PostgreSQL, read anyway every ``CHECK_S`` (a notification lost with a
    connection costs that much, never a change); SQLite is read every ``poll_s``."""
    while not stop.is_set():
        store = wake = None
        try:
            store = open_store()
            wake = Wake(store, stop)  # listening before the first read (offline/store/alarm_wake.py)
            follower = Follower(store)
            post(follower.first())
            every = CHECK_S if store.BACKEND == "postgresql" else poll_s
            last = time.monotonic()
            while not stop.is_set():
                woke = wake.wait(min(SLICE_S, every))
                if woke or time.monotonic() - last >= every:
                    last = time.monotonic()
                    change = follower.next()
                    if change is not None:
                        post(change)
        except _store_errors() as exc:
            lost(" ".join(str(exc).split()))
            stop.wait(RETRY_S)
        finally:
            for thing in (wake, store):
                if thing is not None:
                    try:
                        thing.close()
                    except Exception:  # noqa: BLE001 — a connection already broken; dropped either way
                        pass


def _store_errors() -> tuple:
    import sqlite3
    from offline.guard import StoreRefused
    try:
        import psycopg
        return StoreRefused, sqlite3.Error, psycopg.Error
    except ImportError:
        return StoreRefused, sqlite3.Error
