"""City vital signs dock: the plan's live indicators, districts across, indicators down.

``show(values)`` takes layers.sensors.vitals.vital_signs(); ``show_trends(series)`` the
samples the history keeps (HistoryStore.vitals_series), drawn as a sparkline under
each figure. A double-click on a cell asks (``indicator_activated``) for the
terminals behind it to be selected.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPen, QPolygonF
from PySide6.QtWidgets import (
    QHeaderView, QLabel, QStyledItemDelegate, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
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
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.target = QLabel()
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.table, 1)
        box.addWidget(self.target)
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
        self.table.setColumnCount(len(self.columns))
        self.table.setHorizontalHeaderLabels([tr("sensors.vitals_all") if d == "all" else district_label(d)
                                              for d in self.columns])
        for col, district in enumerate(self.columns):
            for row, ind in enumerate(INDICATORS):
                item = QTableWidgetItem(cell_text(ind.key, values[district].get(ind.key)))
                item.setTextAlignment(Qt.AlignHCenter | Qt.AlignTop)
                self.table.setItem(row, col, item)
        if "all" in values:
            total = values["all"]["online"][1]
            self.target.setText(tr("sensors.vital_target", n=values["all"]["target"])
                                + (" ✓" if total >= values["all"]["target"] else f" ({total:,})"))

    def show_trends(self, series: dict):
        """{(district, indicator): (times, values)} of the last hours, from the history."""
        self.trends = series
        self.table.viewport().update()

    def trend(self, district: str, key: str):
        """The sparkline's (times, values) under a cell, or None."""
        return self.trends.get((district, key))

    def trend_at(self, row: int, col: int):
        if col >= len(self.columns) or row >= len(INDICATORS):
            return None
        return self.trends.get((self.columns[col], INDICATORS[row].key))

    def cell(self, district: str, key: str) -> str:
        col = self.columns.index(district)
        row = [i.key for i in INDICATORS].index(key)
        return self.table.item(row, col).text()

    def _activated(self, row: int, col: int):
        self.indicator_activated.emit(self.columns[col], INDICATORS[row].key)
