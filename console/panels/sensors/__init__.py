"""Sensor panel: the 200k-terminal layer, its live feed, alarm/health dock, chart and time slider.

``install(ctx)`` is the sensors kind's panel in console/panels/kinds.py; the panel is split by
responsibility: feed.py (where readings come from), replay.py (the history and time replay),
selection.py (picking, selecting, flying), menus.py (the Sensors menu), history.py (the reader). The feed (simulator by
default; ``--no-feed``, ``Workspace.demo_feed``, keeps it quiet) runs on its own threads and only
enqueues; a 10 Hz QTimer here reads ``SensorState.version`` and touches VTK
only when it moved. Data-driven renders are paced so they take at most ~1/8 of
the GUI thread: a frame of the default scene costs ~200 ms on software GL (the
sensor cloud ~75 ms of it), and the event loop must keep turning under a flood.
Camera moves still render at once (console/view3d.py).
"""
from __future__ import annotations

import logging
import threading
import time

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel

from console.panels.sensors.feed import FeedControl
from console.panels.sensors.follow import follow_store
from console.panels.sensors.history import HistoryWorker
from console.panels.sensors.replay import Replay
from console.panels.sensors.selection import Selection
from console.panels.sensors.span import EXTENT_EVERY_TICKS, install_span
from layers.sensors.model import HISTORY_RETENTION_S
from layers.sensors.strings import tr
from widgets.sensors.alarm_dock import AlarmDock
from widgets.sensors.chart import SensorChart
from widgets.sensors.time_slider import TimeSlider
from widgets.sensors.vitals import VitalSigns
from layers.layer_kinds import is_kind
from offline.history_source import history_source

log = logging.getLogger(__name__)
TICK_MS = 100
SLOW_EVERY = 10          # ticks: alarms, health, chart once a second


def install(ctx) -> dict:
    return {"sensor_panel": SensorPanel(ctx)}


class SensorPanel(FeedControl, Replay, Selection, QObject):
    def __init__(self, ctx):
        super().__init__(ctx.host)
        self.ctx = ctx
        self.layer = self.model = self.adapter = self.live_history = None
        self.feed_settings = None  # MqttSettings of the broker to listen to; None: the demo simulator
        self._feed_lock = threading.Lock()
        self._generation, self._closed = 0, False
        self._style = {"colour_by": "state"}
        # bottom: the time slider across, alarms and chart side by side under it
        self.time_dock = self._dock("sensor-time", TimeSlider(HISTORY_RETENTION_S))
        self.alarm_dock = self._dock("sensor-alarms", AlarmDock())
        self.chart_dock = self._dock("sensor-chart", SensorChart())
        self.vitals_dock = self._dock("sensor-vitals", VitalSigns())
        self.alarms, self.chart, self.slider = (d.widget() for d in (self.alarm_dock, self.chart_dock, self.time_dock))
        self.vitals = self.vitals_dock.widget()
        # where the docks go: console/layout.py (one arrangement for every panel)
        self.vitals.indicator_activated.connect(self.select_indicator)
        self.feed_label = QLabel()
        self.feed_label.setObjectName("sensor-feed-status")
        ctx.status.add_permanent(self.feed_label)
        self.history = HistoryWorker(parent=self)
        self.history.series_ready.connect(self._series_ready)
        self.history.replay_ready.connect(self._replay_ready)
        self.history.vitals_ready.connect(self.vitals.show_trends)
        self.history.failed.connect(lambda msg: ctx.status.show(msg, 8000))
        install_span(self)  # the history-span setting: retention, the slider's reach, the chart's span
        self.alarms.sensor_activated.connect(lambda i: self.select_sensor(i, fly=True))
        self.slider.time_requested.connect(self._time_requested)
        self.slider.live_requested.connect(self._go_live)
        self.chart.cleared.connect(lambda: self.layer and self.layer.view.select([]))
        ctx.project.layers.events.inserted.connect(self._inserted)
        ctx.project.layers.events.removed.connect(self._removed)
        ctx.view.hit.connect(self._hit)
        ctx.view.picked.connect(self._picked)
        ctx.retranslate_hooks.append(self.retranslate)
        ctx.close_hooks.append(self.shutdown)
        from widgets.sensors import chart
        # the chart's pyqtgraph (chart.py), a second after the loads end: not beside the first frame's work
        ctx.loader.finished.connect(lambda: QTimer.singleShot(1000, chart.prefetch))
        self.chart_dock.visibilityChanged.connect(self.chart.shown)  # its tab chosen: the plots made
        from console.panels.sensors.menus import register_menu
        self.menu = register_menu(ctx.actions, self)
        self._pending_pick, self._seen, self._last_full, self._ticks, self._dirty = None, -1, 0.0, 0, False
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        from console.panels.sensors.demo import maybe_schedule_demo
        maybe_schedule_demo(self)

    def _dock(self, name, widget):
        return self.ctx.dock(name, widget, Qt.BottomDockWidgetArea)

    def retranslate(self):
        self.ctx.actions.refill("sensors")  # the checked colour mode and filters follow the style
        for dock, key in ((self.alarm_dock, "sensors.dock_alarms"), (self.chart_dock, "sensors.dock_chart"),
                          (self.time_dock, "sensors.dock_time"), (self.vitals_dock, "sensors.dock_vitals")):
            dock.setWindowTitle(tr(key))
        for w in (self.alarms, self.chart, self.slider, self.vitals):
            w.retranslate()
        if self.model is not None:  # series names in the new language, their readings kept
            for i in self.chart.sensors():
                times, values = self.chart.data(i)
                self.chart_series(i, list(times), list(values))
        if self.adapter is not None:
            self.adapter.retranslate()
        if self.model is not None:
            self._show_feed_status()  # the status-bar word in the new language (field mode never ticks it)
        shown = self.ctx.inspector
        if self.layer is not None and shown.layer is self.layer and "index" in shown.attributes:
            shown.show_feature(self.layer, self.model.attributes(int(shown.attributes["index"])))

    # the layer --------------------------------------------------------------------------
    def _inserted(self, _index, layer):
        if not is_kind(layer, "sensors") or self.layer is not None:
            return
        self.layer, self.model = layer, layer.data
        self.adapter = self.ctx.scene.adapters.get(layer.id)
        layer.style = {**self._style, **layer.style}
        from console import settings
        self.alarms.operator = settings.operator_name()
        from console.panels.sensors.store_alarms import follow_store_alarms
        self.store_alarms = follow_store_alarms(self)  # following the store: its alarms are this window's book
        self.alarms.bind(self.model.alarms, self.model.registry)
        self.model.history_path = self.ctx.workspace.sensor_history  # the workspace decides (None in the field)
        self._check_history()
        self.live_history = history_source(self.ctx.workspace, self.model.history_path)  # the file, or the store
        self.history.set_source(self.live_history)
        self.history.request_extent()
        if self.ctx.workspace.follow_store:
            follow_store(self)  # the recorders' readings, from the store (follow.py)
        elif self.ctx.workspace.wants_feed(self.feed_settings is not None):
            self._launch_feed()
        self.force()

    def _removed(self, _index, layer):
        if layer is self.layer:
            with self._feed_lock:
                self.model.stop()
                self.layer = self.model = self.adapter = self.live_history = None

    def style(self) -> dict:
        return dict(self.layer.style if self.layer is not None else self._style)

    def set_style(self, **changes):
        self._style = {**self.style(), **changes}
        if self.layer is not None:
            self.layer.set_style(**changes)
        self.force()
        self.retranslate()

    def toggle_filter(self, key: str, name: str, on: bool):
        chosen = [n for n in (self.style().get(key) or []) if n != name] + ([name] if on else [])
        self.set_style(**{key: chosen or None})

    # the 10 Hz tick ---------------------------------------------------------------------------
    def force(self):
        self._seen = -1

    def tick(self):
        if self.model is None:
            return
        state, now = self.model.view()
        wall = time.monotonic()
        if state.version != self._seen or wall - self._last_full >= 1.0:
            self._seen, self._last_full = state.version, wall
            self._dirty |= self.adapter.update(state.snapshot(now))
        if self._dirty:  # paced by the one render scheduler (console/view3d.py)
            self._dirty = False
            self.ctx.scene.request_render(data=True)
        self._ticks += 1
        if self._ticks % SLOW_EVERY == 0:
            self.slow_tick(state, now)

    def slow_tick(self, state, now):
        self.slider.tick()
        if self.model.replay is None:
            if self.model.alarms.version != getattr(self, "_alarm_version", None):
                self._alarm_version = self.model.alarms.version
                self.alarms.refresh()
            for i in self.chart.sensors():
                self.chart.append(i, float(state.time[i]), float(state.value[i]))
        codes = state.states(now)  # the map's rule (terminal_states), for the table's "now" column too
        self.alarms.show_states(codes)
        if self._ticks % (5 * SLOW_EVERY) == 0 or self.alarms.health_shown():
            self.alarms.health.show_health(self.model.registry, codes, state.time)
        self._show_feed_status()
        if self._ticks % (5 * SLOW_EVERY) == 0 or not self.vitals.values:
            self.refresh_vitals(now)
        if self._ticks % (30 * SLOW_EVERY) == SLOW_EVERY:  # at start, then every 30 s
            self.request_trends()
        if self._ticks % (EXTENT_EVERY_TICKS * SLOW_EVERY) == SLOW_EVERY:
            self.history.request_extent()
        pipe = self.model.pipeline
        if pipe is not None and pipe.retrying:
            self.ctx.status.show(tr("sensors.store_retrying", msg=pipe.retrying), 2000)
        error = getattr(self, "_feed_error", "") or (pipe.error if pipe is not None else "")
        if error and not getattr(self, "_reported", False):
            self._reported = True
            from layers.messages import localize
            self.ctx.report_error(tr("sensors.feed_error", msg=localize(error)))

    def refresh_vitals(self, now: float | None = None):
        from layers.sensors.vitals import vital_signs
        if self.model is not None:
            self.vitals.show(vital_signs(self.model, time.time() if now is None else now))

    def request_trends(self):
        """The vital signs' last hours from the history (the reader thread answers)."""
        from widgets.sensors.vitals import TREND_HOURS
        t1 = self.model.replay.time if self.model is not None and self.model.replay else time.time()
        self.history.request_vitals(t1 - TREND_HOURS * 3600.0, t1)

    # shutdown ---------------------------------------------------------------------------------------
    @property
    def frame_s(self) -> float:
        """The last frame's time (the window's render scheduler measures it)."""
        return self.ctx.view.frame_s

    def shutdown(self):
        self.timer.stop()
        self.slider.play_button.setChecked(False)
        with self._feed_lock:
            self._closed = True
            if self.model is not None:
                self.model.stop()
        self.history.stop()
