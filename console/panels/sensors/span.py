"""How far back the window keeps and replays readings: the history-span setting, the slider, the chart.

Issue 26 item 4: the time slider and the history stopped at 30 minutes (a constant), so an
operator could not replay the last hour or the night shift. Now one setting (Sensors › History
span, "sensors/history_hours", a day by default) is both the retention the recording prunes to
and the slider's span; the slider reaches further back when the history holds older readings
(its first reading, read off the GUI thread), and a charted terminal's series covers the
slider's whole span, its cursor following the replayed moment.
"""
from __future__ import annotations

import time

from PySide6.QtGui import QAction, QActionGroup

from layers.sensors.strings import tr

EXTENT_EVERY_TICKS = 300  # slow ticks (5 min): the history's first reading moves with pruning


def install_span(panel):
    """The setting onto the slider; the history's extent onto the slider and the chart."""
    from console import settings
    panel.history_span_s = settings.history_hours() * 3600.0
    panel.slider.set_span(panel.history_span_s)
    panel.history.extent_ready.connect(lambda source, t0, _t1: _extent(panel, source, t0))


def series_span(panel) -> tuple[float, float]:
    """The span a charted terminal's readings are asked for: the slider's, up to now."""
    return panel.slider.start, max(panel.slider.end, time.time())


def _extent(panel, source, t0: float):
    if panel.model is None or getattr(panel, "replay_path", None) is not None or source != panel.live_history:
        return  # an opened file's span is its own (TimeSlider.show_range)
    before = panel.slider.start
    panel.slider.cover(t0)
    if panel.slider.start < before - 1.0:  # the charted series reach back as far as the slider now does
        reg = panel.model.registry
        for i in panel.chart.sensors():
            panel.history.request_series(i, int(reg.datastream[i]), *series_span(panel))


def set_history_hours(panel, hours: float):
    """Sensors › History span: kept from now on (a shorter span prunes older readings), slider follows."""
    from console import settings
    settings.save_history_hours(hours)
    panel.history_span_s = float(hours) * 3600.0
    panel.slider.set_span(panel.history_span_s)
    pipe = panel.model.pipeline if panel.model is not None else None
    if pipe is not None:
        pipe.set_retention(panel.history_span_s)


def fill_span_menu(menu, owner, panel):
    """Sensors › History span: the choices, the current one checked (refilled with the menu)."""
    from console import settings
    group = QActionGroup(owner)
    current = panel.history_span_s / 3600.0
    for hours in settings.HISTORY_HOURS:
        act = QAction(tr("sensors.span_hours", n=hours), owner, checkable=True)
        act.setChecked(abs(hours - current) < 1e-6)
        act.triggered.connect(lambda _on, h=hours: set_history_hours(panel, h))
        group.addAction(act)
        menu.addAction(act)
