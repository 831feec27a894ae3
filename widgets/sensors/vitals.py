"""City vital signs dock: the plan's live indicators, districts across, indicators down.

``show(values)`` takes layers.sensors.vitals.vital_signs(); ``show_trends(series)`` the
samples the history keeps (HistoryStore.vitals_series), drawn as a sparkline under
each figure. A double-click on a cell asks (``indicator_activated``) for the
terminals behind it to be selected.

Every figure is shown whole (issue 26: "3…" in a side column): when the districts do not
fit across the dock's width, it shows one district at a time (the whole new city first),
chosen above the table, instead of eliding them all.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPen, QPolygonF
from PySide6.QtWidgets import (
    QComboBox, QHeaderView, QLabel, QStyledItemDelegate, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from layers.sensors.strings import district_label, tr
from layers.sensors.vitals import INDICATORS

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V"}
TREND_HOURS = 3.0
ROW_HEIGHT = 34


class Sparkline(QStyledItemDelegate):
    """The figure on top, the last hours underneath (gaps where nothing was recorded)."""

    def __init__(self, owner):
        super().__init__(owner.table)
        self.owner = owner

    def paint(self, painter, option, index):
        super().paint(painter, option, index)
        trend = self.owner.trend_at(index.row(), index.column())
        if trend is None:
            return
        times, values = trend
        ok = np.isfinite(values)
        if ok.sum() < 2:
            return
        r = option.rect.adjusted(6, option.rect.height() * 0.55, -6, -3)
        t1 = float(times[-1])
        t0 = t1 - TREND_HOURS * 3600.0
        lo, hi = float(values[ok].min()), float(values[ok].max())
        span = hi - lo or 1.0
        x = r.left() + (times - t0) / (t1 - t0) * r.width()
        y = r.bottom() - (values - lo) / span * r.height()
        painter.save()
        painter.setRenderHint(painter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(40, 110, 200), 1.4))
        # a gap in the recording (window closed, feed down) is a gap in the line
        breaks = np.flatnonzero(~ok | np.r_[False, np.diff(times) > 300.0])
        for seg in np.split(np.arange(len(times)), breaks):
            seg = seg[ok[seg]]
            if len(seg) >= 2:
                painter.drawPolyline(QPolygonF([QPointF(float(x[i]), float(y[i])) for i in seg]))
        painter.restore()


def cell_text(key: str, value) -> str:
    if value is None or isinstance(value, float) and math.isnan(value):
        return "—"
    if key in ("online", "alarms", "noise_over"):
        return f"{value[0]:,} / {value[1]:,}"
    if key == "water_class":
        return ROMAN.get(int(value)) or tr("sensors.water_worse_than_v")
    return f"{value:,.0f}" if key in ("aqi", "traffic", "station_occupancy") else f"{value:,.1f}"


class VitalSigns(QWidget):
    indicator_activated = Signal(str, str)  # district ("all" for the whole new city), indicator key

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QTableWidget(len(INDICATORS), 0)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.cellDoubleClicked.connect(self._activated)
        self.table.setItemDelegate(Sparkline(self))
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(max(ROW_HEIGHT, self.fontMetrics().height() * 2 + 8))
        self.target = QLabel()
        self.target.setWordWrap(True)
        self.district = QComboBox()  # one district at a time, when they do not fit across
        self.district.setObjectName("vitals-district")
        self.district.currentIndexChanged.connect(lambda _i: self._fill())
        self.district.setVisible(False)
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.district)
        box.addWidget(self.table, 1)
        box.addWidget(self.target)
        self.narrow = False
        self.shown: list[str] = []    # the districts in the table's columns
        self.columns: list[str] = []
        self.values: dict = {}
        self.trends: dict = {}
        self.retranslate()

    def retranslate(self):
        self.table.setVerticalHeaderLabels([tr(f"sensors.vital.{i.key}") for i in INDICATORS])
        self.show(self.values)

    def show(self, values: dict):
        self.values = values
        self.columns = [d for d in values if d != "all"] + (["all"] if "all" in values else [])
        chosen = self.district.currentData()
        self.district.blockSignals(True)
        self.district.clear()
        for d in reversed(self.columns):  # the whole new city first
            self.district.addItem(self._label(d), d)
        self.district.setCurrentIndex(max(0, self.district.findData(chosen)))
        self.district.blockSignals(False)
        self._fill()
        if "all" in values:
            total = values["all"]["online"][1]
            self.target.setText(tr("sensors.vital_target", n=values["all"]["target"])
                                + (" ✓" if total >= values["all"]["target"] else f" ({total:,})"))

    @staticmethod
    def _label(district: str) -> str:
        return tr("sensors.vitals_all") if district == "all" else district_label(district)

    def _fill(self):
        """Districts across with the indicators as row heads (wide), or one district: the indicators'
        names in a first column that wraps, the figures beside them (narrow)."""
        self.shown = [self.district.currentData()] if self.narrow and self.columns else list(self.columns)
        self.shown = [d for d in self.shown if d is not None]
        first = 1 if self.narrow else 0
        self.table.setColumnCount(len(self.shown) + first)
        self.table.setHorizontalHeaderLabels([""] * first + [self._label(d) for d in self.shown])
        self.table.verticalHeader().setVisible(not self.narrow)
        self.table.setWordWrap(self.narrow)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Stretch)
        for row, ind in enumerate(INDICATORS):
            if first:
                name = QTableWidgetItem(tr(f"sensors.vital.{ind.key}"))
                name.setTextAlignment(Qt.AlignLeft | Qt.AlignVCenter)
                self.table.setItem(row, 0, name)
            for col, district in enumerate(self.shown):
                item = QTableWidgetItem(cell_text(ind.key, self.values[district].get(ind.key)))
                item.setTextAlignment(Qt.AlignHCenter | Qt.AlignTop)
                self.table.setItem(row, col + first, item)
        if first:
            header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self._refit()

    def _value_col(self, district: str) -> int:
        return self.shown.index(district) + (1 if self.narrow else 0)

    def _needed_width(self) -> int:
        """Width the table needs to show every district's figures whole, row heads included."""
        fm = self.table.fontMetrics()
        widest = max([fm.horizontalAdvance(self._label(d)) for d in self.columns]
                     + [fm.horizontalAdvance(cell_text(i.key, self.values[d].get(i.key)))
                        for d in self.columns for i in INDICATORS] + [0])
        heads = max(fm.horizontalAdvance(tr(f"sensors.vital.{i.key}")) for i in INDICATORS) + 12
        return heads + len(self.columns) * (widest + 16)

    def _refit(self):
        self.table.verticalHeader().setDefaultSectionSize(max(ROW_HEIGHT, self.fontMetrics().height() * 2 + 8))
        room = self.table.width() - 2 * self.table.frameWidth() - self.table.verticalScrollBar().sizeHint().width()
        narrow = room < self._needed_width()
        if narrow != self.narrow:
            self.narrow = narrow
            self.district.setVisible(narrow)
            self._fill()

    def resizeEvent(self, ev):
        super().resizeEvent(ev)
        self._refit()

    def show_trends(self, series: dict):
        """{(district, indicator): (times, values)} of the last hours, from the history."""
        self.trends = series
        self.table.viewport().update()

    def trend(self, district: str, key: str):
        """The sparkline's (times, values) under a cell, or None."""
        return self.trends.get((district, key))

    def trend_at(self, row: int, col: int):
        col -= 1 if self.narrow else 0
        if not 0 <= col < len(self.shown) or row >= len(INDICATORS):
            return None
        return self.trends.get((self.shown[col], INDICATORS[row].key))

    def cell(self, district: str, key: str) -> str:
        """The figure shown for a district (its text, also when another district is the one in view)."""
        if district in self.shown:
            row = [i.key for i in INDICATORS].index(key)
            return self.table.item(row, self._value_col(district)).text()
        if district not in self.columns:
            raise ValueError(f"{district!r} is not a district of the vital signs")
        return cell_text(key, self.values[district].get(key))

    def _activated(self, row: int, col: int):
        col = max(0, col - (1 if self.narrow else 0))  # narrow: the name or the figure, one district
        self.indicator_activated.emit(self.shown[col], INDICATORS[row].key)
