"""Start-up shows the map first: no frame of empty sky while the base map streams in.

The view used to draw from the moment the window appeared, with the camera where VTK puts
it (~1.7 s of sky), and the start view was placed only once every layer (200k sensors, BIM
models, buildings) had loaded. Now ``start`` queues the base map alone; the central area
is a stack showing a plain "loading the map" page, and the 3D view draws no frame
(``View3D.held``) until the ground (terrain or base map) is in the scene and the start
bookmark is known. Then the start view is placed and the view shown. The base map is queued
first, so the two loader threads read terrain and base map before the rest. If the ground
never comes (a failed read, a package without one) the view is shown once the loader is idle.

``watch_frames(fn)`` hands each drawn frame to ``fn`` until it returns True: the start-up
benchmark (bench/bench_startup.py, through ``--bench-first-frame``) times the first frame
showing the map by its pixels (``sky_share``), and tests/test_startup.py checks the first one.
"""
from __future__ import annotations

import logging

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QStackedWidget

from layers.i18n import tr

log = logging.getLogger(__name__)
GROUND_KINDS = ("terrain", "imagery")


class MapFirst(QStackedWidget):
    """The window's central widget: the 3D view, or a placeholder while the map is on its way."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignCenter)
        self.placeholder.setObjectName("map-loading")
        self.addWidget(self.placeholder)
        self.addWidget(window.view)
        self.setCurrentWidget(window.view)
        self._watching = False
        self._then: list = []  # what waits for the map to show (then)

    def holding(self) -> bool:
        return self.window.view.held

    def hold(self):
        """Show the placeholder until the ground is in."""
        if self._ground_in():
            self.reveal()
            return
        self.placeholder.setText(tr("status.loading_map"))
        self.window.view.held = True
        self.setCurrentWidget(self.placeholder)
        if not self._watching:
            self._watching = True
            self.window.project.layers.events.inserted.connect(self._check)
            self.window.loader.finished.connect(self._check)

    def _ground_in(self) -> bool:
        return any(lyr.kind in GROUND_KINDS and lyr.visible for lyr in self.window.project.layers)

    def _check(self, *_):
        if self.holding():
            QTimer.singleShot(0, self._check_now)  # after the insertion's own handlers (the bookmarks it brings)

    def _check_now(self):
        win = self.window
        if not self.holding():
            return
        start = win.start_view
        # the ground and the start view are in; or nothing more is being read (what the loader holds
        # back for after the map, startup.start, waits for this: it never keeps the map hidden)
        if self._ground_in() and (not start or start in win.project.bookmarks) or not win.loader.reading():
            self.reveal()

    def reveal(self):
        win = self.window
        self._stop_watching()
        if self.holding():
            win.place_start_view()  # the start view now, not after every layer
            win.view.held = False
            self.setCurrentWidget(win.view)
            win.view.request_render()
        waiting, self._then = self._then, []
        for fn in waiting:
            fn()

    def then(self, fn):
        """Call ``fn`` once the map shows (at once if it already does)."""
        if self.holding():
            self._then.append(fn)
        else:
            fn()

    def _stop_watching(self):
        if self._watching:
            self._watching = False
            self.window.project.layers.events.inserted.disconnect(self._check)
            self.window.loader.finished.disconnect(self._check)


def start(window, base_specs, more_specs=()) -> list:
    """Open the window as a user starts the console: the base map queued first (the two loader
    threads take jobs in order: terrain and base map before anything else), the rest behind it."""
    window.map_first.hold()
    window.show()
    jobs = window.load_specs(base_specs)
    if not jobs:
        window.map_first.reveal()
    # what the kinds add (200,000 terminals, BIM models, the city's buildings, the demo feed) is queued now
    # and read once the map shows: started beside it, it took the two cores and the GIL from the base
    # map's first frame. Queued, it keeps the loader busy, so "all loaded" still means all.
    window.loader.hold()
    window.load_specs(list(more_specs))
    window.map_first.then(window.loader.release)
    return jobs


def watch_frames(window, fn) -> None:
    """Call ``fn(rgb)`` with each frame the view draws (read as drawn) until it returns True."""
    from console.snapshot import frame_rgb
    render_window = window.view.window
    tag = None

    def drawn(*_):
        if fn(frame_rgb(render_window, rerender=False)):
            render_window.RemoveObserver(tag)
    tag = render_window.AddObserver("EndEvent", drawn)


def sky_share(window, rgb: np.ndarray) -> float:
    """The share of a frame's pixels that are the sky's gradient (neither ground nor map)."""
    theme = window.scene.theme
    top, horizon = (np.array(c, float) * 255 for c in (theme.sky_top, theme.sky_horizon))
    px = rgb.reshape(-1, 3).astype(float)
    axis = horizon - top
    t = np.clip(((px - top) @ axis) / max(float(axis @ axis), 1e-9), 0, 1)
    off = np.linalg.norm(px - (top + t[:, None] * axis), axis=1)
    return float((off < 8.0).mean())


def report_frames(window) -> None:
    """``open --bench-first-frame`` (bench/bench_startup.py): a line when a frame first shows the map
    (by its pixels: sky alone does not count), and one when every layer has loaded."""
    import sys

    def frame(rgb) -> bool:
        if sky_share(window, rgb) > 0.9:
            return False
        import time  # process CPU so far: bench_startup's load-proof figure beside the wall clock
        sys.stdout.write(f"FIRST_FRAME layers={len(window.project.layers)} cpu={time.process_time():.3f}\n")
        sys.stdout.flush()
        return True

    def all_done():
        window.view.window.Render()
        sys.stdout.write(f"ALL_LOADED layers={len(window.project.layers)}\n")
        sys.stdout.flush()
        window.close()
    watch_frames(window, frame)
    window.loader.finished.connect(lambda: QTimer.singleShot(0, all_done))
