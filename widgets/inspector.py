"""Attribute inspector: the fields of the picked feature."""
from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from layers import i18n
from layers.i18n import layer_name, tr


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):  # projected coordinates in metres, not 3.43296e+06
        return f"{value:.1f}" if abs(value) >= 1e5 else f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    return str(value)


class Inspector(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.title)
        box.addWidget(self.table)
        self.layer = None
        self.attributes: dict = {}
        self.retranslate()

    def retranslate(self):
        self.table.setHorizontalHeaderLabels([tr("inspector.field"), tr("inspector.value")])
        self.show_feature(self.layer, self.attributes)

    def show_feature(self, layer, attributes: dict):
        self.layer, self.attributes = layer, dict(attributes or {})
        if layer is None:
            self.title.setText(tr("inspector.empty"))
            self.table.setRowCount(0)
            return
        self.title.setText(f"{tr('inspector.layer')}: {layer_name(layer)}")
        rows = [(k, _text(v)) for k, v in self.attributes.items()]
        self.table.setRowCount(len(rows))
        for r, (k, v) in enumerate(rows):
            label = tr(f"field.{k}") if f"field.{k}" in i18n.STRINGS else str(k)  # data fields keep their names
            self.table.setItem(r, 0, QTableWidgetItem(label))
            item = QTableWidgetItem(v)
            item.setToolTip(v)
            self.table.setItem(r, 1, item)
        self.table.resizeColumnToContents(0)

    def value(self, field: str):
        return self.attributes.get(field)
