"""Adding field photos from the window without freezing it.

Reading and hashing (a camera folder can hold hundreds of megabytes) run on a worker
thread (offline/field/photos.read_photo); each photo is then kept — one transaction with
its outbox row — back on the GUI thread, which owns the package's SQLite connection.
"""
from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from layers.i18n import tr
from widgets.field import strings  # noqa: F401  (registers the strings)

log = logging.getLogger(__name__)


class PhotoAdder(QObject):
    message = Signal(str)   # "n photos added", for the status bar
    _read = Signal(object)  # from the reader thread: a read photo, an error line, or None at the end

    def __init__(self, store_getter, report_error, parent=None):
        super().__init__(parent)
        self.store_getter, self.report_error = store_getter, report_error
        self.added = 0
        self._read.connect(self._keep)

    def add(self, paths, guid: str, damage: str = ""):
        from offline.field.photos import photo_files, read_photo
        self.added = 0

        def work():
            for source in paths:
                try:
                    for path in photo_files(source):
                        self._read.emit(read_photo(path, guid, damage))
                except ValueError as exc:  # told; the photos before it are kept
                    self._read.emit(str(exc))
            self._read.emit(None)
        threading.Thread(target=work, name="photo-reader", daemon=True).start()

    def _keep(self, item):
        from offline.field.photos import keep_photo
        if item is None:
            if self.added:
                self.message.emit(tr("field.photo.added", n=self.added))
            return
        if isinstance(item, str):
            self.report_error(item)
            return
        try:
            keep_photo(self.store_getter(), item)
            self.added += 1
        except Exception as exc:  # noqa: BLE001 — a store error is told; the window carries on
            log.warning("keeping photo %s failed: %s", item.path, exc)
            self.report_error(str(exc))
