"""Putting the VTK camera where a bookmark says, and reading it back."""
from __future__ import annotations

import numpy as np

VIEW_ANGLE = 30.0


def apply_bookmark(renderer, bookmark, project_crs):
    position, focal, up = bookmark.camera()
    set_camera(renderer, project_crs.to_scene(position[None])[0], project_crs.to_scene(focal[None])[0], up)


def set_camera(renderer, position, focal, up):
    cam = renderer.GetActiveCamera()
    cam.SetViewAngle(VIEW_ANGLE)
    cam.SetFocalPoint(*map(float, focal))
    cam.SetPosition(*map(float, position))
    cam.SetViewUp(*map(float, up))
    renderer.ResetCameraClippingRange()


def camera_state(renderer, project_crs) -> dict:
    """The camera in project CRS, for saving with the project."""
    cam = renderer.GetActiveCamera()
    pos = project_crs.from_scene(np.array([cam.GetPosition()]))[0]
    foc = project_crs.from_scene(np.array([cam.GetFocalPoint()]))[0]
    return {"position": pos.tolist(), "focal": foc.tolist(), "up": list(cam.GetViewUp())}


def restore_camera(renderer, state: dict, project_crs):
    set_camera(renderer, project_crs.to_scene(np.array([state["position"]]))[0],
               project_crs.to_scene(np.array([state["focal"]]))[0], state["up"])


def display_of(scene, lon: float, lat: float, lift: float = 2.0) -> tuple[float, float]:
    """Display (pixel, origin bottom-left) coordinates of a WGS84 point on the ground."""
    crs = scene.project
    x, y = crs.from_wgs84(lon, lat)
    z = scene.height_at([x], [y])[0] + lift
    r = scene.renderer
    r.SetWorldPoint(*map(float, crs.to_scene(np.array([[x, y, z]]))[0]), 1.0)
    r.WorldToDisplay()
    dx, dy, _ = r.GetDisplayPoint()
    return dx, dy


def view_ray(renderer, dx: float, dy: float):
    """Near and far world points (scene coordinates) under a display pixel, or None."""
    ends = []
    for depth in (0.0, 1.0):
        renderer.SetDisplayPoint(dx, dy, depth)
        renderer.DisplayToWorld()
        w = renderer.GetWorldPoint()
        if w[3] == 0:
            return None
        ends.append(np.array(w[:3], dtype=float) / w[3])
    return ends
