"""Picked (or hovered) features drawn on top in a bright outline.

One instance draws the selection (several features with Ctrl+click), another the
feature under the mouse. Vector features are outlined from their geometry, BIM
components by their adapter's edges, sensors as a ring at their point. BIM
selections are also kept on ``layer.view`` (the adapter draws those itself).
"""
from __future__ import annotations

import numpy as np
import shapely

from console.scene import polydata
from console.vtk_imports import vtkActor, vtkPolyDataMapper
from layers.tessellate import tessellate

COLOUR = (1.0, 0.85, 0.1)
HOVER_COLOUR = (1.0, 1.0, 1.0)
LIFT = 8.0


class Highlight:
    def __init__(self, scene, colour=COLOUR, width: float = 4.0, hover: bool = False):
        self.scene = scene
        self.colour, self.width = colour, width
        self.hover = hover  # BIM components and sensors too; their selection is drawn by their adapters
        self.actors: dict[tuple, vtkActor] = {}

    @property
    def current(self):
        """(layer id, feature) of the last feature outlined, or None."""
        return next(reversed(self.actors), None)

    def show(self, layer, feature: int | None, add: bool = False):
        """Outline one feature; ``add`` toggles it beside the others (Ctrl+click)."""
        key = (getattr(layer, "id", None), feature)
        if not add and list(self.actors) == [key]:
            return  # already the one outlined (the hover repeats itself while the mouse rests)
        if add and key in self.actors:
            self._drop(key)
            return
        if not add:
            self.clear()
        pd = self._outline(layer, feature) if layer is not None and feature is not None else None
        if pd is None:
            return
        actor = vtkActor()
        actor.SetMapper(vtkPolyDataMapper())
        actor.GetMapper().SetInputData(pd)
        actor.GetMapper().SetResolveCoincidentTopologyToPolygonOffset()
        actor.GetMapper().SetRelativeCoincidentTopologyLineOffsetParameters(0, -66)
        prop = actor.GetProperty()
        prop.SetColor(*self.colour)
        prop.SetLineWidth(self.width)
        prop.SetPointSize(self.width * 4)
        prop.LightingOff()
        actor.PickableOff()
        self.scene.renderer.AddViewProp(actor)
        self.actors[key] = actor
        self.scene.request_render()

    def _outline(self, layer, feature):
        adapter = self.scene.adapters.get(layer.id)
        data = getattr(layer, "data", None)
        if hasattr(data, "geometries"):
            geom = data.geometries[feature]
            if geom is None or shapely.is_empty(geom):
                return None
            t = tessellate(np.array([geom], dtype=object))
            if len(t.line_xyz):
                return polydata.polylines(self._drape(t.line_xyz), t.line_offsets)
            return polydata.vertices(self._drape(t.point_xyz))
        outline = adapter.outline([feature]) if self.hover and adapter is not None else None
        if outline is not None:
            return outline
        where = adapter.scene_position(feature) if self.hover and adapter is not None else None
        if where is not None:
            return polydata.vertices(self.scene.project.to_scene(np.asarray(where, float)[None]))
        return None

    def _drape(self, xyz):
        xyz = np.array(xyz, dtype=float)
        flat = ~np.isfinite(xyz[:, 2])
        xyz[flat, 2] = self.scene.height_at(xyz[flat, 0], xyz[flat, 1]) + LIFT
        return self.scene.project.to_scene(xyz)

    def _drop(self, key):
        self.scene.renderer.RemoveViewProp(self.actors.pop(key))
        self.scene.request_render()

    def forget(self, layer_id):
        """The layer is gone: drop its outlines."""
        for key in [k for k in self.actors if k[0] == layer_id]:
            self._drop(key)

    def clear(self):
        for key in list(self.actors):
            self._drop(key)
