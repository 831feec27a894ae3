"""Sensor panel: the 200k-terminal layer, its live feed, alarm/health dock, chart and time slider.

``install(window)`` is the sensors kind's panel in layers/layer_kinds.py. The feed (simulator by
default; ``--no-feed``, ``Workspace.demo_feed``, keeps it quiet) runs on its own threads and only
enqueues; a 10 Hz QTimer here reads ``SensorState.version`` and touches VTK
only when it moved. Data-driven renders are paced so they take at most ~1/8 of
the GUI thread: a frame of the default scene costs ~200 ms on software GL (the
sensor cloud ~75 ms of it), and the event loop must keep turning under a flood.
Camera moves still render at once (console/view3d.py).
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QLabel

from console.panels.sensors.history import HistoryWorker
from layers.sensors.model import DEFAULT_RATE, HISTORY_RETENTION_S
from layers.sensors.strings import kind_label, tr
from layers.bookmarks import bookmark_for_extent
from layers.districts import view_of
from layers.sensors import kinds as K
from widgets.sensors.alarm_dock import AlarmDock
from widgets.sensors.chart import SensorChart
from widgets.sensors.time_slider import TimeSlider
from widgets.background import run
from widgets.sensors.vitals import VitalSigns

log = logging.getLogger(__name__)
TICK_MS = 100
SLOW_EVERY = 10          # ticks: alarms, health, chart once a second
FLY_HALF_SPAN = 120.0    # metres around a terminal when flying to it
MAX_SELECTED = 5000      # terminals a vital sign selects at most (the ring is drawn for each)


def install(window) -> dict:
    return {"sensor_panel": SensorPanel(window)}


class SensorPanel(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.layer = self.model = self.adapter = None
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
        window.statusBar().addPermanentWidget(self.feed_label)
        self.history = HistoryWorker(parent=self)
        self.history.series_ready.connect(self._series_ready)
        self.history.replay_ready.connect(self._replay_ready)
        self.history.vitals_ready.connect(self.vitals.show_trends)
        self.history.failed.connect(lambda msg: window.statusBar().showMessage(msg, 8000))
        self.alarms.sensor_activated.connect(lambda i: self.select_sensor(i, fly=True))
        self.slider.time_requested.connect(self._time_requested)
        self.slider.live_requested.connect(self._go_live)
        self.chart.cleared.connect(lambda: self.layer and self.layer.view.select([]))
        window.project.layers.events.inserted.connect(self._inserted)
        window.project.layers.events.removed.connect(self._removed)
        window.view.hit.connect(self._hit)
        window.view.picked.connect(self._picked)
        window.retranslate_hooks.append(self.retranslate)
        window.installEventFilter(self)
        self._pending_pick, self._seen, self._last_full, self._ticks, self._dirty = None, -1, 0.0, 0, False
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        from console.panels.sensors.demo import maybe_schedule_demo
        maybe_schedule_demo(self)

    def _dock(self, name, widget):
        dock = QDockWidget(self.window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.window.addDockWidget(Qt.BottomDockWidgetArea, dock)
        return dock

    def retranslate(self):
        from console.panels.sensors.menus import build_menu
        self.menu = build_menu(self.window, self)
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
        shown = self.window.inspector
        if self.layer is not None and shown.layer is self.layer and "index" in shown.attributes:
            shown.show_feature(self.layer, self.model.attributes(int(shown.attributes["index"])))

    # the layer --------------------------------------------------------------------------
    def _inserted(self, _index, layer):
        if layer.kind != "sensors" or self.layer is not None:
            return
        self.layer, self.model = layer, layer.data
        self.adapter = self.window.scene.adapters.get(layer.id)
        layer.style = {**self._style, **layer.style}
        from console import settings
        self.alarms.operator = settings.operator_name()
        self.alarms.bind(self.model.alarms, self.model.registry)
        self.model.history_path = self.window.workspace.sensor_history  # the workspace decides (None in the field)
        self._check_history()
        self.history.set_path(self.model.history_path)
        if self.window.workspace.wants_feed(self.feed_settings is not None):
            self._launch_feed()
        self.force()

    def _check_history(self):
        """A damaged history is named, kept as it is, and offered a fresh start; declined, nothing is recorded."""
        from offline.guard import StoreRefused, set_aside
        from offline.history import check_history
        from widgets.store_recovery import offer_fresh_store
        path = self.model.history_path
        if path is None:
            return
        try:
            check_history(path)
        except StoreRefused as exc:
            if offer_fresh_store(self.window, str(exc), "store.what.history"):
                kept = set_aside(path)
                self.window.statusBar().showMessage(tr("store.kept_as", path=str(kept)), 15000)
            else:
                self.window.report_error(str(exc))
                self.model.history_path = None

    def _launch_feed(self):
        with self._feed_lock:
            self._generation += 1
        run(self._start_feed, name="sensor-feed-start", owner=self, on_error=self._feed_failed)

    def _feed_failed(self, exc):  # e.g. an unwritable history file, no keyring password
        self._feed_error = str(exc)  # reported by the next slow tick

    def _start_feed(self, job):
        """A broker when one is given, else the simulator as a labelled demo (own thread: priming takes ~0.5 s).

        The window may close, or the user switch source, while this runs: only the
        newest request may start a pipeline, and never after shutdown (a pipeline
        started then would run on, unseen, until the process ends).
        """
        from offline.pipeline import start_feed
        generation, model, settings = self._generation, self.model, self.feed_settings
        if settings is not None:
            from console.feeds.mqtt import MqttFeed
            feed = MqttFeed(model.registry, settings)
        else:
            from console.panels.sensors.trends import backfill_trends
            from layers.sensors.simulator import SimulatorFeed
            feed = SimulatorFeed(model.registry, rate=DEFAULT_RATE, seed=1)
            backfill_trends(model, feed.sim)
        with self._feed_lock:
            if self._closed or generation != self._generation or model is not self.model:
                return  # the demo primes its last minutes after the history's open alarms are carried on
            start_feed(model, feed, before_feed=None if settings is not None else model.prime)

    # choosing the source -----------------------------------------------------------------------
    def connect_dialog(self):
        """Sensors › Connect…: pick or edit a broker profile; the password goes to the OS keyring."""
        from console import settings
        from widgets.sensors.connect import ConnectDialog
        dialog = ConnectDialog(settings.mqtt_profiles(), settings.last_mqtt_profile(), self.window)
        dialog.accepted.connect(lambda: self._connect_from(dialog))
        dialog.show()
        self.dialog = dialog
        return dialog

    def _connect_from(self, dialog):
        from console import settings
        from console.feeds.mqtt import FeedError, MqttSettings, save_password
        fields = dialog.values()
        try:
            if dialog.typed_password():
                save_password(fields["username"], dialog.typed_password())
        except FeedError as exc:
            self.window.report_error(str(exc))
            return
        settings.save_mqtt_profile(dialog.profile_name(), fields)
        self.switch_feed(MqttSettings(**fields))

    def use_demo(self):
        self.switch_feed(None)

    def switch_feed(self, feed_settings):
        """Stop the current feed (its readings stay as last known) and start the chosen one."""
        self.feed_settings = feed_settings
        self._feed_error, self._reported = "", False
        if self.model is None:
            return
        with self._feed_lock:
            self.model.stop()
        self._launch_feed()

    def _removed(self, _index, layer):
        if layer is self.layer:
            with self._feed_lock:
                self.model.stop()
                self.layer = self.model = self.adapter = None

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
            self.window.scene.request_render(data=True)
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
        pipe = self.model.pipeline
        if pipe is not None and pipe.retrying:
            self.window.statusBar().showMessage(tr("sensors.store_retrying", msg=pipe.retrying), 2000)
        error = getattr(self, "_feed_error", "") or (pipe.error if pipe is not None else "")
        if error and not getattr(self, "_reported", False):
            self._reported = True
            from layers.messages import localize
            self.window.report_error(tr("sensors.feed_error", msg=localize(error)))

    def refresh_vitals(self, now: float | None = None):
        from layers.sensors.vitals import vital_signs
        if self.model is not None:
            self.vitals.show(vital_signs(self.model, time.time() if now is None else now))

    def request_trends(self):
        """The vital signs' last hours from the history (the reader thread answers)."""
        from widgets.sensors.vitals import TREND_HOURS
        t1 = self.model.replay.time if self.model is not None and self.model.replay else time.time()
        self.history.request_vitals(t1 - TREND_HOURS * 3600.0, t1)

    def select_indicator(self, district: str, key: str):
        """A vital sign double-clicked: select the terminals behind it and fly to its district."""
        from layers.sensors.vitals import terminals_behind
        if self.model is None:
            return
        rows = terminals_behind(self.model, district, key, self.model.view()[1])
        self.layer.view.select(rows[:MAX_SELECTED].tolist())
        bookmark = view_of(district)
        if bookmark in self.window.project.bookmarks:
            self.window.fly_to(bookmark)

    def settled(self) -> bool:
        """The feed has started (or failed) and the docks and status bar have shown it once."""
        if self.model is None or not self.window.workspace.wants_feed(self.feed_settings is not None):
            return True
        started = self.model.pipeline is not None or bool(getattr(self, "_feed_error", ""))
        return started and getattr(self, "_shown_since_start", False)

    def _show_feed_status(self):
        """The permanent status-bar word on where readings come from, and how they are flowing."""
        pipe = self.model.pipeline if self.model is not None else None
        counts = pipe.counters.as_dict() if pipe is not None else {}
        wall = time.monotonic()
        received = counts.get("received", 0)
        last_t, last_n = getattr(self, "_rate_mark", (wall, received))
        rate = (received - last_n) / (wall - last_t) if wall > last_t else 0.0
        self._rate_mark = (wall, received)
        s = self.feed_settings
        if pipe is None:
            text = tr("sensors.feed_none")
        elif s is None:
            text = tr("sensors.feed_simulated", rate=rate)
        else:
            broker, feed = f"{s.host}:{s.port}", pipe.feed
            from layers.messages import localize
            if feed.fatal or pipe.error:
                text = tr("sensors.feed_failed", broker=broker, why=localize(feed.fatal or pipe.error))
            elif feed.connected:
                text = tr("sensors.feed_connected", broker=broker, rate=rate,
                          dropped=counts.get("dropped", 0) + counts.get("dropped_at_stop", 0))
            else:
                text = tr("sensors.feed_reconnecting", broker=broker, why=localize(feed.last_error) or "…")
        self.feed_label.setText(text)
        self._shown_since_start = pipe is not None or bool(getattr(self, "_feed_error", ""))

    # picking, selecting, flying ---------------------------------------------------------------
    def _hit(self, hit):
        self._pending_pick = None
        if self.adapter is None:
            return
        if hit is not None and hit.layer is self.layer:
            self._pending_pick = hit.feature

    def _picked(self, *_):
        i, self._pending_pick = self._pending_pick, None
        if i is not None:
            self.select_sensor(i, fly=False)

    def select_sensor(self, i: int, fly: bool = False):
        """Show terminal i in the inspector, highlight it, chart it; optionally fly to it."""
        if self.model is None:
            return
        i = int(i)
        self.window.inspector.show_feature(self.layer, self.model.attributes(i))
        reg, state = self.model.registry, self.model.view()[0]
        self.chart_series(i, [float(state.time[i])], [float(state.value[i])])
        self.chart.set_cursor(self.model.replay.time if self.model.replay else None)
        self.layer.view.select(self.chart.sensors())
        self.chart_dock.show()
        now = time.time()
        self.history.request_series(i, int(reg.datastream[i]), now - HISTORY_RETENTION_S, now)
        self._select_mounting(str(reg.mounted_on[i] or ""))
        if fly:
            self.fly_to_sensor(i)

    def _select_mounting(self, mounted_on: str):
        """A structural monitor on an HBIM component: select the component and open its records."""
        hbim = self.window.panels.hbim
        if hbim is not None and mounted_on and not mounted_on.startswith("heritage:"):
            hbim.select_guid(mounted_on)

    def chart_series(self, i: int, times, values):
        reg = self.model.registry
        k = K.KINDS[int(reg.kind[i])]
        self.chart.add_series(i, f"{reg.ids[i]} {kind_label(k.name)}", k.unit, float(reg.warn[i]),
                              float(reg.crit[i]), times, values)

    def _series_ready(self, i, times, values):
        if self.model is None or not self.chart.has(i) or not len(times):
            return
        t_live, v_live = self.chart.data(i)
        if len(t_live) > len(times) + 1:
            return  # the chart already holds more (e.g. a demo backfill)
        keep = t_live > times[-1]
        self.chart_series(i, list(times) + list(t_live[keep]), list(values) + list(v_live[keep]))
        self.layer.view.select(self.chart.sensors())

    def fly_to_sensor(self, i: int):
        x, y, z = self.adapter.scene_position(i)
        self.window.fly_to(bookmark_for_extent("sensor", "", "", x - FLY_HALF_SPAN, y - FLY_HALF_SPAN,
                                               x + FLY_HALF_SPAN, y + FLY_HALF_SPAN, z=z))

    # time replay ----------------------------------------------------------------------------------
    def _time_requested(self, t):
        self.window.workspace.clock.replay(t)  # the workspace's clock: what other views and exports follow
        self.chart.set_cursor(t)
        self.history.request_at(t)

    def _replay_ready(self, t, datastreams, times, values, alarms):
        if self.model is None or self.slider.time is None:
            return  # back to live meanwhile
        self.model.set_replay(t, datastreams, times, values, alarms)
        self.alarms.show_replay(t, self.model.replay.alarms)
        self.refresh_vitals(t)
        self.request_trends()
        self.force()

    def open_history(self, path) -> bool:
        """Replay a recorded sensor history file (another day, another workstation's recording)."""
        from offline.guard import StoreRefused
        from offline.history import check_history
        path = Path(path)
        try:
            if check_history(path):
                raise StoreRefused(f"{path}: no such sensor history")
            from layers.sqlite_uri import connect_ro
            with connect_ro(path) as db:
                t0, t1 = db.execute("SELECT min(time), max(time) FROM obs").fetchone()
        except (StoreRefused, sqlite3.Error) as exc:
            self.window.report_error(str(exc))
            return False
        if t0 is None:
            self.window.report_error(tr("sensors.history_empty", path=str(path)))
            return False
        self.replay_path = path
        self.history.set_path(path)
        self.slider.show_range(t0 / 1000.0, t1 / 1000.0)
        self.window.statusBar().showMessage(tr("sensors.history_opened", path=str(path)), 8000)
        return True

    def _go_live(self):
        self.window.workspace.clock.replay(None)
        if getattr(self, "replay_path", None) is not None and self.model is not None:
            self.replay_path = None
            self.history.set_path(self.model.history_path)  # back to the history this window records
        if self.model is not None:
            self.model.clear_replay()
        self.alarms.show_replay(None, {})
        self.chart.set_cursor(None)
        self.refresh_vitals()
        self.request_trends()
        self.force()

    # shutdown ---------------------------------------------------------------------------------------
    def eventFilter(self, obj, ev):
        if obj is self.window and ev.type() == QEvent.Close:
            self.shutdown()
        return False

    @property
    def frame_s(self) -> float:
        """The last frame's time (the window's render scheduler measures it)."""
        return self.window.view.frame_s

    def shutdown(self):
        self.timer.stop()
        self.slider.play_button.setChecked(False)
        with self._feed_lock:
            self._closed = True
            if self.model is not None:
                self.model.stop()
        self.history.stop()
