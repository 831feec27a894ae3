"""`simulate` and `record` as a user runs them: subprocesses, a real broker, SIGINT/SIGTERM."""
from __future__ import annotations

import argparse
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from console.cli_sensors import add_subcommands
from mosquitto import mosquitto_broker  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.mqtt


def cli(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "console.cli_sensors", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def subscribed(rec, seconds: float = 60) -> str:
    """Wait until `record` says the broker acknowledged its subscription (from then on a persistent session
    keeps what is published); returns the stderr lines read. A fixed sleep here failed on a loaded machine."""
    end, seen = time.monotonic() + seconds, []
    while time.monotonic() < end:
        line = rec.stderr.readline()
        if not line:
            raise AssertionError(f"record ended before subscribing: {''.join(seen)}")
        seen.append(line)
        if line.startswith("record: subscribed on "):
            return "".join(seen)
    raise AssertionError(f"record did not subscribe within {seconds} s: {''.join(seen)}")


def final_json(stdout: str) -> dict:
    lines = stdout.strip().splitlines()
    assert len(lines) == 1, stdout  # exactly one JSON line on stdout
    return json.loads(lines[0])


def _stop_when_stored(rec, db, n: int, seconds: float):
    """Let `record` catch up (at most ``seconds``) until ``n`` rows are in its history, then Ctrl+C it."""
    end = time.monotonic() + seconds
    count = 0
    while time.monotonic() < end and count < n:
        time.sleep(0.5)
        with sqlite3.connect(db) as c:
            count = c.execute("SELECT count(*) FROM obs").fetchone()[0]
    rec.send_signal(signal.SIGINT)
    rec.communicate(timeout=60)


def test_add_subcommands_registers_simulate_and_record():
    parser = argparse.ArgumentParser()
    add_subcommands(parser.add_subparsers(dest="command"))
    a = parser.parse_args(["simulate", "--mqtt", "127.0.0.1:1883", "--count", "5"])
    assert a.count == 5 and callable(a.func)
    a = parser.parse_args(["record", "--mqtt", "localhost:1883", "--db", "x.db"])
    assert a.mqtt == ("localhost", 1883) and callable(a.func)
    with pytest.raises(SystemExit):
        parser.parse_args(["simulate", "--mqtt", "nohost", "--count", "1"])


@pytest.mark.parametrize("batch", [0, 500])
def test_simulate_exact_count_is_recorded_once(mosquitto_broker, tmp_path, batch):
    db = tmp_path / "rec.db"
    rec = cli("record", "--mqtt", mosquitto_broker.address, "--db", str(db), "--terminals", "2000")
    early = subscribed(rec)
    sim = cli("simulate", "--mqtt", mosquitto_broker.address, "--count", "3000", "--rate", "0",
              "--terminals", "2000", "--batch", str(batch))
    out, err = sim.communicate(timeout=60)
    assert sim.returncode == 0, err
    s = final_json(out)
    assert s["received"] == s["stored"] == 3000 and s["dropped"] == 0
    end = time.monotonic() + 15
    while time.monotonic() < end:
        with sqlite3.connect(db) as c:
            if c.execute("SELECT count(*) FROM obs").fetchone()[0] >= 3000:
                break
        time.sleep(0.1)
    time.sleep(1.5)  # record prints a progress line a second: at least one before it stops
    rec.send_signal(signal.SIGINT)
    out, err = rec.communicate(timeout=30)
    err = early + err
    assert rec.returncode == 0, err
    r = final_json(out)
    assert r["stored"] == 3000 and r["duplicates"] == 0 and r["rejected"] == 0
    assert set(r) >= {"received", "stored", "duplicates", "rejected", "reconnects"}
    assert "rate=" in err  # progress lines while running


def test_simulate_duration_stops_on_sigterm(mosquitto_broker):
    sim = cli("simulate", "--mqtt", mosquitto_broker.address, "--rate", "500", "--terminals", "500")
    time.sleep(2.5)
    sim.send_signal(signal.SIGTERM)
    out, err = sim.communicate(timeout=30)
    assert sim.returncode == 0 and "Traceback" not in err
    s = final_json(out)
    assert s["received"] > 0 and s["stored"] == s["received"]


def test_record_reports_a_bad_registry_without_traceback(tmp_path):
    p = cli("record", "--mqtt", "127.0.0.1:1", "--db", str(tmp_path / "x.db"),
            "--registry", str(tmp_path / "missing.csv"))
    out, err = p.communicate(timeout=30)
    assert p.returncode == 2 and "missing.csv" in err and "Traceback" not in err  # README: 2 = unreadable input


def test_sigterm_under_a_backlog_stores_what_was_received(mosquitto_broker, tmp_path):
    """SIGTERM while a million readings are still queued in `record`: it stores them before it exits."""
    db = tmp_path / "rec.db"
    rec = cli("record", "--mqtt", mosquitto_broker.address, "--db", str(db), "--terminals", "2000")
    time.sleep(2.0)
    sim = cli("simulate", "--mqtt", mosquitto_broker.address, "--count", "1000000", "--rate", "0",
              "--terminals", "2000", "--batch", "5000")
    out, err = sim.communicate(timeout=120)
    assert sim.returncode == 0, err
    assert final_json(out)["stored"] == 1_000_000  # the broker has every reading
    time.sleep(0.5)  # let the broker hand them over; `record` is still working through them
    rec.send_signal(signal.SIGTERM)
    out, err = rec.communicate(timeout=120)
    assert rec.returncode == 0, err
    r = final_json(out)
    with sqlite3.connect(db) as c:
        kept = c.execute("SELECT count(*) FROM obs").fetchone()[0]
    assert r["stored"] == kept and r["dropped"] == 0 and r["dropped_at_stop"] == 0
    assert kept + r["duplicates"] == r["received"] and kept > 0


@pytest.mark.parametrize("kills", [6, pytest.param(20, marks=pytest.mark.slow)])  # 20: the acceptance
def test_kills_of_record_lose_no_acknowledged_reading(mosquitto_broker, tmp_path, kills):
    """kill -9 at random moments under a QoS 1 stream, persistent session: every reading ends up stored once."""
    import random
    rng = random.Random(20)
    db = tmp_path / "rec.db"
    args = ("record", "--mqtt", mosquitto_broker.address, "--db", str(db), "--terminals", "2000",
            "--client-id", "ops-centre-recorder")
    rec = cli(*args)
    subscribed(rec)  # the session exists at the broker from here on, so it queues while we are down
    sim = cli("simulate", "--mqtt", mosquitto_broker.address, "--count", "20000", "--rate", "2500",
              "--terminals", "2000", "--qos", "1")
    for _ in range(kills):
        time.sleep(rng.uniform(0.4, 1.2))
        rec.kill()
        rec.wait(10)
        rec = cli(*args)
    out, err = sim.communicate(timeout=120)
    assert sim.returncode == 0, err
    assert final_json(out)["stored"] == 20000, "the broker acknowledged every reading to the publisher"
    _stop_when_stored(rec, db, 20000, 60)
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("SELECT count(*) FROM obs").fetchone()[0] == 20000, "nothing acknowledged was lost"
        assert c.execute("SELECT count(*) FROM (SELECT 1 FROM obs GROUP BY sensor, time HAVING count(*) > 1)"
                         ).fetchone()[0] == 0


@pytest.mark.parametrize("restarts", [6, pytest.param(20, marks=pytest.mark.slow)])
def test_broker_restarts_under_a_persistent_session_lose_nothing(tmp_path, restarts):
    """The broker is restarted again and again while readings stream in: each one ends up stored, once."""
    from mosquitto import Broker, require_mosquitto
    require_mosquitto()
    broker = Broker(tmp_path, persistent=True).start()
    db = tmp_path / "rec.db"
    try:
        rec = cli("record", "--mqtt", broker.address, "--db", str(db), "--terminals", "2000",
                  "--client-id", "ops-centre-recorder")
        subscribed(rec)
        sim = cli("simulate", "--mqtt", broker.address, "--count", "20000", "--rate", "1500",
                  "--terminals", "2000", "--qos", "1")
        for _ in range(restarts):
            time.sleep(0.5)
            broker.stop()
            broker.start()
        out, err = sim.communicate(timeout=180)
        assert sim.returncode == 0, err
        published = final_json(out)["stored"]
        assert published == 20000, "the broker acknowledged every reading to the publisher"
        _stop_when_stored(rec, db, published, 90)
        with sqlite3.connect(db) as c:
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert c.execute("SELECT count(*) FROM obs").fetchone()[0] == published
    finally:
        broker.kill()
