"""The picked feature drawn on top in a bright outline."""
from __future__ import annotations

import numpy as np
import shapely

from console.scene import polydata
from console.vtk_imports import vtkActor, vtkPolyDataMapper
from layers.tessellate import tessellate

COLOUR = (1.0, 0.85, 0.1)
LIFT = 8.0


class Highlight:
    def __init__(self, scene):
        self.scene = scene
        self.actor = vtkActor()
        self.mapper = vtkPolyDataMapper()
        self.actor.SetMapper(self.mapper)
        prop = self.actor.GetProperty()
        prop.SetColor(*COLOUR)
        prop.SetLineWidth(4.0)
        prop.SetPointSize(16.0)
        prop.LightingOff()
        self.actor.SetVisibility(False)
        self.actor.PickableOff()
        scene.renderer.AddViewProp(self.actor)
        self.current = None

    def show(self, layer, feature: int | None):
        """Outline one feature of a vector layer; anything else clears the highlight."""
        data = getattr(layer, "data", None)
        if layer is None or feature is None or not hasattr(data, "geometries"):
            self.clear()
            return
        geom = data.geometries[feature]
        if geom is None or shapely.is_empty(geom):
            self.clear()
            return
        t = tessellate(np.array([geom], dtype=object))
        if len(t.line_xyz):
            pd = polydata.polylines(self._drape(t.line_xyz), t.line_offsets)
        else:
            pd = polydata.vertices(self._drape(t.point_xyz))
        self.mapper.SetInputData(pd)
        self.actor.SetVisibility(True)
        self.current = (layer.id, feature)
        self.scene.request_render()

    def _drape(self, xyz):
        xyz = np.array(xyz, dtype=float)
        flat = ~np.isfinite(xyz[:, 2])
        xyz[flat, 2] = self.scene.height_at(xyz[flat, 0], xyz[flat, 1]) + LIFT
        return self.scene.project.to_scene(xyz)

    def clear(self):
        if self.current is not None:
            self.actor.SetVisibility(False)
            self.current = None
            self.scene.request_render()
