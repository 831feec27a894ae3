"""The sensor layer as an operator meets it: 200k terminals, alarms, chart, replay (needs a display)."""
from __future__ import annotations

import time

import numpy as np
import pytest

from tests.helpers import has_display, wait_for_frame

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]

N = 200_000


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, make_window):
    """The default layers on new-city; make_window fails the test if the window outlives it."""
    from layers import i18n
    from layers.loading import default_specs
    i18n.set_language("zh")
    win = make_window(start_view="new-city", demo_feed=False)  # quiet: each test drives the state itself
    win.load_specs(default_specs())
    qtbot.waitUntil(lambda: not win.loader.busy() and sensor_layer(win) is not None, timeout=60000)
    wait_for_frame(qtbot, win)
    return win


def sensor_layer(win):
    return next((lyr for lyr in win.project.layers if lyr.kind == "sensors"), None)


def parts(win):
    layer = sensor_layer(win)
    return layer, layer.data, win.scene.adapters[layer.id], win.panels.sensor_panel


def first(reg, kind, district="hub"):
    from layers.sensors.kinds import kind_code
    return int(np.flatnonzero((reg.kind == kind_code(kind)) &
                              (reg.district == reg.district_names.index(district)))[0])


def screen_xy(win, i):
    """Widget coordinates where terminal i is drawn."""
    from console.scene.sensor_pick import project
    adapter = parts(win)[2]
    disp, _ = project(win.scene.renderer, adapter.xyz[i][None])
    ratio = win.view.devicePixelRatioF()
    return disp[0, 0] / ratio, win.view.height() - disp[0, 1] / ratio


def test_default_scene_is_one_cloud_of_200k_terminals_coloured_by_state(window, qtbot):
    from console.scene.sensors import SensorAdapter
    from console.vtk_imports import vtk_to_numpy
    layer, model, adapter, _ = parts(window)
    assert isinstance(adapter, SensorAdapter) and window.errors == []
    assert adapter.pd.GetNumberOfPoints() == N and adapter.drawn() == N
    clouds = [p for p in adapter.props if p.IsA("vtkActor") and p.GetMapper().GetInput() is adapter.pd]
    assert clouds == [adapter.actor]
    assert window.scene.renderer.GetActors().GetNumberOfItems() < 200  # not one actor per terminal
    model.prime()  # a reading for every terminal; a few are spikes over the critical threshold
    qtbot.waitUntil(lambda: (adapter.codes == model.state.states(time.time())).all(), timeout=5000)
    drawn = vtk_to_numpy(adapter.pd.GetPointData().GetArray("state"))
    assert np.array_equal(drawn, model.state.states(time.time()))
    assert {0, 2, 4} <= set(np.unique(drawn).tolist())  # normal, critical and silent terminals
    assert adapter.mapper.GetArrayName() == "state"
    assert adapter.mapper.GetLookupTable().GetTableValue(2)[:3] == pytest.approx((0.96, 0.16, 0.16), abs=0.01)


def test_over_threshold_reading_raises_an_alarm_and_clicking_it_flies_there(window, qtbot):
    from PySide6.QtCore import Qt
    _, model, adapter, panel = parts(window)
    reg = model.registry
    i = first(reg, "pm25")
    now = time.time()
    model.ingest([i, i], [now - 60, now], [reg.crit[i] * 1.5] * 2)  # confirmed by a second reading
    dock = panel.alarms
    qtbot.waitUntil(lambda: dock.row_of_sensor(i) >= 0, timeout=5000)
    r = dock.row_of_sensor(i)
    assert dock.cell(r, "sensor") == reg.ids[i] and dock.cell(r, "severity") == "严重"
    index = dock.model.index(dock.row_of_sensor(i), 2)
    dock.table.scrollTo(index)
    qtbot.mouseClick(dock.table.viewport(), Qt.LeftButton, pos=dock.table.visualRect(index).center())
    qtbot.waitUntil(lambda: window._fly is not None and not window._fly.running, timeout=5000)
    cam = window.scene.renderer.GetActiveCamera()
    focal = window.project.crs.from_scene([cam.GetFocalPoint()])[0]
    assert np.hypot(*(focal[:2] - reg.xyz[i, :2])) < 1.0
    assert i in adapter.highlighted and window.inspector.value("id") == reg.ids[i]


def test_acknowledge_and_clear_record_who_and_when(window, qtbot):
    from widgets.sensors.alarm_dock import who_am_i
    _, model, _, panel = parts(window)
    reg = model.registry
    i = first(reg, "noise", "old-town")
    now = time.time()
    model.ingest([i, i], [now - 60, now], [95.0, 95.0])
    dock = panel.alarms
    qtbot.waitUntil(lambda: dock.row_of_sensor(i) >= 0, timeout=5000)
    dock.table.selectRow(dock.row_of_sensor(i))
    before = time.time()
    dock.ack_button.click()
    alarm = model.alarms.for_sensor(i)
    assert alarm.status == "acknowledged" and alarm.acked_by == who_am_i() and alarm.acked_at >= before
    assert dock.cell(dock.row_of_sensor(i), "status") == "已确认"
    assert who_am_i() in dock.cell(dock.row_of_sensor(i), "acked")
    dock.clear_button.click()
    assert alarm.status == "cleared" and alarm.cleared_by == who_am_i() and alarm.cleared_at >= before
    assert model.alarms.for_sensor(i) is None
    assert dock.cell(dock.row_of_sensor(i), "status") == "已解除"


def test_filter_by_kind_from_the_menu_reduces_the_drawn_points(window, qtbot):
    from layers.sensors.strings import kind_label, tr
    _, model, adapter, panel = parts(window)
    menu = next(a.menu() for a in panel.menu.actions() if a.text() == tr("sensors.filter_kind"))
    next(a for a in menu.actions() if a.text() == kind_label("hydrant_pressure")).trigger()
    expected = int((model.registry.kind == 7).sum())
    assert 0 < adapter.drawn() == expected < N
    panel.set_style(districts=["hub"])
    both = int(((model.registry.kind == 7) & (model.registry.district == 0)).sum())
    assert adapter.drawn() == both
    panel.set_style(kinds=None, districts=None)
    assert adapter.drawn() == N
    # menus by id (console/actions.py): a filter change refills the one Sensors menu in its place,
    # it does not add another one; the menu bar keeps its order, Help last
    from layers import i18n
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == [i18n.tr(k) for k in ("menu.file", "menu.edit", "menu.view", "city.menu", "hbim.menu")] \
        + [tr("sensors.menu"), i18n.tr("menu.help")]
    kinds = next(a.menu() for a in panel.menu.actions() if a.text() == tr("sensors.filter_kind"))
    assert [a.text() for a in kinds.actions() if a.isChecked()] == [tr("sensors.all")]


def _history(path, rows, alarm_events=()):
    from offline.history import HistoryStore
    path.parent.mkdir(parents=True, exist_ok=True)  # the test's data folder (conftest), before the window made it
    with HistoryStore(path) as store:
        store.append(*(np.array(c) for c in zip(*rows)))
        store.append_alarm_events(list(alarm_events))


def test_picking_a_terminal_opens_its_chart_with_its_series(window, qtbot):
    from console.scene.camera import apply_bookmark
    from layers.bookmarks import bookmark_for_extent
    _, model, adapter, panel = parts(window)
    reg = model.registry
    i = first(reg, "traffic_flow", "film-city")
    now = time.time()
    series = [(int(reg.datastream[i]), now - 600 + 60 * k, 500.0 + 40 * k) for k in range(10)]
    _history(model.history_path, series)
    x, y, z = adapter.scene_position(i)
    bm = bookmark_for_extent("t", "", "", x - 100, y - 100, x + 100, y + 100, z=z)
    apply_bookmark(window.scene.renderer, bm, window.project.crs)
    window.view.window.Render()
    window.view.pick_at(*screen_xy(window, i))
    assert window.inspector.value("id") == reg.ids[i]
    assert panel.chart_dock.isVisible() and panel.chart.has(i)
    qtbot.waitUntil(lambda: len(panel.chart.data(i)[0]) >= 10, timeout=5000)
    t, v = panel.chart.data(i)
    assert v[:10] == pytest.approx([500.0 + 40 * k for k in range(10)])
    assert (reg.warn[i], reg.crit[i]) == (1400.0, 1800.0)
    assert {("veh/h/lane", "warn", 1400.0), ("veh/h/lane", "crit", 1800.0)} <= set(panel.chart._lines)


def test_time_slider_shows_the_value_at_a_past_moment(window, qtbot):
    from layers.sensors.state import CRITICAL, NORMAL
    _, model, adapter, panel = parts(window)
    reg = model.registry
    i = first(reg, "water_nh3n", "old-town")  # sampled every 15 min
    now = time.time()
    ds = int(reg.datastream[i])
    _history(model.history_path, [(ds, now - 1200, 0.4), (ds, now - 300, 3.1)],
             [(1, ds, "raised", CRITICAL, now - 300, "", 3.1)])  # the history keys by Datastream id
    model.ingest([i], [now], [0.5])  # live: normal again
    panel.select_sensor(i)  # charted, so the chart shows the replay moment
    panel.slider.set_time(now - 900)
    qtbot.waitUntil(lambda: model.replay is not None, timeout=10000)
    assert window.workspace.clock.replay_at == pytest.approx(now - 900)  # the workspace's clock moved with it
    assert model.attributes(i)["value"] == pytest.approx(0.4)
    qtbot.waitUntil(lambda: adapter.codes[i] == NORMAL, timeout=3000)
    assert panel.chart.has(i) and panel.chart.cursor.isVisible()
    panel.slider.set_time(now - 200)
    qtbot.waitUntil(lambda: model.replay is not None and abs(model.replay.time - (now - 200)) < 1,
                    timeout=10000)
    qtbot.waitUntil(lambda: adapter.codes[i] == CRITICAL, timeout=3000)
    assert model.attributes(i)["value"] == pytest.approx(3.1)
    assert panel.alarms.row_of_sensor(i) >= 0  # the alarm open at that moment
    counts = panel.alarms.district_counts[reg.district_of(i)]
    assert counts["critical"] == 1 and counts["active"] == 1, "the district counts agree with the replayed rows"
    panel.set_style(colour_by="value", value_kind="water_nh3n")
    qtbot.waitUntil(lambda: adapter.values[i] == pytest.approx(3.1), timeout=3000)
    panel.slider.live_button.click()
    assert model.replay is None and window.workspace.clock.live
    qtbot.waitUntil(lambda: adapter.values[i] == pytest.approx(0.5), timeout=3000)


def test_event_loop_keeps_turning_during_a_flood(window, qtbot):
    """A flood feed must not freeze the GUI: the event loop keeps turning while 300k obs/s arrive.

    Liveness only; how long the loop may stall is a figure of bench/bench_sensor_scene.py, not a test.
    """
    from bench.common import TickGaps
    from layers.sensors.simulator import SimulatorFeed
    from offline.pipeline import start_feed
    _, model, _, panel = parts(window)
    version0 = model.state.version
    start_feed(model, SimulatorFeed(model.registry, rate=300_000, seed=3), history=False)
    ticks = TickGaps(20)
    ticks.start()
    qtbot.waitUntil(lambda: model.pipeline.counters["received"] > 300_000, timeout=60000)
    qtbot.waitUntil(lambda: len(ticks.gaps) > 10, timeout=60000)
    gaps = ticks.stop()
    received = model.pipeline.counters["received"]
    window.close()  # stops the feed cleanly
    assert model.pipeline is None
    assert received > 300_000 and model.state.version > version0 + 10
    assert len(gaps) > 10, "the GUI's timers ran during the flood"


def test_a_structural_alarm_selects_its_heritage_component_and_its_records(window, qtbot):
    """A crack monitor on Dacang Bridge's arch ring: its alarm highlights the ring and opens its history."""
    from PySide6.QtCore import Qt
    from layers.sensors.kinds import kind_code
    _, model, _, panel = parts(window)
    reg = model.registry
    bridge = next(lyr for lyr in window.project.layers if lyr.kind == "bim" and lyr.source.endswith("dacang_bridge.ifc"))
    guids = {e["guid"]: e["name"] for e in bridge.data.elements}
    mounted = [j for j in np.flatnonzero(reg.kind == kind_code("crack_width")) if reg.mounted_on[j] in guids]
    assert mounted, "crack monitors are mounted on the bridge's components"
    i = int(mounted[0])
    model.ingest([i], [time.time()], [reg.crit[i] * 2])
    dock = panel.alarms
    qtbot.waitUntil(lambda: dock.row_of_sensor(i) >= 0, timeout=5000)
    index = dock.model.index(dock.row_of_sensor(i), 2)
    dock.table.scrollTo(index)
    qtbot.mouseClick(dock.table.viewport(), Qt.LeftButton, pos=dock.table.visualRect(index).center())
    hbim = window.panels.hbim
    qtbot.waitUntil(lambda: hbim.selection is not None, timeout=5000)
    layer, element = hbim.selection
    assert layer is bridge and bridge.data.elements[element]["guid"] == reg.mounted_on[i]
    assert hbim.inspector.guid == reg.mounted_on[i]


def test_ten_thousand_alarms_are_filtered_searched_and_acknowledged_in_one_action(window, qtbot):
    from PySide6.QtCore import QPoint, Qt
    from layers.sensors.kinds import kind_code
    _, model, _, panel = parts(window)
    reg, dock = model.registry, panel.alarms
    noisy = np.flatnonzero(reg.kind == kind_code("noise"))[:10_000]
    assert len(noisy) == 10_000
    now = time.time()
    idx = np.concatenate([noisy, noisy])
    model.ingest(idx, np.repeat([now - 60, now], len(noisy)), np.full(len(idx), 95.0))
    qtbot.waitUntil(lambda: dock.rows() == 10_000, timeout=10_000)
    dock.set_filter(district="old-town")
    in_old_town = int(sum(reg.district_of(int(s)) == "old-town" for s in noisy))
    assert 0 < dock.rows() == in_old_town < 10_000
    from layers.sensors.strings import district_label
    shown = {dock.cell(r, "district") for r in range(dock.rows())}
    assert shown == {district_label("old-town")}
    dock.set_filter(district=None)
    wanted = str(reg.ids[noisy[1234]])
    dock.search.setText(wanted)
    assert dock.rows() == 1 and dock.cell(0, "sensor") == wanted
    dock.search.clear()
    header = dock.table.horizontalHeader()
    from widgets.sensors.alarm_table import COLUMNS
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=header.sectionViewportPosition(
        COLUMNS.index("sensor")) * QPoint(1, 0) + QPoint(10, header.height() // 2))
    ids = [dock.cell(r, "sensor") for r in range(dock.rows())]
    assert ids in (sorted(ids), sorted(ids, reverse=True)), "a header click sorts by terminal id"
    dock.group.setCurrentIndex(dock.group.findData("district"))
    groups = [dock.cell(r, "district") for r in range(dock.rows())]
    assert len(set(groups)) == sum(1 for a, b in zip(groups, groups[1:]) if a != b) + 1, "one run per district"
    dock.table.selectAll()
    hot = np.flatnonzero(reg.kind == kind_code("hydrant_pressure"))[0]
    model.ingest([hot], [now], [0.01])  # a new alarm arrives while the operator has 10,000 selected
    qtbot.waitUntil(lambda: dock.rows() == 10_001, timeout=5000)
    assert len(dock.selected_alarms()) == 10_000, "the selection survives the table's refresh"
    dock.note.setText("噪声超标：施工许可已核实")
    assert dock.acknowledge_selected(who="ops.wang") == 10_000
    open_ = model.alarms.open_alarms()
    acked = [a for a in open_ if a.sensor != hot]
    assert len(acked) == 10_000 and all(a.status == "acknowledged" and a.acked_by == "ops.wang"
                                        and a.note == "噪声超标：施工许可已核实" for a in acked)
    assert model.alarms.for_sensor(int(hot)).status == "active", "the one that came after stays for the operator"


def test_the_chart_gives_each_unit_its_own_axis_and_follows_the_language(window, qtbot):
    _, model, _, panel = parts(window)
    reg = model.registry
    picks = [first(reg, "pm25"), first(reg, "pm25", "film-city"), first(reg, "noise"), first(reg, "hydrant_pressure")]
    now = time.time()
    model.ingest(picks, [now] * 4, [20.0, 22.0, 55.0, 0.3])
    for i in picks:
        panel.select_sensor(i)
    chart = panel.chart
    assert chart.units() == ["µg/m³", "dB(A)", "MPa"], "mg, dB and MPa never share a y-axis"
    assert {u for (u, _k, _v) in chart._lines} == {"µg/m³", "dB(A)", "MPa"}
    from layers.sensors.strings import kind_label
    zh = {i: kind_label(reg.kind_names()[i]) for i in picks}
    assert all(zh[i] in chart.series[i]["label"] for i in picks) and any(
        "\u4e00" <= ch <= "\u9fff" for i in picks for ch in zh[i])
    window.set_language("en")
    try:
        assert any("Environmental noise" in chart.series[i]["label"] for i in picks), "names follow the language"
        assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in chart.series[i]["label"]) for i in picks)
    finally:
        window.set_language("zh")
    chart.remove(picks[2])
    assert chart.units() == ["µg/m³", "MPa"]
    chart.clear()
    assert chart.units() == [] and chart.cursor is not None


def test_city_vital_signs_dock_shows_districts_and_selects_the_terminals_behind_an_indicator(window, qtbot):
    _, model, adapter, panel = parts(window)
    model.prime()
    panel.refresh_vitals()
    vitals = panel.vitals
    assert vitals.columns[-1] == "all" and set(vitals.columns[:-1]) == set(model.registry.district_names)
    online, total = (int(x.replace(",", "")) for x in vitals.cell("all", "online").split(" / "))
    assert total == 200_000 and 0 < online <= total
    assert "200,000" in vitals.target.text()
    if vitals.narrow:  # the districts do not fit across the side column: one at a time, chosen above
        vitals.district.setCurrentIndex(vitals.district.findData("film-city"))
    col = vitals.shown.index("film-city") + (1 if vitals.narrow else 0)
    vitals.table.cellDoubleClicked.emit(3, col)  # mean PM2.5 in the film city
    chosen = model.registry.kind[adapter.highlighted]
    assert len(adapter.highlighted) > 0 and (chosen == model.registry.kind[first(model.registry, "pm25")]).all()
    qtbot.waitUntil(lambda: window._fly is not None and not window._fly.running, timeout=5000)


def test_a_recorded_history_file_is_opened_and_replayed(window, qtbot, tmp_path, shared_data):
    from layers.sensors.state import CRITICAL
    _, model, adapter, panel = parts(window)
    reg = model.registry
    i = first(reg, "pm25", "film-city")
    ds = int(reg.datastream[i])
    yesterday = time.time() - 86400
    other = tmp_path / "yesterday.sqlite"
    _history(other, [(ds, yesterday, 30.0), (ds, yesterday + 600, 120.0)],
             [(77, ds, "raised", CRITICAL, yesterday + 600, "", 120.0)])
    from offline.history import HistoryStore
    from offline.history_source import FileHistory
    with HistoryStore(other) as h:  # what the recorder sampled each minute, for the sparklines
        for k in range(30):
            h.append_vitals(yesterday - 1200 + 60 * k, [("film-city", "aqi", 50.0 + k)])
    assert panel.open_history(other)
    qtbot.waitUntil(lambda: model.replay is not None, timeout=10000)
    assert model.replay.time == pytest.approx(yesterday + 600, abs=1)
    qtbot.waitUntil(lambda: panel.vitals.trend("film-city", "aqi") is not None, timeout=5000)
    times, values = panel.vitals.trend("film-city", "aqi")
    assert times[-1] <= yesterday + 600 + 1 and values.tolist() == [50.0 + k for k in range(len(values))]
    assert len(values) == 30, "the recorded hours up to the replayed moment"
    assert model.attributes(i)["value"] == pytest.approx(120.0)
    qtbot.waitUntil(lambda: panel.alarms.row_of_sensor(i) >= 0, timeout=5000)
    assert panel.alarms.district_counts["film-city"]["critical"] == 1
    panel.slider.set_time(yesterday + 300)
    qtbot.waitUntil(lambda: model.replay is not None and abs(model.replay.time - (yesterday + 300)) < 1,
                    timeout=10000)
    assert model.attributes(i)["value"] == pytest.approx(30.0)
    panel.slider.live_button.click()
    assert model.replay is None and panel.history.source == panel.live_history == FileHistory(model.history_path)
    errors = len(window.errors)
    assert not panel.open_history(shared_data / "gpkg" / "ngageoint_gdal_sample.gpkg")
    assert len(window.errors) == errors + 1 and "not a sensor history" in window.errors[-1]
