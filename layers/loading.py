"""Turning layer specs (embedded assets, project entries, files) into loaded layers.

Used by the window's workers and by the headless commands alike, so both show
the same scene.
"""
from __future__ import annotations

import logging
from pathlib import Path

from layers.layer import Layer
from layers.progress import NULL_PROGRESS, Progress
from layers.readers import ReadOptions, read_path

log = logging.getLogger(__name__)
ASSET_PREFIX = "asset:"


def embedded_specs() -> list[dict]:
    """The embedded Songjiang layers, as project layer entries."""
    import assets
    specs = []
    for d in assets.DEFAULT_LAYERS:
        specs.append({"source": ASSET_PREFIX + d["file"], "name": d.get("name_zh") or d["file"],
                      "name_en": d.get("name_en"), "role": d.get("role"),
                      "style": d.get("style", {}), "visible": d.get("visible", True),
                      "opacity": d.get("opacity", 1.0), "group": d.get("group", "")})
    return specs


# Sources that are not files ("sensors:default"…): prefix → fn(spec, project_crs, progress) -> layers.
SOURCE_HANDLERS: dict = {}


def register_source(prefix: str, fn):
    SOURCE_HANDLERS[prefix] = fn


def resolve_source(source: str) -> Path:
    if source.startswith(ASSET_PREFIX):
        import assets
        return Path(assets.path(source[len(ASSET_PREFIX):]))
    return Path(source)


def prepare(layer: Layer) -> Layer:
    """Work done off the GUI thread so adding the layer to the scene is quick."""
    if layer.kind == "vector":
        layer.data.tessellation()
    return layer


def load_spec(spec: dict, project_crs, progress: Progress = NULL_PROGRESS) -> list[Layer]:
    """Read one project layer entry; may return several layers (GeoPackage tables)."""
    handler = next((fn for prefix, fn in SOURCE_HANDLERS.items() if spec["source"].startswith(prefix)), None)
    if handler is not None:
        layers = handler(spec, project_crs, progress)
    else:
        role = spec.get("role") if spec.get("role") in ("terrain", "imagery") else None
        options = ReadOptions(assume_crs=spec.get("assume_crs"), role=role, placement=spec.get("placement"))
        layers = read_path(resolve_source(spec["source"]), project_crs, options, progress)
    if spec.get("table"):
        layers = [lyr for lyr in layers if lyr.meta.get("table") == spec["table"]] or layers
    for lyr in layers:
        lyr.source = spec["source"]
        if len(layers) == 1 and spec.get("name"):
            lyr.name = spec["name"]
        if spec.get("name_en"):
            lyr.meta["name_en"] = spec["name_en"]
        if spec.get("assume_crs"):
            lyr.meta["assume_crs"] = spec["assume_crs"]
        lyr.style = {**lyr.style, **(spec.get("style") or {})}
        lyr.visible = spec.get("visible", True)
        lyr.opacity = spec.get("opacity", 1.0)
        lyr.group = spec.get("group", "")
        lyr.meta["order"] = spec.get("_order", 0)
        if spec.get("id"):
            lyr.id = spec["id"] if len(layers) == 1 else lyr.id
        prepare(lyr)
    return layers


def file_spec(path, assume_crs: str | None = None, role: str | None = None) -> dict:
    return {"source": str(Path(path).resolve()), "assume_crs": assume_crs, "role": role}
