"""Sensor history in the operations-centre store (issue 22 item 1): `record --store URL`.

Before, `record` wrote only a history file of its own (--db): the operations centre had no shared
history. Now `record --store` writes each reading into the store's ``observations`` once, keyed
(Datastream, phenomenonTime), acknowledging it to the broker only after its commit; PostgreSQL keeps
one partition per day (dropped whole by retention) and both backends keep ``latest``, each
Datastream's newest reading, for the map. Real Mosquitto (tests/mosquitto.py) and a real
throw-away PostgreSQL cluster (tests/postgres.py); the real CLI in subprocesses.
"""
from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time

import numpy as np
import pytest

from layers.sensors import sta
from mosquitto import Broker, require_mosquitto
from stores import store_url_param  # noqa: F401  (fixture: an SQLite path, then a new PostgreSQL database)
from tests.test_sensors_cli import cli, final_json, subscribed

DAY = 86400.0


@pytest.fixture
def broker(tmp_path):
    require_mosquitto()
    b = Broker(tmp_path, persistent=True).start()
    yield b
    b.kill()


def _sql(url: str, query: str):
    if url.startswith("postgresql://"):
        import psycopg
        with psycopg.connect(url, autocommit=True) as con:
            return con.execute(query).fetchall()
    with sqlite3.connect(url) as con:
        return con.execute(query).fetchall()


def _count(url: str) -> int:
    try:
        return _sql(url, "SELECT count(*) FROM observations")[0][0]
    except Exception:  # noqa: BLE001 — not made yet: record is still starting
        return 0


def _record(broker, url, *extra):
    return cli("record", "--mqtt", broker.address, "--store", url, "--terminals", "2000", *extra)


def _stop_when_stored(rec, url: str, n: int, seconds: float) -> dict:
    """Let `record` catch up (at most ``seconds``) to ``n`` rows in the store, Ctrl+C it; its JSON line."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and _count(url) < n:
        time.sleep(0.3)
    rec.send_signal(signal.SIGINT)
    out, err = rec.communicate(timeout=60)
    assert rec.returncode == 0, err
    return final_json(out)


def _exactly_once(url: str, n: int):
    total, keys = _sql(url, "SELECT count(*), count(DISTINCT datastream) FROM observations")[0]
    distinct = _sql(url, "SELECT count(*) FROM (SELECT DISTINCT datastream, phenomenon_time FROM observations) k")[0][0]
    assert total == distinct == n, (total, distinct, n)
    newest = _sql(url, "SELECT count(*) FROM latest")[0][0]
    assert newest == keys, "latest holds one row per Datastream that reported"


def test_record_into_the_store_keeps_each_reading_once_and_counts_a_repeat(store_url_param, broker):  # noqa: F811
    url = store_url_param
    rec = _record(broker, url)
    subscribed(rec)  # the persistent session exists from here
    sim = cli("simulate", "--mqtt", broker.address, "--count", "2000", "--rate", "0", "--terminals", "2000",
              "--qos", "1")
    out, err = sim.communicate(timeout=60)
    assert final_json(out)["stored"] == 2000, err
    first = _stop_when_stored(rec, url, 2000, 60)
    assert first["stored"] == 2000 and first["rejected"] == 0, first
    _exactly_once(url, 2000)
    # a reading the store already holds, published again to a new record (its own memory of keys is gone)
    ds, when, value = _sql(url, "SELECT datastream, phenomenon_time, result FROM latest ORDER BY datastream LIMIT 1")[0]
    t = when.timestamp() if hasattr(when, "timestamp") else when / 1000.0
    rec = _record(broker, url)
    subscribed(rec)
    for payload in (sta.observation_payload(t, value), sta.observation_payload(t + 1, value + 1)):
        subprocess.run(["mosquitto_pub", "-p", str(broker.port), "-q", "1", "-t", sta.observation_topic(int(ds)),
                        "-m", payload.decode()], check=True)
    second = _stop_when_stored(rec, url, 2001, 30)
    assert (second["received"], second["stored"], second["duplicates"]) == (2, 1, 1), second
    _exactly_once(url, 2001)
    assert _sql(url, f"SELECT result FROM latest WHERE datastream = {int(ds)}")[0][0] == value + 1


def _killed_and_restarted(broker, url: str, kills: int, seed: int):
    rng = random.Random(seed)
    rec = _record(broker, url)
    subscribed(rec)
    sim = cli("simulate", "--mqtt", broker.address, "--count", "10000", "--rate", "2000", "--terminals", "2000",
              "--qos", "1")
    for _ in range(kills):
        time.sleep(rng.uniform(0.3, 0.8))
        rec.kill()  # SIGKILL: a batch copied and not committed, or committed and not acknowledged
        rec.communicate(timeout=10)
        rec = _record(broker, url)
    out, err = sim.communicate(timeout=120)
    published = final_json(out)["stored"]
    assert published == 10000, err  # what the broker acknowledged to the publisher
    _stop_when_stored(rec, url, published, 90)
    _exactly_once(url, published)


def test_three_kills_of_record_into_postgresql_store_every_acknowledged_reading_once(broker):
    from postgres import require_postgres
    _killed_and_restarted(broker, require_postgres().new_database(), 3, seed=22)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_twenty_kills_of_record_into_the_store_every_acknowledged_reading_once(broker, backend, tmp_path):
    from stores import store_url
    _killed_and_restarted(broker, store_url(backend, tmp_path), 20, seed=20)


def _opened(url):
    from offline.store import open_store
    from offline.store.observations import Observations
    return Observations(open_store(url, seed=False))


def test_latest_is_each_datastreams_newest_reading_whatever_the_order(store_url_param):  # noqa: F811
    obs = _opened(store_url_param)
    try:
        assert [a.tolist() for a in obs.latest()] == [[], [], []]  # nothing recorded yet
        t = 1_765_000_000.0
        assert obs.append([7, 7, 9], [t + 10, t, t + 5], [1.0, 2.0, 3.0]) == 3
        # an older reading of 7, a repeat of 7's newest (another value: the first stays), a newer one of 9
        assert obs.append([7, 7, 9, 9], [t + 2, t + 10, t + 30, t + 30], [4.0, 5.0, 6.0, 6.0]) == 2
        ds, times, values = obs.latest()
        assert ds.tolist() == [7, 9] and times.tolist() == [t + 10, t + 30] and values.tolist() == [1.0, 6.0]
        assert obs.count() == 5
        # many Datastreams, newest first, then each updated: the answer comes back by Datastream, one row each
        many = np.arange(5000, 1000, -1)
        obs.append(many, np.full(len(many), t), many * 0.5)
        obs.append(many[::3], np.full(len(many[::3]), t + 60), many[::3] * 2.0)
        ds, times, values = obs.latest()
        assert ds.tolist() == [7, 9, *range(1001, 5001)]
        newer = set(many[::3].tolist())
        assert all(v == (d * 2.0 if d in newer else d * 0.5) for d, v in zip(ds[2:].tolist(), values[2:].tolist()))
        assert all(s == (t + 60 if d in newer else t) for d, s in zip(ds[2:].tolist(), times[2:].tolist()))
    finally:
        obs.store.close()


def test_retention_drops_old_days_and_their_latest(store_url_param):  # noqa: F811
    obs = _opened(store_url_param)
    try:
        today = (time.time() // DAY) * DAY + 3600.0
        obs.append([1, 2, 3], [today - 5 * DAY, today - 4 * DAY, today], [1.0, 2.0, 3.0])
        obs.append([1, 1], [today - 4 * DAY + 60, today - 4 * DAY + 120], [4.0, 5.0])
        before = obs.partitions()
        obs.drop_before(today - 3 * DAY)
        ds, _, values = obs.latest()
        assert obs.count() == 1 and ds.tolist() == [3] and values.tolist() == [3.0]
        if obs.pg:  # the two old days' partitions went whole; today's (and each one made a day ahead) stay
            old, kept = ({time.strftime("observations_p%Y%m%d", time.gmtime(today + k * DAY)) for k in ks}
                         for ks in ((-5, -4), (0, 1)))
            assert old | kept <= set(before)
            assert obs.partitions() == sorted(set(before) - old)
    finally:
        obs.store.close()


def test_binary_copy_rows_round_trip():
    from offline.store.observations import decode, encode
    ds = np.array([1, 2 ** 40], np.int64)
    ms = np.array([946_684_800_000 - 1, 1_765_000_000_123], np.int64)  # before and after PostgreSQL's epoch
    v = np.array([-1.5, 1e300])
    back = decode(encode(ds, ms, v))
    assert [a.tolist() for a in back] == [ds.tolist(), ms.tolist(), v.tolist()]


def test_record_waits_for_a_restarted_store_and_keeps_every_reading_once(broker):
    """The operations centre restarts PostgreSQL (an upgrade, a failover) under a running recorder: it waits
    (the broker keeps what it did not acknowledge) and stores on, each reading once, instead of exiting."""
    from postgres import require_postgres
    cluster = require_postgres()
    url = cluster.new_database()
    rec = _record(broker, url)
    subscribed(rec)
    sim = cli("simulate", "--mqtt", broker.address, "--count", "8000", "--rate", "2000", "--terminals", "2000",
              "--qos", "1")
    while _count(url) < 1000:
        time.sleep(0.1)
    cluster.restart()  # a fast shutdown: every connection cut, the server refuses while it stops and starts
    out, err = sim.communicate(timeout=120)
    published = final_json(out)["stored"]
    assert published == 8000, err
    assert rec.poll() is None, rec.communicate()[1][-2000:]  # still recording, not stopped on the restart
    end = time.monotonic() + 90
    while time.monotonic() < end and _count(url) < published:
        time.sleep(0.3)
    rec.send_signal(signal.SIGINT)
    out, err = rec.communicate(timeout=60)
    assert rec.returncode == 0, err
    assert "retrying" in err and "Traceback" not in err, err[-2000:]  # it said it waited for the store
    assert final_json(out)["rejected"] == 0
    _exactly_once(url, published)
