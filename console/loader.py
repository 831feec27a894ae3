"""Reading layers on worker threads, with progress and cancel.

Workers only read and tessellate (pure Python/numpy/GDAL) and post what
happened to a queue; a timer on the GUI thread drains it, so results reach the
model — and so the scene — on the GUI thread. Two deliberate choices, both from
crashes seen here:
- Python threads, not QThreadPool: a pool thread gets a new Python thread state
  per job, which frees pyproj's per-thread PROJ context under live objects.
- No Qt signals emitted from worker threads: PySide6 6.12 corrupted reference
  counts ("deallocating None") when they were queued while the GUI thread spun.
"""
from __future__ import annotations

import logging
import queue
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, QTimer, Signal

from layers.loading import load_spec
from layers.progress import Cancelled, Progress
from layers.readers import ReadError

log = logging.getLogger(__name__)
DRAIN_MS = 30


class LoadJob:
    def __init__(self, spec, project_crs, events: queue.SimpleQueue):
        self.spec = spec
        self.project_crs = project_crs
        self.events = events
        self.callbacks: dict[str, list] = {"loaded": [], "failed": [], "progress": [], "cancelled": []}
        self.progress = Progress(lambda f, msg: events.put((self, "progress", (f, msg))))

    def on(self, kind: str, fn):
        self.callbacks[kind].append(fn)
        return self

    def cancel(self):
        self.progress.cancel()

    def run(self):
        try:
            layers = load_spec(self.spec, self.project_crs, self.progress)
        except Cancelled:
            self.events.put((self, "cancelled", ()))
        except ReadError as exc:
            self.events.put((self, "failed", (str(exc),)))
        except Exception as exc:  # noqa: BLE001 — any reader bug must reach the user, not kill the app
            log.exception("unexpected error reading %s", self.spec.source)
            self.events.put((self, "failed", (f"{self.spec.source}: unexpected error "
                                              f"({type(exc).__name__}: {exc})",)))
        else:
            self.events.put((self, "loaded", (layers,)))


class Loader(QObject):
    """Queues load jobs; at most two at once (the machine may have two cores)."""

    started = Signal(str)
    finished = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="load")
        self.jobs: list[LoadJob] = []
        self.events: queue.SimpleQueue = queue.SimpleQueue()
        self.timer = QTimer(self)
        self.timer.setInterval(DRAIN_MS)
        self.timer.timeout.connect(self.drain)

    def submit(self, spec, project_crs, on_loaded, on_failed, on_progress=None) -> LoadJob:
        job = LoadJob(spec, project_crs, self.events).on("loaded", on_loaded).on("failed", on_failed)
        if on_progress is not None:
            job.on("progress", on_progress)
        self.jobs.append(job)
        self.started.emit(spec.source)
        self.pool.submit(job.run)
        self.timer.start()
        return job

    def drain(self):
        """Deliver what the workers posted (GUI thread); progress is coalesced to the latest."""
        latest_progress = {}
        while True:
            try:
                job, kind, args = self.events.get_nowait()
            except queue.Empty:
                break
            if kind == "progress":
                latest_progress[job] = args
                continue
            for fn in job.callbacks[kind]:
                fn(*args)
            self._done(job)
        for job, args in latest_progress.items():
            if job in self.jobs:
                for fn in job.callbacks["progress"]:
                    fn(*args)

    def _done(self, job):
        if job in self.jobs:
            self.jobs.remove(job)
        if not self.jobs:
            self.timer.stop()
            self.finished.emit()

    def cancel_all(self):
        for job in list(self.jobs):
            job.cancel()

    def busy(self) -> bool:
        return bool(self.jobs)

    def shutdown(self):
        self.cancel_all()
        self.timer.stop()
        self.pool.shutdown(wait=True, cancel_futures=True)
