"""Cyclic garbage is collected on the GUI thread only.

Python runs its cycle collector in whichever thread happens to allocate. When
that is a loader thread, a closed window's cycles (VTK observers holding Python
callbacks that hold Qt objects) are torn down there. Qt then destroys QObjects
off the GUI thread and deadlocks with it: the worker holds a Qt mutex and waits
for the GIL while the GUI thread holds the GIL and waits for the mutex. This was
seen here under the test suite. Automatic collection is therefore switched off
while a window lives, and a GUI-thread timer collects instead.

The timer collects the young generations every COLLECT_MS and everything only every FULL_EVERY
ticks: with the default scene the process tracks ~180,000 objects, and a whole collection walks
them all in 40–100 ms here, a stall of the event loop that at every two seconds was ~1 % of the
20 ms ticks the lag bench counts (bench_window_feed, issue 25). New garbage is almost all young;
cycles that live long enough to reach the old generation (a removed layer's VTK pipeline) wait
at most a minute, and closing the window collects everything at once.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

COLLECT_MS = 2000
FULL_EVERY = 30  # ticks: a whole collection once a minute


class GuiThreadGC(QObject):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(COLLECT_MS)
        self.timer.timeout.connect(self.collect)
        self.timer.start()
        self.ticks = 0

    def collect(self):
        self.ticks += 1
        gc.collect(2 if self.ticks % FULL_EVERY == 0 else 1)

    def stop(self):
        """The window is closing: collect here one last time, then give the collector back."""
        self.timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
