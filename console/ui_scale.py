"""Font scaling: the interface readable on a 3840×2160 wall from 3 m, and on a laptop.

``open --font-scale F`` (remembered) or the "ui/font_scale" setting multiplies the
application font; 0 or unset means automatic: 1 on a desktop screen, the screen's logical
height over 1080 on a wall (a logical width of 3000 px or more: a 4K wall driven without
the platform's own scaling gets 2×). Qt's high-DPI scaling, where the platform reports
it, already enlarges everything and leaves the logical size at desktop values, so the two
never multiply. The layout (console/layout.py) sizes its columns with the same factor.
"""
from __future__ import annotations

import logging

from console import settings

log = logging.getLogger(__name__)
WALL_WIDTH = 3000
KEY = "ui/font_scale"


def saved() -> float:
    try:
        return max(0.0, float(settings.settings().value(KEY, 0) or 0))
    except (TypeError, ValueError):
        return 0.0


def save(scale: float) -> None:
    s = settings.settings()
    s.setValue(KEY, float(scale))
    s.sync()


def automatic(screen) -> float:
    if screen is None:
        return 1.0
    size = screen.size()
    if size.width() < WALL_WIDTH:
        return 1.0
    return round(size.height() / 1080 * 4) / 4


def apply(app, scale: float | None = None) -> float:
    """Scale the application font (``scale`` given on the command line, else the setting, else
    automatic); returns the factor used. Called once, before any window is made."""
    chosen = scale if scale else saved() or automatic(app.primaryScreen())
    chosen = min(max(chosen, 0.5), 4.0)
    if abs(chosen - 1.0) > 1e-3:
        font = app.font()
        font.setPointSizeF(font.pointSizeF() * chosen)
        app.setFont(font)
        log.info("interface font scaled %.2f×", chosen)
    app.setProperty("songjiang_font_scale", chosen)
    return chosen


def current(app=None) -> float:
    from PySide6.QtWidgets import QApplication
    app = app or QApplication.instance()
    value = app.property("songjiang_font_scale") if app is not None else None
    return float(value) if value else 1.0
