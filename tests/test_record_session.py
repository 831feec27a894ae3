"""`record` keeps a persistent MQTT session by default, and says when the broker dropped readings.

Issue 20 item 10: without --client-id, `record` used a clean session with a fresh id at every
start, so everything published while it was down was lost (33.6 % over 15 kills); and a broker
that dropped from a full session queue said so only in its own log. Real Mosquitto
(tests/mosquitto.py), configured as docs/sensors.md tells users (persistence, a large queue).
"""
from __future__ import annotations

import signal
import sqlite3
import time

import pytest

from mosquitto import Broker, require_mosquitto
from tests.test_sensors_cli import _stop_when_stored, cli, final_json, subscribed

pytestmark = pytest.mark.mqtt


@pytest.fixture
def broker(tmp_path):
    require_mosquitto()
    b = Broker(tmp_path, persistent=True).start()
    yield b
    b.kill()


@pytest.mark.parametrize("kills", [6, pytest.param(20, marks=pytest.mark.slow)])  # 20: the acceptance
def test_kills_of_record_without_a_client_id_lose_no_acknowledged_reading(broker, tmp_path, kills):
    """kill -9 again and again under a QoS 1 stream, no --client-id: every reading the broker acknowledged is stored."""
    import random
    rng = random.Random(10)
    db = tmp_path / "rec.db"
    args = ("record", "--mqtt", broker.address, "--db", str(db), "--terminals", "2000")
    rec = cli(*args)
    first_lines = {subscribed(rec).splitlines()[0]}  # from here on the session exists at the broker
    sim = cli("simulate", "--mqtt", broker.address, "--count", "20000", "--rate", "2000",
              "--terminals", "2000", "--qos", "1")
    for _ in range(kills):
        time.sleep(rng.uniform(0.3, 0.8))
        rec.kill()
        _, err = rec.communicate(timeout=10)
        first_lines.add(err.splitlines()[0] if err else "")
        rec = cli(*args)
    out, err = sim.communicate(timeout=120)
    assert sim.returncode == 0, err
    published = final_json(out)["stored"]
    assert published == 20000, "the broker acknowledged every reading to the publisher"
    _stop_when_stored(rec, db, published, 60)
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM obs").fetchone()[0] == published, "nothing acknowledged was lost"
    (line,) = first_lines - {""}  # every start that lived long enough said the same, first: its session
    assert "persistent MQTT session, client id songjiang-rec-" in line and str(db) in line


def test_record_warns_once_when_the_broker_reports_dropping(tmp_path):
    """A session queue too small for the time `record` was away: the broker drops, `record` says so."""
    require_mosquitto()
    b = Broker(tmp_path, extra_conf="max_queued_messages 20\nsys_interval 1\n").start()
    db = tmp_path / "rec.db"
    args = ("record", "--mqtt", b.address, "--db", str(db), "--terminals", "2000")
    try:
        rec = cli(*args)
        subscribed(rec)
        rec.kill()
        rec.communicate(timeout=10)
        sim = cli("simulate", "--mqtt", b.address, "--count", "500", "--rate", "0", "--terminals", "2000",
                  "--qos", "1")
        out, err = sim.communicate(timeout=60)
        assert final_json(out)["stored"] == 500, err
        time.sleep(2.0)  # two of the broker's $SYS ticks (sys_interval 1): its drop count is whole before record asks
        rec = cli(*args)
        time.sleep(4.0)  # the broker publishes its counters every second (sys_interval 1)
        rec.send_signal(signal.SIGINT)
        out, err = rec.communicate(timeout=60)
    finally:
        b.kill()
    warnings = [line for line in err.splitlines() if "broker reports dropped messages" in line]
    assert len(warnings) == 1, err
    assert final_json(out)["stored"] < 500  # it did lose readings: the warning is true


def test_a_history_that_stays_locked_ends_record_with_one_line_and_no_traceback(tmp_path):
    """Issue 20 item 12: the pipeline's log printed a traceback before record's own line."""
    require_mosquitto()
    b = Broker(tmp_path).start()
    db = tmp_path / "rec.db"
    try:
        rec = cli("record", "--mqtt", b.address, "--db", str(db), "--terminals", "2000", "--store-timeout", "2")
        err_before = subscribed(rec)  # the history is open from here
        lock = sqlite3.connect(db, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")  # another program holds the history: every write waits, then fails
        sim = cli("simulate", "--mqtt", b.address, "--count", "50", "--terminals", "2000", "--qos", "1")
        sim.communicate(timeout=60)
        out, err = rec.communicate(timeout=60)
        err = err_before + err
        lock.close()
    finally:
        b.kill()
    assert rec.returncode == 2, err
    assert "Traceback" not in err, err
    stopped = [line for line in err.splitlines() if "recording stopped" in line]
    assert len(stopped) == 1 and stopped[0].startswith("record: ") and str(db) in stopped[0], err
    assert len(out.strip().splitlines()) == 1  # and the one JSON line on stdout
