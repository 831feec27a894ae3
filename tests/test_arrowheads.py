"""An arrow's head keeps a screen size and faces the camera, on screen and in exports (issue 26, item 9).

The head was a world-size cone (up to 60 m): an arrow pointing away from the camera showed its
base end-on, a ~90 px red disc over the text and the arch, in the window and in the PDF. Here
the map is rendered as the window and the exports render it (console/export/render.py, one
Scene), with a magenta arrow seen end-on and one seen side-on, and the magenta pixels counted.
"""
from __future__ import annotations

import numpy as np
import pytest

from layers.annotations import Annotation

MAGENTA = "#ff00ff"


@pytest.fixture(scope="module")
def project():
    """The embedded base map, a camera 370 m from a point of the old town, a magenta arrow there."""
    from console.scene.scene import Scene
    from layers.annotations import new_layer
    from layers.bookmarks import default_bookmarks
    from layers.loading import embedded_specs, load_spec
    from layers.project import Project
    project = Project()
    for spec in embedded_specs():
        project.layers.extend(load_spec(spec, project.crs))
    project.bookmarks = default_bookmarks(project.layers)
    fx, fy, _ = project.bookmarks["old-town"].focal
    x, y = fx + 80.0, fy + 80.0
    z = float(Scene(project.crs, project.layers).height_at([x], [y])[0])
    eye = np.array([x - 150.0, y - 260.0, z + 220.0])
    tip = np.array([x, y, z])
    layer = new_layer()
    # end-on: the shaft runs from halfway to the camera down to the point looked at
    layer.data.add(Annotation("arrow", [list(tip + (eye - tip) * 0.5), list(tip)], colour=MAGENTA))
    project.layers.append(layer)
    project.camera = {"position": list(eye), "focal": list(tip), "up": [0.0, 0.0, 1.0]}
    return project


def _magenta(rgb) -> np.ndarray:
    rgb = rgb.astype(int)
    return (rgb[..., 0] > 180) & (rgb[..., 1] < 90) & (rgb[..., 2] > 180)


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_an_arrow_seen_end_on_is_a_small_head_not_a_disc(project, scale):
    from console.export.render import render_map
    image = render_map(project, None, int(1280 * scale), int(720 * scale), print_scale=scale)
    mask = _magenta(image.rgb)
    rows, cols = np.nonzero(mask)
    assert len(rows) >= 20 * scale ** 2, "the arrow is not drawn"
    tall, wide = np.ptp(rows) + 1, np.ptp(cols) + 1
    # the head: ~17 px long, ~15 px wide for a 2 pt line (× the print scale); the old disc was ~80 px
    assert max(tall, wide) <= 30 * scale, f"the arrow covers {wide}×{tall} px at print scale {scale}"
    assert mask.sum() <= 400 * scale ** 2, f"{mask.sum()} magenta pixels at print scale {scale}"


def test_a_head_points_along_its_shaft_on_screen(project):
    """Side-on, the head's pixels lie behind its tip along the shaft: it faces the camera, not a cone's side."""
    import copy

    from console.export.render import render_map
    from console.scene.annotations import LIFT
    side = copy.deepcopy(project)
    layer = next(lyr for lyr in side.layers if lyr.kind == "annotations")
    tip = np.array(side.camera["focal"], float)
    eye = np.array(side.camera["position"], float)
    across = np.cross(eye - tip, [0.0, 0.0, 1.0])
    across = across / np.linalg.norm(across) * 60.0
    layer.data.reset([Annotation("arrow", [list(tip - across), list(tip)], colour=MAGENTA, width=0.5)])
    image = render_map(side, None, 1280, 720)
    from console.scene.camera import restore_camera
    from console.snapshot import offscreen_window
    from console.vtk_imports import vtkRenderer
    r = vtkRenderer()
    window = offscreen_window(1280, 720)
    window.AddRenderer(r)
    restore_camera(r, side.camera, side.crs)
    xs = []
    for end in side.crs.to_scene(np.array([tip - across, tip]) + [0.0, 0.0, LIFT]):
        r.SetWorldPoint(*map(float, end), 1.0)
        r.WorldToDisplay()
        xs.append(r.GetDisplayPoint()[0])
    tx, hx = xs
    window.Finalize()
    mask = _magenta(image.rgb)
    rows, cols = np.nonzero(mask)
    # the widest column of magenta (the head's base) lies between the tail and the tip, near the tip
    counts = np.bincount(cols, minlength=1280)
    widest = int(np.argmax(counts))
    assert counts[widest] >= 8, f"no head: widest magenta column has {counts[widest]} px"
    assert min(tx, hx) <= widest <= max(tx, hx) and abs(widest - hx) <= 30, (widest, tx, hx)
