"""Waking whoever follows the store's alarms: the alarm service and every window (issue 22 item 4).

PostgreSQL: a desk that files a request (offline/store/alarm_requests.py ``submit``) and the alarm
service that commits a step which changed anything both end their transaction with ``pg_notify`` on
``CHANNEL``; the server delivers it only if and when that transaction commits. Listeners LISTEN on a
connection of their own: the alarm service then applies a request within milliseconds instead of at
its next poll, and a window reads the new events as soon as they are there (offline/store/alarm_mirror.py).
A notification carries nothing a listener relies on: it only says "look now"; what changed is read
from the store (the events after the listener's cursor, the pending requests), so a lost or merged
notification costs at most one poll interval, never a change.
SQLite has no notifications: listeners poll (``wait`` sleeps its timeout).
"""
from __future__ import annotations

import threading

CHANNEL = "songjiang_alarms"


def notify(store, what: str) -> None:
    """Inside the caller's transaction: listeners look once it commits (nothing on SQLite)."""
    if store.BACKEND == "postgresql":
        store.q("SELECT pg_notify(?, ?)", (CHANNEL, what))


class Wake:
    """``wait(timeout)``: True when woken by a notification, False after ``timeout`` (SQLite: always the timeout).

    Open it BEFORE the first read of what it guards: a change committed between that read and the
    first wait is then a notification waiting, not one missed."""

    def __init__(self, store, stop: threading.Event | None = None):
        self.store, self.stop = store, stop or threading.Event()
        self.con = None
        if store.BACKEND == "postgresql":
            self.con = store._connect("cannot listen to the operations-centre store")
            self.con.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float) -> bool:
        if self.con is None:
            self.stop.wait(timeout)
            return False
        for _ in self.con.notifies(timeout=max(timeout, 0.001), stop_after=1):
            return True
        return False

    def close(self):
        if self.con is not None:
            try:
                self.con.close()
            except Exception:  # noqa: BLE001 — a connection the server dropped may fail to close; gone either way
                pass
            self.con = None
