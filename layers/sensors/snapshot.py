"""A field package's sensor snapshot (table ``sensor_snapshot``) as a sensor layer: the latest
values packaged at the operations centre, shown as they were, with no live feed."""
from __future__ import annotations

import numpy as np

from layers.layer import Layer
from layers.sensors.loaders import read_gpkg
from layers.sensors.model import SensorModel
from layers.sensors.strings import STRINGS

PACKAGE_PREFIX = "sensors:package:"  # + the package's path
TABLE = "sensor_snapshot"


def read_snapshot(path, project_crs) -> Layer:
    import pyogrio.raw
    reg = read_gpkg(path, layer=TABLE, project=project_crs)
    _, _, _, (times, values) = pyogrio.raw.read(path, layer=TABLE, columns=["time", "value"], read_geometry=False)
    model = SensorModel(reg, history_path=None)  # nothing is recorded in the field
    # One reading per terminal, the last one: nothing can confirm it, so it counts as confirmed
    # (an excursion the centre saw is not hidden in the field); map and alarm table still agree.
    from dataclasses import replace
    from layers.sensors import kinds as K
    from layers.sensors.alarm_rules import rule_of
    from layers.sensors.alarms import AlarmBook
    model.alarms = AlarmBook(model.state, rules={k.name: replace(rule_of(k.name), confirm=1) for k in K.KINDS})
    times, values = np.asarray(times, float), np.asarray(values, float)
    seen = np.isfinite(times) & np.isfinite(values)
    model.ingest(np.flatnonzero(seen), times[seen], values[seen])
    model.feed_label = "snapshot"
    layer = Layer(name=STRINGS["sensors.layer"][0], kind="sensors", data=model, bounds=reg.bounds(),
                  source=PACKAGE_PREFIX + str(path))
    layer.meta["name_en"] = STRINGS["sensors.layer"][1]
    layer.meta["snapshot_time"] = float(np.nanmax(times)) if seen.any() else None
    return layer
