"""The window's status bar: the cursor's position, load progress with its Cancel button, and messages.

Panels write to it through their context (``PanelContext.status``: ``show``, ``add_permanent``),
never through the window's ``statusBar()``.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QLabel, QMessageBox, QProgressBar, QPushButton, QStatusBar, QWidget

from layers.crs import WGS84, transform_xy
from layers.i18n import tr


class Status:
    def __init__(self, bar: QStatusBar, cancel: Callable[[], None]):
        self.bar = bar
        self.cursor_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(cancel)
        bar.addWidget(self.cursor_label, 1)  # a normal widget: messages show over it, not behind
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        self._cursor = None
        self.set_busy(False)

    def show(self, text: str, ms: int = 0):
        self.bar.showMessage(text, ms)

    def tell(self, message: str, title: str, parent: QWidget, ask: bool = True):
        """An error line: in the status bar, and (``ask``: the workspace's ``dialogs``) in a box that does not
        block the window."""
        self.show(message, 10000)
        if not ask:  # --no-dialogs, or a workspace made in code (tests, docs tools): the status bar only
            return
        box = QMessageBox(QMessageBox.Warning, title, message, QMessageBox.Ok, parent)
        box.setModal(False)
        box.show()

    def add_permanent(self, widget: QWidget):
        self.bar.addPermanentWidget(widget)

    def set_busy(self, busy: bool, message: str = ""):
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if message:
            self.show(message)

    def set_progress(self, fraction: float, message: str):
        self.progress.setValue(int(fraction * 100))
        self.progress.setToolTip(message)

    def show_cursor(self, x: float, y: float, z: float, crs: str):
        self._cursor = (x, y, z, crs)  # said again in the new language after a switch
        lon, lat = transform_xy([x], [y], crs, WGS84)
        self.cursor_label.setText(tr("status.cursor", lon=float(lon[0]), lat=float(lat[0]), crs=crs, x=x, y=y, z=z))

    def retranslate(self):
        self.cancel_button.setText(tr("status.cancel"))
        if self._cursor is not None:
            self.show_cursor(*self._cursor)
