"""The alarm table's Qt model: columns in numpy, a view order, text made only for rows on screen.

A QSortFilterProxyModel asks ``data()`` once per comparison: sorting 100,000 alarms
that way is millions of Python calls (seconds). Here sorting is one ``argsort`` of
a column, filtering one boolean mask, and Qt only ever asks for the few dozen rows
it paints. ``order`` maps a table row to a row of the columns
(layers.sensors.alarms.alarm_columns); a group key (district or kind) sorts first
when the operator groups.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from layers.sensors import kinds as K
from layers.sensors.alarms import STATUSES
from layers.sensors.state import CRITICAL, WARNING
from layers.sensors.strings import district_label, fmt_time, kind_label, state_label, tr

# now: the terminal's state as the map shows it (layers.sensors.state.terminal_states); note: the operator's
COLUMNS = ("severity", "status", "sensor", "kind", "district", "value", "raised", "occurrences", "acked",
           "assignee", "note", "cleared", "now")
SEVERITY_BG = {CRITICAL: QColor(200, 40, 40), WARNING: QColor(230, 170, 20)}
GROUP_BG = (QColor(0, 0, 0, 0), QColor(120, 140, 170, 40))  # alternate bands, one per group
CLEARED = STATUSES.index("cleared")


def _empty() -> dict:
    from layers.sensors.alarms import alarm_columns
    return alarm_columns([])


class AlarmTableModel(QAbstractTableModel):
    # around every re-order: the dock keeps the operator's selection by alarm id (Qt would keep
    # it by row, and expands a 10,000-row selection into one persistent index per cell)
    reordering = Signal()
    reordered = Signal()

    def __init__(self):
        super().__init__()
        self.registry = None
        self.cols = _empty()
        self.order = np.zeros(0, np.intp)
        self.want: dict = {}
        self.search = ""
        self.group = None                 # None, "district" or "kind"
        self.sort_column, self.sort_order = 0, Qt.DescendingOrder
        self.states = None                # per terminal, SensorState.states(): the "now" column

    # what is shown --------------------------------------------------------------------
    def set_alarms(self, registry, cols: dict):
        self.registry, self.cols = registry, cols
        self._reorder()

    def set_states(self, codes):
        """Each terminal's state now (the map's rule); repaints the "now" column only."""
        self.states = codes
        if len(self.order):
            col = COLUMNS.index("now")
            self.dataChanged.emit(self.index(0, col), self.index(len(self.order) - 1, col))

    def set_filter(self, **want):
        self.want = {k: v for k, v in {**self.want, **want}.items() if v not in (None, "")}
        self._reorder()

    def set_search(self, text: str):
        self.search = text.strip().lower()
        self._reorder()

    def set_group(self, group: str | None):
        self.group = group or None
        self._reorder()

    def sort(self, column: int, order=Qt.AscendingOrder):
        self.sort_column, self.sort_order = column, order
        self._reorder()

    def _mask(self) -> np.ndarray:
        c, w, reg = self.cols, self.want, self.registry
        keep = np.ones(len(c["id"]), bool)
        if not len(keep) or reg is None:
            return keep
        if "district" in w:
            code = reg.district_names.index(w["district"]) if w["district"] in reg.district_names else -2
            keep &= reg.district[c["sensor"]] == code
        if "kind" in w:
            keep &= reg.kind[c["sensor"]] == K.BY_NAME[w["kind"]].code
        if "severity" in w:
            keep &= c["severity"] == int(w["severity"])
        if "status" in w:
            keep &= c["status"] == STATUSES.index(w["status"])
        if self.search:
            keep &= np.char.find(np.char.lower(reg.ids[c["sensor"]]), self.search) >= 0
        return keep

    def _key(self, name: str) -> np.ndarray:
        c, reg = self.cols, self.registry
        if name == "sensor":
            return reg.ids[c["sensor"]]
        if name in ("kind", "district"):  # by the label the operator reads, in their language
            codes = (reg.kind if name == "kind" else reg.district)[c["sensor"]].astype(np.int64)
            labels = ([kind_label(k.name) for k in K.KINDS] if name == "kind"
                      else [district_label(d) for d in reg.district_names])
            rank = np.argsort(np.argsort(np.array(labels + [""], dtype=str)))
            return rank[codes]  # -1 (unknown district) takes the "" label's rank
        if name == "now":
            return (self.states[c["sensor"]] if self.states is not None
                    else np.zeros(len(c["sensor"]), np.uint8))
        return {"severity": c["severity"], "status": c["status"], "value": c["value"], "raised": c["raised"],
                "occurrences": c["occurrences"], "acked": c["acked_at"], "cleared": c["cleared_at"],
                "note": c["note"].astype(str), "assignee": c["assignee"].astype(str)}[name]

    def _reorder(self):
        """Filter, then sort (stable, so equal keys keep the book's order), group key first."""
        self.reordering.emit()
        self.layoutAboutToBeChanged.emit()
        rows = np.flatnonzero(self._mask())
        if len(rows) and self.registry is not None:
            key = self._key(COLUMNS[self.sort_column])[rows]
            rows = rows[np.argsort(key, kind="stable")]
            if self.sort_order == Qt.DescendingOrder:
                rows = rows[::-1]
            if self.group:
                rows = rows[np.argsort(self._key(self.group)[rows], kind="stable")]
        old = self.persistentIndexList()
        self.order = rows
        self.changePersistentIndexList(old, [QModelIndex()] * len(old))
        self.layoutChanged.emit()
        self.reordered.emit()

    # Qt's side ------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent=QModelIndex()):
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return tr(f"sensors.col_{COLUMNS[section]}")
        return None

    def data(self, index, role=Qt.DisplayRole):
        r = int(self.order[index.row()])
        c = self.cols
        if role == Qt.DisplayRole:
            return self.text(r, COLUMNS[index.column()])
        if role == Qt.BackgroundRole:
            if index.column() == 0 and c["status"][r] != CLEARED:
                return SEVERITY_BG.get(int(c["severity"][r]))
            if self.group:
                return GROUP_BG[int(self._group_code(r)) % 2]
        if role == Qt.ToolTipRole:  # the alarm's history and its note (widgets/sensors/alarm_notes.py)
            from widgets.sensors.alarm_notes import alarm_tooltip
            return alarm_tooltip(c, r, self.text(r, "value"))
        if role == Qt.ForegroundRole and c["status"][r] == CLEARED:
            return QColor(140, 140, 140)
        return None

    def _group_code(self, r: int) -> int:
        s = int(self.cols["sensor"][r])
        return int((self.registry.district if self.group == "district" else self.registry.kind)[s])

    def text(self, r: int, column: str) -> str:
        c, reg = self.cols, self.registry
        s = int(c["sensor"][r])
        k = K.KINDS[int(reg.kind[s])]
        if column == "severity":
            return state_label(int(c["severity"][r]))
        if column == "status":  # a request the alarm service has not applied yet (a window following the store)
            status = tr(f"sensors.status_{STATUSES[c['status'][r]]}")
            return f"{status} · {tr('sensors.pending')}" if c["pending"][r] else status
        if column == "assignee":
            return str(c["assignee"][r] or "")
        if column == "sensor":
            return str(reg.ids[s])
        if column == "kind":
            return kind_label(k.name)
        if column == "district":
            return district_label(reg.district_of(s))
        if column == "value":
            v = float(c["value"][r])
            return "" if v != v else f"{v:.4g} {k.unit}"
        if column == "raised":
            return fmt_time(float(c["raised"][r]))
        if column == "now":
            return "" if self.states is None else state_label(int(self.states[s]))
        if column == "note":
            from widgets.sensors.alarm_notes import note_text
            return note_text(c, r)
        if column == "occurrences":
            n = int(c["occurrences"][r])
            return f"{n} · {tr('sensors.flapping')}" if c["flapping"][r] else str(n)
        who, when = (c["acked_by"][r], c["acked_at"][r]) if column == "acked" else (c["cleared_by"][r],
                                                                                   c["cleared_at"][r])
        return f"{who} {fmt_time(float(when))}" if who else ""

    # rows ↔ alarms ---------------------------------------------------------------------
    def alarm_at(self, row: int) -> int:
        return int(self.cols["id"][self.order[row]])

    def sensor_at(self, row: int) -> int:
        return int(self.cols["sensor"][self.order[row]])

    def rows_of(self, selection: QItemSelection) -> np.ndarray:
        """Table rows inside a selection, from its ranges (never one QModelIndex per row)."""
        parts = [np.arange(rng.top(), rng.bottom() + 1) for rng in selection]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.intp)

    def selection_of(self, alarm_ids) -> QItemSelection:
        """The table rows of these alarms as contiguous ranges."""
        sel = QItemSelection()
        ids = np.asarray(list(alarm_ids), np.int64)
        if not len(ids) or not len(self.order):
            return sel
        rows = np.flatnonzero(np.isin(self.cols["id"][self.order], ids))
        if not len(rows):
            return sel
        breaks = np.flatnonzero(np.diff(rows) > 1)
        starts = np.concatenate([[rows[0]], rows[breaks + 1]])
        ends = np.concatenate([rows[breaks], [rows[-1]]])
        last = len(COLUMNS) - 1
        for a, b in zip(starts.tolist(), ends.tolist()):
            sel.select(self.index(a, 0), self.index(b, last))
        return sel

    def row_of_sensor(self, sensor: int) -> int:
        rows = np.flatnonzero(self.cols["sensor"][self.order] == sensor)
        return int(rows[0]) if len(rows) else -1
