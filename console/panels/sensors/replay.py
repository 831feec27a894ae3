"""The sensor panel's history: checking the recorded history, replaying a moment, opening another file.

``Replay`` is a part of ``SensorPanel`` (console/panels/sensors/__init__.py). The time slider asks
for a moment; the workspace's clock follows it (other views and exports read it); the history
reader (history.py, its own thread) answers and the map, alarms and vital signs show that moment.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from layers.sensors.strings import tr


class Replay:
    def _check_history(self):
        """A damaged history is named, kept as it is, and offered a fresh start; declined, nothing is recorded."""
        from offline.guard import StoreRefused, set_aside
        from offline.history import check_history
        from widgets.store_recovery import offer_fresh_store
        path = self.model.history_path
        if path is None:
            return
        try:
            check_history(path)
        except StoreRefused as exc:
            if offer_fresh_store(self.ctx.host, str(exc), "store.what.history", self.ctx.workspace.dialogs):
                kept = set_aside(path)
                self.ctx.status.show(tr("store.kept_as", path=str(kept)), 15000)
            else:
                self.ctx.report_error(str(exc))
                self.model.history_path = None

    def _time_requested(self, t):
        self.ctx.workspace.clock.replay(t)  # the workspace's clock: what other views and exports follow
        self.chart.set_cursor(t)
        self.history.request_at(t)

    def _replay_ready(self, t, datastreams, times, values, alarms):
        if self.model is None or self.slider.time is None:
            return  # back to live meanwhile
        self.model.set_replay(t, datastreams, times, values, alarms)
        self.alarms.show_replay(t, self.model.replay.alarms)
        self.refresh_vitals(t)
        self.request_trends()
        self.force()

    def open_history(self, path) -> bool:
        """Replay a recorded sensor history file (another day, another workstation's recording)."""
        from offline.history import HistoryError, HistoryReader
        path = Path(path)
        try:
            with HistoryReader(path) as history:  # read-only: another program may be recording into it
                t0, t1 = history.extent() or (None, None)
        except (HistoryError, sqlite3.Error) as exc:
            self.ctx.report_error(str(exc))
            return False
        if t0 is None:
            self.ctx.report_error(tr("sensors.history_empty", path=str(path)))
            return False
        self.replay_path = path
        from offline.history_source import FileHistory
        self.history.set_source(FileHistory(path))
        self.slider.show_range(t0, t1)
        self.ctx.status.show(tr("sensors.history_opened", path=str(path)), 8000)
        return True

    def _go_live(self):
        self.ctx.workspace.clock.replay(None)
        if getattr(self, "replay_path", None) is not None and self.model is not None:
            self.replay_path = None
            self.history.set_source(self.live_history)  # back to the history this window records or follows
        if self.model is not None:
            self.model.clear_replay()
        self.alarms.show_replay(None, {})
        self.chart.set_cursor(None)
        self.refresh_vitals()
        self.request_trends()
        self.force()
