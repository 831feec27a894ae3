"""Worker thread that drains a feed into layer state, alarms and the history store.

    feed (own threads) → next_batch → SensorState.ingest → AlarmBook.update
                                    → HistoryStore.append (own connection, this thread)
    every minute: the city vital signs → HistoryStore.append_vitals (the dock's sparklines)

``stored`` counts rows the history accepted (or state updates without a store);
rows the store ignored as already present are ``duplicates``.

Alarm events (raised by readings, acknowledged or cleared by an operator on the GUI thread)
are stored on every turn of the loop and once more when it ends, before the history is
closed: an acknowledgement made just before the window closes is on disk, not lost with the
process. At start the alarms the history holds open are carried on (AlarmBook.restore).
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time

from layers.background import start_thread
from layers.sensors.alarms import AlarmBook
from layers.sensors.feed import Feed
from layers.sensors.state import SensorState
from offline.guard import StoreRefused
from offline.history import HistoryStore
from offline.store.observations import StoreUnavailable

log = logging.getLogger(__name__)
VITALS_EVERY_S = 60.0  # one vital-signs sample a minute: a day of sparklines is ~12k rows
STORE_RETRY_S = 120.0  # a history locked or full this long ends the recording (one line, non-zero status)


class StoreGaveUp(RuntimeError):
    """The history stayed locked or full past ``give_up_after_s`` (its message is the one line shown)."""


class Pipeline:
    def __init__(self, feed: Feed, state: SensorState, alarms: AlarmBook | None = None,
                 history_path=None, retention_s: float | None = None,
                 prune_every_s: float = 3600.0, give_up_after_s: float = STORE_RETRY_S, open_history=None):
        """``open_history``: a callable opening another history in the worker's thread (`record --store`:
        offline/store/recording.py); ``history_path`` then only names it in messages."""
        self.feed, self.state, self.alarms = feed, state, alarms
        self.history_path, self.retention_s = history_path, retention_s
        if open_history is None and history_path is not None:
            open_history = lambda: HistoryStore(self.history_path, retention_s=self.retention_s)  # noqa: E731
        self._open_history = open_history
        self.prune_every_s = prune_every_s
        self.counters = feed.counters
        self.give_up_after_s = give_up_after_s
        self.error = ""
        self.retrying = ""  # why the store is being retried right now ("" when it is not)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._opened = threading.Event()
        self._abandon = threading.Event()
        self._retention_changed = threading.Event()
        self._feeding = threading.Event()  # no vital-signs sample of the city before its feed (or priming) ran

    def start(self, before_feed=None) -> "Pipeline":
        """Open the history (and carry on its open alarms), run ``before_feed`` (the demo primes), start the feed."""
        self._thread = start_thread(self._run, name="sensor-pipeline")
        self._opened.wait(10)
        if self.error:
            raise getattr(self, "_open_error", None) or RuntimeError(self.error)
        if before_feed is not None:
            before_feed()
        self.feed.start()
        self._feeding.set()
        return self

    def stop(self, timeout: float = 60.0) -> int:
        """Stop the feed, store everything it already queued, then end the worker.

        What is still queued after ``timeout`` is not silently lost: it is counted as
        ``dropped_at_stop`` (and returned), so the final report says so.
        """
        self.feed.stop()
        self._stop.set()
        left = 0
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                self._abandon.set()
                self._thread.join(10.0)
                left = self.feed.pending_observations()
                self.counters.add("dropped_at_stop", left)
                log.warning("stopping: %d queued observations not stored (%.0f s were not enough)", left, timeout)
        return left

    def _run(self):
        store = None
        try:
            if self._open_history is not None:
                store = self._open_history()
                self._restore_alarms(store)
        except Exception as exc:  # re-raised by start(), its kind kept (a damaged history exits 3); the GUI shows it
            self.error, self._open_error = str(exc), exc
        finally:
            self._opened.set()
        if self.error:
            return
        last_prune = time.monotonic()
        last_vitals = float("-inf")
        try:
            if store is not None and self.feed.label:  # replays and exports say where readings came from
                self._stored(lambda: store.set_meta("feed", self.feed.label))
            while not self._abandon.is_set():
                if store is not None and self._feeding.is_set() and time.monotonic() - last_vitals >= VITALS_EVERY_S:
                    last_vitals = time.monotonic()
                    self._store_vitals(store)
                batch = self.feed.next_batch(timeout=0.05)
                if batch is not None:
                    self._apply(batch, store)
                self._store_alarm_events(store)  # also with no readings: an operator's acknowledgement
                if batch is None:
                    if self._stop.is_set() and not self.feed.pending():
                        break
                    continue
                if store is not None and self._retention_changed.is_set():
                    self._retention_changed.clear()
                    self._stored(lambda: store.set_retention(self.retention_s))
                    last_prune = float("-inf")  # a shorter span applies now, not in an hour
                if store is not None and time.monotonic() - last_prune > self.prune_every_s:
                    store.prune(time.time())
                    last_prune = time.monotonic()
        except (StoreGaveUp, StoreRefused) as exc:  # locked or full too long, or a role refused: one line, no traceback
            log.debug("sensor pipeline stopped", exc_info=True)
            self.error = str(exc)
            self.feed.stop()  # nothing more is taken in that cannot be stored
        except Exception as exc:  # keep the app alive; the error is shown and logged
            log.exception("sensor pipeline stopped")
            self.error = str(exc) if isinstance(exc, RuntimeError) else f"sensor pipeline stopped: {exc}"
            self.feed.stop()  # nothing more is taken in that cannot be stored
        finally:
            if store is not None:
                self._final_drain(store)
                store.close()

    def _apply(self, batch, store):
        levels = self.state.ingest(batch.idx, batch.times, batch.values)
        if self.alarms is not None:
            self.alarms.update(batch.idx, batch.times, batch.values, levels)
        if store is None:
            self.counters.add("stored", len(batch))
            self.feed.commit(batch)
            return
        ds = self.state.registry.datastream[batch.idx]
        n = self._stored(lambda: store.append(ds, batch.times, batch.values))
        self.counters.add("stored", n)
        self.counters.add("duplicates", len(batch) - n)
        self._store_alarm_events(store)
        self.feed.commit(batch)  # acknowledged to the source only now that it is on disk

    def _store_alarm_events(self, store):
        if self.alarms is None or store is None or not self.alarms.events:
            return
        events = self.alarms.drain_events()
        if events:  # the history keys terminals by Datastream id, which outlives a registry's row order
            ds_of = self.state.registry.datastream
            rows = [e._replace(sensor=int(ds_of[e.sensor])) for e in events]
            self._stored(lambda: store.append_alarm_events(rows))

    def _final_drain(self, store):
        """The last alarm events (an acknowledgement just before closing) go in before the history closes,
        then where the recording left its open alarms: "ended", so replay and the report do not count
        them open past this moment (issue 26 item 3); a recording that carries them on resumes them."""
        try:
            self._store_alarm_events(store)
            if self.alarms is not None:
                lost = bool(self.error or getattr(self.feed, "fatal", ""))
                self.alarms.end_open(time.time(), "source lost" if lost else "shutdown")
                self._store_alarm_events(store)
        except Exception as exc:  # noqa: BLE001 — said once, like any failed write; the close still happens
            log.warning("history %s: last alarm events not stored (%s)", self.history_path, exc)
            self.error = self.error or str(exc)

    def _restore_alarms(self, store):
        """Carry on the open alarms the history holds — only those of this same source — and those the
        last recording of this source left open when it ended (marked "resumed" from now).

        A history last fed by another source (the demo simulator, another broker) keeps its
        alarms in the file, but they are not this feed's: a new source starts clean.
        """
        if self.alarms is None:
            return
        was = store.meta("feed")
        if was and self.feed.label and was != self.feed.label:
            log.info("history %s: last fed by %s, not %s: its open alarms are not carried on",
                     self.history_path, was, self.feed.label)
            return
        reg = self.state.registry
        recorded = {}
        now = time.time()
        still_open, ended = store.alarm_states(now)
        for aid, a in {**ended, **still_open}.items():
            row = reg.index_of_datastream(int(a["sensor"]))
            if row >= 0:
                recorded[aid] = {**a, "sensor": int(row)}
        if recorded:
            log.info("history %s: %d open alarms carried on", self.history_path, self.alarms.restore(recorded))
        # ended ones this book now holds open (restored, or still open here from the previous feed)
        if self.alarms.resume([aid for aid in ended if aid in self.alarms.alarms], now):
            self._store_alarm_events(store)

    def _store_vitals(self, store):
        from layers.sensors.vitals import samples, vital_signs_of
        now = time.time()
        alarms = self.alarms.open_alarms() if self.alarms is not None else []
        rows = samples(vital_signs_of(self.state, alarms, now))
        self._stored(lambda: store.append_vitals(now, rows))

    def _stored(self, write):
        """Run a history write; a locked, busy or full store is retried with back-off, the batch held.

        The feed keeps queuing (bounded, drops counted) meanwhile. A store that stays
        unwritable for ``give_up_after_s`` ends the recording with one line naming the
        file and the reason (``error``) instead of a live process that stores nothing.
        """
        delay, deadline = 0.05, time.monotonic() + self.give_up_after_s
        while True:
            try:
                result = write()
                self.retrying = ""
                return result
            except (sqlite3.OperationalError, StoreUnavailable) as exc:
                if time.monotonic() + delay > deadline:
                    raise StoreGaveUp(f"{self.history_path}: cannot store observations ({exc}); "
                                      "recording stopped") from None
                (log.info if self.retrying == str(exc) else log.warning)(  # said once per reason, not per retry
                    "history %s: %s; retrying for up to %.0f s", self.history_path, exc, self.give_up_after_s)
                self.retrying = str(exc)
                time.sleep(delay)
                delay = min(delay * 2, 2.0)

    def set_retention(self, seconds: float):
        """Keep readings this long from now on (the window's history-span setting); the worker writes it."""
        self.retention_s = float(seconds)
        self._retention_changed.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, predicate, timeout: float) -> bool:
        """Poll ``predicate(counters_dict)`` until true (tools and tests)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if predicate(self.counters.as_dict()):
                return True
            time.sleep(0.02)
        return predicate(self.counters.as_dict())


def start_feed(model, feed, history: bool = True, before_feed=None, retention_s: float | None = None,
               alarms: bool = True) -> Pipeline:
    """Run ``feed`` into a sensor layer's model (state, alarms, and its history file unless told not to).

    ``alarms=False``: the model's alarm book is not fed (a window following the store: the alarm service
    evaluates them, offline/store/follow.py).
    ``retention_s``: how long readings are kept (the window's setting; default HISTORY_RETENTION_S).
    """
    from layers.sensors.model import HISTORY_RETENTION_S
    retention_s = HISTORY_RETENTION_S if retention_s is None else float(retention_s)
    path = model.history_path if history else None
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    model.feed_label = feed.label
    model.pipeline = Pipeline(feed, model.state, model.alarms if alarms else None, history_path=path,
                              retention_s=retention_s if path else None, prune_every_s=300)
    model.pipeline.start(before_feed)
    return model.pipeline
