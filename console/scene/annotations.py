"""Draws an annotations layer: pins, lines, arrows, polygons and screen-facing text in world space.

A handful of props per annotation (a layer holds tens, not thousands). Everything sits 1.5 m
above where it was placed so it never fights the terrain or the model face it was put on.
Selected annotations are drawn thicker with a white halo. ``set_print_scale`` sizes text and
symbols for an export's resolution (console/export/render.py).

Symbols keep a screen size and face the camera, as pins and text do: an arrowhead is a flat
triangle of HEAD_PX, rebuilt before every frame in the plane facing the camera at the arrow's
tip and pointing along the shaft as drawn on screen (console/scene/arrowheads.py). It used to be
a world-size cone up to 60 m long, which, seen end-on, was a ~90 px red disc over text and arch.
"""
from __future__ import annotations

import numpy as np

from console.fonts import apply_cjk_font
from console.scene import polydata
from console.scene.base import LayerAdapter
from console.scene.style import rgb
from console.vtk_imports import (
    vtkActor, vtkBillboardTextActor3D, vtkPolyDataMapper, vtkTriangleFilter,
)

LIFT = 1.5            # metres above the placed point
PT_TO_PX = 96.0 / 72.0
MARKER_PX = 14.0


class AnnotationAdapter(LayerAdapter):
    def __init__(self, layer, scene):
        self.print_scale = 1.0
        self.owner: dict[int, int] = {}   # id(prop) → annotation index (picking)
        from console.scene.arrowheads import Arrowheads
        self.heads = Arrowheads(scene)
        super().__init__(layer, scene)
        layer.data.changed.connect(self._on_data)
        layer.view.events.selected.connect(self._on_data)

    def close(self):
        self.layer.data.changed.disconnect(self._on_data)
        self.layer.view.events.selected.disconnect(self._on_data)
        self.heads.close()
        super().close()

    def set_print_scale(self, k: float):
        self.print_scale = k
        self.rebuild()

    # building ------------------------------------------------------------------------------
    def build(self):
        self.owner = {}
        self.heads.clear()
        selected = set(self.layer.view.selected)
        for i, a in enumerate(self.layer.data):
            xyz = self.scene.project.to_scene(np.asarray(a.points, float) + [0.0, 0.0, LIFT])
            chosen = a.id in selected
            props = self._shape(a, xyz, chosen)
            if a.text and a.kind in ("text", "callout", "marker"):
                props.append(self._text(a, xyz[-1] if a.kind == "callout" else xyz[0], chosen))
            for p in props:
                self.owner[id(p)] = i
            self.props += props
        self.layer.bounds = self.layer.data.bounds() or self.layer.bounds

    def _actor(self, pd, colour, width=None, point=None, opacity=1.0) -> vtkActor:
        mapper = vtkPolyDataMapper()
        mapper.SetInputData(pd)
        mapper.ScalarVisibilityOff()
        actor = vtkActor()
        actor.SetMapper(mapper)
        p = actor.GetProperty()
        p.SetColor(*colour)
        p.SetOpacity(opacity * self.layer.opacity)
        p.LightingOff()
        if width is not None:
            p.SetLineWidth(width * PT_TO_PX * self.print_scale)
        if point is not None:
            p.SetPointSize(point * self.print_scale)
            p.SetRenderPointsAsSpheres(True)
        return actor

    def _shape(self, a, xyz, chosen: bool) -> list:
        colour = rgb(a.colour, (0.9, 0.0, 0.17))
        width = a.width + (2.0 if chosen else 0.0)
        out = []
        if chosen:  # a white halo under the shape
            halo = self._lines(a, xyz)
            if halo is not None:
                out.append(self._actor(halo, (1, 1, 1), width=width + 2.5))
        if a.kind == "marker" or a.kind == "callout":
            pin = self._actor(polydata.vertices(xyz[:1]), colour, point=MARKER_PX + (6 if chosen else 0))
            out.append(pin)
            self.scene.on_top(pin)  # a pin is never under a place name
        if a.kind == "polygon":
            ring = polydata.polylines(xyz, np.array([0, len(xyz)]))
            ring.SetPolys(ring.GetLines())
            ring.SetLines(polydata._cells(np.zeros(1, np.int64), np.zeros(0, np.int64)))
            tri = vtkTriangleFilter()
            tri.SetInputData(ring)
            tri.Update()
            out.append(self._actor(tri.GetOutput(), colour, opacity=0.3))
        lines = self._lines(a, xyz)
        if lines is not None:
            out.append(self._actor(lines, colour, width=width))
        if a.kind == "arrow":
            out.append(self._arrowhead(xyz[-2], xyz[-1], colour, width))
        return out

    @staticmethod
    def _lines(a, xyz):
        if a.kind in ("polyline", "arrow", "callout"):
            return polydata.polylines(xyz, np.array([0, len(xyz)]))
        if a.kind == "polygon":
            closed = np.vstack([xyz, xyz[:1]])
            return polydata.polylines(closed, np.array([0, len(closed)]))
        return None

    def _arrowhead(self, tail, tip, colour, width) -> vtkActor:
        actor = self._actor(self.heads.add(tail, tip, width * PT_TO_PX * self.print_scale), colour)
        actor.GetMapper().SetResolveCoincidentTopologyToPolygonOffset()
        return actor

    def _text(self, a, at, chosen: bool):
        t = vtkBillboardTextActor3D()
        t.SetInput(a.text)
        t.SetPosition(*map(float, at))
        tp = t.GetTextProperty()
        apply_cjk_font(tp)
        tp.SetFontSize(int(round(a.font_size * PT_TO_PX * self.print_scale)))
        tp.SetColor(1, 1, 1)
        tp.SetBold(True)
        tp.SetBackgroundColor(*rgb(a.colour, (0.9, 0.0, 0.17)))
        tp.SetBackgroundOpacity(0.95 if chosen else 0.8)
        tp.SetFrame(chosen)
        tp.SetFrameColor(1, 1, 1)
        tp.SetJustificationToCentered()
        tp.SetVerticalJustificationToBottom()
        t.SetDisplayOffset(0, int(8 * self.print_scale))
        return t

    # picking ---------------------------------------------------------------------------------
    def pick_feature(self, prop, cell_id: int):
        return self.owner.get(id(prop))
