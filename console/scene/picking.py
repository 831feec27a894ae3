"""Picking: screen position → (layer, feature attributes)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from console.vtk_imports import vtkCellPicker


@dataclass
class Hit:
    layer: object
    feature: int
    attributes: dict
    position: tuple


_picker = None


def _cell_picker() -> vtkCellPicker:
    global _picker
    if _picker is None:
        _picker = vtkCellPicker()
        _picker.SetTolerance(0.004)  # fraction of the window diagonal: lines and points are thin
    return _picker


def _exact_pick(scene, display_x, display_y) -> Hit | None:
    """Adapters that can answer a click exactly (e.g. 200k sensor points) go first, top layer first."""
    for layer in reversed(list(scene.layers)):
        adapter = scene.adapters.get(layer.id)
        fn = getattr(adapter, "pick_display", None)
        if fn is None or not layer.visible:
            continue
        feature = fn(display_x, display_y)
        if feature is not None:
            pos = adapter.scene_position(feature) if hasattr(adapter, "scene_position") else (np.nan,) * 3
            attrs = layer.data.attributes(feature) if hasattr(layer.data, "attributes") else {}
            return Hit(layer, int(feature), attrs, tuple(float(v) for v in pos))
    return None


def pick(scene, display_x: float, display_y: float) -> Hit | None:
    exact = _exact_pick(scene, display_x, display_y)
    if exact is not None:
        return exact
    picker = _cell_picker()
    if not picker.Pick(display_x, display_y, 0, scene.renderer):
        return None
    adapter = scene.adapter_for_prop(picker.GetActor())
    if adapter is None:
        return None
    feature = adapter.pick_feature(picker.GetActor(), picker.GetCellId())
    if feature is None:
        return None
    layer = adapter.layer
    attributes = layer.data.attributes(feature) if hasattr(layer.data, "attributes") else {}
    xyz = scene.project.from_scene([picker.GetPickPosition()])[0]
    return Hit(layer, feature, attributes, tuple(float(v) for v in xyz))
