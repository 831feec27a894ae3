"""Map furniture drawn over the 3D view: a north arrow and a scale bar.

Both are recomputed before each render from the camera, so they stay true while
the user orbits. North is grid north of the project CRS (at Songjiang the
meridian convergence of EPSG:4549 is about 0.6°).
"""
from __future__ import annotations

import math

import numpy as np

from console.fonts import apply_cjk_font
from console.scene import polydata
from console.vtk_imports import (
    vtkActor2D, vtkCellArray, vtkCommand, vtkCoordinate, vtkPolyData, vtkPolyDataMapper2D,
    vtkTextActor,
)

ARROW = np.array([[0, 26], [-11, -14], [0, -6], [11, -14]], dtype=float)


def nice_length(metres_per_px: float, target_px: float = 140) -> float:
    raw = metres_per_px * target_px
    exp = 10 ** math.floor(math.log10(raw))
    return max(m * exp for m in (1, 2, 5) if m * exp <= raw) if raw >= exp else exp


def format_length(m: float) -> str:
    return f"{m / 1000:g} km" if m >= 1000 else f"{m:g} m"


def _actor2d(pd: vtkPolyData, colour=(1, 1, 1), width=2.0) -> vtkActor2D:
    coord = vtkCoordinate()
    coord.SetCoordinateSystemToDisplay()
    mapper = vtkPolyDataMapper2D()
    mapper.SetInputData(pd)
    mapper.SetTransformCoordinate(coord)
    actor = vtkActor2D()
    actor.SetMapper(mapper)
    actor.GetProperty().SetColor(*colour)
    actor.GetProperty().SetLineWidth(width)
    return actor


def _text(size=14) -> vtkTextActor:
    t = vtkTextActor()
    tp = t.GetTextProperty()
    apply_cjk_font(tp)
    tp.SetFontSize(size)
    tp.SetBold(True)
    tp.SetShadow(True)
    tp.SetJustificationToCentered()
    return t


class MapOverlays:
    def __init__(self, scene):
        self.scene = scene
        self.arrow_pd = polydata.vertices(np.zeros((4, 3)))
        polys = vtkCellArray()
        polys.InsertNextCell(4, [0, 1, 2, 3])
        self.arrow_pd.SetVerts(vtkCellArray())
        self.arrow_pd.SetPolys(polys)
        self.arrow = _actor2d(self.arrow_pd, (0.95, 0.3, 0.25))
        self.north = _text(16)
        self.north.SetInput("N")
        self.bar_pd = polydata.polylines(np.zeros((4, 3)), np.array([0, 4]))
        self.bar = _actor2d(self.bar_pd, (1, 1, 1), 3.0)
        self.bar_text = _text(13)
        self.metres_per_px = float("nan")
        self.north_angle = 0.0
        for a in (self.arrow, self.north, self.bar, self.bar_text):
            scene.renderer.AddViewProp(a)
        scene.renderer.AddObserver(vtkCommand.StartEvent, lambda *_: self.update())

    def set_theme(self, theme):
        """Dark ink on the light map, light ink on the wall's dark one."""
        self.bar.GetProperty().SetColor(*theme.overlay)
        for t in (self.north, self.bar_text):
            tp = t.GetTextProperty()
            tp.SetColor(*theme.overlay)
            tp.SetShadow(theme.dark)
            # a halo of the opposite tone: readable over buildings and ground alike
            tp.SetBackgroundColor(*((0.0, 0.0, 0.0) if theme.dark else (1.0, 1.0, 1.0)))
            tp.SetBackgroundOpacity(0.55)

    def _display(self, world) -> np.ndarray:
        r = self.scene.renderer
        r.SetWorldPoint(*world, 1.0)
        r.WorldToDisplay()
        return np.array(r.GetDisplayPoint()[:2])

    def update(self):
        r = self.scene.renderer
        w, h = r.GetSize()
        if w < 50 or h < 50:
            return
        cam = r.GetActiveCamera()
        focal = np.array(cam.GetFocalPoint())
        step = max(cam.GetDistance() * 0.05, 1.0)
        p0, pn = self._display(focal), self._display(focal + [0, step, 0])
        right = np.cross(np.array(cam.GetDirectionOfProjection()), cam.GetViewUp())
        right = right / (np.linalg.norm(right) or 1)
        pr = self._display(focal + right * step)
        self.north_angle = math.atan2(pn[0] - p0[0], pn[1] - p0[1])
        self._draw_arrow(w - 50, h - 60)
        px = np.linalg.norm(pr - p0)
        self.metres_per_px = step / px if px > 0 else float("nan")
        self._draw_bar()

    def _draw_arrow(self, cx, cy):
        c, s = math.cos(self.north_angle), math.sin(self.north_angle)
        rot = ARROW @ np.array([[c, -s], [s, c]])
        pts = np.column_stack([rot[:, 0] + cx, rot[:, 1] + cy, np.zeros(4)])
        self.arrow_pd.SetPoints(polydata.points(pts))
        self.north.SetPosition(cx + 38 * s, cy + 36 * c - 8)

    def _draw_bar(self):
        if not math.isfinite(self.metres_per_px):
            return
        length = nice_length(self.metres_per_px)
        px = length / self.metres_per_px
        x0, y0 = 24, 30
        pts = np.array([[x0, y0 + 8, 0], [x0, y0, 0], [x0 + px, y0, 0], [x0 + px, y0 + 8, 0]])
        self.bar_pd.SetPoints(polydata.points(pts))
        self.bar_text.SetInput(format_length(length))
        self.bar_text.SetPosition(x0 + px / 2, y0 + 8)
