"""`simulate` ends when it should and accounts for every reading it made (issue 26 item 2).

A simulator whose broker died waited for ever: SIGTERM was ignored for 30 s, an orphan ran
80 minutes past its --duration, and its summary said "dropped": 0 with 20,008 readings
unaccounted for. Now a broker gone for --give-up-after seconds ends it (status 2, one line),
a signal ends it within moments, and received = stored + dropped + unacknowledged.
Real Mosquitto (tests/mosquitto.py), the real CLI in a subprocess.
"""
from __future__ import annotations

import signal
import time

import pytest

from mosquitto import broker  # noqa: F401  (a fixture: a throw-away Mosquitto per test)
from tests.test_sensors_cli import cli, final_json

pytestmark = pytest.mark.mqtt


def _accounted(s: dict) -> bool:
    return s["received"] == s["stored"] + s["dropped"] + s["unacknowledged"]


def _wait_publishing(sim):
    """Until simulate's first progress line (it is connected and publishing)."""
    line = sim.stderr.readline()
    assert line.startswith("simulate: received="), line


def test_a_killed_broker_ends_simulate_with_every_reading_accounted_for(broker):
    sim = cli("simulate", "--mqtt", broker.address, "--rate", "2000", "--duration", "600",
              "--terminals", "2000", "--give-up-after", "2")
    _wait_publishing(sim)
    broker.kill()
    out, err = sim.communicate(timeout=30)  # it ran on for 10 minutes (and an orphan for 80) before
    assert sim.returncode == 2, err
    assert "Traceback" not in err
    assert any("was unreachable for 2 s" in line for line in err.splitlines()), err
    s = final_json(out)
    assert s["received"] > 0 and _accounted(s), s


def test_sigterm_ends_simulate_at_once_when_the_broker_is_gone(broker):
    sim = cli("simulate", "--mqtt", broker.address, "--rate", "2000", "--duration", "600",
              "--terminals", "2000", "--give-up-after", "3600")
    _wait_publishing(sim)
    broker.kill()
    time.sleep(0.5)  # the broker is gone while simulate still has readings to publish
    sim.send_signal(signal.SIGTERM)
    out, err = sim.communicate(timeout=10)  # it waited 30 s for acknowledgements that could not come
    assert sim.returncode == 0, err
    s = final_json(out)
    assert _accounted(s) and s["unacknowledged"] > 0, s  # not "dropped": 0 and silence


def test_simulate_against_no_broker_gives_up():
    from mosquitto import free_port
    sim = cli("simulate", "--mqtt", f"127.0.0.1:{free_port()}", "--count", "100", "--terminals", "500",
              "--give-up-after", "1")
    out, err = sim.communicate(timeout=30)
    assert sim.returncode == 2 and "Traceback" not in err, err
    s = final_json(out)
    assert s["stored"] == 0 and _accounted(s), s


def test_the_broker_gone_line_has_its_chinese_words():
    from console.feeds.mqtt import MqttSettings
    from console.feeds.publisher import Publisher
    from layers.messages import localize
    pub = Publisher(MqttSettings(host="mqtt.ops", port=1883), give_up_after=5)
    pub.last_error = "[Errno 111] Connection refused"
    said = localize(pub.gone_reason(), "zh")
    assert said == "MQTT 服务器 mqtt.ops:1883 已 5 秒无法连接（[Errno 111] Connection refused）；已停止", said
