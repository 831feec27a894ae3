"""MQTT over TLS against a real Mosquitto: the feed verifies the broker and receives readings."""
from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import time

import numpy as np
import paho.mqtt.client as mqtt
import pytest

from layers.sensors.generate import generate
from console.feeds.mqtt import MqttFeed, MqttSettings
from mosquitto import Broker, require_mosquitto

pytestmark = pytest.mark.mqtt


def make_certs(d):
    """A throwaway CA and a server certificate for 127.0.0.1 (openssl, no shell)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")

    def run(*args):
        subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True, cwd=d)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=songjiang-test-ca",
        "-keyout", "ca.key", "-out", "ca.crt")
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
        "-out", "server.csr")
    (d / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-extfile", "san.ext", "-out", "server.crt")
    return d / "ca.crt"


@pytest.fixture
def tls_broker(tmp_path):
    require_mosquitto()
    ca = make_certs(tmp_path)
    broker = Broker(tmp_path, extra_conf=f"cafile {ca}\ncertfile {tmp_path / 'server.crt'}\n"
                                         f"keyfile {tmp_path / 'server.key'}\n").start()
    yield broker, ca
    broker.kill()


def wait_connected(feed, seconds=10.0) -> bool:
    end = time.monotonic() + seconds
    while not feed.connected and time.monotonic() < end:
        time.sleep(0.05)
    return feed.connected


def test_feed_receives_readings_over_tls(tls_broker):
    broker, ca = tls_broker
    registry = generate(500, seed=11)
    feed = MqttFeed(registry, MqttSettings(port=broker.port, tls=True, ca_certs=str(ca)))
    feed.start()
    try:
        assert wait_connected(feed), feed.last_error
        time.sleep(0.2)  # SUBACK
        pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="tls-pub")
        pub.tls_set(ca_certs=str(ca), cert_reqs=ssl.CERT_REQUIRED)
        pub.connect("127.0.0.1", broker.port)
        pub.loop_start()
        ds = int(registry.datastream[3])
        pub.publish(f"v1.1/Datastreams({ds})/Observations",
                    json.dumps({"phenomenonTime": "2026-11-24T10:00:00Z", "result": 42.5}), qos=1).wait_for_publish(5)
        got = None
        end = time.monotonic() + 10
        while got is None and time.monotonic() < end:
            got = feed.next_batch(0.1)
        pub.loop_stop()
        pub.disconnect()
        assert got is not None and 3 in np.asarray(got.idx).tolist()
        assert 42.5 in np.asarray(got.values).tolist()
    finally:
        feed.stop()


def test_feed_refuses_a_broker_it_cannot_verify(tls_broker, tmp_path):
    broker, _ = tls_broker
    other = tmp_path / "other"
    other.mkdir()
    wrong_ca = make_certs(other)  # a CA that did not sign the broker's certificate
    feed = MqttFeed(generate(100, seed=1), MqttSettings(port=broker.port, tls=True, ca_certs=str(wrong_ca)))
    feed.start()
    try:
        assert not wait_connected(feed, 3.0)
        assert "TLS failed, the broker's certificate is not trusted" in feed.fatal, feed.fatal
    finally:
        feed.stop()


def test_record_ends_at_once_with_the_tls_reason(tls_broker, tmp_path):
    import sys
    broker, _ = tls_broker
    other = tmp_path / "other"
    other.mkdir()
    wrong_ca = make_certs(other)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "console", "record", "--mqtt", broker.address,
                             "--tls-ca", str(wrong_ca), "--terminals", "100", "--db", str(tmp_path / "h.sqlite"),
                             "--duration", "60"], capture_output=True, text=True, timeout=90)
    assert result.returncode == 2 and time.monotonic() - started < 30
    assert "TLS failed" in result.stderr.strip().splitlines()[-1]


def test_a_password_without_tls_is_refused_unless_allowed(tmp_path):
    import sys
    result = subprocess.run([sys.executable, "-m", "console", "record", "--mqtt", "127.0.0.1:1", "--username",
                             "ops", "--terminals", "100", "--db", str(tmp_path / "h.sqlite")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "unencrypted" in result.stderr and "--allow-insecure" in result.stderr


def test_plain_clients_cannot_talk_to_the_tls_listener(tls_broker):
    broker, _ = tls_broker
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="plain")
    connected = []
    c.on_connect = lambda *a: connected.append(a[3])
    try:
        c.connect("127.0.0.1", broker.port)
        c.loop_start()
        time.sleep(1.0)
    except OSError:
        pass
    finally:
        c.loop_stop()
    assert not connected
