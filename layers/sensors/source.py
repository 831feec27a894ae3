"""The sensor layer's built-in source ("sensors:default"), loaded like any file.

The layer-kind registry (layers/layer_kinds.py) sends specs whose source starts
with "sensors:" here. Building the 200k registry (~0.8 s) and priming its state
thus happen on the loader's threads in the window, in-line in ``snapshot``, and
a saved project re-opens its sensor layer like any other.
"""
from __future__ import annotations

import copy
import logging

from layers import paths
from layers.crs import transform_xy
from layers.layer import Layer
from layers.sensors.model import SensorModel, default_registry
from layers.sensors.strings import STRINGS
from layers.spec import LayerSpec

log = logging.getLogger(__name__)
DEFAULT_SOURCE = "sensors:default"
STA_PREFIX = "sensors:sta:"  # + a SensorThings base URL: the terminals that server lists
# Network clients live in console/feeds and layers/ names none: the console hands its
# SensorThings client in (console/__init__.py → layers/sensors/clients.py) before anything loads.


def sta_spec(url: str) -> LayerSpec:
    spec = sensor_spec()
    spec.source = STA_PREFIX + url
    return spec


def sensor_spec() -> LayerSpec:
    zh, en = STRINGS["sensors.layer"]
    return LayerSpec(source=DEFAULT_SOURCE, name=zh, name_en=en, style={"colour_by": "state"})


def default_specs() -> list[LayerSpec]:
    return [sensor_spec()]


def _read_sta(url: str, project_crs):
    from layers.errors import ReadError
    from layers.sensors.registry import RegistryError
    from layers.sensors.clients import sta_reader
    read = sta_reader()
    if read is None:
        raise ReadError(url, "no SensorThings client in this installation (none was handed in: console/__init__.py)")
    try:
        return read(url, project_crs)
    except RegistryError as exc:
        raise ReadError(url, f"cannot list the SensorThings terminals ({exc})") from None


def build_layers(spec: LayerSpec, project_crs, progress=None) -> list[Layer]:
    """Registry + live model for a "sensors:" spec (runs on a loader thread in the window)."""
    from layers.sensors.snapshot import PACKAGE_PREFIX, read_snapshot
    if spec.source.startswith(PACKAGE_PREFIX):  # a field package's snapshot: no feed, no history
        return [read_snapshot(spec.source[len(PACKAGE_PREFIX):], project_crs)]
    if spec.source.startswith(STA_PREFIX):
        reg = _read_sta(spec.source[len(STA_PREFIX):], project_crs)
    elif spec.source != DEFAULT_SOURCE:
        raise ValueError(f"{spec.source}: unknown sensor source ('{DEFAULT_SOURCE}' or '{STA_PREFIX}URL')")
    else:
        reg = default_registry()
    if reg.crs != project_crs.crs:  # the generator works in EPSG:4549; follow another project CRS
        reg = copy.copy(reg)
        x, y = transform_xy(reg.xyz[:, 0], reg.xyz[:, 1], reg.crs, project_crs.crs)
        reg.xyz = reg.xyz.copy()
        reg.xyz[:, 0], reg.xyz[:, 1] = x, y
        reg.crs = project_crs.crs
    # No readings yet: a terminal is "offline" until its feed or its history says otherwise.
    model = SensorModel(reg, history_path=paths.sensor_history())
    layer = Layer(name=STRINGS["sensors.layer"][0], kind="sensors", data=model, bounds=reg.bounds(),
                  source=spec.source)
    layer.meta["name_en"] = STRINGS["sensors.layer"][1]
    return [layer]
