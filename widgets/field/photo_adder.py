"""Adding field photos from the window without freezing it.

Reading and hashing (a camera folder can hold hundreds of megabytes) run on a worker
thread (offline/field/photos.read_photo); each photo is then kept — one transaction with
its outbox row — back on the GUI thread, which owns the package's SQLite connection.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from layers.i18n import tr
from widgets.background import run

log = logging.getLogger(__name__)


def _read_photos(job, paths, guid: str, damage: str):
    """Worker thread: each photo read (or the one line saying why a source is not one), in order."""
    from offline.field.photos import photo_files, read_photo
    for source in paths:
        try:
            for path in photo_files(source):
                job.post(read_photo(path, guid, damage))
        except ValueError as exc:  # told; the photos before it are kept
            job.post(str(exc))


class PhotoAdder(QObject):
    message = Signal(str)   # "n photos added", for the status bar

    def __init__(self, store_getter, report_error, parent=None):
        super().__init__(parent)
        self.store_getter, self.report_error = store_getter, report_error
        self.added = 0

    def add(self, paths, guid: str, damage: str = ""):
        self.added = 0
        run(_read_photos, list(paths), guid, damage, name="photo-reader", owner=self,
            on_item=self._keep, on_done=self._finished)

    def _finished(self, _):
        if self.added:
            self.message.emit(tr("field.photo.added", n=self.added))

    def _keep(self, item):
        from offline.field.photos import keep_photo
        if isinstance(item, str):
            self.report_error(item)
            return
        try:
            keep_photo(self.store_getter(), item)
            self.added += 1
        except Exception as exc:  # noqa: BLE001 — a store error is told; the window carries on
            log.warning("keeping photo %s failed: %s", item.path, exc)
            self.report_error(str(exc))
