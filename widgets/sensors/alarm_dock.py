"""Alarm dock: open alarms (severity, then newest first), per-district counts, acknowledge/clear.

Bound to an AlarmBook; the panel calls ``refresh`` at most once a second and
only when the book's version moved. Acknowledge/clear record the OS user and
the time. In replay the table shows the alarms open at that moment (read-only).
"""
from __future__ import annotations

import getpass
import time

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QTableWidget,
    QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from layers.sensors.strings import district_label, fmt_time, kind_label, state_label, tr
from layers.sensors import kinds as K
from layers.sensors.alarms import ACKNOWLEDGED, ACTIVE, CLEARED
from layers.sensors.state import CRITICAL
from widgets.sensors.health import SensorHealth

COLUMNS = ("severity", "status", "sensor", "kind", "district", "value", "raised", "acked", "cleared")
SEVERITY_BG = {CRITICAL: QColor(200, 40, 40), 1: QColor(230, 170, 20)}
KEEP_CLEARED = 200  # cleared alarms stay listed (who/when) until this many newer ones


def who_am_i() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


class AlarmTable(QAbstractTableModel):
    def __init__(self):
        super().__init__()
        self.rows: list[tuple] = []  # (alarm id, sensor, severity, status, *texts)

    def set_rows(self, rows):
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return tr(f"sensors.col_{COLUMNS[section]}")
        return None

    def data(self, index, role=Qt.DisplayRole):
        row = self.rows[index.row()]
        if role == Qt.DisplayRole:
            return row[4 + index.column()]
        if role == Qt.BackgroundRole and index.column() == 0 and row[3] != CLEARED:
            return SEVERITY_BG.get(row[2])
        if role == Qt.ForegroundRole and row[3] == CLEARED:
            return QColor(140, 140, 140)
        return None


class AlarmDock(QWidget):
    sensor_activated = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.book = self.registry = None
        self.replay_time = None
        self.district_counts: dict = {}
        self.summary = QLabel()
        self.districts = QTableWidget(2, 0)  # districts across, two count rows: compact under the list
        self.districts.setEditTriggers(QTableWidget.NoEditTriggers)
        self.districts.setMaximumHeight(84)
        self.districts.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.districts.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.model = AlarmTable()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # ResizeToContents would ask data() for every row of every refresh (200k calls for
        # 4k alarms, seconds of GUI time in a flood): size from the first rows, once
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setResizeContentsPrecision(30)
        header.setStretchLastSection(True)
        self._sized = False
        self.table.clicked.connect(self._clicked)
        self.ack_button, self.clear_button = QPushButton(), QPushButton()
        self.ack_button.clicked.connect(lambda: self.acknowledge_selected())
        self.clear_button.clicked.connect(lambda: self.clear_selected())
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(2, 2, 2, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.ack_button)
        buttons.addWidget(self.clear_button)
        box.addLayout(buttons)
        box.addWidget(self.table, 1)
        box.addWidget(self.districts)
        self.health = SensorHealth()
        self.health.sensor_activated.connect(self.sensor_activated)
        self.tabs = QTabWidget()
        self.tabs.addTab(page, "")
        self.tabs.addTab(self.health, "")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.tabs)
        self.retranslate()

    def bind(self, book, registry):
        self.book, self.registry = book, registry
        self.refresh()

    def retranslate(self):
        self.tabs.setTabText(0, tr("sensors.tab_alarms"))
        self.tabs.setTabText(1, tr("sensors.tab_health"))
        self.ack_button.setText(tr("sensors.ack"))
        self.clear_button.setText(tr("sensors.clear"))
        self.districts.setVerticalHeaderLabels([f"{state_label(2)} / {state_label(1)}",
                                                f"{tr('sensors.col_active')} / {tr('sensors.col_acknowledged')}"])
        self.health.retranslate()
        self.refresh()

    # rows -------------------------------------------------------------------------
    def _row(self, aid, sensor, severity, status, raised, value, acked="", cleared=""):
        reg = self.registry
        k = K.KINDS[int(reg.kind[sensor])]
        return (aid, sensor, severity, status, state_label(severity), tr(f"sensors.status_{status}"),
                str(reg.ids[sensor]), kind_label(k.name), district_label(reg.district_of(sensor)),
                "" if value != value else f"{value:.4g} {k.unit}", fmt_time(raised), acked, cleared)

    def refresh(self):
        if self.book is None:
            return
        selected = self.selected_alarm()
        if self.replay_time is not None:
            return self._select(selected)
        alarms = list(self.book.alarms.values())
        cleared = sorted((a for a in alarms if a.status == CLEARED), key=lambda a: -(a.cleared_at or 0))
        shown = [a for a in alarms if a.status != CLEARED] + cleared[:KEEP_CLEARED]
        shown.sort(key=lambda a: (a.status == CLEARED, -a.severity, -a.raised_at))
        by = lambda who, when: f"{who} {fmt_time(when)}" if who else ""  # noqa: E731
        self.model.set_rows([self._row(a.id, a.sensor, a.severity, a.status, a.raised_at, a.value,
                                       by(a.acked_by, a.acked_at), by(a.cleared_by, a.cleared_at))
                             for a in shown])
        if not self._sized and self.model.rows:
            self.table.resizeColumnsToContents()
            self._sized = True
        open_ = [a for a in shown if a.status != CLEARED]
        crit = sum(a.severity == CRITICAL for a in open_)
        self.summary.setText(tr("sensors.open_alarms", n=len(open_), crit=crit, warn=len(open_) - crit))
        self._fill_districts(self.book.counts_by_district())
        self._select(selected)

    def show_replay(self, t, alarms: dict):
        """Alarms open at a past moment (HistoryStore.alarms_at); None returns to live."""
        self.replay_time = t
        self.ack_button.setEnabled(t is None)
        self.clear_button.setEnabled(t is None)
        if t is None or self.book is None:
            return self.refresh()
        rows = [self._row(aid, int(a["sensor"]), int(a["severity"]), a["status"], a["raised_at"],
                          float("nan"), a.get("acked_by", "")) for aid, a in alarms.items()
                if 0 <= a["sensor"] < len(self.registry)]
        rows.sort(key=lambda r: r[10], reverse=True)  # newest first ...
        rows.sort(key=lambda r: -r[2])                  # ... within severity (stable sort)
        self.model.set_rows(rows)
        self.summary.setText(tr("sensors.replay_alarms", time=fmt_time(t), n=len(rows)))

    def _fill_districts(self, counts: dict):
        self.district_counts = counts
        self.districts.setColumnCount(len(counts))
        self.districts.setHorizontalHeaderLabels([district_label(d) for d in counts])
        for col, c in enumerate(counts.values()):
            for row, text in enumerate((f"{c['critical']} / {c['warning']}",
                                        f"{c[ACTIVE]} / {c[ACKNOWLEDGED]}")):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignCenter)
                self.districts.setItem(row, col, item)

    # selection and actions ------------------------------------------------------------
    def selected_alarm(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()][0] if rows else None

    def _select(self, alarm_id):
        for r, row in enumerate(self.model.rows):
            if row[0] == alarm_id:
                self.table.selectRow(r)
                self.table.scrollTo(self.model.index(r, 0))
                return

    def row_of_sensor(self, sensor: int) -> int:
        return next((r for r, row in enumerate(self.model.rows) if row[1] == sensor), -1)

    def _clicked(self, index):
        self.sensor_activated.emit(int(self.model.rows[index.row()][1]))

    def acknowledge_selected(self, who: str | None = None):
        aid = self.selected_alarm()
        if aid is not None and self.book.alarms[aid].status == ACTIVE:
            self.book.acknowledge(aid, who or who_am_i(), time.time())
            self.refresh()

    def clear_selected(self, who: str | None = None):
        aid = self.selected_alarm()
        if aid is not None and self.book.alarms[aid].status != CLEARED:
            self.book.clear(aid, who or who_am_i(), time.time())
            self.refresh()
