"""Sensor health: how many terminals are stale or silent, and which (a tab of the alarm dock)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from layers.sensors.strings import district_label, fmt_time, kind_label, state_label, tr
from layers.sensors import kinds as K
from layers.sensors.state import OFFLINE, STALE

MAX_LISTED = 300  # a table of 1,000s of rows helps nobody; counts cover the rest


class SensorHealth(QWidget):
    sensor_activated = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.cellClicked.connect(self._clicked)
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.summary)
        box.addWidget(self.table, 1)
        self.counts = {"stale": 0, "offline": 0}
        self.listed = np.zeros(0, np.int64)
        self._shown = None  # what show_health was last given: a language switch re-words it all
        self.retranslate()

    def retranslate(self):
        self.table.setHorizontalHeaderLabels([tr(f"sensors.col_{c}") for c in
                                              ("sensor", "state", "kind", "district", "last")])
        if self._shown is not None:  # the summary and every row, not only the headers
            self.listed = np.zeros(0, np.int64)
            self.show_health(*self._shown)

    def show_health(self, registry, states: np.ndarray, last_time: np.ndarray):
        """states: code per terminal at the moment shown; last_time: each one's last report."""
        self._shown = (registry, states, last_time)
        stale = np.flatnonzero(states == STALE)
        offline = np.flatnonzero(states == OFFLINE)
        self.counts = {"stale": int(len(stale)), "offline": int(len(offline))}
        # stale first (they just went quiet: the actionable ones), most recently heard first
        stale = stale[np.argsort(-last_time[stale], kind="stable")]
        listed = np.concatenate([stale, offline])[:MAX_LISTED]
        self.summary.setText(tr("sensors.health_summary", stale=len(stale), offline=len(offline),
                                shown=len(listed)))
        if np.array_equal(listed, self.listed) and self.table.rowCount() == len(listed):
            return
        self.listed = listed
        self.table.setRowCount(len(listed))
        for r, i in enumerate(listed.tolist()):
            k = K.KINDS[int(registry.kind[i])]
            cells = (str(registry.ids[i]), state_label(states[i]), kind_label(k.name),
                     district_label(registry.district_of(i)), fmt_time(float(last_time[i])) or "—")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.UserRole, i)
                self.table.setItem(r, c, item)

    def _clicked(self, row, _col):
        self.sensor_activated.emit(int(self.listed[row]))
