"""Small edit forms under the HBIM inspector: set a condition grade, add a damage record."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout,
    QWidget,
)

from layers.i18n import tr
from offline.hbim import ICOMOS_ISCS

# The terms a surveyor meets most on brick, stone and timber, first; the full glossary follows.
COMMON_DAMAGE = ("crack", "erosion", "black crust", "biological colonization", "efflorescence",
                 "spalling", "deposit", "missing part", "moss", "plant")


class RecordForms(QWidget):
    grade_set = Signal(int)
    damage_added = Signal(dict)
    photo_requested = Signal(bool)  # True: a camera folder, False: photo files

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grade_box = QGroupBox()
        self.grade = QSpinBox()
        self.grade.setRange(1, 5)
        self.set_grade = QPushButton()
        self.set_grade.clicked.connect(lambda: self.grade_set.emit(self.grade.value()))
        row = QHBoxLayout(self.grade_box)
        row.addWidget(self.grade)
        row.addWidget(self.set_grade, 1)

        self.damage_box = QGroupBox()
        self.damage_type = QComboBox()
        # the ICOMOS-ISCS terms are long: the box shrinks with the side column, its list does not
        self.damage_type.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.damage_type.setMinimumContentsLength(12)
        self._fill_damage_types()
        self.severity = QSpinBox()
        self.severity.setRange(1, 5)
        self.extent = QLineEdit()
        self.location = QLineEdit()
        self.add_damage = QPushButton()
        self.add_damage.clicked.connect(self._emit_damage)
        self.labels = {key: QLabel() for key in ("type", "severity", "extent", "location")}
        form = QFormLayout(self.damage_box)
        for key, field in zip(self.labels, (self.damage_type, self.severity, self.extent, self.location)):
            form.addRow(self.labels[key], field)
        form.addRow(self.add_damage)

        # field packages only (the panel shows it when the store journals edits for sync)
        self.photo_box = QGroupBox()
        self.add_photo = QPushButton()
        self.add_folder = QPushButton()
        self.add_photo.clicked.connect(lambda: self.photo_requested.emit(False))
        self.add_folder.clicked.connect(lambda: self.photo_requested.emit(True))
        row = QHBoxLayout(self.photo_box)
        row.addWidget(self.add_photo)
        row.addWidget(self.add_folder)
        self.photo_box.setVisible(False)

        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.grade_box)
        box.addWidget(self.damage_box)
        box.addWidget(self.photo_box)
        self.retranslate()

    def _emit_damage(self):
        self.damage_added.emit({"type": self.damage_type.currentData() or self.damage_type.currentText(), "severity": self.severity.value(),
                                "extent": self.extent.text().strip(), "location": self.location.text().strip()})
        self.extent.clear()
        self.location.clear()

    def retranslate(self):
        self.grade_box.setTitle(tr("hbim.field.condition_grade"))
        self.set_grade.setText(tr("hbim.set_grade"))
        self.damage_box.setTitle(tr("hbim.add_damage"))
        self.add_damage.setText(tr("hbim.add_damage"))
        for key, label in self.labels.items():
            label.setText(tr(f"hbim.field.{key}"))
        self.photo_box.setTitle(tr("field.photos"))
        self.photo_box.setToolTip(tr("field.photo.hint"))
        self.add_photo.setText(tr("field.photo.add"))
        self.add_folder.setText(tr("field.photo.folder"))
        self._fill_damage_types()

    def _fill_damage_types(self):
        """The glossary's terms in the interface language; the record keeps the ICOMOS-ISCS English term."""
        from layers.bim.glossary import term
        current = self.damage_type.currentData()
        self.damage_type.clear()
        for t in list(COMMON_DAMAGE) + [t for t in ICOMOS_ISCS if t not in COMMON_DAMAGE]:
            self.damage_type.addItem(term(t) if term(t) == t else f"{term(t)}（{t}）", t)
        self.damage_type.setCurrentIndex(max(0, self.damage_type.findData(current)))
