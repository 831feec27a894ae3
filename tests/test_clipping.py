"""Clipping planes from what the view holds, and the area-of-use check (no window needed)."""
from __future__ import annotations

import numpy as np
import pytest

BRIDGE = [-20, 20, -5, 5, 0, 10]              # a 40 m bridge at the origin, scene metres
CITY = [-60e3, 70e3, -50e3, 60e3, -2, 20]     # a Shanghai-wide heritage layer, flat, around the camera
GERMANY = [-4.0e6, -3.99e6, 8.9e6, 8.91e6, 100, 130]  # an IFC placed 12,000 km away


def _camera(position, focal):
    from console.vtk_imports import vtkRenderer
    camera = vtkRenderer().GetActiveCamera()
    camera.SetViewAngle(30)
    camera.SetFocalPoint(*focal)
    camera.SetPosition(*position)
    camera.SetViewUp(0, 0, 1)
    return camera


def _bridge_view():
    return _camera((-90, -30, 37), (0, 0, 5))  # 100 m away, 22° down, as the bridge bookmark


def test_a_city_wide_layer_does_not_push_the_near_plane_past_the_bridge():
    from console.scene.clipping import clipping_range
    near, far = clipping_range(_bridge_view(), 1.6, np.array([BRIDGE, CITY]), [True, False], clearance=37.0)
    nearest = np.linalg.norm(np.array([-20, -5, 10]) - np.array([-90, -30, 37]))
    assert near < nearest < far
    assert far < 5000  # the city layer beyond the ground the view meets is not in the frustum


def test_a_layer_out_of_view_never_sets_the_planes():
    from console.scene.clipping import clipping_range, depth_ranges
    camera = _bridge_view()
    assert np.isnan(depth_ranges(camera, 1.6, np.array([GERMANY]))).all()
    alone = clipping_range(camera, 1.6, np.array([BRIDGE]), [True], 37.0)
    assert clipping_range(camera, 1.6, np.array([BRIDGE, GERMANY]), [True, True], 37.0) == alone


def test_a_far_layer_in_view_gives_way_to_what_is_near():
    from console.scene.clipping import clipping_range
    camera = _camera((0, -100, 0), (0, 0, 0))
    far_box = [-1e3, 1e3, 1e7, 1.001e7, -1e3, 1e3]  # straight ahead, 10,000 km away
    near, _ = clipping_range(camera, 1.6, np.array([BRIDGE, far_box]), [True, True], 50.0,
                             distant=[False, True])
    assert near < 95  # the bridge's front face is 95 m away and stays drawn


def test_behind_the_camera_does_not_count():
    from console.scene.clipping import depth_ranges
    camera = _camera((0, 0, 50), (0, 100, 0))
    behind = [-10, 10, -300, -200, 0, 10]
    assert np.isnan(depth_ranges(camera, 1.6, np.array([behind]))).all()


@pytest.mark.parametrize("lonlat, far", [((8.43, 49.1), True), ((-78.0, 24.5), True), ((121.23, 31.02), False),
                                         ((121.45, 31.2), False), ((122.2, 31.5), True)])
def test_layers_wholly_outside_the_project_area_of_use_are_named(lonlat, far):
    """EPSG:4549 is meant for 118.5–121.5°E: Songjiang and central Shanghai are in, Chongming's east
    tip, Karlsruhe (FZK-Haus) and the Bahamas (rasterio's RGB.byte.tif) are not."""
    from layers.crs import ProjectCRS
    crs = ProjectCRS()
    x, y = crs.from_wgs84(*lonlat)
    note = crs.outside_area((float(x) - 50, float(y) - 50, 0, float(x) + 50, float(y) + 50, 10))
    assert bool(note) == far
    if far:
        assert "EPSG:4549" in note and "area of use" in note
