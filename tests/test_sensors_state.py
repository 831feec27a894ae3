"""Sensor state, alarms lifecycle, health view, simulator, batch codec and the history store."""
from __future__ import annotations

import time

import numpy as np
import pytest

from layers.sensors import batch as B
from layers.sensors import kinds as K
from layers.sensors.alarms import ACKNOWLEDGED, ACTIVE, CLEARED, AlarmBook, health
from layers.sensors.feed import Deduper
from layers.sensors.kinds import kind_code
from layers.sensors.generate import generate
from layers.sensors.simulator import Simulator
from layers.sensors.sta import Rejected
from layers.sensors.state import CRITICAL, NORMAL, OFFLINE, STALE, WARNING, SensorState
from offline.history import HistoryStore

NOON = 1_760_000_000.0 - (1_760_000_000.0 / 3600 + 8) % 24 * 3600 + 12 * 3600  # 12:00 Shanghai


@pytest.fixture(scope="module")
def reg():
    return generate(3_000, seed=11)


def first(reg, kind):
    return int(np.flatnonzero(reg.kind == K.BY_NAME[kind].code)[0])


def test_ingest_classifies_high_low_and_night_thresholds(reg):
    st = SensorState(reg)
    pm, hy, no = first(reg, "pm25"), first(reg, "hydrant_pressure"), first(reg, "noise")
    v0 = st.version
    lv = st.ingest([pm, hy, no], [NOON] * 3, [80.0, 0.12, 55.0])
    assert list(lv) == [CRITICAL, WARNING, NORMAL] and st.version == v0 + 1
    night = NOON + 11 * 3600  # 23:00: GB 3096 class-2 night limit 50 dB(A)
    assert st.ingest([no], [night], [55.0])[0] == WARNING
    assert st.ingest([hy], [NOON + 1], [0.05])[0] == CRITICAL  # low pressure is the bad side


def test_older_observations_never_overwrite_newer(reg):
    st = SensorState(reg)
    st.ingest([5, 5, 6], [NOON + 10, NOON + 5, NOON], [1.0, 2.0, 3.0])
    assert st.value[5] == 1.0 and st.time[5] == NOON + 10
    st.ingest([5], [NOON + 1], [9.0])
    assert st.value[5] == 1.0


def test_stale_and_offline_from_sampling_interval(reg):
    st = SensorState(reg)
    pm = first(reg, "pm25")  # 60 s interval
    st.ingest([pm], [NOON], [10.0])
    assert st.states(NOON + 60)[pm] == NORMAL
    assert st.states(NOON + 200)[pm] == STALE
    assert st.states(NOON + 700)[pm] == OFFLINE
    snap = st.snapshot(NOON + 200)
    assert snap.state[pm] == STALE and snap.value[pm] == 10.0
    assert st.counts(NOON)["offline"] == len(reg) - 1  # never reported = offline
    h = health(st, NOON + 700)
    assert h["offline"]["count"] == len(reg) and h["offline"]["by_kind"]["pm25"] > 0


def test_alarm_lifecycle_with_who_and_when(reg):
    st = SensorState(reg)
    book = AlarmBook(st)
    pm = first(reg, "pm25")

    def feed(t, v):
        lv = st.ingest([pm], [t], [v])
        return book.update([pm], [t], [v], lv)

    assert feed(NOON - 60, 50.0) == [], "one reading over the threshold is not an alarm yet"
    (a,) = feed(NOON, 50.0)
    assert (a.sensor, a.severity, a.status) == (pm, WARNING, ACTIVE)
    (a2,) = feed(NOON + 60, 90.0)
    assert a2 is a and a.severity == CRITICAL and len(book.open_alarms()) == 1
    feed(NOON + 120, 10.0)  # back to normal but nobody has seen it: stays active for now
    assert a.status == ACTIVE and a.normal_since == NOON + 120
    book.acknowledge(a.id, "wang.li", NOON + 130)
    assert a.status == CLEARED and (a.acked_by, a.acked_at) == ("wang.li", NOON + 130)
    assert a.cleared_by == "system" and book.open_alarms() == []
    feed(NOON + 170, 80.0)
    (b,) = feed(NOON + 200, 80.0)
    book.acknowledge(b.id, "zhao.m", NOON + 210)
    assert b.status == ACKNOWLEDGED
    counts = book.counts_by_district()
    assert counts[reg.district_of(pm)] == {"active": 0, "acknowledged": 1, "warning": 0, "critical": 1}
    feed(NOON + 260, 5.0)  # acknowledged + normal → cleared by itself
    assert b.status == CLEARED and b.cleared_at == NOON + 260
    with pytest.raises(ValueError, match="already cleared"):
        book.clear(b.id, "zhao.m", NOON + 300)
    events = [e[2] for e in book.drain_events()]
    assert events == ["raised", "escalated", "normal", "acknowledged", "cleared",
                      "raised", "acknowledged", "normal", "cleared"]


def test_a_value_oscillating_around_a_threshold_raises_one_alarm(reg):
    st = SensorState(reg)
    book = AlarmBook(st)
    pm = first(reg, "pm25")  # warning at 35 µg/m³, deadband 10 % of 35→75: back in range below 31
    pattern = [36.0, 37.0, 33.0, 36.0, 30.0]  # over, over, just under, over, well under ...
    raised = []
    for k in range(10 * 60 // 15):  # ten minutes, a reading every 15 s
        t, v = NOON + 15 * k, pattern[k % len(pattern)]
        raised += book.update([pm], [t], [v], st.ingest([pm], [t], [v]))
    assert len(raised) == 1 and len(book.alarms) == 1, "one alarm, not one per crossing"
    (a,) = book.alarms.values()
    assert a.status == ACTIVE and a.occurrences > 5, "repeats are counted on the open alarm"
    events = [e.event for e in book.drain_events()]
    assert a.flapping and events.count("flapping") == 1, "marked flapping once"
    from layers.sensors.alarm_rules import rule_of
    assert events.count("normal") == rule_of("pm25").flap_count, "after it is marked flapping, its returns are no longer logged one by one"


def test_a_long_shift_keeps_a_bounded_number_of_cleared_alarms_in_memory(reg, monkeypatch):
    from layers.sensors import alarms
    KEEP_CLEARED = 100
    monkeypatch.setattr(alarms, "KEEP_CLEARED", KEEP_CLEARED)  # 5,000 in use: this registry is smaller
    st = SensorState(reg)
    book = AlarmBook(st)
    hydrants = np.flatnonzero(reg.kind == kind_code("hydrant_pressure"))[:KEEP_CLEARED + 50]
    assert len(hydrants) == KEEP_CLEARED + 50
    book.update(hydrants, np.full(len(hydrants), NOON), np.full(len(hydrants), 0.01),
                st.ingest(hydrants, np.full(len(hydrants), NOON), np.full(len(hydrants), 0.01)))
    for aid in [a.id for a in book.open_alarms()]:
        book.clear(aid, "ops.li", NOON + 5)
    assert len(book.alarms) == KEEP_CLEARED and not book.open_alarms()
    newest = book.recently_cleared(3)
    assert [a.status for a in newest] == ["cleared"] * 3 and newest[0].id == max(book.alarms)


def test_back_in_range_long_enough_clears_by_system_and_ignored_alarms_are_escalated(reg):
    st = SensorState(reg)
    book = AlarmBook(st)
    pm, noise = first(reg, "pm25"), first(reg, "hydrant_pressure")

    def feed(s, t, v):
        return book.update([s], [t], [v], st.ingest([s], [t], [v]))
    feed(pm, NOON, 50.0), feed(pm, NOON + 60, 50.0)
    (a,) = book.open_alarms()
    feed(pm, NOON + 120, 10.0)
    feed(pm, NOON + 600, 12.0)
    assert a.status == ACTIVE, "not yet: ten minutes back in range are needed"
    feed(pm, NOON + 800, 11.0)
    assert a.status == CLEARED and a.cleared_by == "system" and a.acked_by == ""
    (h,) = feed(noise, NOON, 0.05)  # a hydrant without pressure raises at once
    feed(noise, NOON + 1900, 0.05)
    assert h.escalated and "unacknowledged" in [e.event for e in book.drain_events()]


def test_the_demo_feed_leaves_a_bounded_number_of_open_alarms():
    """40 simulated minutes of the built-in demo over 200,000 terminals (fast-forwarded).

    Open alarms level off near 1,000 (0.5 % of terminals): new excursions arrive at ~1/s
    and each stays open while out of range plus 10 minutes (clear_after_s). Before these
    rules every spike opened an alarm that waited for an operator: 4,086 after 5 minutes.
    """
    from layers.sensors.model import DEFAULT_RATE, default_registry
    registry = default_registry()
    st = SensorState(registry)
    book = AlarmBook(st)
    sim = Simulator(registry, seed=1, t0=NOON, rate=DEFAULT_RATE)
    open_at = {}
    for minute in range(1, 41):
        b = sim.batch(int(DEFAULT_RATE * 60))
        book.update(b.idx, b.times, b.values, st.ingest(b.idx, b.times, b.values))
        open_at[minute] = len(book.open_alarms())
    assert open_at[40] <= 1500 and open_at[40] <= 1.25 * open_at[30], open_at
    sensors = [a.sensor for a in book.open_alarms()]
    assert len(sensors) == len(set(sensors)), "no terminal has two open alarms"


def test_simulator_is_deterministic_with_cycles_anomalies_and_silence(reg):
    a = Simulator(reg, seed=5, t0=NOON, rate=1000.0).batch(30_000)
    b = Simulator(reg, seed=5, t0=NOON, rate=1000.0).batch(30_000)
    assert np.array_equal(a.idx, b.idx) and np.array_equal(a.values, b.values)
    assert len(np.unique(a.idx)) < len(reg)  # some terminals are silent
    st = SensorState(reg)
    lv = st.ingest(a.idx, a.times, a.values)
    assert (lv == CRITICAL).sum() > 0  # injected anomalies
    assert (lv == NORMAL).mean() > 0.95
    tf = reg.kind[a.idx] == K.BY_NAME["traffic_flow"].code
    hour = ((a.times / 3600 + 8) % 24)
    assert a.values[tf & (hour > 12)].mean() > 0  # daily cycle present and values sane
    assert np.isfinite(a.values).all()


def test_batch_codec_validates_per_record():
    payload = B.encode([1, 2, 3], [NOON, NOON, 10.0], [1.0, float("nan"), 2.0])
    ds, t, v, bad = B.decode(payload)
    assert list(ds) == [1] and list(t) == [NOON] and sorted(bad) == ["nan", "phenomenonTime out of range"]
    for junk in (b"", b"SJB1", payload[:-1], b"XXXX" + payload[4:], B.MAGIC + (0).to_bytes(4, "little")):
        with pytest.raises(Rejected, match="bad batch"):
            B.decode(junk)


def test_deduper_forgets_oldest_beyond_capacity():
    d = Deduper(capacity=4)
    assert d.fresh(Deduper.keys([1, 1, 2], [5, 5, 5])).tolist() == [True, False, True]
    assert d.fresh(Deduper.keys([1], [5])).tolist() == [False]
    for i in range(5):
        d.fresh(Deduper.keys([9], [i]))
    assert d.fresh(Deduper.keys([1], [5])).tolist() == [True]  # evicted, the history store still dedupes


def test_history_dedupes_replays_and_prunes(tmp_path):
    db = tmp_path / "h.db"
    with HistoryStore(db, retention_s=3600) as h:
        assert h.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert h.append([1, 2, 1], [NOON, NOON, NOON + 60], [1.0, 2.0, 3.0]) == 3
        assert h.append([1, 1], [NOON, NOON + 120], [1.0, 4.0]) == 1  # QoS 1 redelivery ignored
        s, t, v = h.at(NOON + 90)
        assert dict(zip(s.tolist(), v.tolist())) == {1: 3.0, 2: 2.0}
        s, t, v = h.at(NOON + 30, lookback_s=10)
        assert len(s) == 0
        ts, vs = h.series(1, NOON, NOON + 1000)
        assert ts.tolist() == [NOON, NOON + 60, NOON + 120] and vs.tolist() == [1.0, 3.0, 4.0]
        h.append_alarm_events([(1, 1, "raised", 2, NOON, "", 80.0),
                               (1, 1, "acknowledged", 2, NOON + 10, "wang.li", float("nan")),
                               (2, 2, "raised", 1, NOON + 20, "", 40.0),
                               (2, 2, "cleared", 1, NOON + 30, "zhao.m", float("nan"))])
        assert h.alarms_at(NOON + 5) == {1: {"sensor": 1, "severity": 2, "status": "active",
                                               "raised_at": NOON}}
        at25 = h.alarms_at(NOON + 25)
        assert at25[1]["status"] == "acknowledged" and at25[2]["status"] == "active"
        assert set(h.alarms_at(NOON + 40)) == {1}
        assert h.prune(NOON + 3600 + 30) == 2 and h.count() == 2
    st = SensorState(generate(10, seed=1))
    with HistoryStore(db) as h:  # replay: load the layer state as it was
        s, t, v = h.at(NOON + 200)
        st.load(st.registry.index_of_datastreams(s), t, v)
    assert st.value[0] == 4.0 and st.time[1] == -np.inf


def test_history_store_bad_file_is_a_clear_error(tmp_path):
    from offline.history import HistoryError

    bad = tmp_path / "junk.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(HistoryError, match="junk.db: not a sensor history"):
        HistoryStore(bad)
    assert bad.read_bytes() == b"this is not a database" * 100


class _ListFeed:
    """A feed of fixed batches (the pipeline's contract, no threads of its own)."""

    def __new__(cls, registry, batches):
        from layers.sensors.feed import Batch, Feed

        class ListFeed(Feed):
            def start(self):
                for idx, t, v in batches:
                    self._offer(Batch(np.array(idx), np.array(t, float), np.array(v, float)), len(idx))

            def stop(self):
                pass

            def next_batch(self, timeout=0.1):  # one batch per step, as a busy broker hands them out
                items = self._take(1, timeout)
                return items[0] if items else None
        return ListFeed(registry)


def test_two_runs_with_an_open_alarm_each_replay_as_two(tmp_path):
    """The console restarts while a terminal is in alarm: the history keeps both alarms apart."""
    from layers.sensors.alarms import AlarmBook
    from layers.sensors.model import SensorModel
    from offline.pipeline import Pipeline
    reg = generate(2000, seed=5)
    i = int(np.flatnonzero(np.isfinite(reg.crit) & (reg.crit > 0))[0])
    j = int(np.flatnonzero(np.isfinite(reg.crit) & (reg.crit > 0))[1])
    db = tmp_path / "h.sqlite"
    for run, sensor in enumerate((i, j)):  # two processes, one alarm each
        state = SensorState(reg)
        over = reg.crit[sensor] * 3  # two readings: an alarm needs its excursion confirmed
        pipe = Pipeline(_ListFeed(reg, [([sensor, sensor], [NOON + run, NOON + run + 60], [over, over])]), state,
                        AlarmBook(state), history_path=db).start()
        assert pipe.wait(lambda c: c.get("stored", 0) >= 2, 10)
        pipe.stop()
    with HistoryStore(db) as h:
        recorded = h.alarms_at(NOON + 100)
    assert len(recorded) == 2
    assert {a["sensor"] for a in recorded.values()} == {int(reg.datastream[i]), int(reg.datastream[j])}
    model = SensorModel(reg)
    model.set_replay(NOON + 100, [], [], [], recorded)
    assert {a["sensor"] for a in model.replay.alarms.values()} == {i, j}, "replay maps them back to rows"


def _locked(db, seconds):
    """Another process's writer holding the history for ``seconds`` (an exclusive transaction)."""
    import sqlite3
    import threading
    con = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    con.execute("BEGIN EXCLUSIVE")
    threading.Timer(seconds, lambda: (con.execute("COMMIT"), con.close())).start()


def test_a_7_second_lock_on_the_history_loses_nothing(tmp_path):
    from offline.pipeline import Pipeline
    reg = generate(2000, seed=5)
    db = tmp_path / "h.sqlite"
    HistoryStore(db).close()
    batches = [(np.arange(k * 100, k * 100 + 100), np.full(100, NOON + k), np.full(100, 1.0)) for k in range(10)]
    state = SensorState(reg)
    _locked(db, 7.0)
    pipe = Pipeline(_ListFeed(reg, batches), state, AlarmBook(state), history_path=db).start()
    assert pipe.wait(lambda c: c.get("stored", 0) >= 1000, 30), pipe.counters.as_dict()
    pipe.stop()
    assert pipe.error == "" and pipe.retrying == ""
    with HistoryStore(db) as h:
        assert h.count() == 1000


def test_a_history_that_stays_unwritable_ends_the_recording_with_its_reason(tmp_path):
    from offline.pipeline import Pipeline
    reg = generate(2000, seed=5)
    db = tmp_path / "h.sqlite"
    HistoryStore(db).close()
    state = SensorState(reg)
    _locked(db, 8.0)
    pipe = Pipeline(_ListFeed(reg, [([1, 2], [NOON, NOON], [1.0, 2.0])]), state, None, history_path=db,
                    give_up_after_s=1.0).start()
    deadline = time.monotonic() + 30
    while pipe.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pipe.running, "the recording ends instead of living on without storing"
    assert str(db) in pipe.error and "locked" in pipe.error and "recording stopped" in pipe.error


def test_stopping_stores_the_backlog_or_counts_what_it_could_not(tmp_path):
    from offline.pipeline import Pipeline
    reg = generate(2000, seed=5)
    total = 0
    batches = []
    for k in range(60):
        n = 20_000
        batches.append((np.arange(n) % 2000, NOON + k * 30 + np.arange(n) / n * 29, np.ones(n)))
        total += n
    for timeout, all_stored in ((60.0, True), (0.01, False)):
        db = tmp_path / f"h{timeout}.sqlite"
        state = SensorState(reg)
        pipe = Pipeline(_ListFeed(reg, batches), state, None, history_path=db).start()
        left = pipe.stop(timeout=timeout)  # straight away: the whole backlog is still queued
        c = pipe.counters.as_dict()
        with HistoryStore(db) as h:
            kept = h.count()
        assert c["stored"] == kept and kept + c["dropped_at_stop"] == total and left == c["dropped_at_stop"]
        assert (c["dropped_at_stop"] == 0) == all_stored


@pytest.fixture
def small_disk(tmp_path):
    """An 8 MiB tmpfs: a disk that really fills (needs root, as CI has; skipped otherwise)."""
    import os
    import subprocess
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_a_full_disk_holds_the_batch_until_there_is_room_again(small_disk):
    import threading
    from offline.pipeline import Pipeline
    reg = generate(2000, seed=5)
    db = small_disk / "h.sqlite"
    HistoryStore(db).close()
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (7 * 2 ** 20 + 600 * 2 ** 10))  # all but a few hundred KiB
    batches = [(np.arange(2000), NOON + k + np.zeros(2000), np.full(2000, float(k))) for k in range(40)]
    state = SensorState(reg)
    pipe = Pipeline(_ListFeed(reg, batches), state, None, history_path=db).start()
    time.sleep(3.0)  # let it run into the full disk
    assert "full" in pipe.retrying, f"the store should be retrying a full disk, not: {pipe.retrying!r}"
    threading.Thread(target=filler.unlink).start()  # the operator frees space
    assert pipe.wait(lambda c: c.get("stored", 0) >= 80_000, 60), pipe.counters.as_dict()
    pipe.stop()
    assert pipe.error == ""
    with HistoryStore(db) as h:
        assert h.count() == 80_000, "nothing was lost while the disk was full"


def test_vital_signs_agree_with_the_state_they_summarise(reg):
    from layers.sensors.model import SensorModel
    from layers.sensors.vitals import terminals_behind, vital_signs, water_class
    model = SensorModel(reg)
    sim = Simulator(reg, seed=3, t0=NOON - 3600, rate=len(reg) / 60)
    for _ in range(60):
        b = sim.batch(len(reg))
        model.ingest(b.idx, b.times, b.values)
    now = float(model.state.time[np.isfinite(model.state.time)].max())
    v = vital_signs(model, now)
    assert set(v) == set(reg.district_names) | {"all"}
    assert sum(v[d]["online"][1] for d in reg.district_names) == len(reg) == v["all"]["online"][1]
    live = model.state.states(now) < 3
    assert v["all"]["online"][0] == int(live.sum())
    pm = (reg.kind == K.BY_NAME["pm25"].code) & live & (reg.district == reg.district_names.index("hub"))
    assert v["hub"]["pm25"] == pytest.approx(float(model.state.value[pm].mean()))
    crit = sum(a.severity == 2 for a in model.alarms.open_alarms())
    assert v["all"]["alarms"][0] == crit
    assert [water_class(x) for x in (0.1, 0.5, 0.9, 1.2, 1.9, 3.0)] == [1, 2, 3, 4, 5, 6]
    assert v["all"]["target"] == 200_000
    behind = terminals_behind(model, "hub", "pm25", now)
    assert len(behind) and (reg.kind[behind] == K.BY_NAME["pm25"].code).all()


def test_recording_keeps_vital_signs_samples_for_the_sparklines(tmp_path, monkeypatch):
    from offline import pipeline as P
    from layers.sensors.simulator import SimulatorFeed
    from layers.sensors.vitals import INDICATORS
    monkeypatch.setattr(P, "VITALS_EVERY_S", 0.25)  # a minute in use
    reg = generate(3000, seed=3)
    state = SensorState(reg)
    db = tmp_path / "h.sqlite"
    pipe = P.Pipeline(SimulatorFeed(reg, rate=3000, seed=1), state, AlarmBook(state), history_path=db).start()
    assert pipe.wait(lambda c: c.get("stored", 0) >= 3000, 10)
    time.sleep(0.6)
    pipe.stop()
    with HistoryStore(db) as h:
        series = h.vitals_series(time.time() - 60, time.time() + 1)
    assert {d for d, _ in series} == set(reg.district_names) | {"all"}
    assert {k for _, k in series} == {i.key for i in INDICATORS}
    times, online = series[("all", "online")]
    assert len(times) >= 3 and (np.diff(times) > 0).all()
    assert online[0] < online[-1] <= len(reg), "terminals come online as the feed reports them"


def test_deduper_answers_as_a_set_of_every_key_seen_while_within_capacity():
    """The frozen sorted chunks and the set of the newest keys answer like one set of all keys seen
    (redeliveries from far back, repeats inside a batch, keys on both sides of a chunk's edge)."""
    rng = np.random.default_rng(7)
    d, everything = Deduper(capacity=100_000), set()
    d.chunk = 997  # many chunk edges in a short test
    for _ in range(60):
        ds = rng.integers(0, 400, 700)
        ms = rng.integers(0, 60, 700) * 1000
        keys = Deduper.keys(ds, ms)
        expected, batch = [], set()
        for k in keys.tolist():
            expected.append(k not in everything and k not in batch)
            batch.add(k)
        everything |= batch
        assert d.fresh(keys).tolist() == expected
