"""The daily report's look back: each vital sign a day earlier, and its last 24 hours.

Issue 24 item 5: a manager reads a figure against yesterday's. The figure a day earlier is
computed the way today's is (layers/sensors/vitals.py on the sensor layer as the history
recorded it at ``t - 1 day``), from the same history; where the raw readings of then are pruned
(the default keeps a day), from the vital-sign samples kept every minute a little longer; when
the history holds neither (it starts later) the change is "—", never a made-up 0. The sparklines are the vital-sign samples the recording keeps every minute
(HistoryStore.vitals_series, offline/pipeline.py) over [t - 1 day, t].
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)
DAY_S = 24 * 3600.0
SAMPLE_SLACK_S = 600.0  # samples are a minute apart; one up to 10 min after "a day earlier" still reads as then
# figures shown without decimals (widgets/sensors/vitals.py cell_text); the others with one
WHOLE_NUMBERS = ("online", "alarms", "noise_over", "water_class", "aqi", "traffic", "station_occupancy")


@dataclass
class LookBack:
    before: dict | None = None                  # vital_signs() a day earlier; None: no reading then
    trends: dict = field(default_factory=dict)  # {(district, key): (times s, values)} over the last day
    span: tuple = (0.0, 0.0)                    # (t - 1 day, t)


def look_back(model, t: float | None) -> LookBack:
    """What the history says of the day before ``t`` (the moment the report shows)."""
    from layers.sensors.model import SensorModel
    from layers.sensors.vitals import vital_signs
    from offline.history import HistoryReader
    path = model.history_path if model is not None else None
    if t is None or path is None or not Path(path).is_file():
        return LookBack()
    t0 = t - DAY_S
    with HistoryReader(path) as history, history.moment() as store:
        sensors, times, values = store.at(t0)
        trends = store.vitals_series(t0, t)
        before = None
        if len(sensors):
            earlier = SensorModel(model.registry)
            earlier.set_replay(t0, sensors, times, values, store.alarms_at(t0))
            before = vital_signs(earlier, t0)
    if before is None:  # the readings of then are pruned (a day's retention): the minute samples outlive them
        before = _from_samples(trends, t0)
    return LookBack(before, trends, (t0, t))


def _from_samples(trends: dict, t0: float) -> dict | None:
    """Each vital sign a day earlier from the samples the recording kept every minute (offline/history.py
    keeps them a little over a day, longer than the default day of raw readings); None without any."""
    before: dict = {}
    for (district, key), (times, values) in trends.items():
        if len(times) and times[0] - t0 <= SAMPLE_SLACK_S and math.isfinite(values[0]):
            before.setdefault(district, {})[key] = float(values[0])
    return before or None


def change_text(key: str, now, before) -> str:
    """'+12', '-0.4', '±0'; '—' when either figure is unknown."""
    from layers.sensors.vitals import scalar
    if before is None:
        return "—"
    a, b = scalar(key, now), scalar(key, before)
    if not (math.isfinite(a) and math.isfinite(b)):
        return "—"
    digits = 0 if key in WHOLE_NUMBERS else 1
    d = round(a - b, digits)
    return "±0" if d == 0 else f"{d:+,.{digits}f}"
