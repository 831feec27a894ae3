"""Whether an export has sensor data to show, and of when: ONE answer for the footer, the sources,
the daily report's figures and `report`'s exit status.

Issue 20 item 11: with no sensor history the daily report printed "0 / 200,000 online", the
export moment as its data time and the history as a source, and exited 0: a manager read a total
outage. A sensor layer with nothing recorded (no history file, or none before the time asked)
now has no data time; the page and stderr say "no sensor history for this period" and `report`
exits with NO_SENSOR_DATA (README, exit codes).
"""
from __future__ import annotations

import time

import numpy as np

from layers.layer_kinds import is_kind

NO_SENSOR_DATA = 4  # `report`'s exit status: the PDF is written, without sensor figures
NO_HISTORY = ("本时段无感知历史数据", "no sensor history for this period")


def sensor_model(project):
    return next((lyr.data for lyr in project.layers if is_kind(lyr, "sensors")), None)


def sensor_data_time(model) -> float | None:
    """The moment a sensor layer shows: its replay's (the last observation recorded at or before
    the time asked), the live now when it has live readings, None when it knows nothing."""
    if model.replay is not None:
        return float(model.replay.time)
    return time.time() if np.isfinite(model.state.time).any() else None


def data_time(project) -> float | None:
    """The moment the page's data are of: the sensor layer's; the export moment without a sensor
    layer (the base map has no moment); None when the sensor layer has no data."""
    model = sensor_model(project)
    return time.time() if model is None else sensor_data_time(model)


def has_sensor_data(project) -> bool:
    model = sensor_model(project)
    return model is not None and sensor_data_time(model) is not None


def no_history_text(lang: str) -> str:
    return NO_HISTORY[0] if lang == "zh" else NO_HISTORY[1]
