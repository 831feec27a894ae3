"""History reads for the GUI on their own thread (one connection, opened there).

What it reads is a *source* (offline/history_source.py): the sensor history file, or the
operations-centre store a window follows; the workspace decides which, the reader does not know.

``at(t)`` over 200k terminals takes a second or more on a big history, so the
time slider never calls it on the GUI thread: requests are queued here, a burst
of slider moves collapses into its latest moment. The reader is a background job
(widgets/background.py): it posts its results, which become Qt signals on the GUI
thread (never emitted from the reader thread).
"""
from __future__ import annotations

import collections
import logging
import threading
from PySide6.QtCore import QObject, Signal

from widgets.background import run

log = logging.getLogger(__name__)
CHART_POINTS = 4000  # a charted day comes back as 2,000 buckets' lowest and highest readings


class HistoryWorker(QObject):
    replay_ready = Signal(float, object, object, object, object)  # t, datastreams, times, values, alarms
    series_ready = Signal(int, object, object)                     # terminal index, times, values
    vitals_ready = Signal(object)                                   # {(district, indicator): (times, values)}
    extent_ready = Signal(object, float, float)                     # history source, first and last reading
    failed = Signal(str)

    def __init__(self, source=None, parent=None):
        super().__init__(parent)
        self.source = source
        self._at = self._vitals = None
        self._extent = False
        self._series: collections.deque = collections.deque()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._job = run(self._run, name="sensor-history-reader", owner=self, on_item=self._deliver)

    def set_source(self, source):
        """Read from ``source`` now (offline/history_source.py; None: nothing to read)."""
        with self._lock:
            self.source = source

    def request_at(self, t: float):
        with self._lock:
            self._at = float(t)
        self._wake.set()

    def request_series(self, index: int, datastream: int, t0: float, t1: float):
        with self._lock:
            self._series.append((int(index), int(datastream), float(t0), float(t1)))
        self._wake.set()

    def request_vitals(self, t0: float, t1: float):
        with self._lock:
            self._vitals = (float(t0), float(t1))
        self._wake.set()

    def request_extent(self):
        """How far back the history reaches (the time slider covers it)."""
        with self._lock:
            self._extent = True
        self._wake.set()

    def _deliver(self, result):
        """The reader's results, on the GUI thread."""
        kind, args = result
        signals = {"series": self.series_ready, "replay": self.replay_ready, "failed": self.failed,
                   "vitals": self.vitals_ready, "extent": self.extent_ready}
        signals[kind].emit(*args)

    def stop(self):
        self._stop.set()
        self._job.cancel()  # nothing it still posts is delivered
        self._wake.set()
        self._job.wait(2)

    def _run(self, job):
        store, opened = None, None
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                path, at, jobs, vitals, extent = self.source, self._at, list(self._series), self._vitals, self._extent
                self._at = self._vitals = None
                self._extent = False
                self._series.clear()
            if self._stop.is_set():
                break
            if path != opened or store is None:  # a history not there yet is looked for again
                if store is not None:
                    store.close()
                store, opened = (path.open() if path is not None else None), path
            if store is None:
                if at is not None:
                    job.post(("failed", (f"{path}: no sensor history to replay",)))
                continue
            try:
                with store.moment():  # one committed state of a file the pipeline is writing
                    for index, ds, t0, t1 in jobs:
                        times, values = store.series(ds, t0, t1, max_points=CHART_POINTS)
                        job.post(("series", (index, times, values)))
                    if extent and (span := store.extent()) is not None:
                        job.post(("extent", (path, *span)))
                    if vitals is not None:
                        job.post(("vitals", (store.vitals_series(*vitals),)))
                    if at is not None:
                        sensors, times, values = store.at(at)
                        job.post(("replay", (at, sensors, times, values, store.alarms_at(at))))
            except Exception as exc:  # noqa: BLE001 — a damaged history must not kill the reader
                log.exception("history read failed")
                job.post(("failed", (f"{path}: cannot read sensor history ({exc})",)))
                store.close()  # opened again at the next request (a store that restarted: a new connection)
                store = None
        if store is not None:
            store.close()
