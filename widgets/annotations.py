"""The annotations dock: tools to place them, the list, and the selected one's text and style."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup, QColorDialog, QDoubleSpinBox, QFormLayout, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from layers.annotations import KINDS
from layers.i18n import tr


class AnnotationDock(QWidget):
    tool_chosen = Signal(str)              # an annotation kind, or "" for none
    selection_changed = Signal(list)       # annotation ids
    edit_requested = Signal(dict)          # changes to the selected annotation
    delete_requested = Signal()
    move_requested = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tools = QButtonGroup(self)
        self.tools.setExclusive(False)
        grid = QGridLayout()
        self.tool_buttons = {}
        for i, kind in enumerate(KINDS):
            b = QPushButton()
            b.setCheckable(True)
            b.setObjectName(f"annotation-tool-{kind}")
            b.toggled.connect(lambda on, k=kind: self._tool(k, on))
            self.tool_buttons[kind] = b
            grid.addWidget(b, i // 3, i % 3)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.list = QListWidget()
        self.list.setSelectionMode(QListWidget.ExtendedSelection)
        self.list.itemSelectionChanged.connect(self._selected)
        self.text = QLineEdit()
        self.text.setObjectName("annotation-text")
        self.text.editingFinished.connect(lambda: self._edit(text=self.text.text()))
        self.colour = QPushButton()
        self.colour.clicked.connect(self._pick_colour)
        self.width = QDoubleSpinBox()
        self.width.setRange(0.5, 12.0)
        self.width.setValue(2.0)
        self.width.valueChanged.connect(lambda v: self._edit(width=float(v)))
        self.font = QDoubleSpinBox()
        self.font.setRange(6.0, 48.0)
        self.font.setValue(12.0)
        self.font.valueChanged.connect(lambda v: self._edit(font_size=float(v)))
        self.move_button, self.delete_button = QPushButton(), QPushButton()
        self.move_button.setCheckable(True)
        self.move_button.toggled.connect(self.move_requested)
        self.delete_button.clicked.connect(self.delete_requested)
        self.form = QFormLayout()
        self.labels = [QLabel() for _ in range(4)]
        for label, field in zip(self.labels, (self.text, self.colour, self.width, self.font)):
            self.form.addRow(label, field)
        actions = QHBoxLayout()
        actions.addWidget(self.move_button)
        actions.addWidget(self.delete_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addLayout(grid)
        box.addWidget(self.hint)
        box.addWidget(self.list, 1)
        box.addLayout(self.form)
        box.addLayout(actions)
        self.current_colour = "#e4002b"
        self._ids: list[str] = []
        self._quiet = False
        self.set_colour(self.current_colour)
        self.retranslate()

    def retranslate(self):
        for kind, b in self.tool_buttons.items():
            b.setText(tr(f"annotation.{kind}"))
        self.hint.setText(tr("annotation.hint"))
        for label, key in zip(self.labels, ("annotation.text", "annotation.colour", "annotation.width",
                                            "annotation.font")):
            label.setText(tr(key))
        self.move_button.setText(tr("annotation.move"))
        self.delete_button.setText(tr("annotation.delete"))

    # tools -----------------------------------------------------------------------------------
    def _tool(self, kind: str, on: bool):
        if on:
            for other, b in self.tool_buttons.items():
                if other != kind and b.isChecked():
                    b.blockSignals(True)
                    b.setChecked(False)
                    b.blockSignals(False)
        self.tool_chosen.emit(kind if on else "")

    def end_tool(self):
        for b in self.tool_buttons.values():
            b.blockSignals(True)
            b.setChecked(False)
            b.blockSignals(False)
        self.move_button.blockSignals(True)
        self.move_button.setChecked(False)
        self.move_button.blockSignals(False)

    def set_colour(self, colour: str):
        self.current_colour = colour
        self.colour.setStyleSheet(f"background: {colour}; color: white;")
        self.colour.setText(colour)

    def _pick_colour(self):
        chosen = QColorDialog.getColor(QColor(self.current_colour), self)
        if chosen.isValid():
            self.set_colour(chosen.name())
            self._edit(colour=chosen.name())

    # the list --------------------------------------------------------------------------------
    def show_annotations(self, data, selected: list[str]):
        self._quiet = True
        self.list.clear()
        self._ids = []
        for a in data:
            label = f"{tr(f'annotation.{a.kind}')} · {a.text or '—'}" + (f" · {a.author}" if a.author else "")
            item = QListWidgetItem(label)
            item.setData(Qt.UserRole, a.id)
            self.list.addItem(item)
            self._ids.append(a.id)
            item.setSelected(a.id in selected)
        self._quiet = False
        chosen = [a for a in data if a.id in selected]
        if chosen:
            self.show_properties(chosen[0])

    def show_properties(self, a):
        self._quiet = True
        self.text.setText(a.text)
        self.set_colour(a.colour)
        self.width.setValue(a.width)
        self.font.setValue(a.font_size)
        self._quiet = False

    def selected_ids(self) -> list[str]:
        return [i.data(Qt.UserRole) for i in self.list.selectedItems()]

    def _selected(self):
        if not self._quiet:
            self.selection_changed.emit(self.selected_ids())

    def _edit(self, **changes):
        if not self._quiet:
            self.edit_requested.emit(changes)

    def style(self) -> dict:
        """What a new annotation takes from the dock."""
        return {"colour": self.current_colour, "width": float(self.width.value()),
                "font_size": float(self.font.value()), "text": self.text.text().strip()}
