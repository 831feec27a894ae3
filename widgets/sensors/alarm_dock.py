"""Alarm dock: the alarm table operators triage, per-district counts, acknowledge/clear.

Bound to an AlarmBook; the panel calls ``refresh`` at most once a second and
only when the book's version moved. The table sorts by any column and filters
by district, kind, severity, state and terminal id (a proxy over the rows, so
thousands of alarms stay quick); several rows are acknowledged or cleared in
one action, with a note. Actions record the operator (a setting, by default the
OS user) and the time. In replay the table shows the alarms open at that
moment, read-only, with their per-district counts.
"""
from __future__ import annotations

import getpass
import time

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTableView,
    QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from layers.sensors.strings import district_label, fmt_time, kind_label, state_label, tr
from layers.sensors import kinds as K
from layers.sensors.alarms import ACKNOWLEDGED, ACTIVE, CLEARED, district_counts
from layers.sensors.state import CRITICAL, WARNING
from widgets.sensors.health import SensorHealth

COLUMNS = ("severity", "status", "sensor", "kind", "district", "value", "raised", "acked", "cleared")
# a row: (alarm id, sensor row, severity, status, raised time, value, kind, district, *texts per column)
TEXT0 = 8
SORT_ROLE = Qt.UserRole + 1
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
        self.rows: list[tuple] = []

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
            return row[TEXT0 + index.column()]
        if role == SORT_ROLE:  # numbers sort as numbers, times as times
            raw = {0: row[2], 1: row[3], 5: row[5], 6: row[4]}.get(index.column())
            return raw if raw is not None and raw == raw else row[TEXT0 + index.column()]
        if role == Qt.BackgroundRole and index.column() == 0 and row[3] != CLEARED:
            return SEVERITY_BG.get(row[2])
        if role == Qt.ForegroundRole and row[3] == CLEARED:
            return QColor(140, 140, 140)
        return None


class AlarmFilter(QSortFilterProxyModel):
    """What the operator asked to see: district, kind, severity, state, and a terminal id search."""

    def __init__(self):
        super().__init__()
        self.want: dict = {}
        self.search = ""
        self.setSortRole(SORT_ROLE)

    def set_filter(self, **want):
        self._refilter(lambda: setattr(self, "want", {k: v for k, v in {**self.want, **want}.items()
                                                      if v not in (None, "")}))

    def set_search(self, text: str):
        self._refilter(lambda: setattr(self, "search", text.strip().lower()))

    def _refilter(self, change):
        if hasattr(self, "beginFilterChange"):  # Qt ≥ 6.10; invalidateFilter() is deprecated there
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row, source_parent):
        row = self.sourceModel().rows[source_row]
        w = self.want
        return ((w.get("district") is None or row[7] == w["district"])
                and (w.get("kind") is None or row[6] == w["kind"])
                and (w.get("severity") is None or row[2] == w["severity"])
                and (w.get("status") is None or row[3] == w["status"])
                and (not self.search or self.search in row[TEXT0 + 2].lower()))


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
        self.proxy = AlarmFilter()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.operator = who_am_i()  # the panel sets the configured operator name
        self.filters = {key: QComboBox() for key in ("district", "kind", "severity", "status")}
        for key, box in self.filters.items():
            box.setObjectName(f"alarm-filter-{key}")
            box.currentIndexChanged.connect(lambda _i, k=key: self.proxy.set_filter(**{k: self.filters[k].currentData()}))
        self.search = QLineEdit()
        self.search.setObjectName("alarm-search")
        self.search.textChanged.connect(self.proxy.set_search)
        self.note = QLineEdit()
        self.note.setObjectName("alarm-note")
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
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.ack_button)
        buttons.addWidget(self.clear_button)
        box.addLayout(buttons)
        filters = QHBoxLayout()
        for w in (*self.filters.values(), self.search):
            filters.addWidget(w, 1)
        box.addLayout(filters)
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
        self._fill_filters()
        self.refresh()

    def retranslate(self):
        self.tabs.setTabText(0, tr("sensors.tab_alarms"))
        self.tabs.setTabText(1, tr("sensors.tab_health"))
        self.ack_button.setText(tr("sensors.ack"))
        self.clear_button.setText(tr("sensors.clear"))
        self.search.setPlaceholderText(tr("sensors.search_terminal"))
        self.note.setPlaceholderText(tr("sensors.action_note"))
        self._fill_filters()
        self.districts.setVerticalHeaderLabels([f"{state_label(2)} / {state_label(1)}",
                                                f"{tr('sensors.col_active')} / {tr('sensors.col_acknowledged')}"])
        self.health.retranslate()
        self.refresh()

    # rows -------------------------------------------------------------------------
    def _row(self, aid, sensor, severity, status, raised, value, acked="", cleared=""):
        reg = self.registry
        k = K.KINDS[int(reg.kind[sensor])]
        district = reg.district_of(sensor)
        return (aid, sensor, severity, status, raised, value, k.name, district,
                state_label(severity), tr(f"sensors.status_{status}"),
                str(reg.ids[sensor]), kind_label(k.name), district_label(district),
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
        self.model.set_rows(rows)
        self.summary.setText(tr("sensors.replay_alarms", time=fmt_time(t), n=len(rows)))
        # the counts agree with the rows: both come from the alarms open at that moment
        self._fill_districts(district_counts(self.registry, ((r[1], r[2], r[3]) for r in rows)))

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

    def _fill_filters(self):
        """Choices in the interface language; the data behind them are the codes the rows hold."""
        choices = {
            "district": [(district_label(d), d) for d in (self.registry.district_names if self.registry else ())],
            "kind": [(kind_label(k.name), k.name) for k in K.KINDS],
            "severity": [(state_label(CRITICAL), CRITICAL), (state_label(WARNING), WARNING)],
            "status": [(tr(f"sensors.status_{s}"), s) for s in (ACTIVE, ACKNOWLEDGED, CLEARED)],
        }
        for key, box in self.filters.items():
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(tr(f"sensors.filter_all_{key}"), None)
            for label, value in choices[key]:
                box.addItem(label, value)
            box.setCurrentIndex(max(0, box.findData(current)) if current is not None else 0)
            box.blockSignals(False)

    def set_filter(self, **want):
        """Choose filter values by code (tests, and the district counts' click-through)."""
        for key, value in want.items():
            box = self.filters[key]
            box.setCurrentIndex(max(0, box.findData(value)) if value is not None else 0)

    # selection and actions ------------------------------------------------------------
    def _source_rows(self) -> list[int]:
        return sorted({self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()})

    def selected_alarm(self):
        rows = self._source_rows()
        return self.model.rows[rows[0]][0] if rows else None

    def selected_alarms(self) -> list:
        return [self.model.rows[r][0] for r in self._source_rows()]

    def _select(self, alarm_id):
        for r, row in enumerate(self.model.rows):
            if row[0] == alarm_id:
                index = self.proxy.mapFromSource(self.model.index(r, 0))
                if index.isValid():
                    self.table.selectRow(index.row())
                    self.table.scrollTo(index)
                return

    def row_of_sensor(self, sensor: int) -> int:
        """The table row (as shown: sorted and filtered) of a terminal's alarm, or -1."""
        for r, row in enumerate(self.model.rows):
            if row[1] == sensor:
                index = self.proxy.mapFromSource(self.model.index(r, 0))
                return index.row() if index.isValid() else -1
        return -1

    def cell(self, table_row: int, column: str) -> str:
        """What the table shows in a row and column (by name), as the operator reads it."""
        return self.proxy.index(table_row, COLUMNS.index(column)).data()

    def _clicked(self, index):
        self.sensor_activated.emit(int(self.model.rows[self.proxy.mapToSource(index).row()][1]))

    def acknowledge_selected(self, who: str | None = None) -> int:
        """Acknowledge every selected active alarm in one action (with the note, if any)."""
        ids = [a for a in self.selected_alarms() if self.book.alarms[a].status == ACTIVE]
        when, who = time.time(), who or self.operator
        for aid in ids:
            self.book.acknowledge(aid, who, when, self.note.text().strip())
        self._after_action(ids)
        return len(ids)

    def clear_selected(self, who: str | None = None) -> int:
        ids = [a for a in self.selected_alarms() if self.book.alarms[a].status != CLEARED]
        when, who = time.time(), who or self.operator
        for aid in ids:
            self.book.clear(aid, who, when, self.note.text().strip())
        self._after_action(ids)
        return len(ids)

    def _after_action(self, ids):
        if ids:
            self.note.clear()
            self.refresh()
