"""Alarm dock: the alarm table operators triage, per-district counts, acknowledge/clear.

Bound to an AlarmBook; the panel calls ``refresh`` at most once a second and
only when the book's version moved. The table sorts by any column and filters
by district, kind, severity, state and terminal id (a proxy over the rows, so
thousands of alarms stay quick); several rows are acknowledged, cleared or
assigned ("Assign to…", also in the rows' context menu) in one action, with a
note. Bound to the store's alarms (offline/store/alarm_mirror.py) the actions
are requests to the alarm service and a row says "pending" until it applied them. Actions record the operator (a setting, by default the
OS user) and the time. In replay the table shows the alarms open at that
moment, read-only, with their per-district counts.
"""
from __future__ import annotations

import getpass
import time

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTableView,
    QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from layers.sensors.strings import district_label, fmt_time, kind_label, state_label, tr
from layers.sensors import kinds as K
from layers.sensors.alarms import (
    ACKNOWLEDGED, ACTIVE, CLEARED, STATUSES, alarm_columns, district_counts, replayed_alarms,
)
from layers.sensors.state import CRITICAL, WARNING
from widgets.sensors.alarm_table import AlarmTableModel
from widgets.sensors.health import SensorHealth

KEEP_CLEARED = 200  # cleared alarms stay listed (who/when) until this many newer ones


def who_am_i() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


class AlarmDock(QWidget):
    sensor_activated = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.book = self.registry = None
        self.replay_time = None
        self.district_counts: dict = {}
        self.summary = QLabel()
        # districts across, two count rows; a tab of its own so the alarm list keeps the height
        # (the vital-signs dock shows the same counts beside the other indicators)
        self.districts = QTableWidget(2, 0)
        self.districts.setEditTriggers(QTableWidget.NoEditTriggers)
        self.districts.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.districts.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.districts.cellDoubleClicked.connect(self._district_chosen)
        self.model = AlarmTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self._kept: list = []
        self.model.reordering.connect(self._keep_selection)
        self.model.reordered.connect(self._restore_selection)
        self.operator = who_am_i()  # the panel sets the configured operator name
        self.filters = {key: QComboBox() for key in ("district", "kind", "severity", "status")}
        for key, box in self.filters.items():
            box.setObjectName(f"alarm-filter-{key}")
            box.currentIndexChanged.connect(lambda _i, k=key: self.model.set_filter(**{k: self.filters[k].currentData()}))
        self.group = QComboBox()
        self.group.setObjectName("alarm-group")
        self.group.currentIndexChanged.connect(lambda _i: self.model.set_group(self.group.currentData()))
        self.search = QLineEdit()
        self.search.setObjectName("alarm-search")
        self.search.textChanged.connect(self.model.set_search)
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
        self.ack_button, self.clear_button, self.assign_button = QPushButton(), QPushButton(), QPushButton()
        self.ack_button.clicked.connect(lambda: self.acknowledge_selected())
        self.clear_button.clicked.connect(lambda: self.clear_selected())
        self.assign_button.clicked.connect(lambda: self.ask_assignee())
        self.assign_dialog = None  # "Assign to…": a small input dialog, open while the operator types
        self.table.setContextMenuPolicy(Qt.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(2, 2, 2, 2)
        # two short rows rather than one long one: the dock lives in a side column beside the map
        self.summary.setWordWrap(True)
        box.addWidget(self.summary)
        box.addWidget(self.note)  # a row of its own: beside three buttons a side column left it "N…" wide
        buttons = QHBoxLayout()
        buttons.addWidget(self.ack_button)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.assign_button)
        box.addLayout(buttons)
        filters = QGridLayout()
        filters.setSpacing(3)
        for i, w in enumerate((*self.filters.values(), self.group, self.search)):
            if isinstance(w, QComboBox):
                w.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
                w.setMinimumContentsLength(4)
            filters.addWidget(w, i // 3, i % 3)
        box.addLayout(filters)
        box.addWidget(self.table, 1)
        self.health = SensorHealth()
        self.health.sensor_activated.connect(self.sensor_activated)
        self.tabs = QTabWidget()
        self.tabs.addTab(page, "")
        self.tabs.addTab(self.districts, "")
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
        self.tabs.setTabText(1, tr("sensors.tab_districts"))
        self.tabs.setTabText(2, tr("sensors.tab_health"))
        self.ack_button.setText(tr("sensors.ack"))
        self.clear_button.setText(tr("sensors.clear"))
        self.assign_button.setText(tr("sensors.assign"))
        self.search.setPlaceholderText(tr("sensors.search_terminal"))
        self.note.setPlaceholderText(tr("sensors.action_note"))
        self._fill_filters()
        self.group.blockSignals(True)
        current = self.group.currentIndex()
        self.group.clear()
        for key, value in (("sensors.group_none", None), ("sensors.group_district", "district"),
                           ("sensors.group_kind", "kind")):
            self.group.addItem(tr(key), value)
        self.group.setCurrentIndex(max(current, 0))
        self.group.blockSignals(False)
        self.districts.setVerticalHeaderLabels([f"{state_label(2)} / {state_label(1)}",
                                                f"{tr('sensors.col_active')} / {tr('sensors.col_acknowledged')}"])
        self.health.retranslate()
        self.refresh()

    # rows -------------------------------------------------------------------------
    def refresh(self):
        if self.book is None or self.replay_time is not None:
            return
        shown = self.book.open_alarms() + self.book.recently_cleared(KEEP_CLEARED)
        cols = alarm_columns(shown)
        self.model.set_alarms(self.registry, cols)
        if not self._sized and len(shown):
            self.table.resizeColumnsToContents()
            self._sized = True
        is_open = cols["status"] != STATUSES.index(CLEARED)  # from the columns: no second walk of the alarms
        n_open, crit = int(is_open.sum()), int((is_open & (cols["severity"] == CRITICAL)).sum())
        self.summary.setText(tr("sensors.open_alarms", n=n_open, crit=crit, warn=n_open - crit))
        self._fill_districts(self.book.counts_by_district())

    def show_states(self, codes):
        """Every terminal's state now (SensorState.states: the map's colours), for the table's last column."""
        self.model.set_states(codes)

    def show_replay(self, t, alarms: dict):
        """Alarms open at a past moment (HistoryStore.alarms_at); None returns to live."""
        self.replay_time = t
        for button in (self.ack_button, self.clear_button, self.assign_button):
            button.setEnabled(t is None)
        if t is None or self.book is None:
            return self.refresh()
        shown = [a for a in replayed_alarms(alarms) if 0 <= a.sensor < len(self.registry)]
        self.model.set_alarms(self.registry, alarm_columns(shown))
        self.summary.setText(tr("sensors.replay_alarms", time=fmt_time(t), n=len(shown)))
        # the counts agree with the rows: both come from the alarms open at that moment
        self._fill_districts(district_counts(self.registry, ((a.sensor, a.severity, a.status) for a in shown)))

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

    def _district_chosen(self, _row: int, col: int):
        """A district's counts double-clicked: its alarms in the list."""
        self.set_filter(district=list(self.district_counts)[col])
        self.tabs.setCurrentIndex(0)

    def health_shown(self) -> bool:
        return self.tabs.currentWidget() is self.health

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
    def _keep_selection(self):
        self._kept = self.selected_alarms()
        self.table.selectionModel().clear()

    def _restore_selection(self):
        if self._kept:
            self.table.selectionModel().select(self.model.selection_of(self._kept), QItemSelectionModel.Select)

    def select_alarms(self, alarm_ids):
        """Select these alarms' rows (and show the first)."""
        sm = self.table.selectionModel()
        sm.clear()
        sm.select(self.model.selection_of(alarm_ids), QItemSelectionModel.Select)
        rows = self.model.rows_of(sm.selection())
        if len(rows):
            self.table.scrollTo(self.model.index(int(rows[0]), 0))

    def selected_alarm(self):
        ids = self.selected_alarms()
        return ids[0] if ids else None

    def selected_alarms(self) -> list:
        rows = self.model.rows_of(self.table.selectionModel().selection())
        return self.model.cols["id"][self.model.order[rows]].tolist() if len(rows) else []

    def row_of_sensor(self, sensor: int) -> int:
        """The table row (as shown: sorted and filtered) of a terminal's alarm, or -1."""
        return self.model.row_of_sensor(sensor)

    def rows(self) -> int:
        return self.model.rowCount()

    def cell(self, table_row: int, column: str) -> str:
        """What the table shows in a row and column (by name), as the operator reads it."""
        return self.model.text(int(self.model.order[table_row]), column)

    def _clicked(self, index):
        self.sensor_activated.emit(self.model.sensor_at(index.row()))

    def acknowledge_selected(self, who: str | None = None) -> int:
        """Acknowledge every selected active alarm in one action (with the note, if any)."""
        alarms = self.book.alarms
        ids = [a for a in self.selected_alarms() if a in alarms and alarms[a].status == ACTIVE]
        when, who = time.time(), who or self.operator
        for aid in ids:
            self.book.acknowledge(aid, who, when, self.note.text().strip())
        self._after_action(ids)
        return len(ids)

    def clear_selected(self, who: str | None = None) -> int:
        alarms = self.book.alarms
        ids = [a for a in self.selected_alarms() if a in alarms and alarms[a].status != CLEARED]
        when, who = time.time(), who or self.operator
        for aid in ids:
            self.book.clear(aid, who, when, self.note.text().strip())
        self._after_action(ids)
        return len(ids)

    def assign_selected(self, assignee: str, who: str | None = None) -> int:
        """Give every selected open alarm to ``assignee`` (an "assigned" event with who asked)."""
        assignee = " ".join(str(assignee).split())
        alarms = self.book.alarms
        ids = [a for a in self.selected_alarms() if a in alarms and alarms[a].status != CLEARED] if assignee else []
        when, who = time.time(), who or self.operator
        for aid in ids:
            self.book.assign(aid, who, assignee, when)
        self._after_action(ids)
        return len(ids)

    def ask_assignee(self):
        """"Assign to…": the name in a small dialog, then ``assign_selected`` (nothing selected: nothing asked)."""
        if not self.selected_alarms() or self.replay_time is not None:
            return
        from PySide6.QtWidgets import QInputDialog
        self.assign_dialog = dialog = QInputDialog(self)
        dialog.setWindowTitle(tr("sensors.assign_title"))
        dialog.setLabelText(tr("sensors.assign_label"))
        dialog.textValueSelected.connect(self.assign_selected)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _context_menu(self, pos):
        if not self.selected_alarms() or self.replay_time is not None:
            return
        from PySide6.QtWidgets import QMenu
        menu = QMenu(self)
        for key, fn in (("sensors.ack", self.acknowledge_selected), ("sensors.clear", self.clear_selected),
                        ("sensors.assign", self.ask_assignee)):
            menu.addAction(tr(key), lambda fn=fn: fn())
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _after_action(self, ids):
        if ids:
            self.note.clear()
            self.refresh()
