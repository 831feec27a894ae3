"""A window that follows the store shows the store's alarms and sends its operator's actions there (issue 22 item 4).

In follow mode (``Workspace.follow_store``: ``open --store URL`` without ``--mqtt``) the sensor layer's
alarm book is a mirror of the store's (offline/store/alarm_mirror.py ``MirrorBook``): the alarm dock, the
vital signs and the inspector read it as they read a local book, so a window never shows an alarm the
alarm service did not raise, and every desk shows the same ones with the same acknowledgements.

Off the GUI thread (widgets/background.py): one long job follows the store (its own connection, woken by
the service's notification on PostgreSQL, polling SQLite) and posts each read; each operator action is a
job on one request thread (its own connection, kept) that files a request (offline/store/alarm_requests.py ``submit``) with the operator's name. A
read moves the book's version and the dock is refreshed within ``REFRESH_MS`` (reads that arrive together
are one refresh). A request the store refuses (a viewer's role, an alarm cleared meanwhile) is one line in
the status bar, in the interface language, and the row's "pending" mark goes; nothing is changed.
The jobs hold no reference to the window (their callbacks reach it through a weak reference), and the
follower ends within a fraction of a second when the window closes.
"""
from __future__ import annotations

import threading
import time
import weakref

from PySide6.QtCore import QObject, QTimer

from layers.sensors.strings import tr
from widgets import background

REFRESH_MS = 15


def follow_store_alarms(panel):
    """The store's alarms as the panel's book when the workspace follows the store; None otherwise."""
    if not panel.ctx.workspace.follow_store:
        return None
    return StoreAlarms(panel)


class StoreAlarms(QObject):
    def __init__(self, panel):
        super().__init__(panel)
        from offline.store.alarm_mirror import MirrorBook
        self.ctx, self.dock = panel.ctx, panel.alarms
        self.book = MirrorBook(panel.model.state)
        self.book.asked = self._ask
        panel.model.alarms = self.book  # the window's alarm book IS the store's: dock, vitals, inspector
        self.stop = threading.Event()
        self._said = ""
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._refresh)
        self._open_store = self.ctx.workspace.store_opener()  # a new connection, never a new store seeded
        # one thread files the requests, in the order they were made, on a connection it keeps (opened at the first)
        self.requests = background.Pool(1, "alarm requests")
        self._writer: list = []
        self._start()
        self.ctx.close_hooks.append(self.close)

    def _start(self):
        from offline.store.alarm_mirror import follow
        me = weakref.ref(self)
        open_store, stop = self._open_store, self.stop

        def run(job):
            follow(open_store, stop, job.post, lambda line: job.post(line))

        def item(change):
            s = me()
            if s is not None:
                s._read(change)
        self.job = background.run(run, name="store alarms", owner=self, on_item=item)

    def _read(self, change):
        if isinstance(change, str):  # the store lost: said once until it is back
            if change != self._said:
                from layers.messages import localize
                self._said = change
                self.ctx.status.show(tr("sensors.store_alarms_lost", msg=localize(change)), 10000)
            return
        self._said = ""
        self.book.apply(change)
        if not self.timer.isActive():
            self.timer.start()

    def _refresh(self):
        if self.dock.book is self.book:
            self.dock.refresh()

    # the operator's actions: requests ---------------------------------------------------------
    def _ask(self, action: str, alarm_id: int, who: str, note: str):
        me, writer, open_store = weakref.ref(self), self._writer, self._open_store

        def submit(_job):
            from offline.store import alarm_requests
            from offline.store.pg_store import PermissionRefused
            for again in (True, False):
                if not writer:
                    writer.append(open_store())
                try:
                    alarm_requests.submit(writer[0], alarm_id, action, who, note)
                    return time.monotonic()  # committed: a read begun from now on shows it
                except (ValueError, PermissionRefused):  # the alarm cleared meanwhile, the role may not: said
                    raise
                except Exception:  # noqa: BLE001 — the kept connection broken (a restarted server): once more
                    _close(writer)
                    if not again:
                        raise

        def done(committed_at):
            s = me()
            if s is not None:
                s.book.asked_done(alarm_id, committed_at)

        def failed(exc):
            s = me()
            if s is not None:
                from layers.messages import localize
                s.book.asked_done(alarm_id, None)
                s.ctx.status.show(tr("sensors.request_refused", msg=localize(" ".join(str(exc).split()))), 15000)
                s._refresh()
        self.requests.run(submit, name="alarm request", owner=self, on_done=done, on_error=failed)

    def close(self):
        self.stop.set()
        self.job.cancel()
        self.requests.shutdown()  # the request under way (if any) is filed first
        _close(self._writer)      # no request thread runs any more


def _close(writer: list):
    while writer:
        try:
            writer.pop().close()
        except Exception:  # noqa: BLE001 — a connection already broken; dropped either way
            pass
