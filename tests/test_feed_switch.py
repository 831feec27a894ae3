"""From the demo to a real broker in the window: a new source starts clean, its drops are the broker's.

Issue 26 item 2: Sensors › Connect… from the demo kept the 200,000 simulated states and their
alarms under the real broker's name, and the status bar said "丢弃 0" while the broker dropped
a third of the readings. Now the switch starts with every terminal offline and no alarms (nor
the demo's alarms carried on from the history), and the status bar shows the broker's own drop
count. Real window under Xvfb, real Mosquitto.
"""
from __future__ import annotations

import time

import pytest

from tests.helpers import has_display
from tests.test_window_feed import _window

pytestmark = [pytest.mark.mqtt, pytest.mark.gui,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]


@pytest.fixture
def stock_broker(tmp_path):
    from mosquitto import Broker, require_mosquitto
    require_mosquitto()
    b = Broker(tmp_path, stock=True).start()  # Mosquitto's own queue limits, as a user's broker has them
    yield b
    b.kill()


def _switched(broker, qtbot):
    """The window on the demo (terminals alive, alarms open), then Sensors › Connect… to ``broker``."""
    from console.feeds.mqtt import MqttSettings
    from layers.sensors.state import OFFLINE
    win = _window(qtbot, "en")
    panel = win.panels.sensor_panel
    qtbot.waitUntil(lambda: panel.model is not None and panel.model.pipeline is not None, timeout=60000)
    qtbot.waitUntil(lambda: "SIMULATED" in panel.feed_label.text(), timeout=10000)
    qtbot.waitUntil(lambda: bool(panel.model.alarms.open_alarms()), timeout=60000)  # the demo's, to leave behind
    assert (panel.model.state.states(time.time()) != OFFLINE).sum() > 100_000
    qtbot.waitUntil(lambda: panel.model.pipeline.counters["stored"] > 0, timeout=10000)  # and a history of them
    host, port = broker.address.split(":")
    panel.switch_feed(MqttSettings(host=host, port=int(port)))
    qtbot.waitUntil(lambda: panel.model.pipeline is not None and panel.model.pipeline.feed.connected,
                    timeout=30000)
    return win, panel


def test_connecting_from_the_demo_starts_clean_and_shows_the_broker_drop_count(
        stock_broker, qtbot, tmp_path, monkeypatch):
    from layers.sensors.state import OFFLINE
    win, panel = _switched(stock_broker, qtbot)
    model = panel.model
    assert (model.state.states(time.time()) == OFFLINE).all(), "no simulated terminal under the broker's name"
    assert model.alarms.open_alarms() == [], "nor the demo's alarms (live or carried on from the history)"
    assert panel.alarms.book is model.alarms
    qtbot.waitUntil(lambda: "broker dropped 0" in panel.feed_label.text(), timeout=10000)
    assert "SIMULATED" not in panel.feed_label.text()
    win.close()


@pytest.mark.slow
def test_a_flood_in_the_window_is_stored_or_shown_as_the_broker_counts_it(stock_broker, qtbot, tmp_path,
                                                                          monkeypatch):
    from tests.test_broker_drops import broker_says
    from tests.test_sensors_cli import cli, final_json
    win, panel = _switched(stock_broker, qtbot)
    model = panel.model
    sim = cli("simulate", "--mqtt", stock_broker.address, "--count", "20000", "--rate", "0")
    qtbot.waitUntil(lambda: sim.poll() is not None, timeout=120000)
    published = final_json(sim.communicate()[0])["stored"]  # what the broker acknowledged to the publisher
    counters = model.pipeline.counters
    qtbot.waitUntil(lambda: counters["stored"] + (model.pipeline.feed.broker.dropped or 0) == published,
                    timeout=60000)  # every reading: stored by the window, or dropped by the broker
    dropped = broker_says(stock_broker)
    qtbot.waitUntil(lambda: f"broker dropped {dropped:,}" in panel.feed_label.text(), timeout=10000)
    win.close()
