"""Cyclic garbage is collected on the GUI thread only.

Python runs its cycle collector in whichever thread happens to allocate. When
that is a loader thread, a closed window's cycles (VTK observers holding Python
callbacks that hold Qt objects) are torn down there. Qt then destroys QObjects
off the GUI thread and deadlocks with it: the worker holds a Qt mutex and waits
for the GIL while the GUI thread holds the GIL and waits for the mutex. This was
seen here under the test suite. Automatic collection is therefore switched off
while a window lives, and a GUI-thread timer collects instead.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

COLLECT_MS = 2000


class GuiThreadGC(QObject):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(COLLECT_MS)
        self.timer.timeout.connect(self.collect)
        self.timer.start()

    def collect(self):
        gc.collect()

    def stop(self):
        """The window is closing: collect here one last time, then give the collector back."""
        self.timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
