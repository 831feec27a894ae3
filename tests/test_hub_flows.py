"""Hub flows (issue 11): road segments and station gate lines from the feed, and the station occupancy."""
from __future__ import annotations

import time

import numpy as np
import pytest

from layers.crs import ProjectCRS
from layers.hub import plan
from layers.hub.flows import build, current_values
from layers.sensors import kinds as K
from layers.sensors.model import SensorModel, default_registry


@pytest.fixture(scope="module")
def reg():
    return default_registry()


def test_each_traffic_terminal_feeds_the_block_edge_it_stands_at(reg):
    net = build(reg, ProjectCRS())
    traffic = np.flatnonzero(reg.kind == K.BY_NAME["traffic_flow"].code)
    assert set(net.rows) == set(traffic) | set(np.flatnonzero(reg.kind == K.BY_NAME["gate_flow"].code))
    for s in range(0, int((net.kind == "traffic").sum()), 97):
        a, b = net.ends[s]
        rows = net.rows[net.offsets[s]:net.offsets[s + 1]]
        d = b - a
        t = np.clip(((reg.xyz[rows, :2] - a) @ d) / (d @ d), 0, 1)
        off = np.linalg.norm(reg.xyz[rows, :2] - (a + t[:, None] * d), axis=1)
        assert np.linalg.norm(d) == pytest.approx(220.0, abs=0.01)
        assert off.max() < 16.0, s   # kerb-side: 6-15 m off the centre line
    gates = np.flatnonzero(net.kind == "gate")
    assert len(gates) == 4
    for s in gates:
        a, b = net.ends[s]
        assert np.linalg.norm(b - np.array(plan.STATION_XY)) > np.linalg.norm(a - np.array(plan.STATION_XY))


def test_segment_values_are_the_mean_of_their_live_terminals_and_draw_by_capacity(reg):
    from console.scene.flows import WIDTHS, flow_rgb, width_class
    net = build(reg, ProjectCRS())
    model = SensorModel(reg)
    s = 5
    rows = net.rows[net.offsets[s]:net.offsets[s + 1]]
    now = time.time()
    model.ingest(rows, np.full(len(rows), now), np.linspace(1500, 1700, len(rows)))
    values = current_values(net, model.state, now)
    assert values[s] == pytest.approx(1600.0)
    assert np.isnan(values[s + 1]) or s + 1 >= len(net)  # nobody reported there
    ratio = values / net.capacity()
    assert width_class(ratio)[s] == len(WIDTHS) - 1 and tuple(flow_rgb(ratio)[s]) != (150, 150, 150)
    assert net.attributes(s)["terminals"] == len(rows)


def test_station_occupancy_is_entries_times_dwell(reg):
    from layers.sensors.vitals import DWELL_MIN, vital_signs
    model = SensorModel(reg)
    gates = np.flatnonzero(reg.kind == K.BY_NAME["gate_flow"].code)
    entering = np.array(["-gatein-" in str(reg.ids[g]) for g in gates])
    assert entering.sum() == 2
    now = time.time()
    model.ingest(gates, np.full(len(gates), now), np.where(entering, 30.0, 12.0))
    signs = vital_signs(model, now)
    assert signs["hub"]["station_occupancy"] == pytest.approx(60.0 * DWELL_MIN)
    assert signs["all"]["station_occupancy"] == signs["hub"]["station_occupancy"]
    assert np.isnan(signs["old-town"]["station_occupancy"])


def test_segments_follow_a_sensor_layer_built_from_its_own_copy_of_the_registry(reg):
    """The window's loader threads may each generate the default registry: flows still follow the feed."""
    import copy
    from console.scene.scene import Scene
    from layers.hub.flow_source import build_layers, default_specs
    from layers.layer import Layer, LayerList
    project = ProjectCRS()
    [flows] = build_layers(default_specs()[0], project)
    twin = copy.deepcopy(flows.data.registry)
    model = SensorModel(twin)
    sensors = Layer(name="s", kind="sensors", data=model, bounds=twin.bounds(), source="sensors:default")
    scene = Scene(project, LayerList([flows, sensors]))
    adapter = scene.adapters[flows.id]
    s = 3
    rows = flows.data.rows[flows.data.offsets[s]:flows.data.offsets[s + 1]]
    model.ingest(rows, np.full(len(rows), time.time()), np.full(len(rows), 1700.0))
    adapter.refresh(force=True)
    assert flows.data.values[s] == pytest.approx(1700.0)
