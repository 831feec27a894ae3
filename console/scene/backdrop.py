"""Ground to the horizon and a sky: the map no longer floats as a rectangle in a void.

Rings of flat ground around the base map's extent, out to 150 km, fade from the
colour of the map's own border into the theme's horizon haze, and the sky is the
renderer's background gradient. One actor, vertex colours, no lighting, never
pickable and not part of the layer list: it takes no clicks and no legend entry.
The clipping fit lets the far plane reach it as far as the depth buffer allows.
"""
from __future__ import annotations

import numpy as np

from console.scene import kinds, polydata
from console.vtk_imports import numpy_to_vtk, vtkActor, vtkPolyDataMapper
from layers.theme import Theme

RINGS_M = (0.0, 1500.0, 6000.0, 20000.0, 60000.0, 150000.0)  # outward from the map's edge
HAZE = (0.0, 0.18, 0.5, 0.8, 0.95, 1.0)                      # share of horizon colour per ring
SINK_M = 1.0  # under the map's edge: the draped base map always wins the depth test
NO_MAP_GROUND = {False: (236, 233, 224), True: (24, 27, 33)}


def ring_mesh(extent, z: float):
    """(points, triangles, ring index per point) of rectangles around ``extent`` (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = extent
    pts, ring = [], []
    for i, d in enumerate(RINGS_M):
        pts += [(x0 - d, y0 - d), (x1 + d, y0 - d), (x1 + d, y1 + d), (x0 - d, y1 + d)]
        ring += [i] * 4
    faces = []
    for i in range(len(RINGS_M) - 1):
        a, b = 4 * i, 4 * (i + 1)
        for k in range(4):
            k1 = (k + 1) % 4
            faces += [(a + k, a + k1, b + k1), (a + k, b + k1, b + k)]
    xyz = np.column_stack([np.array(pts, float), np.full(len(pts), z)])
    return xyz, np.array(faces), np.array(ring)


class Backdrop:
    def __init__(self, scene):
        self.scene = scene
        self.actor = vtkActor()
        self.actor.PickableOff()
        self.actor.GetProperty().LightingOff()
        self.mapper = vtkPolyDataMapper()
        self.mapper.SetColorModeToDirectScalars()
        self.actor.SetMapper(self.mapper)
        self.actor.SetVisibility(False)
        scene.renderer.AddViewProp(self.actor)

    def _ground(self):
        """(extent, border colour or None, height) of the topmost visible base map or terrain."""
        for role in kinds.BACKDROP_ORDER:
            for layer in reversed(list(self.scene.layers)):
                if kinds.of(layer).backdrop != role or not layer.visible or layer.outside_area:
                    continue
                b = layer.bounds
                extent, colour = (b[0], b[1], b[3], b[4]), None
                if role == "colour":
                    extent = valid_extent(layer.data) or extent
                    colour = border_colour(layer.data.array, layer.data.mask)
                edge_x = np.array([extent[0], extent[2], extent[0], extent[2]])
                edge_y = np.array([extent[1], extent[1], extent[3], extent[3]])
                # outside the terrain, draped layers lie at height 0: the ground stays under them too
                z = min(float(np.median(self.scene.height_at(edge_x, edge_y))), 0.0) - SINK_M
                return extent, colour, z
        return None

    def rebuild(self, theme: Theme):
        bg = self.scene.renderer
        bg.SetBackground(*theme.sky_horizon)   # Background is the bottom of the gradient
        bg.SetBackground2(*theme.sky_top)
        bg.GradientBackgroundOn()
        ground = self._ground()
        if ground is None:
            self.actor.SetVisibility(False)
            return
        extent, colour, z = ground
        inner = np.array(theme.imagery_rgb(colour) if colour is not None else NO_MAP_GROUND[theme.dark], float)
        haze = np.array(theme.sky_horizon) * 255
        xyz, faces, ring = ring_mesh(extent, z)
        t = np.array(HAZE)[ring][:, None]
        rgb = ((1 - t) * inner + t * haze).astype(np.uint8)
        pd = polydata.mesh(self.scene.project.to_scene(xyz), faces)
        colours = numpy_to_vtk(rgb, deep=True)
        colours.SetName("colour")
        pd.GetPointData().SetScalars(colours)
        self.mapper.SetInputData(pd)
        self.actor.SetVisibility(True)

    def depth_box(self):
        """Bounds for the far plane, or None when hidden."""
        return self.actor.GetBounds() if self.actor.GetVisibility() else None


def _valid_window(mask) -> tuple | None:
    """(row0, row1, col0, col1) of the valid pixels' bounding box; None when all or none are valid."""
    if mask is None or mask.all() or not mask.any():
        return None
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1


def valid_extent(data) -> tuple | None:
    """(x0, y0, x1, y1) of where a raster holds pixels. A GeoPackage tile mosaic (a field package's base
    map) is whole tiles, padded with transparent pixels far past the data: the ground continues from the
    data's edge, not from the padding's (which left a black band and bare sky beside the map)."""
    box = _valid_window(getattr(data, "mask", None))
    if box is None:
        return None
    r0, r1, c0, c1 = box
    x0, dx, _, y0, _, dy = data.transform
    return x0 + c0 * dx, y0 + r1 * dy, x0 + c1 * dx, y0 + r0 * dy


def border_colour(array: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Median colour of a (bands, rows, cols) raster's outermost valid pixels: what the ground continues."""
    rgb = array[:3] if array.shape[0] >= 3 else np.repeat(array[:1], 3, axis=0)
    box = _valid_window(mask)
    if box is not None:
        r0, r1, c0, c1 = box
        rgb, mask = rgb[:, r0:r1, c0:c1], mask[r0:r1, c0:c1]
    else:
        mask = np.ones(rgb.shape[1:], bool)
    edge = np.concatenate([rgb[:, 0, :], rgb[:, -1, :], rgb[:, :, 0], rgb[:, :, -1]], axis=1)
    ok = np.concatenate([mask[0, :], mask[-1, :], mask[:, 0], mask[:, -1]])
    return np.median(edge[:, ok] if ok.any() else edge, axis=1).astype(np.uint8)
