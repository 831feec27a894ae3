"""File › Create field package…: one GeoPackage for a district, written off the GUI thread.

The same ``offline.package.create_package`` the `package create` command runs, on a
worker thread with progress; Cancel stops it and leaves no file behind (the package
is built under a temporary name and renamed into place only when complete).
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QProgressBar, QPushButton, QVBoxLayout)

from layers.districts import DISTRICT_IDS
from layers.i18n import language, tr
from layers.messages import localize
from widgets.background import run

log = logging.getLogger(__name__)


class PackageDialog(QDialog):
    progressed = Signal(float, str)
    finished_with = Signal(str, str)  # path, error ("" when created)

    def __init__(self, default_dir: Path, parent=None, project_path=None):
        super().__init__(parent)
        self.project_path = project_path  # its "restricted" layers are never exported
        self.setObjectName("package_dialog")
        self.setWindowTitle(tr("package.dialog_title"))
        self.area = QComboBox()
        for d in DISTRICT_IDS:
            self.area.addItem(tr(f"package.district.{d}"), d)
        self.out = QLineEdit(str(Path(default_dir) / f"{DISTRICT_IDS[0]}.gpkg"))
        self.area.currentIndexChanged.connect(self._suggest_name)
        browse = QPushButton(tr("package.browse"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(tr("package.area"), self.area)
        form.addRow(tr("package.out"), row)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.create_button = QPushButton(tr("package.create"))
        self.create_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(tr("package.cancel"))
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.cancel_button)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.bar)
        box.addWidget(self.status)
        box.addLayout(buttons)
        self.job = None
        self.result_path: Path | None = None
        self.progressed.connect(self._show_progress)
        self.finished_with.connect(self._done)  # emitted on the GUI thread, by the job's callbacks

    def _suggest_name(self):
        current = Path(self.out.text())
        self.out.setText(str(current.with_name(f"{self.area.currentData()}.gpkg")))

    def _browse(self):
        path, _ = QFileDialog.getSaveFileName(self, tr("package.out"), self.out.text(), "GeoPackage (*.gpkg)")
        if path:
            self.out.setText(path)

    def start(self):
        """Create on a worker thread; the dialog shows its progress and stays responsive."""
        from offline.package import PackageRequest
        from offline.package.areas import district_area
        from offline.package.create import restricted_of
        district = self.area.currentData()
        try:
            restricted = restricted_of(self.project_path)
        except ValueError as exc:  # a damaged project: said here, nothing written
            self.status.setText(tr("package.failed", error=localize(str(exc))))
            return
        req = PackageRequest(out=Path(self.out.text()), area=district_area(district), district=district,
                             restricted=restricted, language=language())  # the layer names QGIS shows
        self.create_button.setEnabled(False)
        self.job = run(_create, req, name="package-create", owner=self, on_progress=self.progressed.emit,
                       on_done=lambda out: self.finished_with.emit(str(out), ""),
                       on_cancelled=lambda: self.finished_with.emit("", ""),
                       on_error=lambda exc: self.finished_with.emit("", str(exc)))

    def _show_progress(self, fraction: float, message: str):
        self.bar.setValue(int(fraction * 100))
        self.status.setText(tr("package.working", step=message))

    def _done(self, path: str, error: str):
        self.create_button.setEnabled(True)
        self.job = None
        if error:
            self.status.setText(tr("package.failed", error=localize(error)))
        elif path:
            self.result_path = Path(path)
            self.bar.setValue(100)
            size = f"{self.result_path.stat().st_size / 1e6:.1f}"
            self.status.setText(tr("package.done", path=path, size=size))
        else:
            self.status.setText("")

    def busy(self) -> bool:
        return self.job is not None

    def reject(self):
        if self.job is not None:
            self.job.cancel()  # the worker stops at its next step and removes its partial file
        super().reject()


def _create(job, req):
    """Worker thread: the package (Cancelled, raised by the job's progress, ends it)."""
    from offline.package import create_package
    return create_package(req, job.reporter())
