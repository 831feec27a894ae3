"""The window's File and Help dialogs: add layers, open/save a project, save an image, datum, field package, about.

Each asks, then calls the window's own verb (``load_files``, ``open_project``…), so a test or a
script does the same without the dialog.
"""
from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from layers.i18n import tr


def add_layer(window, assume_crs=None):
    paths, _ = QFileDialog.getOpenFileNames(window, tr("action.add_layer"), "", tr("filter.data"))
    if paths:
        window.load_files(paths, assume_crs)


def save_project(window):
    path, _ = QFileDialog.getSaveFileName(window, tr("action.save_project"), "songjiang.sjproj", tr("filter.project"))
    if path:
        window.save_project_reporting(path)


def open_project(window):
    path, _ = QFileDialog.getOpenFileName(window, tr("action.open_project"), "", tr("filter.project"))
    if path:
        window.open_project(path)


def save_image(window):
    path, _ = QFileDialog.getSaveFileName(window, tr("action.save_image"), "songjiang.png", "PNG (*.png)")
    if path:
        window.save_image(path)


def datum(window):
    from widgets.datum_dialog import DatumDialog
    dialog = DatumDialog(window.project.crs.datum_shift, window)
    if dialog.exec():
        set_datum_shift(window.project, window.status, dialog.shift)


def set_datum_shift(project, status, shift):
    """The project's Helmert set: saved with the project, used by layers read from now on."""
    project.crs.datum_shift = shift
    text = "—" if shift is None else f"{shift.kind} {shift.source}"
    status.show(tr("status.datum_set", text=text), 8000)


def package(window):
    """File › Create field package…: built on a worker thread (widgets/package_dialog.py)."""
    from layers import paths
    from widgets.package_dialog import PackageDialog
    dialog = PackageDialog(paths.data_dir() / "field-packages", window, project_path=window.project.path)
    dialog.show()
    return dialog


def about(window):
    QMessageBox.about(window, tr("app.title"), tr("about.text"))
