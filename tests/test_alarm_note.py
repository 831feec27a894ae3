"""The note an operator types when acknowledging is shown, kept in the history and replayed.

Issue 26 item 10: the note was stored on the in-memory alarm and shown nowhere, nor written to
the history. Through the real alarm dock (typed into its note field, the real button): the row's
"note" column and its tooltip (the alarm's history) show it, the history file's alarm events hold
it, and the same dock replaying that moment from the file shows it again. Real pipeline, real
SQLite history.
"""
from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from layers.sensors.alarms import AlarmBook
from layers.sensors.generate import generate
from layers.sensors.state import SensorState
from offline.history import HistoryReader
from offline.pipeline import Pipeline
from tests.helpers import has_display
from tests.test_alarms_end_with_recording import _hot_rows
from tests.test_sensors_state import _ListFeed

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]
NOTE = "阀门已关闭 <待复查>"


def _tooltip(dock, row):
    """What the table shows when the pointer rests on the row's sensor cell."""
    from widgets.sensors.alarm_table import COLUMNS
    view = dock.table
    rect = view.visualRect(dock.model.index(row, COLUMNS.index("sensor")))
    pos = rect.center()
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.ToolTip, pos, view.viewport().mapToGlobal(pos)))
    return QToolTip.text()


def dock_with_one_alarm(qtbot, db, lang: str):
    """An alarm dock on a window's own book, recording into ``db``, its one alarm selected by the
    duty officer: (dock, book, pipeline, terminal row, registry)."""
    from layers import i18n
    from widgets.sensors.alarm_dock import AlarmDock
    i18n.set_language(lang)
    reg = generate(3000, seed=3)
    (i,), (v,) = _hot_rows(reg, 1)
    state = SensorState(reg)
    book = AlarmBook(state)
    now = time.time()
    pipe = Pipeline(_ListFeed(reg, [([i, i], [now - 60, now], [v, v])]), state, book, history_path=db).start()
    dock = AlarmDock()
    qtbot.addWidget(dock)
    dock.resize(1400, 500)
    dock.show()
    dock.operator = "duty-officer"
    dock.bind(book, reg)
    qtbot.waitUntil(lambda: book.for_sensor(i) is not None, timeout=10000)
    dock.refresh()
    dock.table.selectRow(dock.row_of_sensor(i))
    return dock, book, pipe, i, reg


def test_a_typed_note_is_in_the_row_its_tooltip_the_history_and_the_replay(qtbot, tmp_path):
    from layers import i18n
    db = tmp_path / "h.sqlite"
    dock, book, pipe, i, reg = dock_with_one_alarm(qtbot, db, "zh")
    dock.note.setFocus()
    dock.note.insert(NOTE)  # as an input method commits it (QTest cannot type Chinese)
    qtbot.mouseClick(dock.ack_button, Qt.LeftButton)
    acked = book.for_sensor(i).acked_at
    row = dock.row_of_sensor(i)
    assert dock.cell(row, "note") == NOTE
    tip = _tooltip(dock, row)
    assert "阀门已关闭 &lt;待复查&gt;" in tip or NOTE in tip, tip
    assert "duty-officer" in tip and "确认" in tip
    pipe.stop()
    with HistoryReader(db) as history:
        kept = history.conn.execute("SELECT note FROM alarm_events WHERE event = 'acknowledged'").fetchall()
        replayed = history.alarms_at(acked)
    assert kept == [(NOTE,)]
    (aid, a), = replayed.items()
    assert a["note"] == NOTE and a["acked_by"] == "duty-officer"
    dock.show_replay(acked, {aid: {**a, "sensor": int(reg.index_of_datastream(a["sensor"]))}})
    row = dock.row_of_sensor(i)
    assert row >= 0 and dock.cell(row, "note") == NOTE
    assert NOTE in _tooltip(dock, row).replace("&lt;", "<").replace("&gt;", ">")
    i18n.set_language("en")
    dock.retranslate()
    assert "Note: " in _tooltip(dock, row)
    i18n.set_language("zh")
