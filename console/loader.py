"""Reading layers on a worker thread, with progress and cancel.

The worker only reads and tessellates (pure Python/numpy/GDAL); layers are
added to the model — and so to the scene — on the GUI thread when it finishes.
Workers are Python threads, not QThreadPool threads: a pool thread gets a new
Python thread state for every job, which frees pyproj's per-thread PROJ context
under objects that still use it (a segfault here).
"""
from __future__ import annotations

import logging

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal

from layers.loading import load_spec
from layers.progress import Cancelled, Progress
from layers.readers import ReadError

log = logging.getLogger(__name__)


class _Signals(QObject):
    progress = Signal(float, str)
    loaded = Signal(list)
    failed = Signal(str)
    cancelled = Signal()


class LoadJob:
    def __init__(self, spec: dict, project_crs):
        self.spec = spec
        self.project_crs = project_crs
        self.signals = _Signals()
        self.progress = Progress(lambda f, msg: self.signals.progress.emit(f, msg))

    def cancel(self):
        self.progress.cancel()

    def run(self):
        try:
            layers = load_spec(self.spec, self.project_crs, self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except ReadError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 — any reader bug must reach the user, not kill the app
            log.exception("unexpected error reading %s", self.spec.get("source"))
            self.signals.failed.emit(f"{self.spec.get('source')}: unexpected error ({type(exc).__name__}: {exc})")
        else:
            self.signals.loaded.emit(layers)


class Loader(QObject):
    """Queues load jobs; at most two at once (the machine may have two cores)."""

    started = Signal(str)
    finished = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="load")
        self.jobs: list[LoadJob] = []

    def submit(self, spec, project_crs, on_loaded, on_failed, on_progress=None) -> LoadJob:
        job = LoadJob(spec, project_crs)
        job.signals.loaded.connect(on_loaded)
        job.signals.failed.connect(on_failed)
        if on_progress is not None:
            job.signals.progress.connect(on_progress)
        for sig in (job.signals.loaded, job.signals.failed, job.signals.cancelled):
            sig.connect(lambda *_, j=job: self._done(j))
        self.jobs.append(job)
        self.started.emit(spec.get("source", ""))
        self.pool.submit(job.run)
        return job

    def _done(self, job):
        if job in self.jobs:
            self.jobs.remove(job)
        if not self.jobs:
            self.finished.emit()

    def cancel_all(self):
        for job in list(self.jobs):
            job.cancel()

    def busy(self) -> bool:
        return bool(self.jobs)

    def shutdown(self):
        self.cancel_all()
        self.pool.shutdown(wait=True, cancel_futures=True)
