"""Chart dock: live time series of the picked terminals, one plot per unit, sharing the time axis.

Readings in different units never share a y-axis: each unit gets its own plot,
stacked, with its own threshold lines, and all plots follow one time axis.
pyqtgraph with automatic downsampling and clip-to-view, so hours of 1 Hz data
stay cheap to redraw. Times are Unix seconds shown in China Standard Time; a
vertical cursor follows the time slider while replaying.

pyqtgraph (~0.5 s to import) is imported when the chart is first shown or given a series, not when
the window is made: the chart is a tab of the bottom docks and the window's first frame of the map
does not wait for it (issue 25, start-up: heavy imports off the first-frame path).
"""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from layers.sensors.strings import tr

MAX_SERIES = 6
MAX_POINTS = 20_000
PENS = ("#4fc3f7", "#ffb74d", "#ba68c8", "#81c784", "#f06292", "#e0e0e0")
WARN_PEN, CRIT_PEN = "#ffc107", "#f44336"
MIN_SPAN_S = 600.0  # show at least ten minutes of time axis
pg = None  # pyqtgraph, once a chart is first built (_import_pyqtgraph)


def _import_pyqtgraph():
    global pg
    if pg is None:
        import pyqtgraph
        pg = pyqtgraph
    return pg


def prefetch():
    """Import pyqtgraph on a thread of its own (the panel asks once the layers have loaded), so the first
    chart a user opens is made at once. The import makes no Qt object; a chart made meanwhile waits for it
    (Python's per-module import lock)."""
    if pg is None:
        from layers.background import start_thread
        start_thread(_import_pyqtgraph, name="prefetch-pyqtgraph")


class SensorChart(QWidget):
    cleared = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.view = None  # the plots' pyqtgraph widget, made by ensure()
        self.plots: dict = {}   # unit → its pg.PlotItem, top to bottom in the order added
        self._cursors: dict = {}  # unit → its pg.InfiniteLine
        self._cursor_t: float | None = None
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignCenter)
        self.empty.setWordWrap(True)  # the chart shares a narrow side column with the alarms
        self.clear_button = QPushButton()
        self.clear_button.clicked.connect(self.clear)
        top = QHBoxLayout()
        top.addWidget(self.empty, 1)
        top.addWidget(self.clear_button)
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(2, 2, 2, 2)
        self._box.addLayout(top)
        self._box.addStretch(1)  # where the plots go (ensure)
        self.series: dict[int, dict] = {}
        self._lines: dict = {}  # (unit, kind, value) → its pg.InfiniteLine in the plot of its unit
        self.retranslate()

    def ensure(self):
        """The plots, made on first need: pyqtgraph imported, an empty plot that shows clock time."""
        if self.view is not None:
            return
        _import_pyqtgraph()
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground("#1c2129")
        stretch = self._box.takeAt(1)
        del stretch
        self._box.addWidget(self.view, 1)
        self._placeholder()

    def showEvent(self, event):
        super().showEvent(event)
        self.shown()

    def shown(self, visible: bool = True):
        """The chart (or its dock tab, ``QDockWidget.visibilityChanged``) came into view: its plots, soon.

        After the window's next events, and only if it is still in view: as the window opens, a dock tab
        behind another is shown, then covered (and Qt keeps calling it visible: visibleRegion tells)."""
        if visible and self.view is None:
            QTimer.singleShot(0, self._ensure_if_shown)

    def _ensure_if_shown(self):
        if not self.visibleRegion().isEmpty():  # a dock tab behind another stays "visible" to Qt
            self.ensure()

    # plots -----------------------------------------------------------------------------
    def _new_plot(self, unit: str):
        plot = pg.PlotItem(axisItems={"bottom": pg.DateAxisItem(utcOffset=-8 * 3600)})
        plot.showGrid(x=True, y=True, alpha=0.2)
        plot.setDownsampling(auto=True, mode="peak")
        plot.setClipToView(True)
        plot.addLegend(offset=(8, 8))
        plot.setLabel("left", unit)
        first = next(iter(self.plots.values()), None)
        if first is not None:
            plot.setXLink(first)
        cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#ffffff", width=1, style=Qt.DashLine))
        cursor.setVisible(self._cursor_t is not None)
        if self._cursor_t is not None:
            cursor.setValue(self._cursor_t)
        plot.addItem(cursor, ignoreBounds=True)
        self.plots[unit] = plot
        self._cursors[unit] = cursor
        self._relayout()
        return plot

    def _placeholder(self):
        """An empty chart still shows clock time (a plot with no unit, replaced by the first series)."""
        plot = self._new_plot("")
        now = time.time()
        plot.setXRange(now - MIN_SPAN_S, now, padding=0)

    def _relayout(self):
        self.view.ci.clear()
        for row, plot in enumerate(self.plots.values()):
            self.view.ci.addItem(plot, row=row, col=0)

    def _plot_for(self, unit: str):
        if unit in self.plots:
            return self.plots[unit]
        if list(self.plots) == [""]:  # the placeholder gives way to the first real unit
            self._drop_plot("")
        return self._new_plot(unit)

    def _drop_plot(self, unit: str):
        plot = self.plots.pop(unit)
        self._cursors.pop(unit)
        for key in [k for k in self._lines if k[0] == unit]:
            self._lines.pop(key)
        self.view.ci.removeItem(plot)
        if self.plots:
            first = next(iter(self.plots.values()))
            first.setXLink(None)
            for other in list(self.plots.values())[1:]:
                other.setXLink(first)
        self._relayout()

    @property
    def cursor(self):
        """The replay cursor (a pg.InfiniteLine) of the top plot."""
        self.ensure()
        return next(iter(self._cursors.values()))

    def retranslate(self):
        self.empty.setText(tr("sensors.chart_empty"))
        self.clear_button.setText(tr("sensors.chart_clear"))
        for (_unit, kind, v), line in self._lines.items():
            line.label.setFormat(tr(f"sensors.{kind}_line", v=v))

    # series ------------------------------------------------------------------------------
    def sensors(self) -> list[int]:
        return list(self.series)

    def has(self, sensor: int) -> bool:
        return sensor in self.series

    def add_series(self, sensor: int, label: str, unit: str, warn: float, crit: float, times, values):
        """Chart one terminal in the plot of its unit (replacing its old curve); the oldest goes beyond MAX_SERIES."""
        self.ensure()
        if sensor in self.series:
            self.remove(sensor)
        while len(self.series) >= MAX_SERIES:
            self.remove(next(iter(self.series)))
        plot = self._plot_for(unit)
        pen = pg.mkPen(self._free_pen(), width=2)
        item = plot.plot([], [], pen=pen, name=label, symbol="o", symbolSize=4,
                         symbolBrush=pen.color(), symbolPen=None)
        keep = [(float(t), float(v)) for t, v in zip(times, values) if np.isfinite(t) and np.isfinite(v)]
        self.series[sensor] = {"item": item, "t": [t for t, _ in keep], "v": [v for _, v in keep],
                               "unit": unit, "pen": pen.color().name(), "label": label}
        self._threshold(unit, "warn", warn, WARN_PEN)
        self._threshold(unit, "crit", crit, CRIT_PEN)
        self._redraw(sensor)

    def units(self) -> list[str]:
        """The y-axes shown, top to bottom (one per unit of the charted terminals)."""
        return [u for u in self.plots if u]

    def _free_pen(self) -> str:
        used = {s["pen"] for s in self.series.values()}
        return next((p for p in PENS if p not in used), PENS[0])

    def _threshold(self, unit: str, kind: str, v: float, colour: str):
        if not np.isfinite(v) or (unit, kind, v) in self._lines:
            return
        line = pg.InfiniteLine(pos=v, angle=0, movable=False, pen=pg.mkPen(colour, width=1, style=Qt.DashLine),
                               label=tr(f"sensors.{kind}_line", v=v),
                               labelOpts={"position": 0.4, "color": colour, "movable": False})
        self.plots[unit].addItem(line)
        self._lines[(unit, kind, v)] = line

    def append(self, sensor: int, t: float, v: float):
        s = self.series.get(sensor)
        if s is None or not (np.isfinite(t) and np.isfinite(v)) or (s["t"] and t <= s["t"][-1]):
            return
        s["t"].append(float(t))
        s["v"].append(float(v))
        if len(s["t"]) > MAX_POINTS:
            del s["t"][: MAX_POINTS // 10], s["v"][: MAX_POINTS // 10]
        self._redraw(sensor)

    def data(self, sensor: int) -> tuple[np.ndarray, np.ndarray]:
        s = self.series[sensor]
        return np.array(s["t"]), np.array(s["v"])

    def _redraw(self, sensor):
        t, v = self.data(sensor)
        s = self.series[sensor]
        item = s["item"]
        item.setSymbol("o" if len(t) <= 300 else None)  # dots help on short series, cost on long ones
        item.setData(t, v)
        self.empty.setVisible(not self.series)
        if len(t) and float(np.ptp(t)) < MIN_SPAN_S:
            # one reading (or a burst) would zoom the time axis to fractions of a second
            end = float(np.max(t))
            self.plots[s["unit"]].setXRange(end - MIN_SPAN_S, end + MIN_SPAN_S * 0.05, padding=0)

    def remove(self, sensor: int):
        s = self.series.pop(sensor, None)
        if s is None:
            return
        plot = self.plots[s["unit"]]
        plot.removeItem(s["item"])
        if plot.legend is not None:
            plot.legend.removeItem(s["item"])
        if not any(o["unit"] == s["unit"] for o in self.series.values()):
            self._drop_plot(s["unit"])
            if not self.plots:
                self._placeholder()

    def clear(self):
        for sensor in list(self.series):
            self.remove(sensor)
        self.empty.setVisible(True)
        self.cleared.emit()

    def set_cursor(self, t: float | None):
        self._cursor_t = None if t is None else float(t)
        for unit, cursor in self._cursors.items():
            cursor.setVisible(t is not None)
            if t is not None:
                cursor.setValue(float(t))
                plot = self.plots.get(unit)
                lo, hi = plot.viewRange()[0] if plot is not None else (t, t)
                if not lo <= t <= hi:  # the replayed moment stays in view: the chart follows the slider
                    plot.setXRange(min(lo, t), max(hi, t), padding=0.02)
