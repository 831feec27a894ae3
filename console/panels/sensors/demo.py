"""``--demo sensors`` (Workspace.demo): once the scene is loaded, select a terminal with an active alarm.

For README screenshots: the alarm is selected in the dock, shown in the
inspector, and charted with two neighbours of the same kind. The built-in feed is
a simulation that started seconds ago, so the hour before it is simulated the
same way (same model and seed) for the charted terminals only.
"""
from __future__ import annotations

import time

import numpy as np

from layers.districts import HUB
from layers.sensors.state import CRITICAL


def maybe_schedule_demo(panel):
    if panel.ctx.workspace.demo == "sensors":
        panel._demo_pending = True  # a --screenshot waits for it
        panel.ctx.loader.finished.connect(lambda: run_demo(panel))


def _backfill(model, indices, hours=1.0, now=None):
    from layers.sensors.simulator import Simulator
    now = time.time() if now is None else now
    sim = Simulator(model.registry, seed=1, t0=now - hours * 3600, rate=len(model.registry) / 60.0)
    rng = np.random.default_rng(7)
    out = {}
    for i in indices:
        step = 60.0
        times = np.arange(now - hours * 3600, now - 60, step)
        values = sim.values(np.full(len(times), i), times, rng)
        out[i] = (times, values)
    return out


def run_demo(panel):
    if panel.model is None or getattr(panel, "_demo_done", False):
        return
    if not panel.settled():  # the demo feed primes on its own thread: wait for it and one status tick
        from PySide6.QtCore import QTimer
        QTimer.singleShot(200, lambda: run_demo(panel))
        return
    panel._demo_done = True
    panel._demo_pending = False
    model, reg = panel.model, panel.model.registry
    alarms = [a for a in model.alarms.open_alarms() if a.severity == CRITICAL]
    if not alarms:
        return
    # prefer a street kind with a continuous series (not camera status), inside the hub district
    pick = sorted(alarms, key=lambda a: (reg.kind_names()[a.sensor] in ("camera_status",),
                                         reg.district_of(a.sensor) != HUB.id, a.sensor))[0]
    i = pick.sensor
    same = np.flatnonzero((reg.kind == reg.kind[i]) & (reg.district == reg.district[i]))
    near = same[np.argsort(np.hypot(*(reg.xyz[same, :2] - reg.xyz[i, :2]).T))][1:3]
    series = _backfill(model, [i, *near.tolist()])
    panel.alarms.refresh()
    panel.alarms.select_alarms([pick.id])
    panel.ctx.inspector_dock.raise_()
    for j in [*near.tolist(), i]:
        panel.select_sensor(j, fly=False)
        t, v = series[j]
        panel.chart_series(j, [*t, float(model.state.time[j])], [*v, float(model.state.value[j])])
    panel.layer.view.select([i, *near.tolist()])
    panel.ctx.inspector.show_feature(panel.layer, model.attributes(i))
