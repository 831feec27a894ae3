"""The map legend as a panel beside the map, never drawn over it (nor over the scale bar).

Sections are (title, [(label, (r, g, b) floats 0..1)]) that the scene's adapters
publish; the window hands them over when they change.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget


class LegendPanel(QWidget):
    reshaped = Signal()  # sections or rows came or went (not a count changing): the pane may need more room

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("legend")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 4, 6, 4)
        self._sections = None
        self._boxes: list[QWidget] = []

    def sections(self) -> list:
        return list(self._sections or [])

    def show_sections(self, sections: list):
        sections = [s for s in sections if s and s[1]]
        if sections == self._sections:
            return
        shape = [(title, len(rows)) for title, rows in (self._sections or [])]
        self._sections = sections
        for box in self._boxes:
            self._layout.removeWidget(box)
            box.hide()
            box.setParent(None)  # gone now, not at the next event-loop turn
            box.deleteLater()
        self._boxes = []
        for title, rows in sections:
            box = QWidget(self)
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 2, 0, 4)
            head = QLabel(f"<b>{title}</b>", box)
            head.setWordWrap(True)  # a long title must not widen the map's side column
            column.addWidget(head)
            grid = QGridLayout()
            grid.setVerticalSpacing(1)
            column.addLayout(grid)
            for i, (label, colour) in enumerate(rows, 1):
                swatch = QPixmap(14, 14)
                swatch.fill(QColor.fromRgbF(*[float(c) for c in colour[:3]]))
                icon = QLabel(box)
                icon.setPixmap(swatch)
                grid.addWidget(icon, i, 0)
                grid.addWidget(QLabel(label, box), i, 1)
            grid.setColumnStretch(1, 1)
            self._layout.addWidget(box)
            self._boxes.append(box)
        self.setVisible(bool(sections))
        if shape != [(title, len(rows)) for title, rows in sections]:
            self.reshaped.emit()
