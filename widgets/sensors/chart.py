"""Chart dock: live time series of the picked terminals, overlaid, with their threshold lines.

pyqtgraph with automatic downsampling and clip-to-view, so hours of 1 Hz data
stay cheap to redraw. Times are Unix seconds shown in China Standard Time; a
vertical cursor follows the time slider while replaying.
"""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from layers.sensors.strings import tr

MAX_SERIES = 6
MAX_POINTS = 20_000
PENS = ("#4fc3f7", "#ffb74d", "#ba68c8", "#81c784", "#f06292", "#e0e0e0")
WARN_PEN, CRIT_PEN = "#ffc107", "#f44336"


MIN_SPAN_S = 600.0  # show at least ten minutes of time axis


class SensorChart(QWidget):
    cleared = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(utcOffset=-8 * 3600)})
        now = time.time()
        self.plot.setXRange(now - MIN_SPAN_S, now, padding=0)  # an empty chart still shows clock time
        self.plot.setBackground("#1c2129")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setDownsampling(auto=True, mode="peak")
        self.plot.setClipToView(True)
        self.legend = self.plot.addLegend(offset=(8, 8))
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#ffffff", width=1, style=Qt.DashLine))
        self.cursor.setVisible(False)
        self.plot.addItem(self.cursor, ignoreBounds=True)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignCenter)
        self.clear_button = QPushButton()
        self.clear_button.clicked.connect(self.clear)
        top = QHBoxLayout()
        top.addWidget(self.empty, 1)
        top.addWidget(self.clear_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addLayout(top)
        box.addWidget(self.plot, 1)
        self.series: dict[int, dict] = {}
        self._lines: dict[tuple, pg.InfiniteLine] = {}
        self.retranslate()

    def retranslate(self):
        self.empty.setText(tr("sensors.chart_empty"))
        self.clear_button.setText(tr("sensors.chart_clear"))
        for (kind, v), line in self._lines.items():
            line.label.setFormat(tr(f"sensors.{kind}_line", v=v))

    def sensors(self) -> list[int]:
        return list(self.series)

    def has(self, sensor: int) -> bool:
        return sensor in self.series

    def add_series(self, sensor: int, label: str, unit: str, warn: float, crit: float, times, values):
        """Chart one terminal (replacing its old curve); the oldest curve goes beyond MAX_SERIES."""
        if sensor in self.series:
            self.remove(sensor)
        while len(self.series) >= MAX_SERIES:
            self.remove(next(iter(self.series)))
        pen = pg.mkPen(self._free_pen(), width=2)
        item = self.plot.plot([], [], pen=pen, name=label, symbol="o", symbolSize=4,
                              symbolBrush=pen.color(), symbolPen=None)
        keep = [(float(t), float(v)) for t, v in zip(times, values) if np.isfinite(t) and np.isfinite(v)]
        self.series[sensor] = {"item": item, "t": [t for t, _ in keep], "v": [v for _, v in keep],
                               "unit": unit, "pen": pen.color().name()}
        self._threshold("warn", warn, WARN_PEN)
        self._threshold("crit", crit, CRIT_PEN)
        self.plot.setLabel("left", unit)
        self._redraw(sensor)

    def _free_pen(self) -> str:
        used = {s["pen"] for s in self.series.values()}
        return next((p for p in PENS if p not in used), PENS[0])

    def _threshold(self, kind: str, v: float, colour: str):
        if (kind, v) in self._lines:
            return
        line = pg.InfiniteLine(pos=v, angle=0, movable=False, pen=pg.mkPen(colour, width=1, style=Qt.DashLine),
                               label=tr(f"sensors.{kind}_line", v=v),
                               labelOpts={"position": 0.4, "color": colour, "movable": False})
        self.plot.addItem(line)
        self._lines[(kind, v)] = line

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
        item = self.series[sensor]["item"]
        item.setSymbol("o" if len(t) <= 300 else None)  # dots help on short series, cost on long ones
        item.setData(t, v)
        self.empty.setVisible(not self.series)
        if len(t) and float(np.ptp(t)) < MIN_SPAN_S:
            # one reading (or a burst) would zoom the time axis to fractions of a second
            end = float(np.max(t))
            self.plot.setXRange(end - MIN_SPAN_S, end + MIN_SPAN_S * 0.05, padding=0)

    def remove(self, sensor: int):
        s = self.series.pop(sensor, None)
        if s is not None:
            self.plot.removeItem(s["item"])
            self.legend.removeItem(s["item"])

    def clear(self):
        for sensor in list(self.series):
            self.remove(sensor)
        for line in self._lines.values():
            self.plot.removeItem(line)
        self._lines.clear()
        self.empty.setVisible(True)
        self.cleared.emit()

    def set_cursor(self, t: float | None):
        self.cursor.setVisible(t is not None)
        if t is not None:
            self.cursor.setValue(float(t))
