"""Where the docks go, and remembering where the user put them.

Default: the map takes most of the window (≥ 55 % of its area at 1920×1080 and at
1366×768): layers and legend in a narrow left column; the inspector, heritage, BIM-browser and annotation tabs above
the alarm/chart/vital-signs tabs in the right column; the time slider a thin strip
under the map only. Whatever the user then drags, resizes or closes is saved
on exit (QSettings) and restored at the next start; View › Reset layout goes back.

Laid out for what each dock must show (issue 26): the alarm list and the heritage record tree
at least MIN_ROWS rows each, every vital sign whole. The right column is split in two only
where both halves get their rows; on a shorter window (1366×768) its docks are one tab group,
each with the column's full height (the alarms raised). The window starts within the screen
(a wall fills it), and the column widths follow the font scale (console/ui_scale.py). While
the arrangement is the default one, resizing the window lays it out again.
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer

from console import settings

LAYOUT_VERSION = 6          # bump when dock names or the default arrangement change
LEFT_SHARE, LEFT_MIN = 0.115, 155
RIGHT_SHARE, RIGHT_MIN = 0.2, 290
TIME_STRIP = 40
MIN_ROWS = 8                # alarm rows and record rows each dock must show
DEFAULT_SIZE = (1600, 950)
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
    _WholeTabTitles.install(window)


class _WholeTabTitles(QObject):
    """Dock tab titles whole, the tab row scrolled: seven docks tabbed in a 300-pixel column were
    elided to "A… Se… Ci…", which names nothing. Qt makes the dock tab bars itself, when it lays the
    docks out (and again after a restore), so each one is caught as it joins the window."""

    NAME = "whole-tab-titles"

    @classmethod
    def install(cls, window):
        if window.findChild(QObject, cls.NAME) is None:
            window.installEventFilter(cls(window))
        for bar in _dock_tab_bars(window):
            _whole(bar)

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName(self.NAME)

    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.ChildPolished and obj is self.parent():
            child = ev.child()
            if child in _dock_tab_bars(obj):
                _whole(child)
        return False


def _dock_tab_bars(window) -> list:
    from PySide6.QtWidgets import QTabBar
    return [b for b in window.findChildren(QTabBar) if b.parent() is window]  # not the docks' own tab widgets


def _whole(bar):
    bar.setElideMode(Qt.ElideNone)
    bar.setUsesScrollButtons(True)


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


def initial_size(window):
    """The default size, within the screen's available area; a wall (console/ui_scale.py) is filled."""
    from console.ui_scale import WALL_WIDTH
    screen = window.screen()
    w, h = DEFAULT_SIZE
    if screen is not None:
        area = screen.availableGeometry()
        if area.width() >= WALL_WIDTH:
            w, h = area.width(), area.height()
        w, h = min(w, area.width()), min(h, area.height())
    window.resize(w, h)


def arrange(window):
    """The default arrangement (docks that a panel did not make are skipped)."""
    docks = _docks(window)
    compact(window)
    window.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)
    window.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)
    for d in docks.values():
        d.setFloating(False)
    _group(window, Qt.LeftDockWidgetArea, LEFT, docks)
    _right_column(window, docks, _split_fits(window, docks))
    _group(window, Qt.BottomDockWidgetArea, ("sensor-time",), docks)
    size(window)
    _Follow.install(window)


def _right_column(window, docks, split: bool):
    """Inspector tabs over alarm tabs (``split``), else all of them one tab group, alarms raised."""
    # split while the first docks are alone, tab afterwards (splitting a dock that is already
    # tabbed puts the new one into its tab group)
    top = [docks[n] for n in RIGHT_TOP if n in docks]
    bottom = [docks[n] for n in RIGHT_BOTTOM if n in docks]
    for d in top + bottom:
        window.removeDockWidget(d)
    if not split:
        group = bottom + top
        if group:
            window.addDockWidget(Qt.RightDockWidgetArea, group[0])
        _tabs(window, group)
        _state(window).split = False
        return
    if top:
        window.addDockWidget(Qt.RightDockWidgetArea, top[0])
    if bottom:
        if top:
            window.splitDockWidget(top[0], bottom[0], Qt.Vertical)
        else:
            window.addDockWidget(Qt.RightDockWidgetArea, bottom[0])
    _tabs(window, top)
    _tabs(window, bottom)
    _state(window).split = True


def _column_height(window) -> int:
    """Height of the right dock column: the window less menu, toolbars, status bar and time strip."""
    from console.ui_scale import current
    menu = window.menuWidget()  # the menu bar, measured (never reached into: console/actions.py builds it)
    bars = (menu.sizeHint().height() if menu is not None else 0) + window.statusBar().sizeHint().height()
    bars += sum(t.sizeHint().height() for t in window.findChildren(_toolbar_class()) if t.isVisibleTo(window))
    return window.height() - bars - int(TIME_STRIP * current())  # the time slider's strip


def _toolbar_class():
    from PySide6.QtWidgets import QToolBar
    return QToolBar


def _needs(window, docks) -> tuple[int, int]:
    """(heritage inspector, alarm dock) heights, title and tab bars included, for MIN_ROWS rows each."""
    fm = window.fontMetrics()
    chrome = 2 * (fm.height() + 12)           # the dock's title and its group's tab bar
    row = fm.height() + 8
    top = bottom = 0
    hbim = getattr(window.panels, "hbim", None)
    if hbim is not None:
        inspector = hbim.inspector
        tree = inspector.records
        top = inspector.minimumSizeHint().height() - tree.minimumSizeHint().height() \
            + tree.header().sizeHint().height() + MIN_ROWS * row + chrome
    sensors = getattr(window.panels, "sensor_panel", None)
    if sensors is not None:
        alarms = sensors.alarms
        table = alarms.table
        bottom = alarms.minimumSizeHint().height() - table.minimumSizeHint().height() \
            + table.horizontalHeader().sizeHint().height() + MIN_ROWS * table.verticalHeader().defaultSectionSize() \
            + chrome + 8
    return top, bottom


def _split_fits(window, docks) -> bool:
    if not any(n in docks for n in RIGHT_TOP) or not any(n in docks for n in RIGHT_BOTTOM):
        return True
    top, bottom = _needs(window, docks)
    return _column_height(window) >= top + bottom


def size(window):
    """Column widths and the split of the right column, for the window's current size."""
    from console.ui_scale import current
    k = current()
    docks = _docks(window)
    w = window.width()
    left, right = docks.get("layers"), docks.get("inspector") or docks.get("sensor-alarms")
    pairs = [(d, max(int(m * k), int(share * w))) for d, share, m in
             ((left, LEFT_SHARE, LEFT_MIN), (right, RIGHT_SHARE, RIGHT_MIN)) if d is not None]
    if pairs:
        window.resizeDocks([d for d, _ in pairs], [v for _, v in pairs], Qt.Horizontal)
    top, bottom = docks.get("inspector"), docks.get("sensor-alarms")
    if top is not None and bottom is not None and _state(window).split:
        need_top, need_bottom = _needs(window, docks)
        spare = max(0, _column_height(window) - need_top - need_bottom)
        window.resizeDocks([top, bottom], [need_top + int(spare * 0.4), need_bottom + spare - int(spare * 0.4)],
                           Qt.Vertical)
    if "sensor-time" in docks:
        window.resizeDocks([docks["sensor-time"]], [int(TIME_STRIP * k)], Qt.Vertical)


def _state(window) -> "_Follow":
    """The layout's own record for a window (a child QObject: nothing is set on the window)."""
    found = window.findChild(QObject, _Follow.NAME)
    return found if found is not None else _Follow(window)


class _Follow(QObject):
    """While the window keeps the default arrangement, a resize lays it out again (split or tabs)."""

    NAME = "layout-follow"

    @classmethod
    def install(cls, window):
        state = _state(window)
        if not state.installed:
            state.installed = True
            window.installEventFilter(state)
            for dock in _docks(window).values():  # the user moved a dock: the arrangement is theirs
                dock.dockLocationChanged.connect(state._moved)
                dock.topLevelChanged.connect(state._moved)
        state.default = True

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName(self.NAME)
        self.split = True
        self.default = False
        self.installed = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self.refit)
        self._fitting = False

    def _moved(self, *_):
        if not self._fitting:
            self.default = False

    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Resize and self.default and obj is self.parent():
            self.timer.start()
        return False

    def refit(self):
        win = self.parent()
        if not self.default or win is None:
            return
        self._fitting = True
        try:
            docks = _docks(win)
            split = _split_fits(win, docks)
            if split != self.split:
                _right_column(win, docks, split)
            size(win)
        finally:
            self._fitting = False


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
