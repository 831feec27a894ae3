"""`record --share GROUP`: each member of the group its own stable client id, and so its own session.

Members of one shared subscription must not share a client id (the broker would hand the session
from one to the other at every connect), and each must find ITS session again when it restarts: the
broker keeps sending a killed member its share of the feed, into that session (console/feeds/shared.py).
So a member's client id is ``songjiang-rec-`` + 8 hex digits of SHA-256(store, group, host name) +
``-k``, where k is the lowest member number that no running recorder of the same store and group on
this machine holds. A member holds its number by an exclusive lock on ``record-share-<hash>-k.lock``
in the cache folder for as long as it runs; the kernel releases the lock when the process ends, however
it ends, so a recorder restarted after a kill takes the number, and the session with what the broker
queued for it, that the killed one left. Recorders on other machines differ by the host name.
"""
from __future__ import annotations

import hashlib
import os
import socket

from layers import paths
from layers.files import try_lock

MAX_MEMBERS = 64


class MemberSlot:
    """An open lock file held for the life of the process (closing it, or dying, frees the number)."""

    def __init__(self, path, number: int, fd: int):
        self.path, self.number, self._fd = path, number, fd

    def close(self):
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def claim(identity: str, group: str) -> tuple[str, MemberSlot]:
    """(client id, the slot to keep open) for a member of ``group`` recording into the store ``identity``."""
    host = socket.gethostname()
    digest = hashlib.sha256(f"{identity}\n{group}\n{host}".encode()).hexdigest()[:8]
    folder = paths.cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(1, MAX_MEMBERS + 1):
        path = folder / f"record-share-{digest}-{k}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if try_lock(fd):
            return f"songjiang-rec-{digest}-{k}", MemberSlot(path, k, fd)
        os.close(fd)
    raise RuntimeError(f"{MAX_MEMBERS} recorders of group {group!r} already run on {host}; "
                       "give this one a --client-id of its own")
