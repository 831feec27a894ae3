"""Alarms have an assignee: migration 7 on an existing store, and "Assign to…" on a window's own alarms (issue 22 item 4).

Before, an alarm could be acknowledged, cleared and annotated but not given to anyone: the store had no
column for it and the window no action. Now migration 7 adds ``alarms.assignee`` (offline/store/
migrations.py: versioned, once, on both backends; a store already at 7 is not written) and the alarm dock
has "Assign to…" (a small dialog) and an "Assigned to" column. A window following the store sends it to
the alarm service (tests/test_store_alarm_windows.py); a window with its own alarms (no store) assigns on
its own book, and the assignment is in its history file like an acknowledgement.

What a user checks: a store made before the migration, holding an alarm, is brought to version 7 on
open with the alarm kept and nobody assigned, and opened again nothing more is applied; real SQLite
and PostgreSQL (tests/postgres.py). The real dock, its real button and dialog, a real pipeline and history.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from offline.history import HistoryReader
from postgres import require_postgres
from tests.test_store_history import _sql

ALARM = ("INSERT INTO alarms (id, datastream, severity, status, raised_at, occurrences, escalated, flapping, returns) "
         "VALUES (7, 12, 2, 'active', 1765000000.0, 1, 0, 0, '[]')")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migration_7_brings_an_existing_store_up_once_and_keeps_its_alarms(backend, tmp_path):
    from offline.store import migrations, open_store
    from offline.store.alarm_history import open_alarms
    url = require_postgres().new_database() if backend == "postgresql" else str(tmp_path / "ops-store.sqlite")
    store = open_store(url, seed=False)
    with store.tx():  # the store as version 6 left it: no assignee, an alarm raised
        store.q("ALTER TABLE alarms DROP COLUMN assignee")
        store.q("DROP TABLE vitals")  # migration 8's (the vital signs' samples, offline/store/alarm_vitals.py)
        store.q("DELETE FROM schema_version WHERE version >= 7")
        store.q(ALARM)
    store.close()
    assert _sql(url, "SELECT max(version) FROM schema_version") == [(6,)]
    store = open_store(url, seed=False)  # opening it applies migration 7
    try:
        assert migrations.current(store) == migrations.LATEST >= 7
        assert [(a["id"], a["assignee"]) for a in open_alarms(store)] == [(7, None)]
        assert migrations.migrate(store) == []  # already there: not written again
        from offline.store import alarms_schema
        with store.tx():
            alarms_schema.migrate_assignee(store)  # the step itself, on a store that has the column: a no-op
    finally:
        store.close()
    assert _sql(url, "SELECT version, what FROM schema_version WHERE version = 7") == \
        [(7, "alarm assignee: whom an operator assigned each alarm to")]


@pytest.mark.gui
def test_assign_to_on_a_window_s_own_alarms_shows_and_is_in_its_history(qtbot, tmp_path):
    from tests.test_alarm_note import dock_with_one_alarm
    db = tmp_path / "h.sqlite"
    dock, book, pipe, i, _reg = dock_with_one_alarm(qtbot, db, "en")
    qtbot.mouseClick(dock.assign_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dock.assign_dialog is not None and dock.assign_dialog.isVisible(), timeout=5000)
    dock.assign_dialog.setTextValue("  王 芳 ")
    dock.assign_dialog.accept()
    assert book.for_sensor(i).assignee == "王 芳"
    assert dock.cell(dock.row_of_sensor(i), "assignee") == "王 芳"
    assert book.for_sensor(i).status == "active"  # assigned, not acknowledged
    pipe.stop()
    with HistoryReader(db) as history:
        kept = history.conn.execute("SELECT who, note FROM alarm_events WHERE event = 'assigned'").fetchall()
    assert kept == [("duty-officer", "王 芳")]
