"""The buildings layer: the whole city as one mesh, coloured per building, picked per building.

Triangles carry their building's index as cell data ("feature"), so a click
names the building and colour-by-attribute is one lookup table indexed by it.
Footprints extruded on the ground stand on the drawn (exaggerated) terrain;
CityJSON with absolute heights is shifted as BIM models are, so it is never
buried or floating. Everything the user chose (colour-by, selection, the
buildings hidden for level of detail) is ``layer.view`` (layers/buildings/view.py).
"""
from __future__ import annotations

from pathlib import PurePath

import numpy as np

from console.scene import polydata
from console.scene.base import LayerAdapter
from console.scene.style import PALETTE, rgb
from console.vtk_imports import numpy_to_vtk, vtkActor, vtkPolyDataMapper
from layers.layer_kinds import is_kind

BASE_COLOUR = "#d9d2c5"
USE_COLOURS = {"residential": "#e8c39e", "office": "#7fa7d6", "commercial": "#e58a73",
               "industrial": "#a8a8a8", "public": "#9ccf8f"}
RAMP = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], float)  # viridis
SELECTED = (1.0, 0.85, 0.1)
NEAR_M = 2500.0   # closer than this to a modelled site, its BIM shows instead of its massing box


def ramp(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """(B,) values → (B,3) uint8 along the viridis ramp; NaN grey."""
    t = np.clip((values - lo) / max(hi - lo, 1e-9), 0.0, 1.0) * (len(RAMP) - 1)
    i = np.minimum(t.astype(int), len(RAMP) - 2)
    out = RAMP[i] + (RAMP[i + 1] - RAMP[i]) * (t - i)[:, None]
    out[~np.isfinite(values)] = 180
    return np.round(out).astype(np.uint8)


def building_colours(model, mode: str, base: str = BASE_COLOUR) -> np.ndarray:
    """(B,3) uint8 colour of every building for a colour-by mode (layers/buildings/view.py)."""
    from layers.buildings.model import numbers
    n = len(model)
    if mode == "height":
        return ramp(numbers(model.values("height")), 0.0, 100.0)
    if mode == "year":
        return ramp(numbers(model.values("year")), 1980.0, 2025.0)
    if mode == "use":
        uses = [str(u or "").lower() for u in model.values("use")]
        other = {u: PALETTE[i % len(PALETTE)] for i, u in enumerate(sorted(set(uses) - set(USE_COLOURS)))}
        table = {**{u: rgb(c) for u, c in USE_COLOURS.items()}, **{u: rgb(c) for u, c in other.items()}}
        return np.round(np.array([table[u] for u in uses], float).reshape(-1, 3) * 255).astype(np.uint8)
    return np.tile(np.round(np.array(rgb(base, rgb(BASE_COLOUR))) * 255).astype(np.uint8), (n, 1))


class BuildingsAdapter(LayerAdapter):
    def __init__(self, layer, scene):
        self.view = layer.view
        super().__init__(layer, scene)
        self._follow_view(True)

    def build(self):
        model = self.layer.data
        xyz = np.array(model.points, dtype=float)
        owner = np.zeros(len(xyz), np.int64)
        owner[model.triangles.ravel()] = np.repeat(model.triangle_building, 3)
        self.point_owner = owner
        if len(xyz) and model.centroids is not None and len(model.centroids):
            drawn = self.scene.height_at(model.centroids[:, 0], model.centroids[:, 1])
            if model.on_ground:
                xyz[:, 2] += drawn[owner]
            else:  # absolute heights: keep them above the exaggerated ground, not scaled with it
                ex = self.scene.exaggeration()
                xyz[:, 2] += (drawn - drawn / ex)[owner] if ex > 0 else 0.0
        self.points = polydata.points(self.scene.project.to_scene(xyz))
        models = np.array([str(m or "") for m in model.values("bim_model")], dtype=object)
        self.massing_models = sorted(set(models) - {""})
        self.is_massing = models[model.triangle_building] != "" if len(models) else np.zeros(0, bool)
        massing_xyz = xyz[model.triangles[self.is_massing].ravel()] if self.is_massing.any() else None
        self.massing_box = None if massing_xyz is None else (massing_xyz.min(axis=0), massing_xyz.max(axis=0))
        self.actor, self.massing, self.mark = vtkActor(), vtkActor(), vtkActor()
        for actor in (self.actor, self.massing, self.mark):
            actor.SetMapper(vtkPolyDataMapper())
        self.mark.PickableOff()
        self.props = [self.actor, self.massing, self.mark]
        self._fill()
        self._fill_mark()
        self.apply_style()
        self.locators()  # built now rather than on the first click
        if self.massing_models and getattr(self, "_observer", None) is None:
            # before the BIM adapters' own StartEvent observers (priority 0), so they see this frame's choice
            self._observer = self.scene.renderer.AddObserver("StartEvent", self._level_of_detail, 1.0)

    def _mesh(self, mask: np.ndarray | None):
        model = self.layer.data
        tris = model.triangles if mask is None else model.triangles[mask]
        owner = model.triangle_building if mask is None else model.triangle_building[mask]
        pd = polydata.mesh(np.zeros((0, 3)), tris)
        pd.SetPoints(self.points)
        polydata.add_cell_ids(pd, owner)
        return pd, owner

    def _fill(self):
        model = self.layer.data
        shown = np.ones(len(model.triangles), bool)
        if self.view.hidden:
            shown = ~np.isin(model.triangle_building, np.fromiter(self.view.hidden, np.int64))
        from layers.buildings.view import BuildingStyle
        table = building_colours(model, self.view.colour_by, BuildingStyle.of(self.layer.style).colour)
        if self.view.colour_by == "none":  # plain massing follows the theme (dark on the wall)
            table = self.scene.theme.imagery_rgb(table)
        # Each vertex belongs to one building, so colours go on the points: software GL draws
        # point colours markedly faster than per-cell colours over 200,000 triangles.
        colours = numpy_to_vtk(table[self.point_owner], deep=True)
        colours.SetName("colours")
        self.points_colours = colours
        for actor, mask in ((self.actor, shown & ~self.is_massing), (self.massing, shown & self.is_massing)):
            pd, owner = self._mesh(mask)
            pd.GetPointData().SetScalars(colours)
            mapper = actor.GetMapper()
            mapper.SetInputData(pd)
            mapper.SetColorModeToDirectScalars()
            mapper.SetScalarModeToUsePointData()
            mapper.ScalarVisibilityOn()
        self._locator = None  # rebuilt on the next pick

    # level of detail: the hub's massing far away, its BIM close up ---------------------------------
    def _level_of_detail(self, *_):
        near = self.is_near()
        loaded = set()
        for layer in self.scene.layers:
            stem = PurePath(str(layer.source)).name.split(".")[0]
            model = self.scene.adapters.get(layer.id) if is_kind(layer, "bim") else None
            if model is not None and stem in self.massing_models:
                model.stand_in = not near  # a BimAdapter: hidden while the massing box stands in for it
                if layer.visible:
                    loaded.add(stem)
        # the boxes stand in while the models are far, hidden or not loaded at all
        self.massing.SetVisibility(bool(self.layer.visible and (not near or len(loaded) < len(self.massing_models))))

    def theme_changed(self):
        self._fill()

    def is_near(self) -> bool:
        if self.massing_box is None:
            return False
        eye = self.scene.project.from_scene(np.array([self.scene.renderer.GetActiveCamera().GetPosition()]))[0]
        lo, hi = self.massing_box
        return float(np.linalg.norm(np.clip(eye, lo, hi) - eye)) < NEAR_M

    def outline(self, indices):
        """Feature edges of these buildings (the selection, the hover highlight)."""
        pd, _ = self._mesh(np.isin(self.layer.data.triangle_building, list(indices)))
        return polydata.outline(pd, 30.0)

    def _fill_mark(self):
        chosen = [] if self.view.selected is None else [self.view.selected]
        mapper = self.mark.GetMapper()
        mapper.SetInputData(self.outline(chosen) if chosen else polydata.vertices(np.zeros((0, 3))))
        mapper.ScalarVisibilityOff()
        mapper.SetResolveCoincidentTopologyToPolygonOffset()
        mapper.SetRelativeCoincidentTopologyLineOffsetParameters(0, -66)
        p = self.mark.GetProperty()
        p.SetColor(*SELECTED)
        p.SetLineWidth(3.0)
        p.LightingOff()

    def _follow_view(self, on: bool):
        events = self.view.events
        for signal, slot in ((events.colour_by, self._on_fill), (events.hidden, self._on_fill),
                             (events.selected, self._on_selection)):
            signal.connect(slot) if on else signal.disconnect(slot)

    def _on_fill(self, *_):
        self._fill()
        self.scene.request_render()

    def _on_selection(self, *_):
        self._fill_mark()
        self.scene.request_render()

    def apply_style(self):
        if hasattr(self, "_styled") and self._styled != self.layer.style:
            self._fill()  # a new colour
        self._styled = dict(self.layer.style)
        for actor in (self.actor, self.massing):
            # extruded footprints are closed and face outwards (layers/buildings/extrude.py)
            actor.GetProperty().SetBackfaceCulling(bool(self.layer.data.on_ground and self.layer.opacity >= 1.0))
            actor.GetProperty().SetOpacity(self.layer.opacity)
            actor.GetProperty().SetAmbient(0.25)
            actor.GetProperty().SetDiffuse(0.8)

    def locators(self) -> list:
        """Cell locators for the picker: a ray against 200,000 triangles without one costs ~20 ms."""
        if getattr(self, "_locator", None) is None:
            from console.vtk_imports import vtkStaticCellLocator
            self._locator = []
            for actor in (self.actor, self.massing):
                loc = vtkStaticCellLocator()
                loc.SetDataSet(actor.GetMapper().GetInput())
                loc.BuildLocator()
                self._locator.append(loc)
        return self._locator

    def pick_feature(self, prop, cell_id):
        if prop not in (self.actor, self.massing) or cell_id < 0:
            return None
        arr = prop.GetMapper().GetInput().GetCellData().GetArray("feature")
        return int(arr.GetValue(cell_id)) if arr is not None else None

    def terrain_changed(self):
        self.rebuild()

    def close(self):
        if getattr(self, "_observer", None) is not None:
            self.scene.renderer.RemoveObserver(self._observer)
        self._follow_view(False)
        super().close()
