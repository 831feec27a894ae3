"""Soak runs of the reliability battery (slow: `bash tools/test.sh -m slow`).

T9: kill and restart Mosquitto 50 times under a QoS 1 stream — every reconnect within 5 s, no
observation stored twice. During each outage the publisher re-sends observations already
delivered (what QoS 1 redelivery does); a non-persistent broker may drop those before the feed
has re-subscribed, so only the ones published while the broker is up must all arrive.
"""
from __future__ import annotations

import time

import pytest

from layers.sensors import sta
from layers.sensors.generate import generate
from mosquitto import Broker, require_mosquitto
from test_sensors_mqtt import T0, publisher, run_pipeline, stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.mqtt]


def test_fifty_broker_restarts_under_a_qos1_stream(tmp_path):
    require_mosquitto()
    registry = generate(2_000, seed=7)
    broker = Broker(tmp_path).start()
    db = tmp_path / "h.db"
    sent = 0
    try:
        pipe, _, _ = run_pipeline(registry, broker, db)
        pub = publisher(broker.port)
        pub.reconnect_delay_set(1, 4)
        for cycle in range(50):
            for _ in range(20):
                pub.publish(sta.observation_topic(sent % 1000 + 1), sta.observation_payload(T0 + sent, sent), qos=1)
                sent += 1
            assert pipe.wait(lambda c, n=sent: c["stored"] >= n, 15), f"cycle {cycle}: not all stored"
            reconnects = pipe.counters["reconnects"]
            broker.kill()
            for k in range(sent - 5, sent):  # redeliveries queued in paho while the broker is down
                pub.publish(sta.observation_topic(k % 1000 + 1), sta.observation_payload(T0 + k, k), qos=1)
            broker.start()
            t_up = time.monotonic()
            assert pipe.wait(lambda c, r=reconnects: c["reconnects"] > r, 5.5), f"cycle {cycle}: no reconnect"
            assert time.monotonic() - t_up <= 5.0
        assert pipe.wait(lambda c: c["stored"] >= sent, 20)
        time.sleep(0.3)
        pipe.stop()
        pub.loop_stop()
        rows = stored_rows(db)
        assert len(rows) == len({(s, t) for s, t, _ in rows}) == sent
    finally:
        broker.kill()


def _rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def test_ten_second_flood_keeps_memory_bounded_and_counts_drops(tmp_path):
    """T8: a publisher as fast as it can go for 10 s; the feed's queue stays bounded, every
    observation is received, stored or counted as dropped, and the feed still works after."""
    import subprocess
    import sys

    from layers.sensors.alarms import AlarmBook
    from console.feeds.mqtt import MqttFeed, MqttSettings
    from offline.pipeline import Pipeline
    from layers.sensors.state import SensorState
    require_mosquitto()
    registry = generate(20_000, seed=7)
    broker = Broker(tmp_path).start()
    try:
        state = SensorState(registry)
        feed = MqttFeed(registry, MqttSettings(port=broker.port), queue_size=50_000)
        pipe = Pipeline(feed, state, AlarmBook(state), history_path=tmp_path / "h.db").start()
        end = time.monotonic() + 10
        while not feed.connected and time.monotonic() < end:
            time.sleep(0.05)
        assert feed.connected, feed.last_error
        time.sleep(0.2)
        baseline = _rss_mib()
        sim = subprocess.Popen([sys.executable, "-m", "console.cli_sensors", "simulate", "--mqtt", broker.address,
                                "--rate", "0", "--duration", "10", "--terminals", "20000", "--qos", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        peak = baseline
        while sim.poll() is None:
            peak = max(peak, _rss_mib())
            time.sleep(0.2)
        published = __import__("json").loads(sim.stdout.read().strip().splitlines()[-1])["received"]
        assert published > 50_000, "the publisher must really flood"
        time.sleep(3.0)  # let the pipeline drain
        c = pipe.counters
        seen = {k: c[k] for k in ("received", "stored", "duplicates", "rejected", "dropped")}
        assert c["received"] + c["dropped"] <= published, (published, seen)
        assert c["stored"] + c["duplicates"] + c["rejected"] + c["dropped"] >= c["received"] * 0.99, seen
        assert c["received"] > published * 0.5, (published, seen)  # most of the flood got through
        assert peak - baseline < 400, f"memory grew by {peak - baseline:.0f} MiB"
        before = c["stored"]
        pub = publisher(broker.port)  # the feed still takes a reading after the flood
        pub.publish(sta.observation_topic(1), sta.observation_payload(T0 + 10**7, 1.0), qos=1).wait_for_publish(5)
        assert pipe.wait(lambda k: k["stored"] > before, 10)
        pub.loop_stop()
        pipe.stop()
    finally:
        broker.kill()
