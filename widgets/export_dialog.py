"""File › Export map…: where to, which format (by the file's suffix), and the words on the page."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLineEdit,
    QPushButton, QWidget,
)

from layers.i18n import tr

SIZES = ("1920x1080", "3840x2160", "7680x4320", "1600x900")


class ExportDialog(QDialog):
    def __init__(self, author: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("export.title"))
        self.path = QLineEdit("songjiang.pdf")
        self.path.setObjectName("export-path")
        browse = QPushButton(tr("export.browse"))
        browse.clicked.connect(self._browse)
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.path, 1)
        box.addWidget(browse)
        self.map_title, self.subtitle, self.author = QLineEdit(), QLineEdit(), QLineEdit(author)
        self.map_title.setPlaceholderText(tr("export.title_hint"))
        self.paper = QComboBox()
        self.paper.addItems(["A4", "A3"])
        self.landscape = QCheckBox(tr("export.landscape"))
        self.landscape.setChecked(True)
        self.size = QComboBox()
        self.size.addItems(SIZES)
        form = QFormLayout(self)
        form.addRow(tr("export.file"), row)
        form.addRow(tr("export.map_title"), self.map_title)
        form.addRow(tr("export.subtitle"), self.subtitle)
        form.addRow(tr("export.author"), self.author)
        form.addRow(tr("export.paper"), self.paper)
        form.addRow("", self.landscape)
        form.addRow(tr("export.size"), self.size)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self):
        path, _ = QFileDialog.getSaveFileName(self, tr("export.title"), self.path.text(), tr("export.filter"))
        if path:
            self.path.setText(path)

    def arguments(self) -> list[str]:
        """The `snapshot` options this dialog asks for (the export runs as that command)."""
        args = ["--out", self.path.text().strip(), "--paper", self.paper.currentText(),
                "--size", self.size.currentText()]
        if not self.landscape.isChecked():
            args.append("--portrait")
        for flag, edit in (("--title", self.map_title), ("--subtitle", self.subtitle), ("--author", self.author)):
            if edit.text().strip():
                args += [flag, edit.text().strip()]
        return args
