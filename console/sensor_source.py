"""The sensor layer as a layer spec ("sensors:default") loaded on the window's loader threads.

The loader only knows files, so specs whose source starts with "sensors:" are
diverted here (a wrapper around ``Loader.submit``; a source-prefix hook in
layers/loading.py would make it unnecessary). Building the 200k registry (~0.8 s) and priming its state thus
happen off the GUI thread, the loader's busy/finished signals stay true, and a
saved project re-opens its sensor layer like any other.
"""
from __future__ import annotations

import logging
import os

from console.loader import LoadJob
from console.sensor_model import SensorModel, default_history_path, default_registry
from console.sensor_strings import STRINGS
from layers.crs import transform_xy
from layers.layer import Layer

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


class SensorJob(LoadJob):
    def run(self):
        try:
            layer = build_layer(self.spec, self.project_crs)
        except Exception as exc:  # noqa: BLE001 — reported like any unreadable source
            log.exception("cannot build sensor layer %s", self.spec.get("source"))
            self.events.put((self, "failed", (f"{self.spec.get('source')}: cannot build the sensor layer "
                                              f"({type(exc).__name__}: {exc})",)))
        else:
            self.events.put((self, "loaded", ([layer],)))


def hook_loader(loader):
    """Divert "sensors:" specs from ``loader.submit`` to SensorJob; other specs pass through."""
    if getattr(loader, "_sensor_hooked", False):
        return
    original = loader.submit

    def submit(spec, project_crs, on_loaded, on_failed, on_progress=None):
        if not str(spec.get("source", "")).startswith(PREFIX):
            return original(spec, project_crs, on_loaded, on_failed, on_progress)
        # the same bookkeeping as Loader.submit, with a job that builds instead of reading
        job = SensorJob(spec, project_crs, loader.events).on("loaded", on_loaded).on("failed", on_failed)
        if on_progress is not None:
            job.on("progress", on_progress)
        loader.jobs.append(job)
        loader.started.emit(spec.get("source", ""))
        loader.pool.submit(job.run)
        loader.timer.start()
        return job

    loader.submit = submit
    loader._sensor_hooked = True
