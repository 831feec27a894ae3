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
