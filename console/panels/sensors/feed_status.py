"""The status bar's word on the sensor feed: where readings come from and how honestly they flow.

Issue 26 item 2: against a stock Mosquitto a third of the readings were lost while the status
bar said "丢弃 0" — our own queue dropped nothing, the broker dropped them. So the bar shows
the broker's own drop count ($SYS, ``console/feeds/broker_sys.py``; "unknown" when it does
not publish one, never 0), and warns when readings arrive under 80 % of the rate the
registry's reporting intervals promise (``layers/sensors/arrival.py``). The tooltip gives the
figures behind it. A new source starts the arrival count again.
"""
from __future__ import annotations

import time

from layers.sensors.arrival import WINDOW_S, ArrivalWatch, expected_rate
from layers.sensors.strings import tr


class FeedStatus:
    def __init__(self, label, window_s: float = WINDOW_S):
        self.label, self.window_s = label, window_s
        self._mark = None          # (wall, received) of the last call: the readings/s shown
        self._watch: ArrivalWatch | None = None
        self._pipe = None          # the pipeline the watch belongs to: a new one starts it again

    def show(self, pipe, settings, registry=None) -> None:
        """Write the label for ``pipe`` (None: no feed) fed from ``settings`` (None: the demo simulator)."""
        counts = pipe.counters.as_dict() if pipe is not None else {}
        wall = time.monotonic()
        received = counts.get("received", 0)
        if pipe is not self._pipe:
            self._pipe, self._mark = pipe, None
            self._watch = ArrivalWatch(expected_rate(registry), self.window_s) if registry is not None else None
        first = self._mark is None  # no interval measured yet: the rate is unknown, not 0
        last_t, last_n = self._mark or (wall, received)
        rate = (received - last_n) / (wall - last_t) if wall > last_t else 0.0
        self._mark = (wall, received)
        tip = ""
        own = pipe.feed.status() if pipe is not None else None
        if pipe is None:
            text = tr("sensors.feed_none")
        elif own is not None:  # the store a window follows (offline/store/follow.py)
            from layers.messages import localize
            key, fields = own
            fields = {k: localize(v) if k == "why" else v for k, v in fields.items()}
            text = tr(key + "_start" if first and pipe.feed.connected else key, rate=rate, **fields)
        elif settings is None:  # the window's first word on the demo feed said "0 obs/s" while it ran
            text = tr("sensors.feed_simulated_start" if first else "sensors.feed_simulated", rate=rate)
        else:
            text, tip = self._broker_text(pipe, settings, counts, rate)
            if self._watch is not None and pipe.feed.connected:
                self._watch.add(wall, received)
                slow = self._watch.slow()
                if slow is not None:
                    text += tr("sensors.feed_slow", share=slow, expected=self._watch.expected)
            elif self._watch is not None:
                self._watch.restart()  # a reconnect starts the count again: the bar already says why
        self.label.setText(text)
        self.label.setToolTip(tip)

    def _broker_text(self, pipe, s, counts, rate) -> tuple[str, str]:
        from layers.messages import localize
        broker, feed = f"{s.host}:{s.port}", pipe.feed
        if feed.fatal or pipe.error:
            return tr("sensors.feed_failed", broker=broker, why=localize(feed.fatal or pipe.error)), ""
        if not feed.connected:
            return tr("sensors.feed_reconnecting", broker=broker, why=localize(feed.last_error) or "…"), ""
        b = getattr(feed, "broker", None)
        since = b.dropped_since_start if b is not None else None
        shown = tr("sensors.unknown") if since is None else f"{since:,}"
        text = tr("sensors.feed_connected", broker=broker, rate=rate,
                  dropped=counts.get("dropped", 0) + counts.get("dropped_at_stop", 0), broker_dropped=shown)
        tip = tr("sensors.feed_tip", total=tr("sensors.unknown") if b is None or b.dropped is None else f"{b.dropped:,}",
                 held=tr("sensors.unknown") if b is None or b.held is None else f"{b.held:,}",
                 expected=self._watch.expected if self._watch is not None else 0.0)
        return text, tip
