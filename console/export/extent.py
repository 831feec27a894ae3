"""The ground a rendered map shows: what its legend may list (console/export/kind_legend.py).

The image's border, cast from the camera onto the plane of the focal point's height, gives a
polygon in the project CRS: a rectangle for a top-down (orthographic) page, a trapezoid for an
oblique view (cut at the far clipping plane where a ray never meets the ground). Buildings and
models taller than the ground plane that lean into the picture from outside are not counted;
a legend row too few there is the price of not rendering the scene twice.
"""
from __future__ import annotations

import numpy as np
import shapely

SAMPLES = 8  # points along each side of the image (a trapezoid needs two; a few more is cheap)


def _world(renderer, dx: float, dy: float, depth: float) -> np.ndarray:
    renderer.SetDisplayPoint(float(dx), float(dy), float(depth))
    renderer.DisplayToWorld()
    x, y, z, w = renderer.GetWorldPoint()
    return np.array([x, y, z]) / (w or 1.0)


def ground_extent(renderer, project_crs, width: int, height: int):
    """The polygon (project CRS) of the ground inside the ``width``×``height`` image just rendered."""
    ground = renderer.GetActiveCamera().GetFocalPoint()[2]
    t = np.linspace(0.0, 1.0, SAMPLES)
    border = np.concatenate([np.c_[t * width, np.zeros_like(t)], np.c_[np.full_like(t, width), t * height],
                             np.c_[(1 - t) * width, np.full_like(t, height)], np.c_[np.zeros_like(t), (1 - t) * height]])
    points = []
    for dx, dy in border:
        near, far = _world(renderer, dx, dy, 0.0), _world(renderer, dx, dy, 1.0)
        ray = far - near
        k = (ground - near[2]) / ray[2] if ray[2] < -1e-9 else 1.0
        points.append(near + min(max(k, 0.0), 1.0) * ray)
    xy = project_crs.from_scene(np.asarray(points))[:, :2]
    return shapely.MultiPoint(xy).convex_hull
