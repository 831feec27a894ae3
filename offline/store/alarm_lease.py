"""One alarm service per store at a time: a lock the operating system or the server frees when its holder dies.

PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on the service's connection. The server
drops it the moment that connection ends — the service killed, its machine gone, the server restarted —
so a standby (``alarms serve --standby``) takes over without anyone clearing a stale lock.
SQLite: an exclusive ``flock`` on ``<store>.alarms-lock`` beside the store file (the folder the store's
``-wal`` and ``-shm`` files live in), which the kernel frees when the process ends, however it ends.
Never a lock on the store file itself: closing any descriptor of it would drop SQLite's own locks.

The lock keeps a second service from evaluating at the same time; it is not what keeps the alarm
history right. That is the fencing check of every step (offline/store/alarm_service.py): a step
commits only if the checkpoint and holder it read are still the store's, so even two services that
both believed they held the lock (a network partition, a lock file on a shared folder that does not
lock) could never write one step twice.
"""
from __future__ import annotations

import os
from pathlib import Path

from layers.files import try_lock

ALARM_LOCK = 0x534A414C  # pg_try_advisory_lock key of the alarm service ("SJAL")


class Busy(RuntimeError):
    """Another alarm service holds this store's alarms (the message names the store and, if known, it)."""


class Lease:
    def __init__(self, store):
        self.store = store
        self._fd = -1

    def try_take(self) -> bool:
        if self.store.BACKEND == "postgresql":
            return bool(self.store.q("SELECT pg_try_advisory_lock(?)", (ALARM_LOCK,)).fetchone()[0])
        path = Path(str(self.store.path) + ".alarms-lock")
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if try_lock(fd):
            self._fd = fd
            return True
        os.close(fd)
        return False

    def release(self):
        """SQLite's lock file; PostgreSQL's lock goes with the connection (closed by the caller)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
