"""Where the docks go, and remembering where the user put them.

Default: the map takes most of the window (≥ 55 % of its area at 1920×1080 and at
1366×768): layers and legend in a narrow left column; the inspector, heritage, BIM-browser and annotation tabs above
the alarm/chart/vital-signs tabs in the right column; the time slider a thin strip
under the map only. Whatever the user then drags, resizes or closes is saved
on exit (QSettings) and restored at the next start; View › Reset layout goes back.
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt

from console import settings

LAYOUT_VERSION = 5          # bump when dock names or the default arrangement change
LEFT_SHARE, LEFT_MIN = 0.125, 170
RIGHT_SHARE, RIGHT_MIN = 0.2, 260
LEFT = ("layers",)
RIGHT_TOP = ("inspector", "hbim", "bim-browser", "annotations")
RIGHT_BOTTOM = ("sensor-alarms", "sensor-chart", "sensor-vitals")


def _docks(window) -> dict:
    from PySide6.QtWidgets import QDockWidget
    return {d.objectName(): d for d in window.findChildren(QDockWidget)}


def compact(window):
    """Side columns may be narrow: drop-downs shrink to a few characters (their lists still open
    full width) instead of holding the column as wide as their longest entry."""
    from PySide6.QtWidgets import QComboBox, QWidget
    docks = _docks(window)
    if "sensor-time" in docks and docks["sensor-time"].titleBarWidget() is None:
        docks["sensor-time"].setTitleBarWidget(QWidget())  # a thin strip under the map: a title would double it
    for d in docks.values():
        for box in d.findChildren(QComboBox):
            box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(5)


def _group(window, area, names, docks) -> list:
    """Docks ``names`` as one tab group in ``area``, the first raised."""
    group = [docks[n] for n in names if n in docks]
    for d in group:  # out of any old tab group first: Qt keeps a dock moved while tabbed in it
        window.removeDockWidget(d)
    if group:
        window.addDockWidget(area, group[0])
    return _tabs(window, group)


def _tabs(window, group) -> list:
    for d in group[1:]:
        window.tabifyDockWidget(group[0], d)
    for d in group:
        d.show()
    if group:
        group[0].raise_()
    return group


def arrange(window):
    """The default arrangement (docks that a panel did not make are skipped)."""
    docks = _docks(window)
    compact(window)
    window.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)
    window.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)
    for d in docks.values():
        d.setFloating(False)
    _group(window, Qt.LeftDockWidgetArea, LEFT, docks)
    # the right column: split while its first docks are alone, tab afterwards (splitting a dock
    # that is already tabbed puts the new one into its tab group)
    top = [docks[n] for n in RIGHT_TOP if n in docks]
    bottom = [docks[n] for n in RIGHT_BOTTOM if n in docks]
    for d in top + bottom:
        window.removeDockWidget(d)
    if top:
        window.addDockWidget(Qt.RightDockWidgetArea, top[0])
    if bottom:
        if top:
            window.splitDockWidget(top[0], bottom[0], Qt.Vertical)
        else:
            window.addDockWidget(Qt.RightDockWidgetArea, bottom[0])
    _tabs(window, top)
    _tabs(window, bottom)
    _group(window, Qt.BottomDockWidgetArea, ("sensor-time",), docks)
    size(window)


def size(window):
    """Column widths and the split of the right column, for the window's current size."""
    docks = _docks(window)
    w, h = window.width(), window.height()
    left, right = docks.get("layers"), docks.get("inspector") or docks.get("sensor-alarms")
    pairs = [(d, max(m, int(share * w))) for d, share, m in
             ((left, LEFT_SHARE, LEFT_MIN), (right, RIGHT_SHARE, RIGHT_MIN)) if d is not None]
    if pairs:
        window.resizeDocks([d for d, _ in pairs], [v for _, v in pairs], Qt.Horizontal)
    top, bottom = docks.get("inspector"), docks.get("sensor-alarms")
    if top is not None and bottom is not None:
        window.resizeDocks([top, bottom], [int(h * 0.42), int(h * 0.58)], Qt.Vertical)
    if "sensor-time" in docks:
        window.resizeDocks([docks["sensor-time"]], [40], Qt.Vertical)


def restore(window, geometry: bool = False) -> bool:
    """The arrangement saved at the last exit; False when there is none (or an older one)."""
    s = settings.settings()
    if int(s.value("ui/layout_version", 0) or 0) != LAYOUT_VERSION:
        return False
    state = s.value("ui/window_state")
    if not isinstance(state, QByteArray) or state.isEmpty():
        return False
    if geometry:
        geo = s.value("ui/window_geometry")
        if isinstance(geo, QByteArray) and not geo.isEmpty():
            window.restoreGeometry(geo)
    return bool(window.restoreState(state, LAYOUT_VERSION))


def remember(window):
    s = settings.settings()
    s.setValue("ui/layout_version", LAYOUT_VERSION)
    s.setValue("ui/window_state", window.saveState(LAYOUT_VERSION))
    s.setValue("ui/window_geometry", window.saveGeometry())
    s.sync()


def forget():
    s = settings.settings()
    for key in ("ui/layout_version", "ui/window_state", "ui/window_geometry"):
        s.remove(key)
    s.sync()


def view_share(window) -> float:
    """The 3D view's share of the window's area (what the layout promises to keep ≥ 55 %)."""
    v = window.view
    return (v.width() * v.height()) / max(1, window.width() * window.height())
