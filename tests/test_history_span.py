"""The time slider and the chart reach back over the whole history, not 30 minutes.

Issue 26 item 4: the slider spanned a fixed 30 minutes and the history kept no more, so the
last hour or the night shift could not be replayed. The span is a setting (Sensors › History
span, a day by default) used both as the recording's retention and the slider's span, and the
slider reaches further back when the history holds older readings. A history holding 26 hours
of readings, the real window: the slider's left end is the first reading, replaying there shows
it, and the chart of that terminal draws it.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

from offline.history import HistoryStore
from tests.helpers import has_display, wait_for_frame

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]
HOURS = 26
STRIDE = 997  # every 997th terminal has readings; terminal 3 * STRIDE is charted


def test_a_long_series_is_charted_whole_with_its_extremes(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite") as store:
        n = 26 * 3600
        t0 = 1_764_400_000.0
        v = np.sin(np.arange(n) / 500.0)
        v[12345] = 50.0  # one excursion in a day of readings every second
        store.append(np.full(n, 7), t0 + np.arange(n, dtype=float), v)
        times, values = store.series(7, t0, t0 + n, max_points=4000)
    assert len(times) <= 4000 and times[0] == t0 and times[-1] == t0 + n - 1
    assert 50.0 in values and np.all(np.diff(times) > 0)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, make_window):
    from layers import i18n
    from layers.loading import default_specs
    from layers.sensors.model import default_registry
    from layers import paths
    path = paths.sensor_history()  # the test's own data folder (conftest), where the window records
    path.parent.mkdir(parents=True, exist_ok=True)
    reg = default_registry()
    now = time.time()
    rows = np.arange(0, len(reg), STRIDE)  # a few hundred terminals, a reading every 10 minutes for 26 h
    steps = np.arange(now - HOURS * 3600, now, 600.0)
    with HistoryStore(path) as store:
        store.append(np.repeat(reg.datastream[rows], len(steps)), np.tile(steps, len(rows)),
                     np.tile(np.linspace(0.0, 1.0, len(steps)), len(rows)) + np.repeat(rows % 7, len(steps)))
    i18n.set_language("zh")
    win = make_window(start_view="new-city", demo_feed=False)  # the history as recorded, nothing new
    win.load_specs(default_specs())
    qtbot.waitUntil(lambda: not win.loader.busy() and any(lyr.kind == "sensors" for lyr in win.project.layers),
                    timeout=240000)
    wait_for_frame(qtbot, win)
    return win


def test_the_slider_reaches_the_first_of_26_hours_and_the_chart_shows_it(window, qtbot):
    from offline.history import HistoryReader
    panel = window.panels.sensor_panel
    model = panel.model
    i = 3 * STRIDE
    with HistoryReader(model.history_path) as history:
        t0 = history.extent()[0]  # the first of 26 hours of readings
    assert panel.slider.span >= 24 * 3600, "the default span is a day"
    qtbot.waitUntil(lambda: panel.slider.start <= t0 + 1, timeout=20000)
    panel.slider.slider.setValue(panel.slider.slider.minimum())  # the operator drags it to the left end
    qtbot.waitUntil(lambda: model.replay is not None and abs(model.replay.time - t0) < 2, timeout=20000)
    assert model.attributes(i)["value"] == pytest.approx(i % 7)  # the first reading, 26 hours ago
    panel.select_sensor(i)
    qtbot.waitUntil(lambda: len(panel.chart.data(i)[0]) >= HOURS * 6 - 1, timeout=20000)
    times = panel.chart.data(i)[0]
    assert times.min() == pytest.approx(t0)
    plot = panel.chart.plots[next(iter(panel.chart.plots))]
    lo, hi = plot.viewRange()[0]
    assert lo <= t0 + 60 and panel.chart.cursor.isVisible(), "the chart shows the replayed start"
    # the setting (Sensors › History span): remembered, and the slider spans at least that much
    from console import settings
    from layers.sensors.strings import tr
    menu = window.actions.menu("sensors/span")
    next(a for a in menu.actions() if a.text() == tr("sensors.span_hours", n=72)).trigger()
    assert settings.history_hours() == 72 and panel.slider.span >= 72 * 3600
