"""Alarms evaluated once, in one place, with one lifecycle: `alarms serve --store URL` (issue 22 item 3).

Before, alarms were evaluated in each window and each `record --db` process, from whatever readings
that process happened to receive; `record --store` (several recorders splitting the feed) evaluated
none, and the store kept no alarm. Now one alarm service reads the stored readings in commit order
and keeps the alarms, their events and its checkpoint in the store, in one transaction per step.

What a user checks: the service killed (SIGKILL) again and again while readings are being stored
leaves exactly the alarm history an uninterrupted run makes over the same stored readings (same
alarms, same transitions in the same order, none twice; the same vital-sign minutes); a PostgreSQL restart in mid-run is waited
for and the run resumes; a recorder's batch that commits after a later one is evaluated, never skipped;
a second service is refused in one line and a standby takes over. Real PostgreSQL (tests/postgres.py)
and SQLite, the real CLI in subprocesses; readings written by tests/alarm_writer.py through the
recorder's own path (Observations.append).
"""
from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from postgres import require_postgres
from tests.alarm_writer import T0, TERMINALS
from tests.test_sensors_cli import final_json
from tests.test_store_history import _count, _sql

ROOT = Path(__file__).resolve().parents[1]
WRITER = Path(__file__).with_name("alarm_writer.py")
ENOUGH = 30_000  # stored readings before the writers are told to stop


def _url(backend, tmp_path) -> str:
    return require_postgres().new_database() if backend == "postgresql" else str(tmp_path / "ops-store.sqlite")


def _serve(url, *extra, log: Path):
    """`alarms serve` in the background, its stderr in ``log`` (read to know when it serves)."""
    err = open(log, "a")
    return subprocess.Popen([sys.executable, "-m", "console", "alarms", "serve", "--store", url, "--terminals",
                             str(TERMINALS), "--poll", "0.1", "--lang", "en", *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True)


def _once(url) -> dict:
    run = subprocess.run([sys.executable, "-m", "console", "alarms", "serve", "--store", url, "--terminals",
                          str(TERMINALS), "--once", "--lang", "en"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return final_json(run.stdout)


def _writers(url, seeds, batches, size, *until):
    """Writers of one stream between them: a reading every 100 s of data time per terminal, whatever their number
    (often enough over a threshold that 30,000 readings raise, flap, escalate and clear alarms)."""
    rate = 3.0 / len(seeds)
    return [subprocess.Popen([sys.executable, str(WRITER), url, str(s), str(batches), str(size), str(rate), *until],
                             cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for s in seeds]


def _finished(writers):
    for w in writers:
        out, err = w.communicate(timeout=300)
        assert w.returncode == 0 and out.endswith("done\n"), err[-3000:]


def _wait_for(log: Path, text: str, count: int = 1, seconds: float = 60):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if log.exists() and log.read_text().count(text) >= count:
            return
        time.sleep(0.05)
    pytest.fail(f"{text!r} not said {count} times within {seconds} s: {log.read_text()[-3000:]}")


def history(url) -> tuple:
    """What an operator reads: every event in order, every alarm as it stands; and what the rules carry on with
    (the checkpoint itself is not compared: past the last reading it is wherever the last look ended)."""
    events = _sql(url, "SELECT alarm, datastream, event, severity, at, who, value, note FROM alarm_events ORDER BY seq")
    alarms = _sql(url, "SELECT * FROM alarms ORDER BY id")
    service = _sql(url, "SELECT next_alarm, settled_at, streaks FROM alarm_service")
    vitals = _sql(url, "SELECT district, indicator, time, value FROM vitals ORDER BY time, district, indicator")
    return events, alarms, service, vitals  # the city vital signs' minutes too: none twice, none lost


def _reset(url):
    """The alarm tables as before the service's first step (the store's owner may)."""
    sql = ["DELETE FROM alarm_events", "DELETE FROM alarms", "DELETE FROM vitals",
           "UPDATE alarm_service SET checkpoint = 0, next_alarm = 1, settled_at = NULL, streaks = '{}'"]
    if url.startswith("postgresql://"):
        import psycopg
        with psycopg.connect(url, autocommit=True) as con:
            for q in sql:
                con.execute(q)
    else:
        with sqlite3.connect(url) as con:
            for q in sql:
                con.execute(q)


def _uninterrupted(url) -> tuple:
    """The same stored readings evaluated again from the start, by one run that nobody stops."""
    _reset(url)
    _once(url)
    return history(url)


def _killed_under_load(url, tmp_path, *, kills, seeds, batches, size, seed):
    rng = random.Random(seed)
    log, until = tmp_path / "alarms.log", tmp_path / "enough"
    writers = _writers(url, seeds, batches, size, str(until))  # writing until told: every kill is under load
    for k in range(kills):
        svc = _serve(url, log=log)
        _wait_for(log, "evaluating the alarms of", k + 1)
        time.sleep(rng.uniform(0.2, 0.8))  # a random moment: before, inside or after a step's transaction
        svc.kill()
        svc.communicate(timeout=30)
        assert all(w.poll() is None for w in writers), "the writers ran out before the kill"
    while _count(url) < ENOUGH and all(w.poll() is None for w in writers):
        time.sleep(0.1)  # enough readings for every kind of event, however fast the kills went
    until.touch()
    _finished(writers)
    return log


def _same_history(url, log, kills):
    _once(url)  # what the last kill left to do
    killed = history(url)
    resumed = [int(line.split("from commit ")[1].split()[0]) for line in log.read_text().splitlines()
               if "from commit " in line]
    assert len(resumed) == kills and sum(c > 0 for c in resumed) >= kills // 2, log.read_text()[-3000:]
    events = killed[0]
    kinds = {e[2] for e in events}
    assert {"raised", "normal", "cleared", "flapping", "unacknowledged"} <= kinds, kinds
    assert len({v[2] for v in killed[3]}) >= 60  # an hour and more of data time: minutes written across the kills
    assert _uninterrupted(url) == killed  # same alarms, same transitions in the same order, none twice


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_killed_alarm_service_leaves_the_history_of_an_uninterrupted_run(backend, tmp_path):
    url = _url(backend, tmp_path)
    seeds = [1] if backend == "sqlite" else [1, 2]  # PostgreSQL: two recorders' transactions interleave
    log = _killed_under_load(url, tmp_path, kills=3, seeds=seeds, batches=2000, size=100, seed=22)
    _same_history(url, log, 3)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_alarm_service_killed_twenty_times_under_load(backend, tmp_path):
    url = _url(backend, tmp_path)
    seeds = [1] if backend == "sqlite" else [1, 2, 3]
    log = _killed_under_load(url, tmp_path, kills=20, seeds=seeds, batches=5000, size=100, seed=20)
    _same_history(url, log, 20)


def test_store_restarted_mid_run_is_waited_for_and_the_run_resumes(tmp_path):
    cluster = require_postgres()
    url = cluster.new_database()
    log = tmp_path / "alarms.log"
    writers = _writers(url, [1, 2], 60, 150)
    svc = _serve(url, log=log)
    _wait_for(log, "evaluating the alarms of")
    while not _sql(url, "SELECT checkpoint FROM alarm_service")[0][0]:
        time.sleep(0.05)  # it has committed a step: the restart comes in the middle of the run
    cluster.restart()
    _wait_for(log, "store unreachable")
    _wait_for(log, "evaluating the alarms of", 2)  # back, from its last committed step
    _finished(writers)
    last = _sql(url, "SELECT max(tx) FROM observations")[0][0]
    while _sql(url, "SELECT checkpoint FROM alarm_service")[0][0] < last and svc.poll() is None:
        time.sleep(0.1)
    svc.send_signal(signal.SIGINT)
    out, _ = svc.communicate(timeout=60)
    assert svc.returncode == 0, log.read_text()[-3000:]
    assert final_json(out)["reconnects"] >= 1
    killed = history(url)
    assert killed[0] and _uninterrupted(url) == killed


def test_a_store_gone_longer_than_the_timeout_ends_the_service_in_one_line(tmp_path):
    cluster = require_postgres()
    url = cluster.new_database()
    log = tmp_path / "alarms.log"
    svc = _serve(url, "--store-timeout", "1", log=log)
    _wait_for(log, "evaluating the alarms of")
    cluster.halt()
    try:
        out, _ = svc.communicate(timeout=120)
    finally:
        cluster._pg_start()
    text = log.read_text()
    assert svc.returncode == 2 and "Traceback" not in text, text
    assert "the store stayed unreachable for 1 s; alarm service stopped" in text.splitlines()[-1], text
    assert "checkpoint" in final_json(out)


def _tilt_terminals(n):
    from layers.sensors import kinds as K
    from layers.sensors.generate import generate
    reg = generate(TERMINALS)
    rows = [i for i in range(len(reg)) if reg.kind[i] == K.BY_NAME["tilt"].code][:n]
    return [(int(reg.datastream[i]), float(reg.crit[i]) * 1.3) for i in rows]  # tilt raises at one reading


def test_a_batch_that_commits_after_a_later_one_is_evaluated_not_skipped():
    """Recorder A starts its transaction first and commits last: its transaction id is the smaller one.
    A service that read up to the highest id it had seen would pass A's id while A was invisible and
    never come back; this one reads only below the oldest transaction still running."""
    import psycopg
    url = require_postgres().new_database()
    (ds_a, hot_a), (ds_b, hot_b) = _tilt_terminals(2)
    _once(url)  # the schema, and nothing to evaluate yet
    _sql(url, "SELECT songjiang_observation_partitions(ARRAY[to_timestamp(%d)::date])" % T0)  # as a recorder does
    a = psycopg.connect(url)
    a.execute("INSERT INTO observations (datastream, phenomenon_time, result) VALUES (%s, to_timestamp(%s), %s)",
              (ds_a, T0, hot_a))
    with psycopg.connect(url, autocommit=True) as b:
        b.execute("INSERT INTO observations (datastream, phenomenon_time, result) VALUES (%s, to_timestamp(%s), %s)",
                  (ds_b, T0 + 1, hot_b))
    assert _once(url)["readings"] == 0  # B is committed, but below it A is still running: wait for A
    a.commit()
    a.close()
    assert _once(url)["readings"] == 2
    raised = _sql(url, "SELECT datastream FROM alarm_events WHERE event = 'raised' ORDER BY seq")
    assert raised == [(ds_a,), (ds_b,)]  # A first: its transaction started first


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_second_service_is_refused_and_a_standby_takes_over(backend, tmp_path):
    url = _url(backend, tmp_path)
    log = tmp_path / "alarms.log"
    first = _serve(url, log=log)
    _wait_for(log, "evaluating the alarms of")
    second = subprocess.run([sys.executable, "-m", "console", "alarms", "serve", "--store", url, "--terminals",
                             str(TERMINALS), "--lang", "en"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert second.returncode == 3, second.stderr
    assert "another alarm service" in second.stderr and "Traceback" not in second.stderr, second.stderr
    standby = _serve(url, "--standby", log=log)
    _wait_for(log, "standby: ")
    first.kill()
    first.communicate(timeout=30)
    _wait_for(log, "evaluating the alarms of", 2)  # the standby took over when the first one died
    standby.send_signal(signal.SIGINT)
    out, _ = standby.communicate(timeout=60)
    assert standby.returncode == 0 and "checkpoint" in final_json(out)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_window_reads_the_open_alarms_and_follows_the_events_by_seq(backend, tmp_path):
    """What item 4's windows read: the open alarms with their state, and the events after the last one seen."""
    from offline.store import open_store
    from offline.store.alarm_history import events_since, open_alarms, service_status
    from offline.store.observations import Observations
    url = _url(backend, tmp_path)
    (ds, hot), (ds2, hot2) = _tilt_terminals(2)
    store = open_store(url, seed=False)
    try:
        obs = Observations(store)
        obs.append([ds], [T0], [hot])
        _once(url)
        first = events_since(store)
        assert [(e["datastream"], e["event"], e["who"]) for e in first] == [(ds, "raised", "")]
        obs.append([ds2, ds], [T0 + 10, T0 + 20], [hot2, 0.0])  # a second one raised; the first back in range
        _once(url)
        later = events_since(store, first[-1]["seq"])
        assert [(e["datastream"], e["event"]) for e in later] == [(ds2, "raised"), (ds, "normal")]
        opened = {a["datastream"]: a for a in open_alarms(store)}
        assert set(opened) == {ds, ds2} and opened[ds]["status"] == "active"
        assert opened[ds]["normal_since"] == T0 + 20 and opened[ds2]["normal_since"] is None
        assert service_status(store)["checkpoint"] > 0
    finally:
        store.close()


def test_a_service_restarted_after_every_step_decides_as_one_that_never_stopped(tmp_path, monkeypatch):
    """The strictest case of the kills above, in one process and without chance: a new service (a new book,
    loaded from the store) for every step of three stored transactions. It holds what the store keeps of the
    book's state to all of it: e.g. open alarms loaded in another order than raised gave their escalations
    in another order."""
    import threading
    from layers.sensors.generate import generate
    from offline.store import alarm_feed, open_store
    from offline.store.alarm_service import AlarmService
    from offline.store.observations import Observations
    from layers.sensors.simulator import Simulator
    url = str(tmp_path / "ops-store.sqlite")
    reg = generate(TERMINALS)
    store = open_store(url, seed=False)
    sim = Simulator(reg, seed=5, t0=T0, rate=2.0, anomaly_rate=0.05)
    for _ in range(60):
        b = sim.batch(300)
        Observations(store).append(reg.datastream[b.idx], b.times, b.values)
    store.close()
    _once(url)
    whole = history(url)
    made = alarm_feed.SettledReadings.__init__

    def three_at_a_time(self, *args, **kw):
        made(self, *args, **kw)
        self.window = 3

    monkeypatch.setattr(alarm_feed.SettledReadings, "__init__", three_at_a_time)
    _reset(url)
    restarts = 0
    while True:
        stop = threading.Event()
        service = AlarmService(url, reg, report=lambda text: None)
        step = service._step
        service._step = lambda: stop.set() or step()  # one step, then stop: the next one is a new service
        service.run(stop)
        if not service.counts["steps"]:
            break
        restarts += 1
    assert restarts == 20 and history(url) == whole
