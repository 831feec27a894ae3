"""The real window under a flood feed: gaps between 20 ms QTimer ticks (bench_sensor_scene)."""
from __future__ import annotations

import os
import time

import numpy as np

from bench.common import TickGaps


def flood_lags(seconds: float = 5.0, rate: float = 300_000.0) -> dict:
    from PySide6.QtWidgets import QApplication

    from console.app import MainWindow
    from layers.loading import default_specs
    from layers.sensors.simulator import SimulatorFeed
    from offline.pipeline import start_feed
    app = QApplication.instance() or QApplication([])
    from offline.workspace import Workspace
    win = MainWindow(Workspace.open(demo_feed=False))  # the bench starts its own, faster feed
    win.show()
    win.load_specs(default_specs())
    while win.loader.busy() or win.panels.sensor_panel.model is None:
        app.processEvents()
        time.sleep(0.01)
    model = win.panels.sensor_panel.model
    model.prime()
    end = time.monotonic() + 1.0
    while time.monotonic() < end:  # settle: first frames, docks
        app.processEvents()
        time.sleep(0.005)
    start_feed(model, SimulatorFeed(model.registry, rate=rate, seed=5), history=False)
    ticks = TickGaps(20)
    ticks.start()
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        app.processEvents()
        time.sleep(0.002)
    gaps = ticks.stop()
    received = model.pipeline.counters["received"]
    frame = win.panels.sensor_panel.frame_s
    win.close()
    g = np.array(gaps)
    return {"p99": float(np.percentile(g, 99)), "p95": float(np.percentile(g, 95)), "max": float(g.max()), "rate": received / seconds,
            "frame": frame}
