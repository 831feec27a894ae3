"""The city vital signs in the store, sampled once a minute by the alarm service (issue 22 item 4).

Before, a window following the store showed "—" in every vital-sign sparkline: recorders (`record
--store`, each seeing part of a shared feed) write no samples and the store had no table for them. Now the
alarm service, which reads every stored reading in commit order, keeps each terminal's latest reading and
writes one sample set per minute of phenomenon time into ``vitals``, in the transaction of its step.

What a user checks: one sample per minute per (district, indicator), each equal to vital_signs_of over the
readings committed before the first transaction that reached that minute (an oracle computed here from a
fresh SensorState and AlarmBook per minute); a service restarted after every step, or run again and again
with --once as readings arrive, leaves the table an uninterrupted run leaves (no minute twice, none
skipped); a viewer-side reader (StoreHistoryReader, what a following window's trends read) gets the series.
Real stores: SQLite files and a throw-away PostgreSQL (tests/postgres.py); readings stored through the
recorder's own path (Observations.append); the service itself, in this process.
"""
from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from tests.alarm_writer import T0, TERMINALS
from tests.test_store_history import _sql


def _url(backend, tmp_path) -> str:
    if backend == "postgresql":
        from postgres import require_postgres
        return require_postgres().new_database()
    return str(tmp_path / "ops-store.sqlite")


def _registry():
    from layers.sensors.generate import generate
    return generate(TERMINALS)


def _store_readings(url, reg, batches, sim=None, size=60):
    """``batches`` transactions of ``size`` readings, 20 s of data time each (3 readings a second); returns the
    simulator (handed back in, it goes on where it stopped)."""
    from layers.sensors.simulator import Simulator
    from offline.store import open_store
    from offline.store.observations import Observations
    sim = sim or Simulator(reg, seed=5, t0=T0, rate=3.0, anomaly_rate=0.05)
    store = open_store(url, seed=False)
    try:
        for _ in range(batches):
            b = sim.batch(size)
            Observations(store).append(reg.datastream[b.idx], b.times, b.values)
    finally:
        store.close()
    return sim


def _serve_once(url, reg, restart_every_step=False):
    from offline.store.alarm_service import AlarmService
    while True:
        stop = threading.Event()
        service = AlarmService(url, reg, report=lambda text: None)
        if restart_every_step:
            step = service._step
            service._step = lambda: stop.set() or step()  # one step, then a new service
        service.run(stop, once=True)
        if not restart_every_step or not service.counts["steps"]:
            return


def _reset(url):
    """The service's tables as before its first step (the readings stay)."""
    from tests.test_alarm_service import _reset as reset_service
    reset_service(url)


def _write(url, sql):
    if url.startswith("postgresql://"):
        import psycopg
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(sql)
    else:
        import sqlite3
        with sqlite3.connect(url) as con:
            con.execute(sql)


def _vitals(url) -> list:
    return _sql(url, "SELECT district, indicator, time, value FROM vitals ORDER BY time, district, indicator")


def _oracle(url, reg) -> list:
    """Each minute's sample computed directly: the transactions before the first one holding a reading at or
    after the minute, loaded into a fresh SensorState (and their alarms into a fresh AlarmBook)."""
    from layers.sensors.alarms import AlarmBook
    from layers.sensors.state import SensorState
    from layers.sensors.vitals import samples, vital_signs_of
    rows = _sql(url, "SELECT tx, datastream, phenomenon_time, result FROM observations ORDER BY tx, phenomenon_time, "
                     "datastream")
    txs = sorted({r[0] for r in rows})
    batches = []
    for tx in txs:
        mine = [r for r in rows if r[0] == tx]
        idx = reg.index_of_datastreams([r[1] for r in mine])
        batches.append((idx, np.array([r[2] for r in mine], float) / 1000.0, np.array([r[3] for r in mine], float)))
    first = math.floor(batches[0][1].max() / 60) * 60 + 60
    last = max(b[1].max() for b in batches)
    out = []
    for m in np.arange(first, last + 1, 60.0):
        cut = next(i for i, b in enumerate(batches) if b[1].max() >= m)
        state = SensorState(reg)
        book = AlarmBook(state)
        for idx, t, v in batches[:cut]:
            book.update(idx, t, v, state.classify(idx, t, v))
        if cut:
            state.ingest(np.concatenate([b[0] for b in batches[:cut]]), np.concatenate([b[1] for b in batches[:cut]]),
                         np.concatenate([b[2] for b in batches[:cut]]))
        out += [(d, k, float(m), None if x != x else x) for d, k, x in samples(vital_signs_of(state, book.open_alarms(), m))]
    return sorted(out, key=lambda r: (r[2], r[0], r[1]))


def test_the_service_writes_one_sample_a_minute_equal_to_the_vital_signs_of_what_it_read(tmp_path):
    url, reg = _url("sqlite", tmp_path), _registry()
    _store_readings(url, reg, 30)  # 10 minutes of data time, a transaction every 20 s
    _serve_once(url, reg)
    got = _vitals(url)
    minutes = sorted({r[2] for r in got})
    assert len(minutes) >= 9 and np.all(np.diff(minutes) == 60.0) and minutes[0] % 60 == 0, minutes
    per_key = {}
    for d, k, t, _ in got:
        per_key.setdefault((d, k), []).append(t)
    assert len(per_key) == 9 * (len(reg.district_names) + 1)
    assert all(ts == minutes for ts in per_key.values())  # one sample per minute per (district, indicator)
    assert any(k == "alarms" and v for _, k, _, v in got)  # alarms were open: the book's, counted
    assert got == _oracle(url, reg)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_service_restarted_or_run_once_again_and_again_writes_each_minute_once(backend, tmp_path, monkeypatch):
    url, reg = _url(backend, tmp_path), _registry()
    sim = None
    for _ in range(4):  # readings arrive while the service is run again and again with --once
        sim = _store_readings(url, reg, 8, sim)
        _serve_once(url, reg)
    again = _vitals(url)
    _reset(url)
    if backend == "sqlite":  # the strictest: a new service (state rebuilt from the store) for every step
        from offline.store import alarm_feed
        made = alarm_feed.SettledReadings.__init__

        def three_at_a_time(self, *args, **kw):
            made(self, *args, **kw)
            self.window = 3
        monkeypatch.setattr(alarm_feed.SettledReadings, "__init__", three_at_a_time)  # small steps: many restarts
        _serve_once(url, reg, restart_every_step=True)
        monkeypatch.undo()
        restarted = _vitals(url)
        _reset(url)
    _serve_once(url, reg)  # uninterrupted, over the same stored readings
    whole = _vitals(url)
    assert len({r[2] for r in whole}) >= 10
    assert again == whole
    if backend == "sqlite":
        assert restarted == whole


def test_the_store_history_reader_gives_the_services_samples_as_series(tmp_path):
    """What a following window's sparklines and the trend figures read (offline/history_source.StoreHistory)."""
    from offline.history_source import StoreHistory
    from offline.store import open_store
    url, reg = _url("sqlite", tmp_path), _registry()
    _store_readings(url, reg, 12)
    _serve_once(url, reg)
    reader = StoreHistory(lambda: open_store(url, seed=False), url).open()
    try:
        series = reader.vitals_series(T0, T0 + 3600)
    finally:
        reader.close()
    times, values = series[("all", "online")]
    assert len(times) >= 3 and np.all(np.diff(times) == 60.0) and np.all(values > 0)
    assert {k for _, k in series} >= {"online", "alarms", "noise_over"}


def test_old_samples_go_with_the_retention(tmp_path):
    """Samples older than VITALS_KEEP_S (26 h, the history file's) before the newest are dropped in the step."""
    from offline.history import VITALS_KEEP_S
    url, reg = _url("sqlite", tmp_path), _registry()
    sim = _store_readings(url, reg, 6)
    _serve_once(url, reg)
    _write(url, f"INSERT INTO vitals VALUES ('all', 'online', {T0 - VITALS_KEEP_S - 600}, 1.0)")
    _write(url, f"INSERT INTO vitals VALUES ('all', 'online', {T0 - VITALS_KEEP_S + 600}, 1.0)")
    _store_readings(url, reg, 6, sim)  # more readings: the next step writes minutes, drops what is 26 h older
    _serve_once(url, reg)
    old = {r[0] for r in _sql(url, f"SELECT time FROM vitals WHERE time < {T0}")}
    assert old == {T0 - VITALS_KEEP_S + 600}
