"""An operator's acknowledgement survives closing at once, and the next start carries it on.

Issue 20 item 9: alarm events were stored only when new readings arrived, never at stop, so an
acknowledgement made shortly before closing was gone on the next start. The pipeline now stores
them on every turn and once more before the history closes; a new pipeline on the same history
carries on the alarms it holds open (AlarmBook.restore). Real SQLite history files.
"""
from __future__ import annotations

import time

import numpy as np

from layers.sensors import kinds as K
from layers.sensors.alarms import ACKNOWLEDGED, AlarmBook
from layers.sensors.generate import generate
from layers.sensors.state import CRITICAL, SensorState
from offline.history import HistoryStore
from offline.pipeline import Pipeline
from tests.test_sensors_state import _ListFeed


def _over(reg, n):
    high_bad = K.column("direction")[reg.kind] > 0
    rows = np.flatnonzero(high_bad & np.isfinite(reg.crit) & (reg.crit > 0) & (reg.interval_s >= 60))[:n]
    return rows, reg.crit[rows] * 3


def test_acknowledged_then_stopped_at_once_is_acknowledged_after_reopening(tmp_path):
    reg = generate(2000, seed=5)
    db = tmp_path / "h.sqlite"
    rows, over = _over(reg, 20)
    now = time.time()
    for k, (i, v) in enumerate(zip(rows.tolist(), over.tolist())):  # twenty tries, one terminal each
        state = SensorState(reg)
        book = AlarmBook(state)
        pipe = Pipeline(_ListFeed(reg, [([i, i], [now - 60, now], [v, v])]), state, book, history_path=db).start()
        assert pipe.wait(lambda c: c.get("stored", 0) >= 2, 10)
        deadline = time.monotonic() + 10
        while book.for_sensor(i) is None and time.monotonic() < deadline:
            time.sleep(0.01)
        book.acknowledge(book.for_sensor(i).id, "duty-officer", time.time())
        pipe.stop()  # at once: no reading comes after the acknowledgement
        assert pipe.error == ""
        with HistoryStore(db) as h:  # left open when the recording ended (issue 26 item 3), acknowledged
            recorded = h.alarm_states(time.time())[1]
        mine = [a for a in recorded.values() if a["sensor"] == int(reg.datastream[i])]
        assert len(mine) == 1 and mine[0]["status"] == "acknowledged" and mine[0]["acked_by"] == "duty-officer", k
    # the next start carries every one of them on, acknowledged, as the same alarm
    state = SensorState(reg)
    book = AlarmBook(state)
    pipe = Pipeline(_ListFeed(reg, []), state, book, history_path=db).start()
    pipe.stop()
    for i in rows.tolist():
        a = book.for_sensor(i)
        assert a is not None and a.status == ACKNOWLEDGED and a.acked_by == "duty-officer"
        assert state.alarm_level[i] == CRITICAL


def test_a_carried_on_acknowledged_alarm_clears_when_its_terminal_is_back_in_range(tmp_path):
    reg = generate(2000, seed=5)
    db = tmp_path / "h.sqlite"
    (i,), (v,) = _over(reg, 1)
    now = time.time()
    state = SensorState(reg)
    book = AlarmBook(state)
    pipe = Pipeline(_ListFeed(reg, [([i, i], [now - 120, now - 60], [v, v])]), state, book, history_path=db).start()
    assert pipe.wait(lambda c: c.get("stored", 0) >= 2, 10)
    book.acknowledge(book.for_sensor(i).id, "duty-officer", time.time())
    pipe.stop()
    state = SensorState(reg)
    book = AlarmBook(state)
    normal = float(reg.warn[i]) * 0.1
    pipe = Pipeline(_ListFeed(reg, [([i], [now], [normal])]), state, book, history_path=db).start()
    assert pipe.wait(lambda c: c.get("stored", 0) >= 1, 10)
    pipe.stop()
    assert book.for_sensor(i) is None and state.alarm_level[i] == 0, "acknowledged and back in range: cleared"
    with HistoryStore(db) as h:
        assert h.alarms_at(time.time()) == {}
