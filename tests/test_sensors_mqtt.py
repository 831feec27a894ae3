"""MQTT feed against a real Mosquitto on loopback: state, history, alarms, bad input, reconnect."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time

import numpy as np
import paho.mqtt.client as mqtt
import pytest

from layers.sensors import batch as B
from layers.sensors import sta
from layers.sensors.alarms import AlarmBook
from layers.sensors.generate import generate
from console.feeds.mqtt import MqttFeed, MqttSettings
from offline.pipeline import Pipeline
from layers.sensors.state import CRITICAL, SensorState
from mosquitto import Broker, mosquitto_broker, require_mosquitto  # noqa: F401

T0 = 1_760_000_000.0  # 2025-10-09, daytime in Shanghai
pytestmark = pytest.mark.mqtt


@pytest.fixture(scope="module")
def registry():
    return generate(2_000, seed=7)


def publisher(port):
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{time.time_ns()}")
    c.max_inflight_messages_set(1000)
    c.connect("127.0.0.1", port)
    c.loop_start()
    return c


def run_pipeline(registry, broker, db):
    state = SensorState(registry)
    alarms = AlarmBook(state)
    feed = MqttFeed(registry, MqttSettings(port=broker.port))
    pipe = Pipeline(feed, state, alarms, history_path=db).start()
    end = time.monotonic() + 10
    while not feed.connected and time.monotonic() < end:
        time.sleep(0.02)
    assert feed.connected, feed.last_error
    time.sleep(0.1)  # SUBACK
    return pipe, state, alarms


def stored_rows(db):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT sensor, time, value FROM obs ORDER BY sensor, time").fetchall()


def test_observations_reach_state_history_and_alarms(registry, mosquitto_broker, tmp_path):
    db = tmp_path / "h.db"
    pipe, state, alarms = run_pipeline(registry, mosquitto_broker, db)
    pm = int(np.flatnonzero(registry.kind == 0)[0])  # a PM2.5 terminal (crit 75 µg/m³)
    ds = int(registry.datastream[pm])
    pub = publisher(mosquitto_broker.port)
    pub.publish(sta.observation_topic(ds), sta.observation_payload(T0, 90.0), qos=1).wait_for_publish()
    # and one with mosquitto_pub, the way a field gateway would
    subprocess.run(["mosquitto_pub", "-p", str(mosquitto_broker.port), "-q", "1", "-t",
                    sta.observation_topic(ds), "-m",
                    '{"phenomenonTime":"%s","result":120}' % sta.format_time(T0 + 60)], check=True)
    assert pipe.wait(lambda c: c["stored"] >= 2, 10)
    pipe.stop()
    pub.loop_stop()
    assert state.value[pm] == 120.0 and state.level[pm] == CRITICAL
    assert stored_rows(db) == [(ds, int(T0 * 1000), 90.0), (ds, int((T0 + 60) * 1000), 120.0)]
    (alarm,) = alarms.open_alarms()  # raised once the second reading confirmed the excursion
    assert alarm.sensor == pm and alarm.severity == CRITICAL and alarm.value == 120.0


def test_duplicates_stored_once_and_bad_payloads_counted(registry, mosquitto_broker, tmp_path):
    db = tmp_path / "h.db"
    pipe, state, _ = run_pipeline(registry, mosquitto_broker, db)
    pub = publisher(mosquitto_broker.port)
    good = sta.observation_payload(T0, 1.5)
    topic = sta.observation_topic(5)
    bad = [(topic, b"{not json"), (topic, b'{"phenomenonTime":"2025-10-09T00:00:00Z","result":NaN}'),
           (topic, b'{"phenomenonTime":"2025-10-09T00:00:00Z","result":"12"}'),
           (topic, b'{"result":1}'), (topic, b"[" * 100_000 + b"]" * 100_000),
           (topic, b'{"phenomenonTime":"yesterday","result":1}'), (topic, b"\xff\xfe"),
           (sta.observation_topic(99_999_999), good), (B.BATCH_TOPIC, b"SJB1garbage"),
           (topic, b'{"phenomenonTime":"2025-10-09T00:00:00Z","result":' + b"9" * 9000 + b"}")]
    for _ in range(3):  # a QoS 1 redelivery looks exactly like this
        pub.publish(topic, good, qos=1)
    for t, p in bad:
        pub.publish(t, p, qos=1)
    pub.publish(B.BATCH_TOPIC, B.encode([5, 6, 6, 42_424_242], [T0, T0, T0, T0],
                                        [1.5, 2.0, float("nan"), 3.0]), qos=1).wait_for_publish()
    ok = pipe.wait(lambda c: c["received"] >= 3 + len(bad) + 4, 10)
    pipe.stop()
    pub.loop_stop()
    c = pipe.counters.as_dict(with_reasons=True)
    assert ok, c
    assert stored_rows(db) == [(5, int(T0 * 1000), 1.5), (6, int(T0 * 1000), 2.0)]
    assert c["stored"] == 2 and c["duplicates"] == 3  # 2 single repeats + the batch's copy
    assert c["rejected"] == len(bad) + 2
    for reason in ("bad json", "nan", "result not a number", "missing result or phenomenonTime",
                   "too large", "bad phenomenonTime", "unknown datastream", "bad batch"):
        assert c["reasons"].get(reason), (reason, c["reasons"])


def test_broker_restart_reconnects_within_5s_without_double_storage(registry, tmp_path):
    require_mosquitto()
    broker = Broker(tmp_path).start()
    db = tmp_path / "h.db"
    try:
        pipe, state, _ = run_pipeline(registry, broker, db)
        pub = publisher(broker.port)
        pub.reconnect_delay_set(1, 4)
        for i in range(50):
            pub.publish(sta.observation_topic(i + 1), sta.observation_payload(T0 + i, i), qos=1)
        assert pipe.wait(lambda c: c["stored"] >= 50, 10)
        broker.kill()
        for i in range(50):  # queued in paho while the broker is down, resent on reconnect
            pub.publish(sta.observation_topic(i + 1), sta.observation_payload(T0 + i, i), qos=1)
        time.sleep(0.5)
        broker.start()
        t_up = time.monotonic()
        assert pipe.wait(lambda c: c["reconnects"] >= 1, 5.5), "no reconnect within 5 s"
        assert time.monotonic() - t_up <= 5.0
        for i in range(50, 100):
            pub.publish(sta.observation_topic(i + 1), sta.observation_payload(T0 + i, i), qos=1)
        assert pipe.wait(lambda c: c["stored"] >= 100, 10)
        time.sleep(0.3)
        pipe.stop()
        pub.loop_stop()
        rows = stored_rows(db)
        assert len(rows) == len(set((s, t) for s, t, _ in rows)) == 100
        assert pipe.counters["stored"] == 100
    finally:
        broker.kill()


def test_password_comes_from_keyring(registry, tmp_path, memory_keyring):
    require_mosquitto()
    if shutil.which("mosquitto_passwd") is None:
        pytest.skip("mosquitto_passwd not installed")
    memory_keyring[("songjiang-console/mqtt", "ops")] = "s3cret-Sentinel"
    pwfile = tmp_path / "passwd"
    subprocess.run(["mosquitto_passwd", "-c", "-b", str(pwfile), "ops", "s3cret-Sentinel"], check=True)
    pwfile.chmod(0o600)
    broker = Broker(tmp_path, extra_conf=f"allow_anonymous false\npassword_file {pwfile}\n").start()
    try:
        from console.feeds.mqtt import FeedError
        with pytest.raises(FeedError, match="unencrypted"):
            MqttFeed(registry, MqttSettings(port=broker.port, username="ops")).start()
        settings = MqttSettings(port=broker.port, username="ops", allow_insecure=True)  # loopback: trusted
        assert "s3cret" not in repr(settings)
        feed = MqttFeed(registry, settings)
        feed.start()
        end = time.monotonic() + 10
        while not feed.connected and time.monotonic() < end:
            time.sleep(0.05)
        assert feed.connected, feed.last_error
        feed.stop()
        memory_keyring[("songjiang-console/mqtt", "ops")] = "wrong"
        wrong = MqttFeed(registry, settings)
        wrong.start()
        end = time.monotonic() + 10
        while not wrong.fatal and time.monotonic() < end:
            time.sleep(0.05)
        wrong.stop()
        assert "refused the login of 'ops'" in wrong.fatal and not wrong.connected
        memory_keyring.clear()
        with pytest.raises(FeedError, match="no password for MQTT user 'ops'"):
            MqttFeed(registry, settings).start()
    finally:
        broker.kill()


def test_a_qos1_flood_is_held_back_not_queued_without_bound_and_nothing_is_lost(registry, mosquitto_broker,
                                                                                 tmp_path, monkeypatch):
    """Brokers may send far more unacknowledged QoS 1 messages than a client can store (Mosquitto 2
    sent 18,000 batches of 2,000 records): the feed stops reading at its bound instead of growing."""
    import threading
    from console.feeds import mqtt as feed_module
    bound = 4_000
    monkeypatch.setattr(feed_module, "MAX_QUEUED_OBS", bound)
    db = tmp_path / "h.db"
    pipe, state, _ = run_pipeline(registry, mosquitto_broker, db)
    lock = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    lock.execute("BEGIN EXCLUSIVE")  # the writer waits: another process holds the history for 3 s
    threading.Timer(3.0, lambda: (lock.execute("COMMIT"), lock.close())).start()
    pub = publisher(mosquitto_broker.port)
    ds = registry.datastream
    for k in range(20):  # 20 batches of 1,000 observations, distinct (terminal, time) keys
        rows = np.arange(1000) + 1000 * (k % 2)
        pub.publish(B.BATCH_TOPIC, B.encode(ds[rows], np.full(1000, T0 + k), np.full(1000, 1.0)), qos=1)
    peak, end = 0, time.monotonic() + 3.0
    while time.monotonic() < end:
        peak = max(peak, pipe.feed._queued_obs)
        time.sleep(0.005)
    assert pipe.wait(lambda c: c["stored"] >= 20_000, 30), pipe.counters.as_dict()
    pipe.stop()
    pub.loop_stop()
    c = pipe.counters.as_dict()
    assert peak <= bound + 1000, f"{peak} observations queued (bound {bound}, one message may straddle it)"
    assert c["held_back"] > 0 and c["dropped"] == 0 and c["stored"] == 20_000
    assert len(stored_rows(db)) == 20_000
