"""Exact picking among 200k drawn points.

vtkCellPicker on vertex cells misses most clicks (performance-notes.md: 2/10).
Here the click's view ray is clipped to the height band the points occupy; its
ground track, widened by the pick tolerance in metres at the far end (metres per
pixel grow with distance), selects the cells of a 2D grid over the points (built
lazily, again after a filter or re-drape); only those candidates are projected
and the nearest on screen, then front-most, wins. A click away from any sensor
costs a few hundred candidates, not a projection of all 200k points (~90 ms in
the busy window).
"""
from __future__ import annotations

import math

import numpy as np

from console.scene.camera import view_ray

CELL_M = 100.0  # grid cell: ~ a few pixels at district scale, a few hundred points in dense areas


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
        self._grid = None

    def set_candidates(self, ids: np.ndarray):
        self.ids = np.asarray(ids)
        self.invalidate()

    def invalidate(self):
        self._grid = None

    def _build(self):
        xyz = np.asarray(self.xyz[self.ids], np.float64)
        lo = xyz[:, :2].min(axis=0)
        cols = int((xyz[:, 0].max() - lo[0]) // CELL_M) + 1
        cell = ((xyz[:, 1] - lo[1]) // CELL_M).astype(np.int64) * cols + ((xyz[:, 0] - lo[0]) // CELL_M).astype(np.int64)
        order = np.argsort(cell, kind="stable")
        rows = int((xyz[:, 1].max() - lo[1]) // CELL_M) + 1
        self._grid = (lo, cols, rows, cell[order], order, float(xyz[:, 2].min()), float(xyz[:, 2].max()))

    def _near_track(self, p0: np.ndarray, p1: np.ndarray, radius: float) -> np.ndarray:
        """Positions (into self.ids) of points in grid cells within ``radius`` of the segment's box."""
        lo, cols, rows, keys, order, _, _ = self._grid
        c0, r0 = np.floor((np.minimum(p0[:2], p1[:2]) - radius - lo) / CELL_M).astype(int)
        c1, r1 = np.floor((np.maximum(p0[:2], p1[:2]) + radius - lo) / CELL_M).astype(int)
        c0, c1 = max(c0, 0), min(c1, cols - 1)
        row = np.arange(max(r0, 0), min(r1, rows - 1) + 1)
        if c0 > c1 or not len(row):
            return np.zeros(0, np.int64)
        start = np.searchsorted(keys, row * cols + c0, "left")
        stop = np.searchsorted(keys, row * cols + c1, "right")
        return np.concatenate([order[a:b] for a, b in zip(start, stop)] or [np.zeros(0, np.int64)])

    def pick(self, renderer, dx: float, dy: float, tol_px: float = 6.0) -> int | None:
        """Index of the drawn point under display pixel (dx, dy), or None."""
        if not len(self.ids):
            return None
        if self._grid is None:
            self._build()
        ends = view_ray(renderer, dx, dy)
        if ends is None:
            return None
        segment = _clip_to_band(*ends, self._grid[5], self._grid[6])
        if segment is None:
            return None
        cam = renderer.GetActiveCamera()
        eye = np.array(cam.GetPosition())
        far = max(np.linalg.norm(segment[0] - eye), np.linalg.norm(segment[1] - eye))
        per_px = 2 * far * math.tan(math.radians(cam.GetViewAngle() / 2)) / max(renderer.GetSize()[1], 1)
        local = self._near_track(*segment, (tol_px + 2) * per_px)
        return self._nearest(renderer, local, dx, dy, tol_px) if len(local) else None

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


def _clip_to_band(a: np.ndarray, b: np.ndarray, zmin: float, zmax: float):
    """The part of segment a→b between heights zmin and zmax (scene coordinates), or None."""
    dz = b[2] - a[2]
    if abs(dz) < 1e-9:
        return (a, b) if zmin <= a[2] <= zmax else None
    t0, t1 = sorted(((zmin - a[2]) / dz, (zmax - a[2]) / dz))
    t0, t1 = max(t0, 0.0), min(t1, 1.0)
    if t0 > t1:
        return None
    return a + t0 * (b - a), a + t1 * (b - a)
