"""DEM layers as a shaded surface coloured by elevation."""
from __future__ import annotations

import numpy as np

from console.scene import polydata
from console.scene.base import LayerAdapter
from console.vtk_imports import numpy_to_vtk, vtkActor, vtkPolyDataMapper

MAX_VERTICES_PER_SIDE = 256  # 30 m DEM over ~19 km: 256² keeps the hills and costs a quarter of 512²

# Elevation ramp (metres → colour) for a low alluvial plain with a few hills.
_RAMP_Z = np.array([-5.0, 2.0, 6.0, 20.0, 50.0, 110.0])
_RAMP_RGB = np.array([[70, 110, 150], [150, 180, 130], [185, 200, 150], [170, 170, 120],
                      [140, 120, 90], [235, 230, 220]], dtype=float)


def elevation_colours(z: np.ndarray) -> np.ndarray:
    return np.column_stack([np.interp(z, _RAMP_Z, _RAMP_RGB[:, i]) for i in range(3)]).astype(np.uint8)


def grid_normals(xs, ys, z) -> np.ndarray:
    """Vertex normals of a height grid from central differences (vtkPolyDataNormals took 10× longer)."""
    dzdy, dzdx = np.gradient(z, ys, xs)
    n = np.dstack([-dzdx, -dzdy, np.ones_like(z)])
    n /= np.linalg.norm(n, axis=2, keepdims=True)
    return n.reshape(-1, 3).astype(np.float32)


def grid_arrays(raster, band=0, max_side=MAX_VERTICES_PER_SIDE):
    """Pixel-centre coordinates and values of a raster, strided to at most max_side a side."""
    rows, cols = raster.shape
    step = max(1, int(np.ceil(max(rows, cols) / max_side)))
    x0, dx, _, y0, _, dy = raster.transform
    r = np.arange(0, rows, step)
    c = np.arange(0, cols, step)
    xs = x0 + (c + 0.5) * dx
    ys = y0 + (r + 0.5) * dy
    return xs, ys, r, c, step


class TerrainAdapter(LayerAdapter):
    def build(self):
        data = self.layer.data
        xs, ys, r, c, _ = grid_arrays(data)
        z = data.array[0][np.ix_(r, c)].astype(float)
        valid = data.mask[np.ix_(r, c)]
        fill = float(np.median(z[valid])) if valid.any() else 0.0
        z = np.where(valid, z, fill)
        scene_xyz_origin = self.scene.project.origin
        drawn = z * self.scene.exaggeration(self.layer)
        self.grid = (xs, ys, drawn)  # imagery drapes on exactly these vertices
        pd = polydata.grid_surface(xs - scene_xyz_origin[0], ys - scene_xyz_origin[1],
                                   drawn - scene_xyz_origin[2])
        colours = numpy_to_vtk(self.scene.theme.imagery_rgb(elevation_colours(z.ravel())), deep=True)
        colours.SetName("colour")
        pd.GetPointData().SetScalars(colours)
        normals = numpy_to_vtk(grid_normals(xs, ys, z * self.scene.exaggeration(self.layer)), deep=True)
        normals.SetName("normals")
        pd.GetPointData().SetNormals(normals)
        mapper = vtkPolyDataMapper()
        mapper.SetInputData(pd)
        # Imagery draped on a differently spaced mesh crosses this surface between
        # vertices; pushing the terrain back in depth lets the imagery win.
        mapper.SetResolveCoincidentTopologyToPolygonOffset()
        mapper.SetRelativeCoincidentTopologyPolygonOffsetParameters(4, 16)
        mapper.SetColorModeToDirectScalars()
        self.actor = vtkActor()
        self.actor.SetMapper(mapper)
        self.actor.GetProperty().SetAmbient(0.35)
        self.actor.GetProperty().SetDiffuse(0.75)
        self.props = [self.actor]
        self.apply_style()

    def theme_changed(self):
        self.rebuild()

    def apply_visibility(self):
        """Hidden (not removed) under an opaque base map draped on it: drawing both fills every
        ground pixel twice, and on software GL that is a sixth of the frame. Heights stay in use."""
        on = bool(self.layer.visible) and not self.scene.terrain_covered(self.layer)
        for p in self.props:
            p.SetVisibility(on)

    def apply_style(self):
        if getattr(self, "_built_exaggeration", None) not in (None, self.scene.exaggeration(self.layer)):
            self.rebuild()  # exaggeration changes geometry, not just appearance
            return
        self._built_exaggeration = self.scene.exaggeration(self.layer)
        self.actor.GetProperty().SetOpacity(self.layer.opacity)
