"""Near and far clipping planes from what the view frustum holds, not from the union of all bounds.

VTK's own reset takes the union of every visible prop's bounds and puts the near
plane at 1/1000 of the far one: one Shanghai-wide GeoJSON pushed the near plane
to 192 m with the camera 100 m from Dacang Bridge, and an IFC georeferenced in
Germany (12,000 km away) blanked the old town. Here each prop's bounding box is
intersected with the view frustum (a tiny linear programme: the box's and the
frustum's half-spaces, solved by enumerating vertices), so only what can appear
on screen counts, and the near plane comes from what is nearest: when the depth
range is too wide for the depth buffer, the far plane gives way, never the near one.
"""
from __future__ import annotations

import math
from itertools import combinations

import numpy as np

from console.scene import kinds

NEAR_MIN = 0.2          # metres: closer than this nothing in a city scene needs to be drawn
DEPTH_RATIO = 1e4       # far/near a 24-bit depth buffer still resolves at city scale
# plane triples that can meet in a point: never both faces of a box along one axis
_TRIPLES = np.array([t for t in combinations(range(11), 3)
                     if not any({5 + 2 * a, 6 + 2 * a} <= set(t) for a in range(3))])
_CORNERS = np.array([[i, 2 + j, 4 + k] for i in (0, 1) for j in (0, 1) for k in (0, 1)])


def _half_spaces(camera, aspect: float, boxes: np.ndarray):
    """(N,11,3) unit normals and (N,11) offsets, n·x + d >= 0 inside frustum ∩ box."""
    planes = [0.0] * 24
    camera.GetFrustumPlanes(aspect, planes)
    side = np.array(planes[:16], float).reshape(4, 4)
    side /= np.linalg.norm(side[:, :3], axis=1, keepdims=True)
    eye = np.array(camera.GetPosition(), float)
    ahead = np.array(camera.GetDirectionOfProjection(), float)
    front = np.append(ahead, -ahead @ eye)[None]
    n = len(boxes)
    normals = np.zeros((n, 11, 3))
    offsets = np.zeros((n, 11))
    normals[:, :5] = np.vstack([side, front])[:, :3]
    offsets[:, :5] = np.vstack([side, front])[:, 3]
    for axis in range(3):
        normals[:, 5 + 2 * axis, axis] = 1.0        # x >= min
        offsets[:, 5 + 2 * axis] = -boxes[:, 2 * axis]
        normals[:, 6 + 2 * axis, axis] = -1.0       # x <= max
        offsets[:, 6 + 2 * axis] = boxes[:, 2 * axis + 1]
    return normals, offsets, eye, ahead


def depth_ranges(camera, aspect: float, boxes: np.ndarray) -> np.ndarray:
    """(N,2) nearest and farthest distance along the view of each box's part inside the frustum
    (NaN where the box is outside the frustum)."""
    boxes = np.asarray(boxes, float).reshape(-1, 6)
    out = np.full((len(boxes), 2), np.nan)
    if not len(boxes):
        return out
    normals, offsets, eye, ahead = _half_spaces(camera, aspect, boxes)
    corners = boxes[:, _CORNERS]                                   # (N,8,3)
    side = corners @ normals[0, :5].T + offsets[0, :5]             # (N,8,5)
    outside = (side < 0).all(axis=1).any(axis=1)                   # all corners beyond one plane
    inside = (side >= 0).all(axis=(1, 2))                          # wholly in view: corners decide
    dist = (corners - eye) @ ahead
    out[inside, 0] = dist[inside].min(axis=1)
    out[inside, 1] = dist[inside].max(axis=1)
    straddle = ~outside & ~inside
    if straddle.any():
        out[straddle] = _frustum_part(normals[straddle], offsets[straddle], eye, ahead)
    return out


def _frustum_part(normals, offsets, eye, ahead) -> np.ndarray:
    """Depth range of frustum ∩ box: the extreme vertices of the polytope (all plane triples)."""
    out = np.full((len(normals), 2), np.nan)
    m = normals[:, _TRIPLES]                       # (N,T,3,3)
    rhs = -offsets[:, _TRIPLES]                    # (N,T,3)
    det = np.linalg.det(m)
    ok = np.abs(det) > 1e-9
    m[~ok] = np.eye(3)
    vertices = np.linalg.solve(m, rhs[..., None])[..., 0]  # (N,T,3)
    slack = np.einsum("ntk,npk->ntp", vertices, normals) + offsets[:, None, :]
    scale = 1e-6 * (1.0 + np.abs(vertices).max(axis=2, keepdims=True))
    feasible = ok & (slack >= -scale).all(axis=2)
    dist = (vertices - eye) @ ahead
    near = np.where(feasible, dist, np.inf).min(axis=1)
    far = np.where(feasible, dist, -np.inf).max(axis=1)
    hit = np.isfinite(near)
    out[hit, 0] = np.maximum(near[hit], 0.0)
    out[hit, 1] = far[hit]
    return out


def clipping_range(camera, aspect: float, boxes, solid, clearance: float,
                   distant=None) -> tuple[float, float] | None:
    """(near, far) for props with these boxes; None when nothing is in view.

    ``solid`` marks boxes whose geometry fills them (a camera inside one may be
    touching it); for other boxes holding the camera the ground-hugging geometry is
    at least about ``clearance`` (camera height above the ground) away. ``distant``
    marks layers outside the project CRS's area of use: they never set the planes
    while anything else is in view.
    """
    ranges = depth_ranges(camera, aspect, boxes)
    seen = ~np.isnan(ranges[:, 0])
    if distant is not None and (seen & ~np.asarray(distant, bool)).any():
        seen &= ~np.asarray(distant, bool)
    if not seen.any():
        return None
    near_each = ranges[seen, 0]
    held = near_each <= 0.0
    fallback = np.where(np.asarray(solid, bool)[seen], NEAR_MIN, max(NEAR_MIN, 0.5 * clearance))
    near_each = np.where(held, fallback, near_each)
    near = max(NEAR_MIN, 0.9 * float(near_each.min()))
    far = min(max(1.1 * float(ranges[seen, 1].max()), near * 2), near * DEPTH_RATIO)
    return near, far


def reach(camera, aspect: float, planes: tuple[float, float], box) -> tuple[float, float]:
    """Planes pushed out so the ground beyond the data reaches the horizon, as far as the depth
    buffer allows: the backdrop never moves the near plane."""
    near, far = planes
    ranges = depth_ranges(camera, aspect, np.array([box]))
    if np.isnan(ranges[0, 1]):
        return planes
    return near, max(far, min(float(ranges[0, 1]), near * DEPTH_RATIO))


class ClippingFit:
    """Refits the planes before every frame and whenever VTK resets them (interaction, flights)."""

    def __init__(self, scene):
        self.scene = scene
        self._busy = False
        self._last = (None, None)  # (what the planes were fitted to, the planes): feed redraws reuse them
        scene.renderer.AddObserver("StartEvent", self.fit)
        scene.renderer.AddObserver("ResetCameraClippingRangeEvent", self.fit)

    def fit(self, *_):
        if self._busy:
            return
        self._busy = True
        try:
            self._fit()
        finally:
            self._busy = False

    def _fit(self):
        renderer = self.scene.renderer
        camera = renderer.GetActiveCamera()
        if camera.GetParallelProjection():
            return
        boxes, solid, distant = [], [], []
        for adapter in self.scene.adapters.values():
            for prop in adapter.props:
                b = prop.GetBounds() if prop.GetVisibility() else None
                if b is not None:
                    boxes.append(b)
                    solid.append(kinds.of(adapter.layer).solid)  # fills its box; others lie near the ground
                    distant.append(adapter.layer.outside_area)
        valid = [b[0] <= b[1] and math.isfinite(sum(b)) for b in boxes]  # empty props report (1, -1, …)
        boxes, solid, distant = ([x for x, ok in zip(v, valid) if ok] for v in (boxes, solid, distant))
        aspect = renderer.GetTiledAspectRatio()
        key = (camera.GetPosition(), camera.GetFocalPoint(), camera.GetViewUp(), camera.GetViewAngle(),
               aspect, tuple(map(tuple, boxes)), tuple(solid), tuple(distant))
        if key != self._last[0]:
            eye = self.scene.project.from_scene(np.array([camera.GetPosition()]))[0]
            clearance = float(eye[2] - self.scene.height_at([eye[0]], [eye[1]])[0])
            self._last = (key, clipping_range(camera, aspect, np.array(boxes).reshape(-1, 6),
                                              solid, clearance, distant))
            backdrop = self.scene.backdrop.depth_box() if hasattr(self.scene, "backdrop") else None
            if self._last[1] is not None and backdrop is not None:
                self._last = (key, reach(camera, aspect, self._last[1], backdrop))
        if self._last[1] is not None and camera.GetClippingRange() != self._last[1]:
            camera.SetClippingRange(*self._last[1])
