"""The window on a real broker (issue 8's first acceptance): readings recorded, terminals come alive.

Runs the console as a user would: `songjiang-console open --mqtt … --history H --exit-after S` in
its own process under the test's X display, fed by `songjiang-console simulate` through a real
Mosquitto on loopback.
"""
from __future__ import annotations

import json
from pathlib import Path
import os
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest

from mosquitto import mosquitto_broker  # noqa: F401
from tests.helpers import REPO, has_display

pytestmark = [pytest.mark.mqtt, pytest.mark.gui,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]


def _console(*args, **kw):
    args = (*args, "--no-dialogs") if args[0] == "open" else args  # a script: the status bar only
    return subprocess.Popen([sys.executable, "-m", "console", *map(str, args)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def _window(qtbot, lang="en", feed_settings=None, demo_feed=True):
    """The main window on the default scene, as opened from the desktop."""
    from console.app import MainWindow
    from layers import i18n
    from layers.loading import default_specs
    i18n.set_language(lang)
    from offline.workspace import Workspace
    win = MainWindow(Workspace.open(demo_feed=demo_feed))
    qtbot.addWidget(win)
    win.panels.sensor_panel.feed_settings = feed_settings
    win.show()
    win.load_specs(default_specs())
    return win


def test_the_window_records_a_real_feed_and_its_terminals_come_alive(mosquitto_broker, tmp_path):
    history = tmp_path / "H.sqlite"
    window = _console("open", "--mqtt", mosquitto_broker.address, "--history", history, "--exit-after", 40,
                      "--lang", "en")
    end = time.monotonic() + 30
    while not history.exists() and time.monotonic() < end and window.poll() is None:
        time.sleep(0.2)  # the history opens just before the feed subscribes
    assert history.exists(), window.stderr.read() if window.poll() is not None else "no history file"
    time.sleep(3.0)
    sim = _console("simulate", "--mqtt", mosquitto_broker.address, "--count", 20000, "--rate", 0, "--batch", 0)
    out, err = sim.communicate(timeout=120)
    assert sim.returncode == 0, err
    assert json.loads(out.strip().splitlines()[-1])["stored"] == 20000  # the broker took every reading
    _, err = window.communicate(timeout=120)
    assert window.returncode == 0, err[-2000:]
    with sqlite3.connect(history) as db:
        rows = db.execute("SELECT sensor, time FROM obs").fetchall()
    assert len(rows) == 20000, "every observation is in the window's history"
    # the terminals they name are not offline: replay the history the way the window's layer does
    from layers.sensors.model import SensorModel, default_registry
    from layers.sensors.state import OFFLINE
    model = SensorModel(default_registry())
    ds = np.array([r[0] for r in rows])
    t = np.array([r[1] for r in rows]) / 1000.0
    model.set_replay(float(t.max()), ds, t, np.ones(len(ds)))
    named = model.registry.index_of_datastreams(np.unique(ds))
    states = model.replay.state.states(float(t.max()))
    assert (named >= 0).all() and (states[named] != OFFLINE).all()
    assert (states == OFFLINE).sum() >= len(model.registry) - len(named), "the others stay offline: no demo data"


def test_in_the_window_the_layer_state_follows_the_broker(mosquitto_broker, qtbot, tmp_path, monkeypatch):
    from console.feeds.mqtt import MqttSettings
    from layers.sensors.state import OFFLINE
    host, port = mosquitto_broker.address.split(":")
    win = _window(qtbot, "en", MqttSettings(host=host, port=int(port)))
    panel = win.panels.sensor_panel
    qtbot.waitUntil(lambda: panel.model is not None and panel.model.pipeline is not None
                    and panel.model.pipeline.feed.connected, timeout=60000)
    model = panel.model
    assert (model.state.states(time.time()) == OFFLINE).all(), "a real feed starts with nothing known: no demo"
    qtbot.waitUntil(lambda: "connected" in panel.feed_label.text(), timeout=5000)
    sim = _console("simulate", "--mqtt", mosquitto_broker.address, "--count", 5000, "--rate", 0)
    qtbot.waitUntil(lambda: sim.poll() is not None, timeout=60000)
    qtbot.waitUntil(lambda: model.pipeline.counters["stored"] >= 5000, timeout=30000)
    alive = model.state.states(time.time()) != OFFLINE
    assert 4000 <= alive.sum() <= 5000  # every reading names a terminal; a few terminals report twice
    adapter = win.scene.adapters[panel.layer.id]
    qtbot.waitUntil(lambda: (adapter.codes != OFFLINE).sum() == alive.sum(), timeout=5000)
    assert "SIMULATED" not in panel.feed_label.text() and mosquitto_broker.address in panel.feed_label.text()
    win.close()


def test_the_demo_simulator_is_labelled_simulated(qtbot, tmp_path, monkeypatch):
    from layers import i18n
    win = _window(qtbot, "en")
    panel = win.panels.sensor_panel
    qtbot.waitUntil(lambda: panel.model is not None and panel.model.pipeline is not None, timeout=60000)
    qtbot.waitUntil(lambda: "SIMULATED" in panel.feed_label.text(), timeout=5000)
    i18n.set_language("zh")
    qtbot.waitUntil(lambda: "模拟" in panel.feed_label.text(), timeout=5000)
    win.close()


def test_a_tls_profile_with_a_password_connects_and_the_password_stays_in_the_keyring(
        qtbot, tmp_path, monkeypatch, caplog, memory_keyring):
    """Sensors › Connect… against a TLS Mosquitto that wants a password (sentinel: found only in the keyring)."""
    import logging
    import shutil

    from mosquitto import Broker, require_mosquitto
    from test_sensors_tls import make_certs
    require_mosquitto()
    if shutil.which("mosquitto_passwd") is None:
        pytest.skip("mosquitto_passwd not installed")
    sentinel = "Sentinel-7f3a-密码"
    ca = make_certs(tmp_path)
    pwfile = tmp_path / "passwd"
    subprocess.run(["mosquitto_passwd", "-c", "-b", str(pwfile), "ops", sentinel], check=True)
    pwfile.chmod(0o600)
    broker = Broker(tmp_path, extra_conf=f"allow_anonymous false\npassword_file {pwfile}\ncafile {ca}\n"
                                         f"certfile {tmp_path / 'server.crt'}\nkeyfile {tmp_path / 'server.key'}\n").start()
    caplog.set_level(logging.DEBUG)
    try:
        win = _window(qtbot, "en", demo_feed=False)
        panel = win.panels.sensor_panel
        qtbot.waitUntil(lambda: panel.model is not None, timeout=60000)
        dialog = panel.connect_dialog()
        dialog.profile.setCurrentText("centre TLS")
        dialog.host.setText("127.0.0.1")
        dialog.port.setValue(broker.port)
        dialog.username.setText("ops")
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled(), "no TLS yet: refused"
        dialog.ca_certs.setText(str(ca))
        assert dialog.tls.isChecked() and dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        dialog.password.setText(sentinel)
        dialog.accept()
        qtbot.waitUntil(lambda: panel.model.pipeline is not None and panel.model.pipeline.feed.connected,
                        timeout=30000)
        assert memory_keyring == {("songjiang-console/mqtt", "ops"): sentinel}
        win.close()
    finally:
        broker.kill()
    config = Path(os.environ["XDG_CONFIG_HOME"])
    saved = [f for f in config.rglob("*") if f.is_file()]
    assert any("centre TLS" in f.read_text(errors="replace") for f in saved), "the profile was saved"
    assert not any(sentinel in f.read_text(errors="replace") for f in saved), "but not its password"
    assert sentinel not in caplog.text


def test_closing_while_the_feed_starts_leaves_no_pipeline_running(qtbot, monkeypatch):
    """A window closed during start-up (the demo is still priming) must not start its feed afterwards."""
    import threading

    before = {t.ident for t in threading.enumerate() if t.name == "sensor-pipeline"}
    win = _window(qtbot, "zh")
    qtbot.waitUntil(lambda: win.panels.sensor_panel.model is not None, timeout=60000)
    win.close()  # the feed-start thread is priming the demo right now
    qtbot.wait(3000)
    leaked = [t for t in threading.enumerate() if t.name == "sensor-pipeline" and t.ident not in before]
    assert leaked == []


def test_the_window_takes_its_terminals_from_a_sensorthings_server(mosquitto_broker, tmp_path):
    """`open --sta URL`: the registry pages in from the server; readings for its Datastreams are kept."""
    from layers.crs import ProjectCRS
    from layers.sensors import loaders
    from layers.sensors.generate import generate
    from tests.sta_server import sta_server
    reg = generate(25, seed=9)
    things = [loaders.dumps_thing(reg, i, ProjectCRS()) for i in range(len(reg))]
    for t in things:  # ids the built-in registry does not have: only the server's list can place them
        t["Datastreams"][0]["@iot.id"] += 50_000_000
    history = tmp_path / "H.sqlite"
    with sta_server(things) as (url, requests):
        window = _console("open", "--sta", url, "--mqtt", mosquitto_broker.address, "--history", history,
                          "--exit-after", 30, "--lang", "en")
        end = time.monotonic() + 25
        while not history.exists() and time.monotonic() < end and window.poll() is None:
            time.sleep(0.2)
        assert history.exists(), window.stderr.read() if window.poll() is not None else "no history file"
        assert len(requests) == 3, "three pages, following @iot.nextLink"
        time.sleep(2.0)
        sim = _console("simulate", "--mqtt", mosquitto_broker.address, "--registry", url, "--count", 500,
                       "--rate", 2000, "--batch", 0)  # each terminal every 12.5 ms: distinct times
        out, err = sim.communicate(timeout=60)
        assert sim.returncode == 0, err
    _, err = window.communicate(timeout=60)
    assert window.returncode == 0, err[-2000:]
    with sqlite3.connect(history) as db:
        stored = {r[0] for r in db.execute("SELECT DISTINCT sensor FROM obs")}
        n = db.execute("SELECT count(*) FROM obs").fetchone()[0]
    assert n == 500 and stored == {t["Datastreams"][0]["@iot.id"] for t in things}
