"""Vector layers: filled polygons, outlines/lines and points, draped on the terrain, with labels."""
from __future__ import annotations

import numpy as np
import shapely

from console.scene import polydata
from console.scene.base import LayerAdapter
from console.scene.labels import make_labels
from console.scene.style import rgb
from console.vtk_imports import vtkActor, vtkPolyDataMapper
from layers.tessellate import tessellate

LIFT = {"fill": 2.0, "line": 3.0, "point": 6.0}


def tessellation_of(data):
    """Tessellate once per data object (workers call this ahead so the GUI never waits)."""
    tess = getattr(data, "_tessellation", None)
    if tess is None:
        tess = tessellate(data.geometries)
        data._tessellation = tess
    return tess


class VectorAdapter(LayerAdapter):
    def build(self):
        self.tess = tessellation_of(self.layer.data)
        self.fill = self.line = self.point = self.labels = None
        t = self.tess
        if len(t.tri_xyz):
            pd = polydata.triangles(self._drape(t.tri_xyz, LIFT["fill"]))
            polydata.add_cell_ids(pd, t.tri_feature)
            self.fill = self._actor(pd, offset=-2)
        if len(t.line_xyz):
            pd = polydata.polylines(self._drape(t.line_xyz, LIFT["line"]), t.line_offsets)
            polydata.add_cell_ids(pd, t.line_feature)
            self.line = self._actor(pd, offset=-4)
        if len(t.point_xyz):
            pd = polydata.vertices(self._drape(t.point_xyz, LIFT["point"]))
            polydata.add_cell_ids(pd, t.point_feature)
            self.point = self._actor(pd, offset=-6)
        self.props = [a for a in (self.fill, self.line, self.point) if a is not None]
        self._build_labels()
        self.apply_style()

    def _drape(self, xyz: np.ndarray, lift: float) -> np.ndarray:
        xyz = np.array(xyz, dtype=float)
        flat = ~np.isfinite(xyz[:, 2])
        if flat.any():
            xyz[flat, 2] = self.scene.height_at(xyz[flat, 0], xyz[flat, 1]) + lift
        return self.scene.project.to_scene(xyz)

    def _actor(self, pd, offset: float) -> vtkActor:
        mapper = vtkPolyDataMapper()
        mapper.SetInputData(pd)
        mapper.ScalarVisibilityOff()
        mapper.SetResolveCoincidentTopologyToPolygonOffset()
        mapper.SetRelativeCoincidentTopologyPolygonOffsetParameters(offset, offset * 2)
        mapper.SetRelativeCoincidentTopologyLineOffsetParameters(offset, offset * 2)
        mapper.SetRelativeCoincidentTopologyPointOffsetParameter(offset * 2)
        actor = vtkActor()
        actor.SetMapper(mapper)
        return actor

    def _build_labels(self):
        field = self.layer.style.get("label_field")
        if not field or field not in self.layer.data.columns:
            return
        geoms = self.layer.data.geometries
        ok = ~shapely.is_missing(geoms)
        anchors = shapely.get_coordinates(shapely.point_on_surface(geoms[ok]))
        texts = [str(v) if v is not None else "" for v, keep in zip(self.layer.data.columns[field], ok) if keep]
        z = self.scene.height_at(anchors[:, 0], anchors[:, 1]) + self.layer.style.get("label_lift", 40.0)
        xyz = self.scene.project.to_scene(np.column_stack([anchors, z]))
        priority = self.layer.style.get("label_priority", 1)
        self.labels = make_labels(xyz, texts, size=self.layer.style.get("label_size", 16),
                                  colour=rgb(self.layer.style.get("label_colour", "#ffffff")),
                                  priority=priority)
        self.props.append(self.labels)

    def apply_style(self):
        s, op = self.layer.style, self.layer.opacity
        colour = rgb(s.get("colour"))
        if self.fill is not None:
            p = self.fill.GetProperty()
            p.SetColor(rgb(s.get("fill_colour"), colour))
            p.SetOpacity(op * s.get("fill_opacity", 0.35))
            p.SetAmbient(0.6)
            self.fill.SetVisibility(self.layer.visible and s.get("fill", True))
        if self.line is not None:
            p = self.line.GetProperty()
            p.SetColor(rgb(s.get("line_colour"), colour))
            p.SetLineWidth(s.get("line_width", 2.0))
            p.SetOpacity(op)
            p.LightingOff()
        if self.point is not None:
            p = self.point.GetProperty()
            p.SetColor(colour)
            p.SetPointSize(s.get("point_size", 9.0))
            p.SetRenderPointsAsSpheres(True)
            p.SetOpacity(op)
        if self.labels is not None:
            self.labels.GetMapper().GetInputConnection(0, 0).GetProducer() \
                .GetTextProperty().SetOpacity(op)

    def apply_visibility(self):
        super().apply_visibility()
        if self.fill is not None and not self.layer.style.get("fill", True):
            self.fill.SetVisibility(False)

    def pick_feature(self, prop, cell_id):
        if prop not in (self.fill, self.line, self.point) or cell_id < 0:
            return None
        arr = prop.GetMapper().GetInput().GetCellData().GetArray("feature")
        return int(arr.GetValue(cell_id)) if arr is not None else None
