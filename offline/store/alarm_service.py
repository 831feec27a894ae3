"""The alarm service: alarms evaluated once, for the whole operations centre, from the stored readings.

    observations (in commit order, offline/store/alarm_feed.py) → AlarmBook (layers/sensors/alarms.py)
        → in ONE transaction: the alarms it changed, its events, the checkpoint (offline/store/alarm_state.py)

Why here and not in the recorders: the rules (confirmation, deadband, flapping, auto-clear, escalation)
need every reading of a terminal, and a shared subscription hands them to several recorders; why not in
each window: an acknowledgement must meet the same alarm on every desk. docs/alarm-service.md.

A step reads what is settled after the checkpoint, runs each stored transaction's readings through the
rules as one batch, then commits the changed alarms, the events and the new checkpoint together: a
step is in the store whole or not at all. Killed at any moment, the next service loads the book's
exact state as of the last committed step and reads on from its checkpoint, so the history is the one
an uninterrupted run makes (tests/test_alarm_service.py). The store lost (restarted, network gone):
the book in memory may be ahead of what committed, so it is dropped and loaded again from the store
once it is back, for up to ``give_up_after_s``.

Operators' acknowledgements, clears and notes arrive as rows of ``alarm_requests``
(offline/store/alarm_requests.py): a step applies the pending ones first, in request order, and marks
them applied in its transaction, so a kill never loses or repeats one. On PostgreSQL a request wakes
an idle service at once, and a step that changed anything wakes the windows (offline/store/alarm_wake.py).

One service per store: the lease (offline/store/alarm_lease.py); a second one is refused in one line,
or with ``standby`` waits and takes over when the first one ends. Every step also checks that the
checkpoint and holder it started from are still the store's (fencing), so two could never both write.
"""
from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
import time
import uuid

from layers.sensors.alarms import AlarmBook
from layers.sensors.state import SensorState
from offline.guard import StoreRefused
from offline.store import alarm_requests, alarm_state, alarm_vitals
from offline.store.alarm_feed import SettledReadings
from offline.store.alarm_lease import Busy, Lease
from offline.store.alarm_wake import Wake, notify

log = logging.getLogger(__name__)


class StoreLost(RuntimeError):
    """The store stayed unreachable past the service's patience (its message is the one line shown)."""


class AlarmService:
    def __init__(self, url: str, registry, password: str | None = None, *, rules: dict | None = None,
                 poll_s: float = 0.5, max_rows: int = 50_000, give_up_after_s: float = 300.0, report=None):
        """``registry``: the terminals and their thresholds (the recorders'); ``report(text)``: progress lines."""
        self.url, self.registry, self._password, self.rules = url, registry, password, rules
        self.poll_s, self.max_rows, self.give_up_after_s = poll_s, max_rows, give_up_after_s
        self.report = report or log.info
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.counts = {"readings": 0, "unknown": 0, "events": 0, "steps": 0, "reconnects": 0,
                       "requests": 0}
        self.store = self.lease = self.book = self.pos = self.feed = self.wake = self.vitals = None
        self.position = 0  # read up to here: past the checkpoint over commit numbers that stored nothing

    # -- the loop ------------------------------------------------------------------
    def run(self, stop: threading.Event, once: bool = False, standby: bool = False) -> None:
        """Evaluate until ``stop`` is set (``once``: until what is stored now is evaluated).

        Raises Busy (another service holds the store; not with ``standby``), StoreRefused (the first
        open failed: a damaged store, a role without the right) or StoreLost."""
        lost_since = None
        try:
            while not stop.is_set():
                try:
                    if self.store is None:
                        if not self._start(stop, standby):
                            return  # stopped while waiting as a standby
                        if lost_since is not None:  # back after an outage
                            self.counts["reconnects"] += 1
                        lost_since = None
                    if not self._step():
                        if once:
                            return
                        self.wake.wait(self.poll_s)  # a desk's request (PostgreSQL) wakes it at once
                except (alarm_state.TakenOver, Busy):
                    raise
                except Exception as exc:  # noqa: BLE001 — sorted below: the store gone is waited for, the rest raised
                    if not self._lost(exc):
                        raise
                    if lost_since is None:  # said once per outage, not at every try
                        lost_since = time.monotonic()
                        self.report(f"store unreachable ({_reason(exc)}); evaluation resumes from the last "
                                    "committed step when it is back")
                    self._drop()
                    if time.monotonic() - lost_since > self.give_up_after_s:
                        raise StoreLost(f"{self._name()}: the store stayed unreachable for "
                                        f"{self.give_up_after_s:.0f} s; alarm service stopped") from None
                    stop.wait(min(2.0, self.poll_s * 4))
        finally:
            self._drop()

    def _start(self, stop: threading.Event, standby: bool) -> bool:
        """Open the store, take the lease, load the book: True when serving."""
        from offline.store import open_store
        self.store = open_store(self.url, self._password, seed=False)
        self.lease = Lease(self.store)
        said = False
        while not self.lease.try_take():
            holder = self.store.q("SELECT holder FROM alarm_service WHERE id = 1").fetchone()[0] or "unknown"
            if not standby:
                raise Busy(f"{self.store.url}: another alarm service ({holder}) evaluates this store's alarms; "
                           "one at a time (alarms serve --standby waits and takes over when it stops)")
            if not said:
                self.report(f"standby: {holder} evaluates the alarms; taking over when it stops")
                said = True
            if stop.wait(self.poll_s):
                return False
        self.pos = alarm_state.claim(self.store, self.holder)
        self.book = AlarmBook(SensorState(self.registry), self.rules)
        loaded = alarm_state.load(self.store, self.book)
        self.position = self.pos.checkpoint = loaded.checkpoint
        self.vitals = alarm_vitals.Vitals.restore(self.store, self.book, loaded.checkpoint)  # the city's state then
        self.feed = SettledReadings(self.store, self.max_rows)
        self.wake = Wake(self.store, stop)  # before the first step: a request filed from now on wakes it
        self.report(f"evaluating the alarms of {self.store.url} from commit {self.pos.checkpoint} "
                    f"({len(self.book.open_by_sensor)} open alarms carried on)")
        return True

    def _step(self) -> bool:
        """Evaluate what is settled after the position; True when a step was committed."""
        upto, batches = self.feed.after(self.position)
        asked = alarm_requests.pending(self.store)
        if not batches and not asked:
            self.position = upto  # nothing stored there: read again after a restart, and empty again
            return False
        book, reg = self.book, self.registry
        before = alarm_state.fingerprints(book)
        outcomes = alarm_requests.apply(book, asked)  # first: they answer the alarms as the operators saw them
        readings = unknown = 0
        for b in batches:
            idx = reg.index_of_datastreams(b.datastreams)
            keep = idx >= 0
            readings += int(keep.sum())
            unknown += int(len(idx) - keep.sum())
            if keep.any():
                idx, t, v = idx[keep], b.times[keep], b.values[keep]
                book.update(idx, t, v, self.vitals.ingest(idx, t, v))  # the minutes it reaches sampled first
        events = book.drain_events()
        with self.store.tx("evaluate alarms"):
            alarm_state.save(self.store, book, before, events, self.pos, upto)
            alarm_requests.mark(self.store, outcomes)  # with the checkpoint: applied once, killed or not
            self.vitals.save(self.store)  # the vital signs' minutes: none twice, none lost
            if events or outcomes:  # the windows look when (and if) it commits
                notify(self.store, f"step {upto}")
        self.pos.checkpoint = self.position = upto
        for k, n in (("readings", readings), ("unknown", unknown), ("events", len(events)), ("steps", 1),
                     ("requests", len(outcomes))):
            self.counts[k] += n
        return True

    # -- the store going away --------------------------------------------------------
    def _lost(self, exc: BaseException) -> bool:
        """The store's server or connection went away (not a refusal): wait for it to come back."""
        if isinstance(exc, sqlite3.OperationalError):
            return "locked" in str(exc) or "busy" in str(exc)
        psycopg = getattr(self.store, "_psycopg", None)
        if psycopg is None:
            try:
                import psycopg
            except ImportError:
                return False
        cause = exc.__context__ if isinstance(exc, StoreRefused) and self.pos is not None else exc
        return isinstance(cause, (psycopg.OperationalError, psycopg.InterfaceError))

    def _drop(self):
        """Close what is open; the book goes too (it may be ahead of what the store committed)."""
        if self.wake is not None:
            self.wake.close()
        if self.lease is not None:
            self.lease.release()
        if self.store is not None:
            try:
                self.store.close()
            except Exception:  # noqa: BLE001 — a broken connection may fail to close; it is dropped either way
                pass
        self.store = self.lease = self.book = self.wake = None

    def _name(self) -> str:
        from offline.store import conninfo
        return conninfo.redact(self.url) if conninfo.is_postgres(self.url) else self.url

    def open_count(self) -> int:
        return 0 if self.book is None else len(self.book.open_by_sensor)


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]
