"""Picking: screen position → (layer, feature attributes)."""
from __future__ import annotations

from dataclasses import dataclass

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


def pick(scene, display_x: float, display_y: float) -> Hit | None:
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
