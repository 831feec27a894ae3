"""Animated camera flights between views (ease-in-out over a fixed duration)."""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QTimer


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)


class CameraFlight:
    def __init__(self, renderer, bookmark, project_crs, duration_ms, request_render):
        self.renderer = renderer
        cam = renderer.GetActiveCamera()
        self.start_state = [np.array(cam.GetPosition()), np.array(cam.GetFocalPoint()), np.array(cam.GetViewUp())]
        pos, foc, up = bookmark.camera()
        self.end_state = [project_crs.to_scene(pos[None])[0].astype(float),
                          project_crs.to_scene(foc[None])[0].astype(float), np.asarray(up, float)]
        self.duration = duration_ms / 1000.0
        self.request_render = request_render
        self.timer = QTimer()
        self.timer.setInterval(16)
        self.timer.timeout.connect(self._step)
        self.running = False

    def start(self):
        self.t0 = time.monotonic()
        self.running = True
        self.timer.start()

    def _step(self):
        t = min(1.0, (time.monotonic() - self.t0) / self.duration)
        k = _ease(t)
        pos, foc, up = (a + (b - a) * k for a, b in zip(self.start_state, self.end_state))
        cam = self.renderer.GetActiveCamera()
        cam.SetFocalPoint(*foc)
        cam.SetPosition(*pos)
        cam.SetViewUp(*(up / (np.linalg.norm(up) or 1)))
        self.renderer.ResetCameraClippingRange()
        self.request_render()
        if t >= 1.0:
            self.timer.stop()
            self.running = False
