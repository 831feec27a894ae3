"""The sensor layer as a layer spec ("sensors:default") loaded on the window's loader threads.

Specs whose source starts with "sensors:" are built by ``build_layer``, registered
with layers.loading as a source handler. Building the 200k registry (~0.8 s) and
priming its state thus happen on the loader's threads, its busy/finished state
stays true, and a saved project re-opens its sensor layer like any other.
"""
from __future__ import annotations

import logging
import os

from console.sensor_model import SensorModel, default_history_path, default_registry
from console.sensor_strings import STRINGS
from layers.crs import transform_xy
from layers.layer import Layer
from layers.loading import register_source

log = logging.getLogger(__name__)
PREFIX = "sensors:"
DEFAULT_SOURCE = "sensors:default"


def sensor_spec() -> dict:
    zh, en = STRINGS["sensors.layer"]
    return {"source": DEFAULT_SOURCE, "name": zh, "name_en": en, "style": {"colour_by": "state"}}


def feed_enabled() -> bool:
    return os.environ.get("SONGJIANG_NO_FEED", "") not in ("1", "true", "yes")


def build_layer(spec: dict, project_crs) -> Layer:
    """Registry + live model for a "sensors:" spec (runs on a loader thread)."""
    source = spec["source"]
    if source != DEFAULT_SOURCE:
        raise ValueError("unknown sensor source (only 'sensors:default' is built in)")
    reg = default_registry()
    if reg.crs != project_crs.crs:  # the generator works in EPSG:4549; follow another project CRS
        import copy
        reg = copy.copy(reg)
        x, y = transform_xy(reg.xyz[:, 0], reg.xyz[:, 1], reg.crs, project_crs.crs)
        reg.xyz = reg.xyz.copy()
        reg.xyz[:, 0], reg.xyz[:, 1] = x, y
        reg.crs = project_crs.crs
    model = SensorModel(reg, history_path=default_history_path())
    if feed_enabled():
        model.prime()
    layer = Layer(name=spec.get("name") or STRINGS["sensors.layer"][0], kind="sensors", data=model,
                  bounds=reg.bounds(), source=source, style=dict(spec.get("style") or {}),
                  visible=spec.get("visible", True), opacity=spec.get("opacity", 1.0),
                  group=spec.get("group", ""))
    layer.meta["name_en"] = spec.get("name_en") or STRINGS["sensors.layer"][1]
    layer.meta["order"] = spec.get("_order", 0)
    if spec.get("id"):
        layer.id = spec["id"]
    return layer


def register():
    """Let the common loader build "sensors:" specs (on its worker threads, like files)."""
    register_source(PREFIX, lambda spec, project_crs, progress: [build_layer(spec, project_crs)])
