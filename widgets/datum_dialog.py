"""Project › Datum transformation…: the project's own Helmert set (7 or 4 parameters).

The same DatumShift the `datum` command writes; the dialog only collects and checks it.
"""
from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout)

from layers.helmert import DatumShift
from layers.i18n import tr

CONVENTIONS = ("coordinate_frame", "position_vector")


class DatumDialog(QDialog):
    """Edit a DatumShift (None = PROJ's best route). ``shift`` holds the result after accept()."""

    def __init__(self, shift: DatumShift | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("datum.title"))
        self.shift = shift
        self.source = QLineEdit(shift.source if shift else "")
        self.source.setPlaceholderText("EPSG:2437")
        self.params = QLineEdit(",".join(f"{v:g}" for v in shift.params.values()) if shift else "")
        self.params.setPlaceholderText(tr("datum.params_hint"))
        self.convention = QComboBox()
        for code in CONVENTIONS:  # PROJ's names stay the data; the operator reads them in words
            self.convention.addItem(tr(f"datum.{code}"), code)
        if shift:
            self.convention.setCurrentIndex(max(0, self.convention.findData(shift.convention)))
        self.target = QLineEdit(shift.target if shift else "")
        self.error = QLabel()
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("datum.source"), self.source)
        form.addRow(tr("datum.params"), self.params)
        form.addRow(tr("datum.convention"), self.convention)
        form.addRow(tr("datum.target"), self.target)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel | QDialogButtonBox.Reset)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.Reset).setText(tr("datum.clear"))
        buttons.button(QDialogButtonBox.Reset).clicked.connect(self.clear)
        box = QVBoxLayout(self)
        box.addWidget(QLabel(tr("datum.help")))
        box.addLayout(form)
        box.addWidget(self.error)
        box.addWidget(buttons)

    def clear(self):
        """Back to PROJ's own choice of route."""
        self.shift = None
        super().accept()

    def accept(self):
        try:
            self.shift = DatumShift.parse(self.source.text().strip(), self.params.text(),
                                          convention=self.convention.currentData(),
                                          target=self.target.text().strip())
        except Exception as exc:  # an unknown CRS or malformed numbers: say so, keep the dialog open
            self.error.setText(str(exc))
            return
        super().accept()
