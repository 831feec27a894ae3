"""City vital signs dock: the plan's live indicators, districts across, indicators down.

``show(values)`` takes layers.sensors.vitals.vital_signs(); a double-click on a
cell asks (``indicator_activated``) for the terminals behind it to be selected.
"""
from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from layers.sensors.strings import district_label, tr
from layers.sensors.vitals import INDICATORS

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V"}


def cell_text(key: str, value) -> str:
    if value is None or isinstance(value, float) and math.isnan(value):
        return "—"
    if key in ("online", "alarms", "noise_over"):
        return f"{value[0]:,} / {value[1]:,}"
    if key == "water_class":
        return ROMAN.get(int(value)) or tr("sensors.water_worse_than_v")
    return f"{value:,.0f}" if key in ("aqi", "traffic") else f"{value:,.1f}"


class VitalSigns(QWidget):
    indicator_activated = Signal(str, str)  # district ("all" for the whole new city), indicator key

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QTableWidget(len(INDICATORS), 0)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.cellDoubleClicked.connect(self._activated)
        self.target = QLabel()
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.table, 1)
        box.addWidget(self.target)
        self.columns: list[str] = []
        self.values: dict = {}
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
                item.setTextAlignment(Qt.AlignCenter)
                self.table.setItem(row, col, item)
        if "all" in values:
            total = values["all"]["online"][1]
            self.target.setText(tr("sensors.vital_target", n=values["all"]["target"])
                                + (" ✓" if total >= values["all"]["target"] else f" ({total:,})"))

    def cell(self, district: str, key: str) -> str:
        col = self.columns.index(district)
        row = [i.key for i in INDICATORS].index(key)
        return self.table.item(row, col).text()

    def _activated(self, row: int, col: int):
        self.indicator_activated.emit(self.columns[col], INDICATORS[row].key)
