"""Time slider: replay the sensor layer and alarms at a past moment, play/pause/speed, back to live.

The slider spans the last ``span_s`` seconds (the history-span setting, a day by default) up to
now, and further back when the history holds older readings (``cover``);
moving it asks for that moment (``time_requested``), playing advances it at the
chosen speed and returns to live when it catches up with the present.
"""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from layers.sensors.strings import fmt_time, tr

SPEEDS = (1, 10, 60, 300)
STEP_MS = 500


class TimeSlider(QWidget):
    time_requested = Signal(float)
    live_requested = Signal()

    def __init__(self, span_s: float = 1800.0, parent=None):
        super().__init__(parent)
        self.span = self.base_span = float(span_s)
        self._covered: float | None = None  # the history's first reading, once known
        self.end = time.time()
        self.time: float | None = None  # None = live
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(0, int(self.span))
        self.slider.setValue(int(self.span))
        self.slider.valueChanged.connect(self._moved)
        self.label = QLabel()
        self.label.setMinimumWidth(190)
        self.play_button = QPushButton()
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._play)
        self.speed = QComboBox()
        for s in SPEEDS:
            self.speed.addItem(f"{s}×", s)
        self.speed.setCurrentIndex(2)
        self.live_button = QPushButton()
        self.live_button.clicked.connect(self.go_live)
        box = QHBoxLayout(self)
        box.setContentsMargins(6, 2, 6, 2)
        for w, stretch in ((self.play_button, 0), (self.speed, 0), (self.slider, 1), (self.label, 0),
                           (self.live_button, 0)):
            box.addWidget(w, stretch)
        self._timer = QTimer(self)
        self._timer.setInterval(STEP_MS)
        self._timer.timeout.connect(self._step)
        self._quiet = False
        self._fixed_end = False  # True while an opened history file, not the present, ends the range
        self.retranslate()

    def retranslate(self):
        self.play_button.setText(tr("sensors.pause") if self.play_button.isChecked() else tr("sensors.play"))
        self.live_button.setText(tr("sensors.live"))
        self._show()

    def _show(self):
        if self.time is None:
            self.label.setText(tr("sensors.live_now", time=fmt_time(self.end)))
        else:
            self.label.setText(tr("sensors.replaying", time=fmt_time(self.time)))
        self.live_button.setEnabled(self.time is not None)

    def tick(self, now: float | None = None):
        """While live, keep the right end of the slider at the present."""
        if self.time is None:
            self.end = time.time() if now is None else now
            self._fit()  # the left end stays on the history's first reading while the right one moves
            self._show()

    def set_time(self, t: float):
        """Replay at Unix time t (the range grows to include it)."""
        if self.time is None and not self._fixed_end:
            self.end = max(self.end, time.time())
        if t < self.end - self.span:
            self.span = self.end - t
            self._set_slider_range()
        self.time = min(float(t), self.end)
        self._quiet = True
        self.slider.setValue(int(round(self.time - (self.end - self.span))))
        self._quiet = False
        self._show()
        self.time_requested.emit(self.time)

    @property
    def start(self) -> float:
        """The moment at the slider's left end."""
        return self.end - self.span

    def set_span(self, span_s: float):
        """The setting changed: span at least this much (what the history holds stays reachable)."""
        self.base_span = float(span_s)
        self._fit()

    def cover(self, t0: float):
        """The history holds readings from ``t0`` on: the slider reaches back to them (and no further
        than the setting once pruning has moved them on)."""
        self._covered = float(t0)
        self._fit()

    def _fit(self):
        if self._fixed_end:
            return  # an opened file's span (show_range)
        held = self.end - self._covered if self._covered is not None else 0.0
        span = max(self.base_span, held)
        if int(span) != int(self.span):
            self.span = span
            self._set_slider_range()
            self._show_position()
        self.span = span

    def _show_position(self):
        self._quiet = True
        self.slider.setValue(self.slider.maximum() if self.time is None
                             else int(round(self.time - (self.end - self.span))))
        self._quiet = False

    def _set_slider_range(self):
        self._quiet = True
        self.slider.setRange(0, int(self.span))
        self._quiet = False

    def _moved(self, value: int):
        if self._quiet:
            return
        if value >= self.slider.maximum() and self.time is None:
            return
        self.set_time(self.end - self.span + value)

    def _play(self, on: bool):
        self.play_button.setText(tr("sensors.pause") if on else tr("sensors.play"))
        if on:
            if self.time is None:  # playing from live starts at the beginning of the window
                self.set_time(self.end - self.span)
            self._timer.start()
        else:
            self._timer.stop()

    def _step(self):
        if self.time is None:
            return self.play_button.setChecked(False)
        t = self.time + self.speed.currentData() * STEP_MS / 1000.0
        if t >= (self.end if self._fixed_end else time.time()):
            self.play_button.setChecked(False)
            return self.set_time(self.end) if self._fixed_end else self.go_live()
        self.set_time(t)

    def show_range(self, t0: float, t1: float):
        """Replay a recorded span (an opened history file): the slider covers it, ending at its last reading."""
        self.play_button.setChecked(False)
        self._fixed_end = True
        self.end = float(t1)
        self.span = max(float(t1) - float(t0), 1.0)
        self._set_slider_range()
        self.time = None  # so set_time keeps this end instead of the present
        self.set_time(float(t1))

    def go_live(self):
        self.play_button.setChecked(False)
        self._fixed_end = False
        self.time = None
        self.end = time.time()
        self.set_span(self.base_span)  # back from an opened file's span to the window's own
        self._quiet = True
        self.slider.setValue(self.slider.maximum())
        self._quiet = False
        self._show()
        self.live_requested.emit()
