"""Exact picking among 200k drawn points.

vtkCellPicker on vertex cells misses most clicks (performance-notes.md: 2/10).
Here: a vtkStaticPointLocator over the drawn points (built lazily, ~22 ms, again
only after a filter or re-drape), one ray query per click (~30 µs) with a world
tolerance of a few pixels at the focal distance, the answer checked on screen;
if the ray misses (points far behind the focal point subtend fewer metres per
pixel than the tolerance assumes), every drawn point is projected with numpy
(~15 ms, still exact).
"""
from __future__ import annotations

import math

import numpy as np

from console.scene.camera import view_ray

from console.vtk_imports import (
    numpy_to_vtk, reference, vtkIdList, vtkPoints, vtkPolyData, vtkStaticPointLocator,
)


def project(renderer, xyz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scene points → display pixels (N,2) and NDC depth (N,), as VTK would draw them."""
    cam = renderer.GetActiveCamera()
    w, h = renderer.GetSize()
    x0, y0 = renderer.GetOrigin()
    m = cam.GetCompositeProjectionTransformMatrix(w / max(h, 1), -1, 1)
    mat = np.array([[m.GetElement(r, c) for c in range(4)] for r in range(4)])
    hom = np.asarray(xyz, np.float64) @ mat[:3, :3].T + mat[:3, 3]
    wc = np.asarray(xyz, np.float64) @ mat[3, :3] + mat[3, 3]
    ndc = hom / wc[:, None]
    disp = np.column_stack([(ndc[:, 0] + 1) * 0.5 * w + x0, (ndc[:, 1] + 1) * 0.5 * h + y0])
    depth = np.where(wc > 0, ndc[:, 2], np.inf)
    return disp, depth


class PointPicker:
    def __init__(self, xyz_view: np.ndarray):
        self.xyz = xyz_view          # the drawn points (float32 view of the vtkPoints)
        self.ids = np.arange(len(xyz_view))
        self._locator = None
        self._pd = None

    def set_candidates(self, ids: np.ndarray):
        self.ids = np.asarray(ids)
        self.invalidate()

    def invalidate(self):
        self._locator = None

    def _build(self):
        pts = vtkPoints()
        pts.SetData(numpy_to_vtk(np.ascontiguousarray(self.xyz[self.ids], np.float32), deep=True))
        self._pd = vtkPolyData()
        self._pd.SetPoints(pts)
        loc = vtkStaticPointLocator()
        loc.SetDataSet(self._pd)
        loc.BuildLocator()
        self._locator = loc

    def pick(self, renderer, dx: float, dy: float, tol_px: float = 6.0) -> int | None:
        """Index of the drawn point under display pixel (dx, dy), or None."""
        if not len(self.ids):
            return None
        if self._locator is None:
            self._build()
        ends = view_ray(renderer, dx, dy)
        if ends is None:
            return None
        ends = [e.tolist() for e in ends]
        cam = renderer.GetActiveCamera()
        h = max(renderer.GetSize()[1], 1)
        per_px = 2 * cam.GetDistance() * math.tan(math.radians(cam.GetViewAngle() / 2)) / h
        t, line_x, pt_x, pid = reference(0.0), [0.0] * 3, [0.0] * 3, reference(0)
        tol = tol_px * per_px
        if self._locator.IntersectWithLine(ends[0], ends[1], tol, t, line_x, pt_x, pid):
            # the first point along the ray within tol; its neighbours may sit nearer the click
            near = vtkIdList()
            self._locator.FindPointsWithinRadius(2 * tol, line_x, near)
            local = np.array([near.GetId(k) for k in range(near.GetNumberOfIds())] or [int(pid)])
            hit = self._nearest(renderer, local, dx, dy, tol_px)
            if hit is not None:
                return hit
        return self._nearest(renderer, np.arange(len(self.ids)), dx, dy, tol_px)

    def _nearest(self, renderer, local: np.ndarray, dx, dy, tol_px) -> int | None:
        """Among candidates (positions in self.ids): nearest on screen, then front-most."""
        disp, depth = project(renderer, self.xyz[self.ids[local]])
        d = np.hypot(disp[:, 0] - dx, disp[:, 1] - dy)
        ok = (d <= tol_px) & (np.abs(depth) <= 1)
        if not ok.any():
            return None
        cand = np.flatnonzero(ok)
        best = cand[np.lexsort((depth[cand], np.round(d[cand])))[0]]  # nearest pixel, then front-most
        return int(self.ids[local[best]])
