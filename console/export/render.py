"""The map part of an export: the scene rendered offscreen at the output's own pixel size.

Never upscaled: a 7680×4320 PNG or an A3 page at 300 dpi is rendered at that size. Things
sized in screen pixels (labels, points, lines) are scaled by ``print_scale`` so a page reads
like the screen; the on-screen north arrow, scale bar and sensor legend are hidden, the page
draws its own (console/export/page.py). ``ortho=True`` looks straight down with a parallel
projection, grid north up, for a georeferenced GeoTIFF.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from console.scene.camera import VIEW_ANGLE, apply_bookmark, restore_camera


@dataclass
class MapImage:
    rgb: np.ndarray                  # (H, W, 3) uint8, row 0 at the top
    metres_per_px: float             # at the focal point
    north_angle: float               # radians, grid north's direction on the image (0: up)
    transform: tuple | None = None   # GDAL geotransform (x0, dx, 0, y0, 0, -dy) when ortho
    camera: dict | None = None       # the camera in project CRS (provenance)
    labels: list = None              # (x px, y px from the top, text, priority) of the scene's labels
    keep_clear: list = None          # (x px, y px) of annotation pins: no place name is put over them
    extent: object = None            # the ground shown, a shapely polygon in project CRS (console/export/extent.py)


class PrintScale:
    """Points and lines ``k`` times their screen size on every frame (adapters may reset them)."""

    def __init__(self, renderer, k: float):
        self.k, self.renderer, self._set = k, renderer, {}
        renderer.AddObserver("StartEvent", self._scale, -10.0)  # after the adapters' own observers

    def _scale(self, *_):
        actors = self.renderer.GetActors()
        actors.InitTraversal()
        for _ in range(actors.GetNumberOfItems()):
            prop = actors.GetNextActor().GetProperty()
            for get, put in ((prop.GetPointSize, prop.SetPointSize), (prop.GetLineWidth, prop.SetLineWidth)):
                key = (id(prop), get.__name__)
                base, mine = self._set.get(key, (None, None))
                now = get()
                if now != mine:      # set by an adapter since: that is the new screen size
                    base = now
                put(base * self.k)
                self._set[key] = (base, base * self.k)


def ortho_half_height(bookmark) -> float:
    """Ground half-height a top-down view shows for a bookmark (what its perspective view frames)."""
    return max(bookmark.distance * math.tan(math.radians(VIEW_ANGLE / 2)), 10.0)


def render_map(project, view: str | None, width: int, height: int, print_scale: float = 1.0,
               ortho: bool = False, offscreen_window=None, centre: tuple | None = None,
               half_height: float | None = None) -> MapImage:
    """``ortho``: top-down, framed as the view's perspective frames, or on ``centre`` (project CRS x, y)
    with ``half_height`` metres of ground above it (a print page at its scale, print_scale.py)."""
    from console.scene.camera import camera_state
    from console.scene.scene import Scene
    from console.snapshot import check_view, frame_rgb
    from console.snapshot import offscreen_window as make_window
    from console.vtk_imports import quiet_vtk_logging
    quiet_vtk_logging()
    view = check_view(project, view)
    window = (offscreen_window or make_window)(width, height)
    scene = Scene(project.crs, project.layers)
    scene.set_theme(project.theme)
    scene.attach(window)
    _hide_screen_furniture(scene)
    for adapter in scene.adapters.values():
        if print_scale != 1.0:
            adapter.set_print_scale(print_scale)
    scene.labels.actor.SetVisibility(False)  # drawn by the page as text (searchable, crisp in a PDF)
    if print_scale != 1.0:
        PrintScale(scene.renderer, print_scale)
    cam = scene.renderer.GetActiveCamera()
    transform = None
    if ortho:
        bm = project.bookmarks[view] if view is not None else _camera_bookmark(project.camera)
        half = half_height or ortho_half_height(bm)
        fx, fy, fz = (*centre, bm.focal[2]) if centre is not None else bm.focal
        focal = project.crs.to_scene(np.array([[fx, fy, fz]]))[0]
        cam.ParallelProjectionOn()
        cam.SetFocalPoint(*map(float, focal))
        cam.SetPosition(float(focal[0]), float(focal[1]), float(focal[2]) + max(bm.distance, 2 * half))
        cam.SetViewUp(0.0, 1.0, 0.0)
        cam.SetParallelScale(half)
        scene.renderer.ResetCameraClippingRange()
        res = 2.0 * half / height
        transform = (fx - width / 2 * res, res, 0.0, fy + height / 2 * res, 0.0, -res)
    elif view is not None:
        apply_bookmark(scene.renderer, project.bookmarks[view].framed_for(width / height), project.crs)
    else:
        restore_camera(scene.renderer, project.camera, project.crs)
    window.Render()
    rgb = frame_rgb(window)
    h, w, _ = rgb.shape
    scene.overlays.update()
    from console.export.extent import ground_extent
    out = MapImage(rgb, transform[1] if transform else scene.overlays.metres_per_px,
                   0.0 if ortho else scene.overlays.north_angle, transform,
                   camera_state(scene.renderer, project.crs), _label_pixels(scene, w, h), _pin_pixels(scene, w, h),
                   ground_extent(scene.renderer, project.crs, w, h))
    window.Finalize()
    return out


def _camera_bookmark(camera: dict):
    """A saved camera as a bookmark: a top-down export of what the window looked at."""
    from layers.bookmarks import Bookmark
    focal, position = np.asarray(camera["focal"], float), np.asarray(camera["position"], float)
    return Bookmark("_camera", "", "", tuple(focal), float(np.linalg.norm(position - focal)), 0.0, 90.0)


def _label_pixels(scene, w: int, h: int) -> list:
    r, out = scene.renderer, []
    for (x, y, z), text, prio in zip(scene.labels.xyz, scene.labels.texts, scene.labels.priority):
        r.SetWorldPoint(float(x), float(y), float(z), 1.0)
        r.WorldToDisplay()
        dx, dy, depth = r.GetDisplayPoint()
        if 0 <= dx < w and 0 <= dy < h and 0.0 <= depth <= 1.0:
            out.append((dx, h - dy, text, int(prio)))
    return out


def _pin_pixels(scene, w: int, h: int) -> list:
    """Where the annotation pins are on the image (what the scene draws over its labels,
    Scene.on_top): the page's place names keep clear of them too."""
    from console.vtk_imports import vtk_to_numpy
    r, out = scene.renderer, []
    for actor, _twin in scene._on_top.values():
        if not actor.GetVisibility():
            continue
        pts = actor.GetMapper().GetInput().GetPoints()
        for x, y, z in (vtk_to_numpy(pts.GetData()) if pts is not None else [])[:2000]:
            r.SetWorldPoint(float(x), float(y), float(z), 1.0)
            r.WorldToDisplay()
            dx, dy, depth = r.GetDisplayPoint()
            if 0 <= dx < w and 0 <= dy < h and 0.0 <= depth <= 1.0:
                out.append((dx, h - dy))
    return out


def _hide_screen_furniture(scene):
    overlays = scene.overlays
    for actor in (overlays.arrow, overlays.north, overlays.bar, overlays.bar_text):
        actor.SetVisibility(False)  # no legend actor to hide: the scene draws none (a panel does)
