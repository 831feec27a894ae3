"""Acknowledge an alarm in the real window, close it within 100 ms, reopen: still acknowledged.

Issue 20 item 9, as the operator meets it: the real MainWindow, a real Mosquitto broker feeding
it (tests/mosquitto.py), a real sensor history file. Before the fix the acknowledgement was
stored only when the next reading arrived, and a new window started with no alarms at all.
"""
from __future__ import annotations

import time

import numpy as np
import paho.mqtt.client as mqtt
import pytest

from mosquitto import mosquitto_broker  # noqa: F401
from tests.helpers import has_display

pytestmark = [pytest.mark.gui, pytest.mark.mqtt,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]


def _open(qtbot, broker):
    from console.app import MainWindow
    from console.feeds.mqtt import MqttSettings
    from layers.sensors.source import sensor_spec
    from offline.workspace import Workspace
    win = MainWindow(Workspace.open(demo_feed=False))  # no demo: only what the broker sends
    qtbot.addWidget(win)
    win.panels.sensor_panel.feed_settings = MqttSettings(host="127.0.0.1", port=broker.port, qos=1)
    win.show()
    win.load_specs([sensor_spec()])
    panel = win.panels.sensor_panel
    qtbot.waitUntil(lambda: panel.model is not None and panel.model.pipeline is not None
                    and panel.model.pipeline.feed.connected, timeout=60000)
    return win, panel


def _publish(broker, ds, times, values):
    from layers.sensors import batch as B
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"t-{time.time_ns()}")
    c.connect("127.0.0.1", broker.port)
    c.loop_start()
    c.publish(B.BATCH_TOPIC, B.encode(np.asarray(ds), np.asarray(times), np.asarray(values)), qos=1).wait_for_publish(10)
    c.disconnect()
    c.loop_stop()


@pytest.mark.parametrize("tries", [5, pytest.param(20, marks=pytest.mark.slow)])  # 20: the acceptance
def test_an_acknowledgement_made_just_before_closing_is_there_after_reopening(qtbot, mosquitto_broker, tmp_path,
                                                                               monkeypatch, tries):
    from layers import i18n
    from layers.sensors.kinds import kind_code
    i18n.set_language("zh")
    win, panel = _open(qtbot, mosquitto_broker)
    reg = panel.model.registry
    terminals = np.flatnonzero(reg.kind == kind_code("pm25"))[:tries].tolist()
    for k, i in enumerate(terminals):
        now = time.time()
        _publish(mosquitto_broker, [reg.datastream[i]] * 2, [now - 60, now], [reg.crit[i] * 1.5] * 2)
        dock = panel.alarms
        qtbot.waitUntil(lambda: dock.row_of_sensor(i) >= 0, timeout=10000)
        dock.table.selectRow(dock.row_of_sensor(i))
        dock.ack_button.click()
        assert dock.cell(dock.row_of_sensor(i), "status") == "已确认"
        qtbot.wait(k * 95 // max(tries - 1, 1))  # closed 0 to 95 ms after the click
        win.close()
        win, panel = _open(qtbot, mosquitto_broker)
        dock = panel.alarms
        qtbot.waitUntil(lambda: dock.row_of_sensor(i) >= 0, timeout=10000)
        row = dock.row_of_sensor(i)
        assert dock.cell(row, "status") == "已确认", f"try {k}: the acknowledgement was lost"
        assert dock.cell(row, "severity") == "严重" and dock.cell(row, "acked").strip()
    win.close()
