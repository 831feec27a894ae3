"""The window's Qt palette for a map theme: the wall theme darkens the panels too, so a video
wall is not a dark map framed by bright white docks."""
from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

_ORIGINAL: dict = {}


def _dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor(18, 22, 30), QColor(26, 31, 41), QColor(214, 224, 236)
    for role, colour in ((QPalette.Window, window), (QPalette.WindowText, text), (QPalette.Base, base),
                         (QPalette.AlternateBase, QColor(30, 36, 48)), (QPalette.Text, text),
                         (QPalette.Button, QColor(34, 40, 52)), (QPalette.ButtonText, text),
                         (QPalette.ToolTipBase, window), (QPalette.ToolTipText, text),
                         (QPalette.Highlight, QColor(42, 110, 190)), (QPalette.HighlightedText, QColor(255, 255, 255)),
                         (QPalette.Link, QColor(110, 170, 255)), (QPalette.PlaceholderText, QColor(120, 132, 148))):
        p.setColor(role, colour)
    for role in (QPalette.Text, QPalette.WindowText, QPalette.ButtonText):
        p.setColor(QPalette.Disabled, role, QColor(110, 118, 130))
    return p


def apply_palette(theme):
    app = QApplication.instance()
    if app is None:
        return
    if not _ORIGINAL:
        _ORIGINAL.update(palette=app.palette(), style=app.style().name())
    if theme.dark:
        app.setStyle("Fusion")
        app.setPalette(_dark_palette())
    elif app.style().name() != _ORIGINAL["style"] or app.palette() != _ORIGINAL["palette"]:
        app.setStyle(_ORIGINAL["style"])
        app.setPalette(_ORIGINAL["palette"])
