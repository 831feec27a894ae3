"""A window opened on the operations-centre store follows it (issue 22 item 4, readings and history).

Before, `open --store URL` (Workspace.follow_store: no feed, no recording) showed a frozen sensor
layer: the window subscribed to nothing and read nothing. Now it reads each Datastream's latest
reading from the store, then what the recorders commit after it (by commit number; woken by NOTIFY
on PostgreSQL, polling SQLite), with no MQTT client, no history file of its own and no local alarm
evaluation; its chart and time slider read the store's observations. Real stores: an SQLite file and
a throw-away PostgreSQL cluster (tests/postgres.py); another connection writes as a recorder does
(``Observations.append``, what `record --store` calls); the real window under Xvfb, and the real CLI.
"""
from __future__ import annotations

import sys
import threading
import time

import numpy as np
import pytest

from stores import store_url_param  # noqa: F401  (fixture: an SQLite path, then a new PostgreSQL database)
from tests.helpers import REPO, has_display

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]
A, B, C = 11, 2222, 33333  # terminals (registry rows) the "recorder" writes


def _writer(url):
    from offline.store import open_store
    from offline.store.observations import Observations
    return Observations(open_store(url, seed=False))


def _following_window(make_window, qtbot, url, lang="en"):
    """The window as `open --store URL` makes it, with only its sensor layer (the rest is not what is tested)."""
    from layers import i18n, layer_kinds
    i18n.set_language(lang)
    win = make_window(store=url, follow=True, start_view="new-city", size=(1100, 750))
    win.load_specs([s for s in layer_kinds.default_specs() if s.source.startswith("sensors:")])
    panel = win.panels.sensor_panel
    qtbot.waitUntil(lambda: panel.model is not None, timeout=120000)
    return win, panel


def test_the_window_follows_what_recorders_store_and_charts_and_replays_it(
        store_url_param, make_window, qtbot):
    from layers import paths
    url = store_url_param
    paho_before = "paho" in sys.modules
    obs = _writer(url)
    from layers.sensors.model import default_registry
    reg = default_registry()
    ds = reg.datastream
    now = time.time()
    obs.append(ds[[A, A]], [now - 600, now - 300], [1.0, 2.0])  # stored before the window opens
    with obs.store.tx():  # what the alarm service wrote: an alarm on A raised at -500, cleared at -350
        for event, at in (("raised", now - 500), ("cleared", now - 350)):
            obs.store.q("INSERT INTO alarm_events (alarm, datastream, event, severity, at, who, value, note) "
                        "VALUES (?, ?, ?, 2, ?, 'system', 1.0, '')", (7, int(ds[A]), event, at))
    win, panel = _following_window(make_window, qtbot, url)
    model = panel.model
    qtbot.waitUntil(lambda: model.state.value[A] == 2.0, timeout=20000)  # each Datastream's latest, at open
    from offline.store.follow import StoreFollower
    assert isinstance(model.pipeline.feed, StoreFollower)
    obs.append(ds[[B, C]], [now, now], [3.5, 4.5])  # a recorder commits while the window follows
    qtbot.waitUntil(lambda: model.state.value[B] == 3.5 and model.state.value[C] == 4.5, timeout=20000)
    obs.append(ds[[B]], [now + 1], [5.5])
    qtbot.waitUntil(lambda: model.state.value[B] == 5.5, timeout=20000)
    qtbot.waitUntil(lambda: "following the store" in panel.feed_label.text(), timeout=10000)
    assert win.workspace.store_url in panel.feed_label.text()
    # the window records nothing, evaluates no alarm (the alarm service does), runs no MQTT client
    assert model.pipeline.alarms is None and model.history_path is None
    assert not paths.sensor_history().exists()
    assert not [t.name for t in threading.enumerate() if "paho" in t.name.lower()]
    if not paho_before:  # another test of this session may have imported it; alone, the follow path never does
        assert "paho" not in sys.modules
    # the chart of a terminal is its stored series; the time slider replays the store
    panel.select_sensor(A)
    qtbot.waitUntil(lambda: {1.0, 2.0} <= set(panel.chart.data(A)[1].tolist()), timeout=20000)
    panel.slider.set_time(now - 400)
    qtbot.waitUntil(lambda: model.replay is not None and abs(model.replay.time - (now - 400)) < 1, timeout=20000)
    assert model.attributes(A)["value"] == pytest.approx(1.0)  # the stored value at that time, not the latest
    assert [a["sensor"] for a in model.replay.alarms.values()] == [A]  # and the alarm open then
    panel.slider.live_button.click()
    assert model.replay is None and panel.history.source == panel.live_history
    win.close()
    obs.store.close()


def test_the_window_following_the_store_shows_the_vital_signs_trends_the_alarm_service_wrote(
        store_url_param, make_window, qtbot):
    """The sparklines under the vital signs read "—" in a following window: no recorder samples the city.
    Now the alarm service writes a sample a minute into the store (offline/store/alarm_vitals.py) and the
    window's trends are those samples."""
    from layers.sensors.model import default_registry
    from tests.test_alarm_vitals import _serve_once
    from tests.test_store_history import _sql
    url = store_url_param
    reg = default_registry()
    obs = _writer(url)
    now = time.time()
    for t in np.arange(now - 900, now - 60, 30.0):  # a recorder's transactions over the last quarter hour
        obs.append(reg.datastream[[A, B, C]], [t] * 3, [1.0, 2.0, 3.0])
    obs.store.close()
    _serve_once(url, reg)  # alarms serve --once
    stored = _sql(url, "SELECT time, value FROM vitals WHERE district = 'all' AND indicator = 'online' ORDER BY time")
    assert len(stored) >= 12
    win, panel = _following_window(make_window, qtbot, url)
    qtbot.waitUntil(lambda: panel.vitals.trend("all", "online") is not None, timeout=60000)
    times, values = panel.vitals.trend("all", "online")
    assert times.tolist() == [r[0] for r in stored] and values.tolist() == [r[1] for r in stored]
    win.close()


def test_a_store_unreachable_at_start_is_one_line_in_the_status_bar(make_window, qtbot):
    url = "postgresql://songjiang@127.0.0.1:9/nowhere"  # nothing listens on port 9
    win, panel = _following_window(make_window, qtbot, url)
    qtbot.waitUntil(lambda: "waiting for the store" in panel.feed_label.text(), timeout=30000)
    text = panel.feed_label.text()
    assert "postgresql://songjiang@127.0.0.1:9/nowhere" in text and "\n" not in text
    assert win.isVisible() and not win.errors  # the window stays up; no error box for a store still to come
    win.close()


def test_a_following_window_offers_no_other_source_and_keeps_the_store(make_window, qtbot, tmp_path):
    """Sensors › Connect… and Use the demo are off in a following window; asked from elsewhere, the switch
    is said and refused: the window goes on showing the store, never a feed of its own beside it."""
    win, panel = _following_window(make_window, qtbot, str(tmp_path / "ops.sqlite"))
    qtbot.waitUntil(lambda: panel.model.pipeline is not None, timeout=30000)
    assert not win.actions["sensors.connect"].isEnabled() and not win.actions["sensors.use_demo"].isEnabled()
    feed = panel.model.pipeline.feed
    panel.use_demo()
    assert panel.model.pipeline.feed is feed and panel.feed_settings is None
    assert "follows the store" in win.statusBar().currentMessage()
    win.close()


def test_the_follower_waits_for_a_restarted_store_and_reads_on():
    """The store restarted under a following window: the status says it waits, then readings flow again."""
    from postgres import require_postgres
    from layers.sensors.generate import generate
    from layers.sensors.model import SensorModel
    from offline.pipeline import start_feed
    from offline.store import open_store
    from offline.store.follow import StoreFollower
    cluster = require_postgres()
    url = cluster.new_database()
    reg = generate(500, 3)
    obs = _writer(url)
    model = SensorModel(reg)
    follower = StoreFollower(reg, lambda: open_store(url, seed=False), url, retry_s=0.3)
    start_feed(model, follower, history=False, alarms=False)
    try:
        obs.append(reg.datastream[[1]], [time.time()], [1.0])
        _until(lambda: model.state.value[1] == 1.0)
        cluster.restart()
        _until(lambda: not follower.connected and follower.status()[0] == "sensors.follow_waiting"
               or follower.counters["reconnects"])
        obs.store.close()
        obs = _writer(url)
        obs.append(reg.datastream[[2]], [time.time()], [2.0])  # committed while (or after) the window waited
        _until(lambda: model.state.value[2] == 2.0)
        assert follower.connected
    finally:
        model.stop()
        obs.store.close()


def test_a_recorders_write_notifies_the_windows():
    from postgres import require_postgres
    import psycopg
    url = require_postgres().new_database()
    obs = _writer(url)
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute("LISTEN songjiang_observations")  # offline/store/observations.py OBSERVATIONS_CHANNEL
        obs.append([7, 8], [time.time()] * 2, [1.0, 2.0])
        got = [n.payload for n in listener.notifies(timeout=5, stop_after=1)]
        assert got == ["2"]
    obs.store.close()


def _until(predicate, seconds: float = 30.0):
    end = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < end, "not within the time given"
        time.sleep(0.05)


@pytest.mark.slow
def test_open_store_through_the_cli_takes_a_screenshot_and_records_nothing(tmp_path):
    """The real entry point: `open --store FILE --exit-after N --screenshot F` (a sensor layer following it)."""
    import os
    import subprocess
    from layers.sensors.model import default_registry
    store = tmp_path / "ops.sqlite"
    obs = _writer(str(store))
    obs.append(default_registry().datastream[:1000], np.full(1000, time.time()), np.zeros(1000))
    obs.store.close()
    shot, data = tmp_path / "shot.png", tmp_path / "data"
    env = {**os.environ, "SONGJIANG_DATA_DIR": str(data)}
    run = subprocess.run([sys.executable, "-m", "console", "open", "--store", str(store), "--exit-after", "240",
                          "--screenshot", str(shot), "--lang", "en", "--no-dialogs"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 50_000
    assert not list(data.rglob("*history*")), "the window following the store records no history of its own"


@pytest.mark.mqtt
def test_the_journey_broker_recorder_store_window(make_window, qtbot, tmp_path):
    """The operations centre end to end: `simulate` publishes to Mosquitto, `record --store` stores, the
    window following the store shows every terminal that reported, and its process runs no MQTT client."""
    from mosquitto import Broker, require_mosquitto
    from offline.store.observations import Observations
    from tests.test_sensors_cli import cli, final_json, subscribed
    require_mosquitto()
    broker = Broker(tmp_path, persistent=True).start()
    url = str(tmp_path / "ops.sqlite")
    rec = cli("record", "--mqtt", broker.address, "--store", url, "--terminals", "2000")
    try:
        subscribed(rec)
        win, panel = _following_window(make_window, qtbot, url)
        sim = cli("simulate", "--mqtt", broker.address, "--count", "2000", "--rate", "0", "--terminals", "2000",
                  "--qos", "1")
        out, err = sim.communicate(timeout=60)
        assert final_json(out)["stored"] == 2000, err
        store = _writer(url).store
        qtbot.waitUntil(lambda: store.q("SELECT count(*) FROM observations").fetchone()[0] == 2000, timeout=60000)
        ds, _t, values = Observations(store).latest()  # what the recorder stored, each terminal's newest
        store.close()
        rows = panel.model.registry.index_of_datastreams(ds)
        assert len(ds) > 1000 and (rows >= 0).all()
        state = panel.model.state
        qtbot.waitUntil(lambda: np.array_equal(state.value[rows], values), timeout=30000)
        assert not [t.name for t in threading.enumerate() if "paho" in t.name.lower()]
        win.close()
    finally:
        rec.kill()
        rec.communicate(timeout=30)
        broker.kill()


def test_a_viewer_role_follows_what_a_recorder_role_writes(tmp_path):
    """Least privilege (item 5) holds for following: the recorder role's write notifies, the wall's viewer
    role reads the latest values, the new readings, a series and a moment."""
    import psycopg
    from test_store_roles import _as, _init
    from layers.sensors.generate import generate
    from layers.sensors.model import SensorModel
    from offline.history_source import StoreHistory
    from offline.pipeline import start_feed
    from offline.store import open_store
    from offline.store.follow import StoreFollower
    from postgres import require_postgres
    cluster = require_postgres()
    owner = "own_" + _hex()
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as con:
        con.execute(f"CREATE ROLE {owner} LOGIN CREATEROLE")
    url = cluster.new_database(owner=owner)
    tag = _hex()
    run = _init(url, "--login-role", f"rec_{tag}:recorder", "--login-role", f"wall_{tag}:viewer")
    assert run.returncode == 0, run.stderr[-2000:]
    recorder, wall = _as(url, f"rec_{tag}"), _as(url, f"wall_{tag}")
    reg = generate(300, 4)
    obs = _writer(recorder)
    now = time.time()
    obs.append(reg.datastream[[1]], [now - 60], [1.5])
    model = SensorModel(reg)
    start_feed(model, StoreFollower(reg, lambda: open_store(wall, seed=False), wall), history=False, alarms=False)
    try:
        _until(lambda: model.state.value[1] == 1.5)
        obs.append(reg.datastream[[2]], [now], [2.5])
        _until(lambda: model.state.value[2] == 2.5)
        reader = StoreHistory(lambda: open_store(wall, seed=False), wall).open()
        with reader, reader.moment():
            assert reader.series(int(reg.datastream[1]), now - 120, now)[1].tolist() == [1.5]
            assert sorted(reader.at(now - 30)[2].tolist()) == [1.5]
            assert reader.alarms_at(now) == {}
    finally:
        model.stop()
        obs.store.close()


def _hex() -> str:
    import uuid
    return uuid.uuid4().hex[:8]
