"""Where the window's chart, replay and trends read past readings from: the history file or the store.

One reader interface (offline/history.py ``HistoryReader``'s calls), two backends: the sensor history
file the window records (or one opened to replay), and the operations-centre store a window follows
(offline/store/history_reads.py, issue 22 item 4). ``history_source(workspace, path)`` is the one place
that decides, from the workspace; the reader thread (console/panels/sensors/history.py) only calls
``source.open()`` in its own thread, and gets None while there is nothing to read yet (a history not
written yet, the store unreachable): it asks again at the next request.
"""
from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)


class FileHistory:
    """A sensor history file, read-only (the window's pipeline, or another program, is its one writer)."""

    def __init__(self, path):
        self.path = Path(path)

    def __eq__(self, other):
        return isinstance(other, FileHistory) and other.path == self.path

    def __hash__(self):
        return hash(self.path)

    def __str__(self):
        return str(self.path)

    def open(self):
        from offline.history import HistoryError, HistoryReader
        if not self.path.is_file() or not self.path.stat().st_size:
            return None
        try:
            return HistoryReader(self.path)
        except HistoryError as exc:
            log.warning("%s", exc)
            return None


class StoreHistory:
    """The operations-centre store's observations and alarm events (``open_store()`` connects)."""

    def __init__(self, open_store, url: str):
        self._open_store, self.url = open_store, url

    def __eq__(self, other):
        return isinstance(other, StoreHistory) and other.url == self.url

    def __hash__(self):
        return hash(self.url)

    def __str__(self):
        return self.url

    def open(self):
        from offline.store.history_reads import StoreHistoryReader
        try:
            return StoreHistoryReader(self._open_store())
        except Exception as exc:  # noqa: BLE001 — unreachable or refused: the follower's status says so; asked again
            log.info("%s: history not readable now (%s)", self.url, " ".join(str(exc).split())[:200])
            return None


def history_source(workspace, recorded=None):
    """The history the window's views read: the store it follows, else the file it records (``recorded``,
    None when nothing is recorded: the field, or a damaged history the user kept)."""
    if workspace.follow_store:
        return StoreHistory(workspace.store_opener(), workspace.store_url)
    return FileHistory(recorded) if recorded is not None else None
