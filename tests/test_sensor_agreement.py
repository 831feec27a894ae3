"""The map, the alarm table and the vital signs agree on every terminal's state.

Issue 20 item 9: the map coloured a terminal by its last reading while the alarm table followed
the alarm rules (confirmation, hysteresis), so a single spike showed critical on the map with
no alarm in the table; the stale/offline rule was written three times. Now one function
(layers.sensors.state.terminal_states) decides, and this test drives the real window with a
terminal in each state, including stale and offline ones that still have an open alarm.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

from tests.helpers import has_display

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    from console.app import MainWindow
    from layers import i18n
    from layers.sensors.source import sensor_spec
    i18n.set_language("en")
    from offline.workspace import Workspace
    win = MainWindow(Workspace.open(demo_feed=False))  # the test drives the state itself
    qtbot.addWidget(win)
    win.show()
    win.load_specs([sensor_spec()])
    qtbot.waitUntil(lambda: not win.loader.busy() and win.panels.sensor_panel.adapter is not None, timeout=60000)
    yield win
    win.close()


def test_map_table_and_vitals_agree_for_a_terminal_in_each_state(window, qtbot):
    from layers.sensors.kinds import kind_code
    from layers.sensors.state import CRITICAL, NORMAL, OFFLINE, STALE, WARNING
    from layers.sensors.strings import state_label, tr
    from layers.sensors.vitals import terminals_behind
    panel = window.panels.sensor_panel
    model, adapter, dock = panel.model, panel.adapter, panel.alarms
    reg = model.registry
    pm = np.flatnonzero((reg.kind == kind_code("pm25")) & (reg.interval_s == 60))[:10].tolist()
    now = time.time()
    warn, crit = float(reg.warn[pm[0]]), float(reg.crit[pm[0]])
    mid, high, low = (warn + crit) / 2, crit * 2, warn / 3
    cases = {  # terminal: (readings as (seconds ago, value), its state, has an open alarm)
        pm[0]: ([(0, low)], NORMAL, False),
        pm[1]: ([(0, high)], NORMAL, False),                      # one spike: not confirmed, no alarm
        pm[2]: ([(60, mid), (0, mid)], WARNING, True),
        pm[3]: ([(60, high), (0, high)], CRITICAL, True),
        pm[4]: ([(120, high), (60, high), (0, low)], CRITICAL, True),  # back in range, not acknowledged
        pm[5]: ([(240, low)], STALE, False),                      # silent 4 intervals
        pm[6]: ([(300, high), (240, high)], STALE, True),         # silent with its alarm open
        pm[7]: ([(700, high), (660, high)], OFFLINE, True),       # silent 11 intervals, alarm open
        pm[8]: ([], OFFLINE, False),                              # never reported
    }
    for i, (readings, _, _) in cases.items():
        for ago, v in readings:
            model.ingest([i], [now - ago], [v])
    rows = list(cases)
    expected = np.array([c[1] for c in cases.values()], np.uint8)
    # the map: what the adapter draws
    qtbot.waitUntil(lambda: (adapter.codes[rows] == expected).all(), timeout=5000)
    # the alarm table: a row exactly for the terminals with an open alarm; its "now" column says the map's state
    dock.refresh()
    panel.slow_tick(*model.view())
    for i, (_, state, alarmed) in cases.items():
        row = dock.row_of_sensor(i)
        assert (row >= 0) == alarmed, (i, state)
        if alarmed:
            assert dock.cell(row, "now") == state_label(state), (i, state)
    # every terminal drawn in warning or critical has an alarm of that severity in the table
    hot = np.flatnonzero(np.isin(adapter.codes, (WARNING, CRITICAL)))
    for i in hot.tolist():
        row = dock.row_of_sensor(i)
        assert row >= 0 and dock.cell(row, "severity") == state_label(int(adapter.codes[i])), i
    # the vital signs: online is what the map shows neither stale nor offline; alarms are the table's
    panel.refresh_vitals(now)
    online, total = panel.vitals.values["all"]["online"]
    assert online == int((~np.isin(adapter.codes, (STALE, OFFLINE))).sum()) and total == len(reg)
    crit_n, warn_n = panel.vitals.values["all"]["alarms"]
    shown = [dock.cell(r, "severity") for r in range(dock.rows()) if dock.cell(r, "status") != tr("sensors.status_cleared")]
    assert (crit_n, warn_n) == (shown.count(state_label(CRITICAL)), shown.count(state_label(WARNING)))
    behind = set(terminals_behind(model, "all", "alarms", now).tolist())
    assert behind == {i for i, c in cases.items() if c[2]}
