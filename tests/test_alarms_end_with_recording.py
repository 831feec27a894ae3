"""Alarms a recording leaves open end with it in the history: replay and the report stop counting them.

Issue 26 item 3: alarms open when a window (or `record`) closed were never closed in the history,
so a replay after that moment and the daily report counted alarms long gone (727–1,420 replayed,
1,757 in the report, against 70–190 live). The pipeline now writes an "ended" event for each alarm
it leaves open ("shutdown", or "source lost" when the feed failed); replay after it shows none,
the report agrees, and the next recording that carries an alarm on writes "resumed", so it is
open again from then. Real SQLite histories and the real pipeline.
"""
from __future__ import annotations

import time

import numpy as np

from layers.sensors import kinds as K
from layers.sensors.alarms import AlarmBook
from layers.sensors.generate import generate
from layers.sensors.model import SensorModel
from layers.sensors.state import SensorState
from offline.history import HistoryReader
from offline.pipeline import Pipeline
from tests.test_sensors_state import _ListFeed


def _hot_rows(reg, n):
    high_bad = K.column("direction")[reg.kind] > 0
    rows = np.flatnonzero(high_bad & np.isfinite(reg.crit) & (reg.crit > 0) & (reg.interval_s >= 60))[:n]
    assert len(rows) == n
    return rows, reg.crit[rows] * 3


def _record(reg, db, rows, over, t):
    """A recording that raises an alarm on each of ``rows`` and stops with them all open."""
    state = SensorState(reg)
    book = AlarmBook(state)
    idx = np.concatenate([rows, rows])
    times = np.concatenate([np.full(len(rows), t - 60.0), np.full(len(rows), t)])
    pipe = Pipeline(_ListFeed(reg, [(idx, times, np.concatenate([over, over]))]), state, book,
                    history_path=db).start()
    assert pipe.wait(lambda c: c.get("stored", 0) >= len(idx), 20)
    deadline = time.monotonic() + 20
    while len(book.open_alarms()) < len(rows) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(book.open_alarms()) == len(rows)
    pipe.stop()
    return book


def test_alarms_left_open_at_close_are_not_replayed_or_reported_after_it(tmp_path):
    from console.export.report import _alarms
    from console.snapshot import replay_history
    reg = generate(5000, seed=3)
    db = tmp_path / "h.sqlite"
    rows, over = _hot_rows(reg, 100)
    t = time.time()
    _record(reg, db, rows, over, t)
    closed = time.time()
    with HistoryReader(db) as history:
        assert len(history.alarms_at(t)) == 100, "while it recorded, the alarms were open"
        assert history.alarms_at(closed + 1) == {}, "alarms replayed open after the window closed"
        ends = history.conn.execute("SELECT count(*), min(who) FROM alarm_events WHERE event = 'ended'").fetchone()
    assert ends == (100, "shutdown")
    model = SensorModel(reg, history_path=db)
    replay_history(model, closed + 1)  # `report --time` / `snapshot --time` after the close
    assert model.replay.alarms == {} and _alarms(model, ("all",)) == []
    replay_history(model, t)  # and at the last reading, before the close, they were open
    assert len(_alarms(model, ("all",))) == 100


def test_the_next_recording_carries_them_on_from_the_moment_it_starts(tmp_path):
    reg = generate(5000, seed=3)
    db = tmp_path / "h.sqlite"
    rows, over = _hot_rows(reg, 10)
    t = time.time()
    _record(reg, db, rows, over, t)
    gap = time.time()
    state = SensorState(reg)
    book = AlarmBook(state)
    pipe = Pipeline(_ListFeed(reg, []), state, book, history_path=db).start()
    assert len(book.open_alarms()) == 10  # carried on, as before
    resumed = time.time()
    pipe.stop()
    with HistoryReader(db) as history:
        assert history.alarms_at(gap) == {}  # nobody watched them between the two recordings
        during = history.alarm_states(resumed)[0]
        assert sorted(a["sensor"] for a in during.values()) == sorted(reg.datastream[rows].tolist())
        assert history.alarms_at(time.time() + 1) == {}  # and the second recording ended them again
