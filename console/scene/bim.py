"""BIM (IFC) layers: one mesh per model, coloured per element, with x-ray, isolate, section and highlight.

The adapter only renders ``layer.view`` (layers/bim/view.py): per-element
visibility (hidden / ghost / solid), the selection, the section plane and the
colour mode all live there, so projects, snapshots and undo see them. The solid
and ghost meshes are rebuilt from numpy masks over the model's triangles, which
for models of a few thousand triangles is cheaper than any per-cell VTK filter.
"""
from __future__ import annotations

import numpy as np

from console.scene.base import LayerAdapter
from console.scene.style import rgb
from console.vtk_imports import (
    numpy_to_vtk, numpy_to_vtkIdTypeArray, vtkActor, vtkCellArray,
    vtkPlane, vtkPoints, vtkPolyData, vtkPolyDataMapper,
)
from layers.bim.view import HIDDEN, GHOST, SOLID  # noqa: F401  (re-exported for tests and benches)
from layers.i18n import tr
from layers.layer_kinds import is_kind

GHOST_OPACITY = 0.15
NO_DATA = "#b4b4b4"
GRADE_COLOURS = {1: "#1a9850", 2: "#91cf60", 3: "#fee08b", 4: "#fc8d59", 5: "#d73027"}
HIGHLIGHT = (0.0, 0.95, 1.0)
MARKER = "#c8102e"        # heritage red: a model too small to see is shown by this symbol …
MARKER_BELOW_PX = 4.0     # … while its narrower horizontal side spans fewer pixels than this
MARKER_PX = 11.0
WHOLE_CLASSES = ("IfcBridge", "IfcBuilding", "IfcFacility", "IfcSite")  # what a click on the symbol selects


def _polys(faces: np.ndarray) -> vtkCellArray:
    cells = vtkCellArray()
    cells.SetData(numpy_to_vtkIdTypeArray(np.arange(0, 3 * len(faces) + 1, 3, dtype=np.int64), deep=True),
                  numpy_to_vtkIdTypeArray(np.ascontiguousarray(faces, dtype=np.int64).ravel(), deep=True))
    return cells


def _mapper_actor(offset: float = 0.0) -> vtkActor:
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(vtkPolyData())
    if offset:
        mapper.SetResolveCoincidentTopologyToPolygonOffset()
        mapper.SetRelativeCoincidentTopologyLineOffsetParameters(offset, offset)
    actor = vtkActor()
    actor.SetMapper(mapper)
    return actor


class BimAdapter(LayerAdapter):
    def __init__(self, layer, scene):
        self.view = layer.view
        self.state = self.view.states()
        self.plane: vtkPlane | None = None
        self.stand_in = False  # the city's massing box stands in for this model, far away (console/scene/buildings.py)
        super().__init__(layer, scene)
        self._follow_view(True)
        self.legend = scene.share("bim-legend", BimLegend)
        self.legend.update()

    # geometry -----------------------------------------------------------------
    def build(self):
        model = self.layer.data
        xyz = np.array(model.points, dtype=float)
        if len(xyz):
            xyz[:, 2] += self.ground_shift(xyz)
        self.points = vtkPoints()
        self.points.SetData(numpy_to_vtk(np.ascontiguousarray(self.scene.project.to_scene(xyz), np.float32),
                                         deep=True))
        self.solid, self.ghost, self.mark = _mapper_actor(), _mapper_actor(), _mapper_actor(-6.0)
        self.ghost.PickableOff()
        self.mark.PickableOff()
        self.marker = self._marker(xyz)
        self.props = [self.solid, self.ghost, self.mark, self.marker]
        self.apply_style()
        self._apply_section()
        if getattr(self, "_observer", None) is None:
            self._observer = self.scene.renderer.AddObserver("StartEvent", self._before_render)

    def _marker(self, xyz: np.ndarray) -> vtkActor:
        """The model as a symbol at district and city scale, where its geometry is under a pixel wide."""
        from console.scene import polydata
        top = [[(xyz[:, 0].min() + xyz[:, 0].max()) / 2, (xyz[:, 1].min() + xyz[:, 1].max()) / 2,
                xyz[:, 2].max()]] if len(xyz) else np.zeros((0, 3))
        self._span = float(np.ptp(xyz[:, :2], axis=0).min()) if len(xyz) else 0.0
        actor = _mapper_actor()
        actor.GetMapper().SetInputData(polydata.vertices(self.scene.project.to_scene(np.asarray(top, float))))
        actor.GetMapper().SetRelativeCoincidentTopologyPointOffsetParameter(-60)
        actor.GetMapper().ScalarVisibilityOff()
        p = actor.GetProperty()
        p.SetPointSize(MARKER_PX)
        p.RenderPointsAsSpheresOn()
        p.LightingOff()
        actor.PickableOff()
        actor.SetVisibility(False)
        return actor

    def _before_render(self, *_):
        """Show the symbol only while the model itself is too small on screen to be seen."""
        renderer = self.scene.renderer
        cam = renderer.GetActiveCamera()
        height = max(renderer.GetSize()[1], 1)
        distance = max(cam.GetDistance(), 1.0)
        if cam.GetParallelProjection():
            metres_per_px = 2 * cam.GetParallelScale() / height
        else:
            metres_per_px = 2 * distance * np.tan(np.radians(cam.GetViewAngle() / 2)) / height
        small = self._span / max(metres_per_px, 1e-9) < MARKER_BELOW_PX
        far = self.stand_in
        for actor in (self.solid, self.ghost, self.mark):
            actor.SetVisibility(bool(self.layer.visible and not far))
        self.marker.SetVisibility(bool(self.layer.visible and small and self.state.any() and not far))

    def ground_shift(self, xyz: np.ndarray) -> float:
        """Keep the model standing on the drawn (vertically exaggerated) ground, not scaled with it."""
        cx, cy = (xyz[:, 0].min() + xyz[:, 0].max()) / 2, (xyz[:, 1].min() + xyz[:, 1].max()) / 2
        drawn = float(self.scene.height_at([cx], [cy])[0])
        exaggeration = self.scene.exaggeration()
        return drawn - drawn / exaggeration if exaggeration > 0 else 0.0

    def _subset(self, mask: np.ndarray) -> vtkPolyData:
        model = self.layer.data
        pd = vtkPolyData()
        pd.SetPoints(self.points)
        pd.SetPolys(_polys(model.triangles[mask]))
        ids = numpy_to_vtk(np.ascontiguousarray(model.triangle_element[mask], dtype=np.int64), deep=True)
        ids.SetName("feature")
        pd.GetCellData().AddArray(ids)
        colours = numpy_to_vtk(self.element_rgb()[model.triangle_element[mask]], deep=True)
        colours.SetName("colours")
        pd.GetCellData().SetScalars(colours)
        return pd

    def element_rgb(self) -> np.ndarray:
        """(E,3) uint8 element colours: the model's own, or by condition grade / worst damage."""
        model = self.layer.data
        if self.view.colour_by in ("condition", "damage"):
            values = self.view.grade_of()
            table = np.array([rgb(GRADE_COLOURS.get(int(values.get(e["guid"], 0)), NO_DATA))
                              for e in model.elements], dtype=float).reshape(-1, 3)
        elif self.view.colour_by == "sensors":  # elements with a terminal in its state's colour, the rest as modelled
            from console.scene.sensor_legend import STATE_RGB
            values = self.view.grade_of()
            table = np.asarray(model.element_colours, dtype=float).reshape(-1, 3).copy()
            for i, e in enumerate(model.elements):
                code = values.get(e["guid"])
                if code is not None:
                    table[i] = STATE_RGB[int(code)]
        else:
            table = np.asarray(model.element_colours, dtype=float).reshape(-1, 3)
        return np.clip(np.round(table * 255), 0, 255).astype(np.uint8)

    def _fill(self):
        tri_state = self.state[self.layer.data.triangle_element]
        for actor, wanted in ((self.solid, SOLID), (self.ghost, GHOST)):
            mapper = actor.GetMapper()
            mapper.SetInputData(self._subset(tri_state == wanted))
            mapper.SetColorModeToDirectScalars()
            mapper.SetScalarModeToUseCellData()
            mapper.ScalarVisibilityOn()
        self._fill_mark()

    def _fill_mark(self):
        """The selected elements' outlines (feature edges), drawn over the surfaces."""
        shown = [i for i in self.view.selected_indices() if self.state[i] != HIDDEN]
        self.mark.GetMapper().SetInputData(self.outline(shown))
        self.mark.GetMapper().ScalarVisibilityOff()

    def outline(self, indices) -> vtkPolyData:
        """Feature edges of these elements (the selection mark, the hover highlight)."""
        if not len(indices):
            return vtkPolyData()
        from console.scene.polydata import outline
        return outline(self._subset(np.isin(self.layer.data.triangle_element, list(indices))), 25.0)

    # following the view state ----------------------------------------------------
    def _follow_view(self, on: bool):
        events = self.view.events
        for signal, slot in ((events.visibility, self._on_visibility), (events.selection, self._on_selection),
                             (events.section, self._on_section), (events.colour_by, self._on_colour),
                             (events.grades, self._on_grades)):
            signal.connect(slot) if on else signal.disconnect(slot)

    def _on_visibility(self, *_):
        self.state = self.view.states()
        self._fill()
        self.scene.request_render()

    def _on_selection(self, *_):
        self._fill_mark()
        self.scene.request_render()

    def _on_section(self, *_):
        self._apply_section()
        self.scene.request_render()

    def _on_colour(self, *_):
        self._fill()
        self.marker.GetProperty().SetColor(self._marker_colour())
        self.legend.update()
        self.scene.request_render()

    def _on_grades(self, *_):
        if self.view.colour_by != "none":  # new grades matter only while coloured by them
            self._on_colour()

    def _section_plane(self) -> vtkPlane | None:
        if self.view.section is None:
            return None
        origin = self.scene.project.to_scene(np.array([self.view.section[:3]], float))[0]
        plane = vtkPlane()
        plane.SetOrigin(*map(float, origin))
        plane.SetNormal(*self.view.section[3:])
        return plane

    def _apply_section(self):
        self.plane = self._section_plane()
        for actor in self.props:
            mapper = actor.GetMapper()
            mapper.RemoveAllClippingPlanes()
            if self.plane is not None:
                mapper.AddClippingPlane(self.plane)

    def apply_style(self):
        self._fill()
        op = self.layer.opacity
        self.solid.GetProperty().SetOpacity(op)
        self.ghost.GetProperty().SetOpacity(op * GHOST_OPACITY)
        self.ghost.GetProperty().SetAmbient(0.3)
        self.marker.GetProperty().SetColor(self._marker_colour())
        self.marker.GetProperty().SetOpacity(op)
        p = self.mark.GetProperty()
        p.SetColor(HIGHLIGHT)
        p.SetLineWidth(3.0)
        p.LightingOff()

    def _marker_colour(self):
        """Heritage red, or the worst grade of the model when coloured by condition or damage."""
        if self.view.colour_by in ("condition", "damage"):
            values = self.view.grade_of()
            worst = max((int(values.get(e["guid"], 0)) for e in self.layer.data.elements), default=0)
            return rgb(GRADE_COLOURS.get(worst, NO_DATA))
        return rgb(MARKER)

    def pick_symbol(self, dx: float, dy: float):
        """The model's own element (its IfcBuilding/IfcBridge…) when display pixel (dx, dy) is on
        the symbol drawn for it: the symbol is drawn over everything beneath (picking.py)."""
        if not self.marker.GetVisibility():
            return None
        from console.scene.sensor_pick import project
        top = self.marker.GetMapper().GetInput().GetPoints()
        if top is None or not top.GetNumberOfPoints():
            return None
        disp, depth = project(self.scene.renderer, np.array([top.GetPoint(0)]))
        if abs(depth[0]) > 1 or np.hypot(disp[0, 0] - dx, disp[0, 1] - dy) > MARKER_PX / 2 + 1.0:
            return None
        classes = [e.get("ifc_class") for e in self.layer.data.elements]
        return next((i for c in WHOLE_CLASSES for i, k in enumerate(classes) if k == c), 0)

    def pick_feature(self, prop, cell_id):
        if prop is not self.solid or cell_id < 0:
            return None
        arr = prop.GetMapper().GetInput().GetCellData().GetArray("feature")
        value = int(arr.GetValue(cell_id)) if arr is not None else -1
        return value if value >= 0 else None  # -1: a mesh whose owner has no element record

    def terrain_changed(self):
        self.rebuild()  # models stand on the drawn terrain; it may arrive after them

    def apply_visibility(self):
        super().apply_visibility()
        if hasattr(self, "marker"):
            self.marker.SetVisibility(False)  # the next frame decides (_before_render)
        if hasattr(self, "legend"):
            self.legend.update()

    def close(self):
        self.scene.renderer.RemoveObserver(self._observer)
        self._follow_view(False)
        super().close()
        self.legend.update(leaving=self.layer)


def condition_rows(labels: dict) -> list[tuple[str, tuple]]:
    """The legend rows of a condition/damage colouring: grades 5 → 1, then "no record"."""
    return [(labels.get(g, str(g)), tuple(rgb(GRADE_COLOURS.get(g, NO_DATA)))) for g in (5, 4, 3, 2, 1, 0)]


class BimLegend:
    """The one condition/damage legend of a scene, while a visible BIM layer is coloured by one.
    The window's legend panel shows ``legend_section``; nothing is drawn over the map."""

    def __init__(self, scene):
        self.scene = scene
        self.mode = "none"
        self.legend_section = None

    def update(self, leaving=None):
        modes = [lyr.view.colour_by for lyr in self.scene.layers
                 if is_kind(lyr, "bim") and lyr.visible and lyr is not leaving and lyr.view is not None
                 and lyr.view.colour_by in ("condition", "damage")]  # sensor states: the sensor legend
        mode = next((m for m in modes if m != "none"), "none")
        if mode != self.mode or (self.legend_section is None) != (mode == "none"):
            self.mode = mode
            self.relabel()

    def relabel(self):
        self.legend_section = None
        if self.mode != "none":
            labels = {g: tr(f"hbim.grade.{g}") for g in range(6)}
            self.legend_section = (tr(f"hbim.colour.{self.mode}"), condition_rows(labels))
        self.scene.request_render()
