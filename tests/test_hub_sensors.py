"""Sensors in the hub's buildings (issue 11): terminals bound to IFC elements by GlobalId colour them,
and picking one (or its alarm) selects the element and shows its storey."""
from __future__ import annotations

import time

import numpy as np
import pytest

from layers.sensors.state import CRITICAL, OFFLINE
from tests.helpers import has_display


@pytest.fixture(scope="module")
def scene_project(tmp_path_factory):
    import os
    os.environ["SONGJIANG_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    from console.snapshot import build_project
    return build_project()


def _hub_terminal(project, kind):
    sensors = next(lyr for lyr in project.layers if lyr.kind == "sensors")
    reg = sensors.data.registry
    towers = next(lyr for lyr in project.layers if lyr.kind == "bim" and lyr.source.endswith("hub_towers.ifczip"))
    own = {e["guid"] for e in towers.data.elements}
    i = next(int(i) for i in np.flatnonzero(reg.kind_names() == kind) if reg.mounted_on[i] in own)
    return sensors, towers, i, towers.data.index_of(reg.mounted_on[i])


def test_a_critical_meter_colours_its_ifc_element_and_nothing_else(scene_project):
    from console.scene.bim import BimAdapter
    from console.scene.scene import Scene
    from console.scene.sensor_legend import STATE_RGB
    from layers.hub.bindings import apply
    project = scene_project
    sensors, towers, i, element = _hub_terminal(project, "energy_power")
    assert towers.view.colour_by == "sensors"  # the default scene shows the hub's systems by state
    assert apply(project.layers) > 800
    assert towers.view.grades["sensors"][towers.data.elements[element]["guid"]] == OFFLINE  # nothing heard yet
    now = time.time()
    # above the 150 kW critical threshold twice: a confirmed alarm (one spike alone is not one)
    sensors.data.ingest([i, i], [now - 60, now], [170.0, 170.0])
    apply(project.layers, now)
    grades = towers.view.grades["sensors"]
    assert grades[towers.data.elements[element]["guid"]] == CRITICAL
    scene = Scene(project.crs, project.layers.__class__([towers]))
    rgb = scene.adapters[towers.id].element_rgb()
    assert tuple(rgb[element]) == tuple(np.round(np.array(STATE_RGB[CRITICAL]) * 255).astype(np.uint8))
    slab = next(k for k, e in enumerate(towers.data.elements) if e["name"] == "T1 L01 slab")
    assert tuple(rgb[slab]) == tuple(np.round(towers.data.element_colours[slab] * 255).astype(np.uint8))
    assert isinstance(scene.adapters[towers.id], BimAdapter)


@pytest.mark.gui
@pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")
def test_picking_a_fire_detector_terminal_selects_its_element_and_storey(default_window, qtbot):
    win = default_window
    panel = win.panels.sensor_panel
    sensors, towers, i, element = _hub_terminal(win.project, "smoke_detector")
    panel.model.ingest([i, i], [time.time() - 60, time.time()], [3.0, 3.5])   # smoke: an alarm
    panel.alarms.refresh()
    panel.select_sensor(i)
    assert win.panels.hbim.selection == (towers, element)
    storey = towers.data.elements[element]["storey"]
    solid = {g for g, s in towers.view.exceptions.items() if s == 2}
    assert solid == {e["guid"] for e in towers.data.elements if e.get("storey") == storey}
    qtbot.waitUntil(lambda: towers.view.grades.get("sensors", {}).get(towers.data.elements[element]["guid"])
                    == CRITICAL, timeout=3000)
