"""A window that follows the operations-centre store: the readings the recorders stored, as a feed.

Issue 22 item 4. ``open --store URL`` (without ``--mqtt``) subscribes to no broker: the recorders
(`record --store`) hold the feed and write every reading into the store; the window reads them back.

    open: each Datastream's latest reading (``Observations.latest``, ~0.2 s for 200,000 on PostgreSQL)
    then: only what was committed since, by commit number (``SettledReadings``: the alarm service's
          own reader, offline/store/alarm_feed.py), one ``Batch`` per look

``StoreFollower`` is a ``Feed`` (layers/sensors/feed.py), so the one pipeline (offline/pipeline.py)
applies its batches to the layer's state; the window starts it with no history (it records nothing:
the store is the history) and no alarm book (the alarm service evaluates alarms once, for every desk):
console/panels/sensors/follow.py. Its thread is the only one that reads readings; the GUI thread never waits on the store.

Wake-up: PostgreSQL's recorders end each write transaction with a NOTIFY on ``OBSERVATIONS_CHANNEL``
(offline/store/observations.py), delivered only if it commits; SQLite is polled. Either way a look
is taken at most every ``coalesce_s``, whatever arrived meanwhile read at once: never one read per
notification. The cursor is taken *before* the latest values are read, so nothing committed between
the two is missed (what both hold is applied twice, harmlessly: an older reading never overwrites).

The store unreachable (at start, or restarted later): ``connected`` is False and ``last_error``
says why (the status bar's word); the follower tries again every ``retry_s`` and reads on from its
cursor once it is back.
"""
from __future__ import annotations

import logging
import threading
import time

import numpy as np

from layers.background import start_thread
from layers.sensors.feed import Batch, Feed
from offline.store.observations import OBSERVATIONS_CHANNEL

log = logging.getLogger(__name__)


class StoreFollower(Feed):
    def __init__(self, registry, open_store, url: str, *, poll_s: float = 0.5, coalesce_s: float = 0.15,
                 retry_s: float = 2.0, max_rows: int = 200_000):
        """``open_store()``: a new connection to the store (called in the follower's thread);
        ``url``: the store's redacted name (labels and messages)."""
        super().__init__(registry, queue_size=64)
        self._open_store, self.url = open_store, url
        self.poll_s, self.coalesce_s, self.retry_s, self.max_rows = poll_s, coalesce_s, retry_s, max_rows
        self.label = f"store {url}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connected = False
        self.position: int | None = None  # the commit number read up to (None: not read from the store yet)

    @property
    def connected(self) -> bool:
        return self._connected

    def status(self) -> tuple[str, dict]:
        """The status bar's word: (strings key, fields)."""
        if not self._connected:
            return "sensors.follow_waiting", {"store": self.url, "why": self.last_error or "…"}
        return "sensors.follow_store", {"store": self.url}

    def start(self) -> None:
        self._thread = start_thread(self._run, name="sensor-store-follower")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)

    # -- the follower's thread --------------------------------------------------------------
    def _run(self):
        while not self._stop.is_set():
            store = None
            try:
                store = self._open_store()
                self._follow(store)
            except Exception as exc:  # noqa: BLE001 — the store gone or refused: said in the status bar, tried again
                if self._stop.is_set():
                    break
                reason = " ".join(str(exc).split())[:300]
                if reason != self.last_error or self._connected:
                    log.warning("following %s: %s; trying again every %.0f s", self.url, reason, self.retry_s)
                if self._connected:
                    self.counters.add("reconnects")
                self._connected, self.last_error = False, reason
            finally:
                _close(store)
            self._stop.wait(self.retry_s)

    def _follow(self, store):
        from offline.store.alarm_feed import SettledReadings
        from offline.store.observations import Observations
        readings = SettledReadings(store, self.max_rows)
        if self.position is None:
            self.position = readings.horizon() - 1  # first: what commits from here on is read below
            self._hand(*Observations(store).latest())
        self._connected, self.last_error = True, ""
        listener = _Listener(store, self.poll_s)
        try:
            last = 0.0
            while not self._stop.is_set():
                while len(self._queue) >= self.queue_size and not self._stop.is_set():
                    self._stop.wait(0.05)  # the pipeline is behind: the store keeps the readings meanwhile
                self._read(readings)
                last = time.monotonic()
                listener.wait(self._stop)
                self._stop.wait(max(0.0, last + self.coalesce_s - time.monotonic()))  # coalesce
        finally:
            listener.close()

    def _read(self, readings):
        """Everything settled after the cursor, in steps of about ``max_rows`` (the queue bounds a backlog)."""
        while not self._stop.is_set() and len(self._queue) < self.queue_size:
            upto, batches = readings.after(self.position)
            if batches:
                self._hand(np.concatenate([b.datastreams for b in batches]),
                           np.concatenate([b.times for b in batches]), np.concatenate([b.values for b in batches]))
            if upto == self.position:
                return
            self.position = upto

    def _hand(self, datastreams, times, values):
        idx = self.registry.index_of_datastreams(datastreams)
        keep = idx >= 0
        unknown = int(len(idx) - keep.sum())
        if unknown:
            self.counters.reject("not a terminal of this registry", unknown)
        if keep.any():
            self.counters.add("received", int(keep.sum()))
            self._queue.append(Batch(idx[keep], np.asarray(times)[keep], np.asarray(values)[keep]))
            self._ready.set()


class _Listener:
    """Waits for the next commit of readings: a NOTIFY on PostgreSQL (polled still, rarely), a poll on SQLite."""

    def __init__(self, store, poll_s: float):
        self.poll_s, self.con = poll_s, None
        if store.BACKEND == "postgresql":
            self.con = store._connect("cannot listen to the operations-centre store")
            self.con.execute(f"LISTEN {OBSERVATIONS_CHANNEL}")

    def wait(self, stop: threading.Event):
        if self.con is None:
            stop.wait(self.poll_s)
            return
        # a commit ends the wait; a reading can also settle when another (non-recording) transaction ends,
        # which notifies nothing: look anyway every few polls
        end = time.monotonic() + self.poll_s * 4
        while not stop.is_set() and time.monotonic() < end:
            if any(True for _ in self.con.notifies(timeout=min(0.25, end - time.monotonic()), stop_after=1)):
                break
        for _ in self.con.notifies(timeout=0.001):  # the rest that queued up: one read covers them all
            pass

    def close(self):
        _close(self.con)


def _close(thing):
    if thing is not None:
        try:
            thing.close()
        except Exception:  # noqa: BLE001 — a broken connection may fail to close; it is dropped either way
            pass
