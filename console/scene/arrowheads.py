"""Arrowheads that keep a screen size and face the camera, in the window and in exports.

Each head is a triangle whose corners are recomputed before every frame (the scene renderer's
StartEvent): its tip at the arrow's end, its base HEAD_PX behind along the shaft as projected on
screen, HEAD_PX wide, in the plane through the tip facing the camera. An arrow seen end-on (its
shaft under a pixel long on screen) keeps the same small triangle pointing down, never a disc.
The size scales with the line width (in screen pixels, so with an export's print scale).
"""
from __future__ import annotations

import numpy as np

from console.scene import polydata
from console.scene.sensor_pick import project

HEAD_PX = 12.0       # length of a head for a 1 px line …
HEAD_PER_WIDTH = 2.0  # … plus this many times the line width
HALF_WIDTH = 0.45    # half its base, as a share of its length


class Arrowheads:
    def __init__(self, scene):
        self.scene = scene
        self.heads: list[tuple] = []  # (polydata, tail, tip, length px)
        self._tag = scene.renderer.AddObserver("StartEvent", self.update)

    def clear(self):
        self.heads = []

    def add(self, tail, tip, width_px: float):
        """A head for the arrow tail → tip (scene coordinates): its polydata, kept up to date."""
        out = polydata.triangles(np.zeros((3, 3)))
        head = (out, np.asarray(tail, float), np.asarray(tip, float), HEAD_PX + HEAD_PER_WIDTH * width_px)
        self.heads.append(head)
        self._place(head)
        return out

    def close(self):
        self.scene.renderer.RemoveObserver(self._tag)
        self.heads = []

    def update(self, *_):
        for head in self.heads:
            self._place(head)

    def _place(self, head):
        out, tail, tip, length_px = head
        renderer = self.scene.renderer
        w, h = renderer.GetSize()
        if w < 2 or h < 2:
            return
        cam = renderer.GetActiveCamera()
        eye, focal = np.array(cam.GetPosition()), np.array(cam.GetFocalPoint())
        forward = focal - eye
        forward /= np.linalg.norm(forward) or 1.0
        up = np.array(cam.GetViewUp(), float)
        up = up - forward * (up @ forward)
        up /= np.linalg.norm(up) or 1.0
        right = np.cross(forward, up)
        if cam.GetParallelProjection():
            per_px = 2.0 * cam.GetParallelScale() / h
        else:
            depth = max(float((tip - eye) @ forward), 1e-6)
            per_px = 2.0 * depth * np.tan(np.radians(cam.GetViewAngle() / 2.0)) / h
        disp, _ = project(renderer, np.vstack([tail, tip]))
        d2 = disp[1] - disp[0]
        n = float(np.hypot(*d2))
        ux, uy = (d2 / n) if n >= 1.0 else (0.0, -1.0)  # end-on: a small head pointing down
        along = (ux * right + uy * up) * length_px * per_px
        across = (-uy * right + ux * up) * length_px * HALF_WIDTH * per_px
        base = tip - along
        corners = np.vstack([tip, base + across, base - across])
        out.SetPoints(polydata.points(corners))

