"""Background work for the GUI: the one way to run slow work off the GUI thread and get its results on it.

The rule (docs/DEVELOPING.md, "Background work"): worker code never touches a widget and never
emits a Qt signal. It returns a value, raises, or calls ``job.post(...)`` / ``job.progress(...)``;
all of it goes into one queue that a timer on the GUI thread drains, so every callback
(``on_done``, ``on_error``, ``on_item``, ``on_progress``, ``on_cancelled``) runs on the GUI thread.
An exception the job has no ``on_error`` for goes to the error channel (layers/background.py):
logged, and shown by the window that called ``attach_errors``. A job whose owner (a QObject) has
been deleted delivers nothing more and is asked to stop.

Not superqt's ``thread_worker`` nor QThreadPool, nor signals from workers: superqt's workers are
QRunnables on the global QThreadPool that emit signals from the worker thread, and both were
crashes here — a pool thread gets a new Python thread state per job, which frees pyproj's
per-thread PROJ context under live objects, and PySide6 corrupted reference counts ("deallocating
None") when signals were queued from a worker while the GUI thread spun.
"""
from __future__ import annotations

import inspect
import logging
import queue
import sys
import threading
import weakref

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer
from shiboken6 import Shiboken

from layers import background
from layers.progress import Cancelled, Progress

log = logging.getLogger(__name__)
DRAIN_MS = 30   # while jobs run
IDLE_MS = 250   # while only a window listens for error-channel lines
_inbox: queue.SimpleQueue = queue.SimpleQueue()  # (job or None, kind, args) from any thread
_ENDS = ("done", "error", "cancelled")


class Job:
    """One piece of background work. The worker side: ``post``, ``progress``, ``cancelled``, ``reporter``."""

    def __init__(self, name: str, owner: QObject | None = None):
        self.name = name
        self._owner = weakref.ref(owner) if owner is not None else None
        self.cancelled = threading.Event()  # set by cancel(); the worker looks at it between steps
        self.finished = threading.Event()   # the worker function has returned or raised
        self.dropped = False                # delivers nothing more (its pool was shut down)
        self.callbacks: dict[str, list] = {k: [] for k in ("done", "error", "item", "progress", "cancelled")}

    def on(self, kind: str, fn) -> "Job":
        if fn is not None:
            self.callbacks[kind].append(fn)
        return self

    # the worker's side (any thread) ---------------------------------------------------------
    def post(self, *item):
        """Send ``item`` to ``on_item`` (in order, each one)."""
        _inbox.put((self, "item", item))

    def progress(self, *args):
        """Send progress to ``on_progress`` (a burst collapses into its latest)."""
        _inbox.put((self, "progress", args))

    def reporter(self) -> Progress:
        """A layers.progress.Progress for this job: updates go to on_progress, cancel() stops it."""
        return Progress(self.progress, self.cancelled)

    # the GUI's side ---------------------------------------------------------------------------
    def cancel(self):
        """Ask the worker to stop; what it posts from now on is not delivered (its end still is)."""
        self.cancelled.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the worker function to end (its outcome is delivered by the next drain)."""
        return self.finished.wait(timeout)

    def running(self) -> bool:
        """Started and its outcome not yet delivered."""
        return self in _dispatcher().jobs

    def owner_alive(self) -> bool:
        if self._owner is None:
            return True
        owner = self._owner()
        return owner is not None and Shiboken.isValid(owner)

    def _execute(self, fn, args):
        try:
            if self.cancelled.is_set():
                raise Cancelled(self.name)
            outcome = ("done", (fn(self, *args),))
        except Cancelled:
            outcome = ("cancelled", ())
        except Exception as exc:  # noqa: BLE001 — delivered to on_error or the error channel
            outcome = ("error", (exc,))
        _inbox.put((self, *outcome))
        self.finished.set()


def run(fn, *args, name: str, owner: QObject | None = None, on_done=None, on_error=None, on_item=None,
        on_progress=None, on_cancelled=None, pool=None) -> Job:
    """Call ``fn(job, *args)`` on a worker thread (``pool``'s, else a new one); callbacks on the GUI thread."""
    d = _dispatcher()
    job = Job(name, owner).on("done", on_done).on("error", on_error).on("item", on_item)
    job.on("progress", on_progress).on("cancelled", on_cancelled)
    d.jobs.add(job)
    d.wake()
    if pool is None:
        background.start_thread(job._execute, fn, args, name=name)
    else:
        pool.submit(job._execute, fn, args)
    return job


class Pool:
    """A few long-lived worker threads (the loader's two): ``run`` as above, on them."""

    def __init__(self, workers: int, name: str):
        self.name = name
        self.executor = background.thread_pool(workers, name)
        self.jobs: weakref.WeakSet = weakref.WeakSet()

    def run(self, fn, *args, name: str | None = None, **callbacks) -> Job:
        job = run(fn, *args, name=name or self.name, pool=self.executor, **callbacks)
        self.jobs.add(job)
        return job

    def shutdown(self):
        """Cancel its jobs, wait for the running ones; nothing of them is delivered afterwards."""
        for job in list(self.jobs):
            job.cancel()
        self.executor.shutdown(wait=True, cancel_futures=True)
        for job in list(self.jobs):
            job.dropped = True
            _dispatcher().jobs.discard(job)


def attach_errors(report_error, owner: QObject):
    """The error channel (and uncaught exceptions) are shown by ``report_error`` while ``owner`` lives."""
    d = _dispatcher()
    method = weakref.WeakMethod(report_error) if inspect.ismethod(report_error) else (lambda: report_error)
    d.sinks.append((weakref.ref(owner), method))
    if d.unlisten is None:
        d.unlisten = background.listen(lambda message: _inbox.put((None, "message", (message,))))
    if not background.hooks_installed():
        d.undo_hooks = background.install_hooks()
    d.wake()


class _Dispatcher(QObject):
    """Lives on the GUI thread for the application's life; its timer drains the inbox there."""

    def __init__(self, app):
        super().__init__(app)
        self.jobs: set[Job] = set()
        self.sinks: list = []  # (weakref to owner, weakref to report_error), newest last
        self.unlisten = self.undo_hooks = None
        self.timer = QTimer(self)
        self.timer.setInterval(DRAIN_MS)
        self.timer.timeout.connect(self.drain)

    def wake(self):
        self.timer.setInterval(DRAIN_MS if self.jobs else IDLE_MS)
        if not self.timer.isActive():
            self.timer.start()

    def drain(self):
        latest = {}
        while True:
            try:
                job, kind, args = _inbox.get_nowait()
            except queue.Empty:
                break
            if job is None:
                self._tell(*args)
            elif job.dropped or kind in ("item", "progress") and job.cancelled.is_set():
                continue  # a cancelled job's ends are still told (the loader's "cancelled"), not its findings
            elif kind == "progress":
                latest[job] = args
            else:
                if kind in _ENDS:
                    self.jobs.discard(job)
                    latest.pop(job, None)
                self._deliver(job, kind, args)
        for job, args in latest.items():
            if job in self.jobs:
                self._deliver(job, "progress", args)
        self.sinks = [(o, m) for o, m in self.sinks if _alive(o())]
        if not self.sinks and self.unlisten is not None:  # the last window is gone: hooks and listener off
            self.unlisten()
            if self.undo_hooks is not None:
                self.undo_hooks()
            self.unlisten = self.undo_hooks = None
        if not self.jobs and not self.sinks:
            self.timer.stop()
        elif not self.jobs:
            self.timer.setInterval(IDLE_MS)

    def _deliver(self, job: Job, kind: str, args):
        if not job.owner_alive():
            job.cancel()  # its window or dialog is gone: nobody will read what it finds
            return
        if kind == "error":
            exc = args[0]
            log.debug("traceback of %s", job.name, exc_info=(type(exc), exc, exc.__traceback__))
            if not job.callbacks["error"]:
                background.report(background.unexpected(job.name, exc), exc)
                return
            log.warning("%s failed: %s", job.name, background.one_line(exc))
        for fn in list(job.callbacks[kind]):
            try:
                fn(*args)
            except Exception:  # noqa: BLE001 — as for any slot: to the excepthook (the error channel)
                sys.excepthook(*sys.exc_info())

    def _tell(self, message: str):
        """An error-channel line to the newest window still open (it was logged when reported)."""
        for owner, method in reversed(self.sinks):
            fn = method()
            if fn is not None and _alive(owner()):
                fn(message)
                return


def _alive(obj) -> bool:
    return obj is not None and Shiboken.isValid(obj)


_instance: _Dispatcher | None = None


def _dispatcher() -> _Dispatcher:
    global _instance
    app = QCoreApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        raise RuntimeError("background work is started and delivered from the GUI thread only")
    if _instance is None or not Shiboken.isValid(_instance):
        _instance = _Dispatcher(app)
    return _instance
