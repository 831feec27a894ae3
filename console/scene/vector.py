"""Vector layers: filled polygons, outlines/lines and points, draped on the terrain, with labels."""
from __future__ import annotations

import numpy as np
import shapely

from console.scene import polydata
from console.scene.base import LayerAdapter
from console.scene.style import PALETTE, rgb
from layers.styles import VectorStyle
from console.vtk_imports import numpy_to_vtk, vtkActor, vtkPolyDataMapper

LIFT = {"fill": 2.0, "line": 3.0, "point": 6.0}


class VectorAdapter(LayerAdapter):
    def build(self):
        self.tess = self.layer.data.tessellation()
        self.fill = self.line = self.point = None
        self._labels = None
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
        # Units only, no slope factor: a factor pull grows with distance and, seen from a few km,
        # drew district fills over the 10 m-tall heritage models standing on them.
        mapper.SetResolveCoincidentTopologyToPolygonOffset()
        mapper.SetRelativeCoincidentTopologyPolygonOffsetParameters(0, offset * 2)
        mapper.SetRelativeCoincidentTopologyLineOffsetParameters(0, offset * 2)
        mapper.SetRelativeCoincidentTopologyPointOffsetParameter(offset * 2)
        actor = vtkActor()
        actor.SetMapper(mapper)
        return actor

    def _build_labels(self):
        """Anchor points for this layer's labels; the scene places all layers' labels together."""
        field = VectorStyle.of(self.layer.style).label_field
        if not field or field not in self.layer.data.columns:
            return
        geoms = self.layer.data.geometries
        values = self._label_values(field)
        ok = ~shapely.is_missing(geoms) & np.array([v not in (None, "") for v in values])
        anchors = shapely.get_coordinates(shapely.point_on_surface(geoms[ok]))
        texts = [str(v) for v, keep in zip(values, ok) if keep]
        z = self.scene.height_at(anchors[:, 0], anchors[:, 1]) + VectorStyle.of(self.layer.style).label_lift
        self._labels = (self.scene.project.to_scene(np.column_stack([anchors, z])), texts)

    def _label_values(self, field: str) -> list:
        """The label field in the interface language: name_en beside name_zh; in English a place
        with no English name reads in pinyin, never in Chinese."""
        from layers.i18n import language, pinyin
        columns = self.layer.data.columns
        values = columns[field]
        other = field[:-3] + ("_en" if language() == "en" else "_zh") if field[-3:] in ("_zh", "_en") else None
        if other and other != field and other in columns:
            values = [o if o not in (None, "") else v for o, v in zip(columns[other], values)]
        if language() == "en":
            values = [pinyin(v) if isinstance(v, str) and not v.isascii() else v for v in values]
        return values

    def relabel(self):
        self._labels = None
        self._build_labels()

    def label_points(self):
        if self._labels is None or not self.layer.visible:
            return None
        return (*self._labels, VectorStyle.of(self.layer.style).label_priority)

    def _categorical(self, actor, feature_of_cell):
        """Colour cells by a field's value (e.g. one colour per district), or clear it."""
        style = VectorStyle.of(self.layer.style)
        field, named = style.colour_field, style.colours if isinstance(style.colours, dict) else {}
        mapper = actor.GetMapper()
        values = self.layer.data.columns.get(field) if field else None
        if values is None:
            mapper.ScalarVisibilityOff()
            return
        codes = {v: i for i, v in enumerate(dict.fromkeys(values))}
        palette = np.array([rgb(named.get(str(v)), rgb(PALETTE[i % len(PALETTE)])) for v, i in codes.items()])
        rgb_cells = np.round(palette[np.array([codes[values[f]] for f in feature_of_cell])] * 255).astype(np.uint8)
        arr = numpy_to_vtk(rgb_cells, deep=True)
        arr.SetName("category")
        mapper.GetInput().GetCellData().SetScalars(arr)
        mapper.SetColorModeToDirectScalars()
        mapper.SetScalarModeToUseCellData()
        mapper.ScalarVisibilityOn()

    def terrain_changed(self):
        self.rebuild()  # draped geometry samples the terrain when built

    def apply_style(self):
        s, op = VectorStyle.of(self.layer.style), self.layer.opacity
        colour = rgb(s.colour)
        if self.fill is not None:
            self._categorical(self.fill, self.tess.tri_feature)
        if self.line is not None:
            self._categorical(self.line, self.tess.line_feature)
        if self.fill is not None:
            p = self.fill.GetProperty()
            p.SetColor(rgb(s.fill_colour, colour))
            p.SetOpacity(op * s.fill_opacity)
            p.SetAmbient(0.6)
            self.fill.SetVisibility(self._fill_shown())
        if self.line is not None:
            p = self.line.GetProperty()
            p.SetColor(rgb(s.line_colour, colour))
            p.SetLineWidth(s.line_width)
            p.SetOpacity(op)
            p.LightingOff()
        if self.point is not None:
            p = self.point.GetProperty()
            p.SetColor(colour)
            p.SetPointSize(s.point_size)
            p.SetRenderPointsAsSpheres(True)
            # lit sphere impostors came out with no fragments at all on Mesa (heritage sites were
            # never drawn); a map symbol is flat-coloured anyway
            p.LightingOff()
            p.SetOpacity(op)

    def _fill_shown(self) -> bool:
        # A fill at opacity 0 is invisible but would still cost a translucent render pass.
        s = VectorStyle.of(self.layer.style)
        return bool(self.layer.visible and s.fill and s.fill_opacity * self.layer.opacity > 0)

    def apply_visibility(self):
        super().apply_visibility()
        if self.fill is not None:
            self.fill.SetVisibility(self._fill_shown())

    def pick_tiers(self) -> list[list]:
        return [[a] if a is not None else [] for a in (self.point, self.line, self.fill)]

    def pick_feature(self, prop, cell_id):
        if prop not in (self.fill, self.line, self.point) or cell_id < 0:
            return None
        arr = prop.GetMapper().GetInput().GetCellData().GetArray("feature")
        return int(arr.GetValue(cell_id)) if arr is not None else None
