"""Picking: screen position → the (layer, feature) the user sees on top there.

Every kind gets its own pick (vtkCellPicker restricted to that kind's props;
the sensor layer answers exactly through ``pick_display``), then one rule
chooses: among 3D hits (BIM components, sensors, later buildings and
annotations) the front-most wins, except that a higher-priority kind
(``SceneKind.pick_rank``, console/scene/kinds.py) lying just behind it wins — a sensor dot painted on
an arch does not steal the arch. Before all that, symbols drawn over everything (a BIM
model too small to see, drawn as a red disc at district scale: ``pick_symbol``) win where
they are drawn: what is on top of the picture is what a click takes. Draped kinds (vector polygons, water, terrain)
count only where no 3D object is under the cursor: a district fill 2 m above
the ground under the bridge never shadows the bridge.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from console.vtk_imports import vtkCellPicker
from console.scene import kinds
from console.scene.kinds import GROUND_RANK

TIE_METRES = 1.0      # 3D hits this close along the ray are "at the same place": priority decides
TIE_FRACTION = 0.02   # … plus 2 % of the distance (sensor dots are drawn a few pixels wide)
# Tolerance, as a fraction of the window diagonal: lines and points are thin and need a few pixels'
# slack; surfaces are hit exactly, else a click near an edge takes the next component.
LINE_TOLERANCE = 0.004
SURFACE_TOLERANCE = 1e-6


@dataclass
class Hit:
    layer: object
    feature: int
    attributes: dict
    position: tuple   # project CRS
    add: bool = False  # Ctrl+click: add to (or take from) the selection instead of replacing it


_picker = None


def _cell_picker() -> vtkCellPicker:
    global _picker
    if _picker is None:
        _picker = vtkCellPicker()
        _picker.PickFromListOn()
    return _picker


def _rank(layer) -> int:
    return kinds.of(layer).pick_rank


def _attributes(layer, feature) -> dict:
    return layer.data.attributes(feature) if hasattr(layer.data, "attributes") else {}


def _groups(scene):
    """{rank: [adapter]} of visible layers picked by the cell picker, top of the layer list first."""
    groups: dict[int, list] = {}
    for layer in reversed(list(scene.layers)):
        adapter = scene.adapters.get(layer.id)
        if adapter is not None and layer.visible and not adapter.exact_pick:
            groups.setdefault(_rank(layer), []).append(adapter)
    return groups


def _cell_hit(scene, props, dx, dy, eye, tolerance):
    picker = _cell_picker()
    picker.SetTolerance(tolerance)
    picker.InitializePickList()
    picker.RemoveAllLocators()
    located = set()
    for prop in props:
        if prop.GetVisibility() and prop.GetPickable():
            picker.AddPickList(prop)
            adapter = scene.adapter_for_prop(prop)
            if adapter is not None and id(adapter) not in located:  # big meshes (city buildings) have locators
                located.add(id(adapter))
                for locator in adapter.locators():
                    picker.AddLocator(locator)
    if not picker.Pick(dx, dy, 0, scene.renderer):
        return None
    adapter = scene.adapter_for_prop(picker.GetActor())
    feature = adapter.pick_feature(picker.GetActor(), picker.GetCellId()) if adapter else None
    if feature is None:
        return None
    where = np.array(picker.GetPickPosition(), float)
    xyz = scene.project.from_scene(where[None])[0]
    return float(np.linalg.norm(where - eye)), Hit(adapter.layer, int(feature), _attributes(adapter.layer, feature),
                                                   tuple(float(v) for v in xyz))


def _exact_hits(scene, dx, dy, eye):
    """Adapters that answer a click exactly (200k sensor points) → [(rank, distance, Hit)]."""
    out = []
    origin = scene.project.from_scene(eye[None])[0]
    for layer in reversed(list(scene.layers)):
        adapter = scene.adapters.get(layer.id)
        if adapter is None or not adapter.exact_pick or not layer.visible:
            continue
        feature = adapter.pick_display(dx, dy)
        if feature is not None:
            pos = np.asarray(adapter.scene_position(feature), float)  # project CRS
            out.append((_rank(layer), float(np.linalg.norm(pos - origin)),
                        Hit(layer, int(feature), _attributes(layer, feature), tuple(float(v) for v in pos))))
    return out


def candidates(scene, display_x: float, display_y: float) -> list[tuple[int, float, Hit]]:
    """(rank, distance from the camera, Hit) of what lies under the pixel; draped kinds only if
    nothing stands there (they are picked last, and only then)."""
    eye = np.array(scene.renderer.GetActiveCamera().GetPosition(), float)
    found = _exact_hits(scene, display_x, display_y, eye)
    groups = _groups(scene)
    for rank in sorted(r for r in groups if r < GROUND_RANK):
        props = [p for adapter in groups[rank] for p in adapter.props]
        hit = _cell_hit(scene, props, display_x, display_y, eye, SURFACE_TOLERANCE)
        if hit is not None:
            found.append((rank, *hit))
    standing = [c for c in found if c[0] < GROUND_RANK]
    if standing:
        return standing
    for rank in sorted(r for r in groups if r >= GROUND_RANK):
        hit = _ground_hit(scene, groups[rank], display_x, display_y, eye)
        if hit is not None:
            return found + [(rank, *hit)]
    return found


def _ground_hit(scene, adapters, dx, dy, eye):
    """Draped layers lie at nearly one height, so the nearest along the ray is not what shows:
    points, then lines, then fills (``pick_tiers``), each tier top layer first."""
    tiers = [adapter.pick_tiers() for adapter in adapters]
    for level in range(max((len(t) for t in tiers), default=0)):
        for props in (t[level] for t in tiers if level < len(t) and t[level]):
            hit = _cell_hit(scene, props, dx, dy, eye, LINE_TOLERANCE)
            if hit is not None:
                return hit
    return None


def choose(found: list[tuple[int, float, Hit]]) -> Hit | None:
    """The front-most hit, unless a higher-priority kind is (nearly) as near."""
    if not found:
        return None
    front = min(d for _, d, _ in found)
    near = [c for c in found if c[1] <= front + TIE_METRES + TIE_FRACTION * front]
    return min(near, key=lambda c: (c[0], c[1]))[2]


def symbol_hit(scene, display_x: float, display_y: float) -> Hit | None:
    """A screen-size symbol drawn on top of the scene under the pixel (top layer first), or None."""
    for layer in reversed(list(scene.layers)):
        adapter = scene.adapters.get(layer.id)
        feature = adapter.pick_symbol(display_x, display_y) if adapter is not None and layer.visible else None
        if feature is not None:
            xyz = layer.bounds
            centre = ((xyz[0] + xyz[3]) / 2, (xyz[1] + xyz[4]) / 2, xyz[5]) if xyz is not None else (0.0, 0.0, 0.0)
            return Hit(layer, int(feature), _attributes(layer, feature), tuple(float(v) for v in centre))
    return None


def pick(scene, display_x: float, display_y: float) -> Hit | None:
    return symbol_hit(scene, display_x, display_y) or choose(candidates(scene, display_x, display_y))
