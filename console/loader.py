"""Reading layers on worker threads, with progress and cancel.

Workers only read and tessellate (pure Python/numpy/GDAL); widgets/background.py delivers
what happened on the GUI thread, so results reach the model — and so the scene — there.
Two long-lived pool threads (the machine may have two cores; a reader's per-thread state,
such as pyproj's PROJ context, lives on between jobs).
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from layers.background import unexpected
from layers.loading import load_spec
from layers.readers import ReadError
from widgets.background import Pool

log = logging.getLogger(__name__)


class LoadJob:
    """One source being read; callbacks (GUI thread): loaded(layers), failed(message), progress(f, msg), cancelled()."""

    def __init__(self, spec):
        self.spec = spec
        self.job = None  # the background job reading it
        self.cancel_held = None  # while the loader holds it back (Loader.hold): how to cancel it unread
        self.callbacks: dict[str, list] = {"loaded": [], "failed": [], "progress": [], "cancelled": []}

    def on(self, kind: str, fn):
        self.callbacks[kind].append(fn)
        return self

    def cancel(self):
        if self.job is not None:
            self.job.cancel()
        elif self.cancel_held is not None:  # queued while the loader holds: never read
            self.cancel_held()

    def fire(self, kind: str, *args):
        for fn in list(self.callbacks[kind]):
            fn(*args)


def _read(job, spec, project_crs):
    """Worker thread: the layers, or the one line a failure is told in (a reader bug names the file too)."""
    try:
        return load_spec(spec, project_crs, job.reporter())
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 — any reader bug must reach the user, not kill the app
        raise RuntimeError(unexpected(spec.source, exc)) from exc


class Loader(QObject):
    """Queues load jobs; at most two at once."""

    started = Signal(str)
    finished = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = Pool(2, "load")
        self.jobs: list[LoadJob] = []
        self._held: list | None = None  # starts of jobs queued while held (console/startup.py: map first)

    def hold(self):
        """Queue what is submitted from now on without reading it (still ``busy``) until ``release``."""
        if self._held is None:
            self._held = []

    def release(self):
        held, self._held = self._held or [], None
        for start in held:
            start()

    def submit(self, spec, project_crs, on_loaded, on_failed, on_progress=None) -> LoadJob:
        load = LoadJob(spec).on("loaded", on_loaded).on("failed", on_failed)
        if on_progress is not None:
            load.on("progress", on_progress)
        self.jobs.append(load)
        self.started.emit(spec.source)

        def start():
            if load not in self.jobs:  # cancelled while held
                return
            load.job = self.pool.run(
                _read, spec, project_crs, name=f"load {spec.source}", owner=self,
                on_done=lambda layers: self._end(load, "loaded", layers),
                on_error=lambda exc: self._end(load, "failed", str(exc)),
                on_cancelled=lambda: self._end(load, "cancelled"),
                on_progress=lambda f, msg: load.fire("progress", f, msg))
        if self._held is not None:
            self._held.append(start)
            load.cancel_held = lambda: self._end(load, "cancelled")
        else:
            start()
        return load

    def _end(self, load: LoadJob, kind: str, *args):
        try:
            load.fire(kind, *args)
        finally:  # a callback that raised (told by the excepthook) still ends the job
            if load in self.jobs:
                self.jobs.remove(load)
            if not self.jobs:
                self.finished.emit()

    def cancel_all(self):
        for load in list(self.jobs):
            load.cancel()

    def busy(self) -> bool:
        return bool(self.jobs)

    def reading(self) -> bool:
        """Some job is being read (not only queued while held)."""
        return any(load.job is not None for load in self.jobs)

    def shutdown(self):
        self._held = None
        self.cancel_all()
        self.pool.shutdown()
        self.jobs.clear()
