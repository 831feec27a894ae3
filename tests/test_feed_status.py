"""The status bar's first word on the demo feed is "measuring", never "0 obs/s".

A new user's first look at the default window (the screenshot taken when loading ends) read
"Sensors: SIMULATED (demo) · 0 obs/s" while the simulator ran at ~2,500 readings a second: the
first call has no interval to measure a rate over. The rate follows once one is measured.
"""
from __future__ import annotations

import time
from types import SimpleNamespace


class _Label:
    def __init__(self):
        self.text, self.tip = "", ""

    def setText(self, text):
        self.text = text

    def setToolTip(self, tip):
        self.tip = tip


class _Counters:
    def __init__(self):
        self.received = 0

    def as_dict(self):
        return {"received": self.received}


def test_the_demo_feed_is_measuring_before_its_first_rate_then_shows_it():
    from console.panels.sensors.feed_status import FeedStatus
    from layers import i18n
    i18n.set_language("en")
    try:
        label, counters = _Label(), _Counters()
        pipe = SimpleNamespace(counters=counters, feed=SimpleNamespace(status=lambda: None))
        status = FeedStatus(label)
        status.show(pipe, None)
        assert label.text == "Sensors: SIMULATED (demo) · measuring…"
        counters.received = 500
        time.sleep(0.2)
        status.show(pipe, None)
        rate = int(label.text.split("· ")[1].split(" ")[0].replace(",", ""))
        assert label.text.endswith("obs/s") and rate > 0, label.text
    finally:
        i18n.set_language("zh")
