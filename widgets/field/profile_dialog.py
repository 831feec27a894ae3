"""Field › profile: who the field edits on this machine are signed by (offline/field/profile.py)."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from layers.i18n import tr
from offline.field import profile as profiles


class ProfileDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.profile = profiles.load()
        self.setWindowTitle(tr("field.profile.title"))
        self.surveyor = QLineEdit(self.profile.surveyor)
        self.team = QLineEdit(self.profile.team)
        help_label = QLabel(tr("field.profile.help"))
        help_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("field.surveyor"), self.surveyor)
        form.addRow(tr("field.team"), self.team)
        form.addRow(tr("field.device"), QLabel(self.profile.device))
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(help_label)
        box.addLayout(form)
        box.addWidget(buttons)

    def accept(self):
        name = self.surveyor.text().strip()
        if not name:
            self.surveyor.setFocus()
            return
        self.profile.surveyor, self.profile.team = name, self.team.text().strip()
        profiles.save(self.profile)
        super().accept()
