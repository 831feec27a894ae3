"""Where the sensor panel's readings come from: the simulator or a broker, started off the GUI thread.

``FeedControl`` is a part of ``SensorPanel`` (console/panels/sensors/__init__.py): starting and
switching the feed (Sensors › Connect…, Use the demo; a new source starts clean), and the
permanent status-bar word on where readings come from and how they flow (feed_status.py).
Only the newest start request may start a pipeline, and never after shutdown.
"""
from __future__ import annotations

from layers.sensors.model import DEFAULT_RATE
from layers.sensors.strings import tr
from widgets.background import run


class FeedControl:
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
            start_feed(model, feed, before_feed=None if settings is not None else model.prime,
                       retention_s=self.history_span_s)

    def connect_dialog(self):
        """Sensors › Connect…: pick or edit a broker profile; the password goes to the OS keyring."""
        from console import settings
        from widgets.sensors.connect import ConnectDialog
        dialog = ConnectDialog(settings.mqtt_profiles(), settings.last_mqtt_profile(), self.ctx.host)
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
            self.ctx.report_error(str(exc))
            return
        settings.save_mqtt_profile(dialog.profile_name(), fields)
        self.switch_feed(MqttSettings(**fields))

    def use_demo(self):
        self.switch_feed(None)

    def switch_feed(self, feed_settings):
        """Stop the current feed (its readings stay as last known) and start the chosen one.

        Never in a window that follows the store: it shows what the recorders stored (its menu entries
        are off; a call from elsewhere is said in the status bar and changes nothing)."""
        if self.ctx.workspace.follow_store:
            self.ctx.status.show(tr("sensors.follow_no_switch", store=self.ctx.workspace.store_url), 8000)
            return
        self.feed_settings = feed_settings
        self._feed_error, self._reported = "", False
        if self.model is None:
            return
        with self._feed_lock:
            self.model.stop()
            self.model.start_clean()  # nothing of the old source is shown under the new one's name
        self.alarms.bind(self.model.alarms, self.model.registry)
        self.force()
        self._launch_feed()

    def settled(self) -> bool:
        """The feed has started (or failed) and the docks and status bar have shown it once."""
        ws = self.ctx.workspace
        if self.model is None or not (ws.wants_feed(self.feed_settings is not None) or ws.follow_store):
            return True
        started = self.model.pipeline is not None or bool(getattr(self, "_feed_error", ""))
        return started and getattr(self, "_shown_since_start", False)

    def _show_feed_status(self):
        """The permanent status-bar word on where readings come from, and how they are flowing (feed_status.py)."""
        from console.panels.sensors.feed_status import FeedStatus
        if getattr(self, "_feed_status", None) is None:
            self._feed_status = FeedStatus(self.feed_label)
        pipe = self.model.pipeline if self.model is not None else None
        self._feed_status.show(pipe, self.feed_settings, self.model.registry if self.model is not None else None)
        self._shown_since_start = pipe is not None or bool(getattr(self, "_feed_error", ""))
