"""Imagery draped on the terrain (or on a flat plane where there is none)."""
from __future__ import annotations

import numpy as np

from console.scene import polydata
from console.scene.base import LayerAdapter
from console.scene.terrain import grid_arrays
from console.vtk_imports import (
    numpy_to_vtk, vtkActor, vtkImageData, vtkPolyDataMapper, vtkTexture,
)

DRAPE_LIFT = 0.5  # metres above the terrain surface, so imagery wins the depth test
MESH_SIDE = 256
LOD_STRIDE = 4


def rgba_image(raster, theme=None) -> vtkImageData:
    """(bands, rows, cols) raster → RGB(A) vtkImageData, bottom row first as VTK expects,
    in the theme's tone (the wall theme darkens a light base map)."""
    arr = raster.array
    if arr.shape[0] == 1:
        arr = np.repeat(arr, 3, axis=0)
    rgb = arr[:3]
    if rgb.dtype != np.uint8:
        lo, hi = np.nanpercentile(rgb[:, raster.mask], [2, 98]) if raster.mask.any() else (0, 1)
        rgb = np.clip((rgb - lo) / max(hi - lo, 1e-9) * 255, 0, 255).astype(np.uint8)
    # An alpha channel makes VTK draw the layer in the (slow) translucent pass, so
    # add one only where the raster really has holes.
    if theme is not None and theme.dark:
        rgb = theme.imagery_rgb(rgb.transpose(1, 2, 0)).transpose(2, 0, 1)
    bands = [rgb] if raster.mask.all() else [rgb, (raster.mask.astype(np.uint8) * 255)[None]]
    rgba = np.concatenate(bands, axis=0).transpose(1, 2, 0)[::-1]
    img = vtkImageData()
    img.SetDimensions(rgba.shape[1], rgba.shape[0], 1)
    scalars = numpy_to_vtk(np.ascontiguousarray(rgba.reshape(-1, rgba.shape[2])), deep=True)
    scalars.SetName("rgba")
    img.GetPointData().SetScalars(scalars)
    return img


class ImageryAdapter(LayerAdapter):
    def _mesh(self, x0, y1, width, height):
        """Vertices for the draped image: the terrain's own vertices inside the raster, so the
        two surfaces coincide (different spacings cross each other between vertices), plus a
        border on the raster's outer edges so the texture covers exactly its extent."""
        grid = self.scene.terrain_grid()
        if grid is not None:
            tx, ty, tz = grid
            ci = (tx > x0) & (tx < x0 + width)
            ri = (ty < y1) & (ty > y1 - height)
            if ci.sum() >= 2 and ri.sum() >= 2:
                xs = np.concatenate([[x0], tx[ci], [x0 + width]])
                ys = np.concatenate([[y1], ty[ri], [y1 - height]])
                gx, gy = np.meshgrid(xs, ys)
                z = self.scene.height_at(gx.ravel(), gy.ravel()).reshape(gx.shape) + DRAPE_LIFT
                z[1:-1, 1:-1] = tz[np.ix_(ri, ci)]
                return xs, ys, z
        xs, ys, *_ = grid_arrays(self.layer.data, max_side=MESH_SIDE)
        xs = np.concatenate([[x0], xs, [x0 + width]])
        ys = np.concatenate([[y1], ys, [y1 - height]])
        gx, gy = np.meshgrid(xs, ys)
        return xs, ys, self.scene.height_at(gx.ravel(), gy.ravel()).reshape(gx.shape) + DRAPE_LIFT

    def build(self):
        data = self.layer.data
        x0, y1 = data.transform[0], data.transform[3]
        rows, cols = data.shape
        width, height = cols * data.transform[1], rows * -data.transform[5]
        xs, ys, z = self._mesh(x0, y1, width, height)
        texture = vtkTexture()
        texture.SetInputData(rgba_image(data, self.scene.theme))
        self.texture = texture
        texture.InterpolateOn()
        texture.MipmapOn()
        self.actor = self._surface(xs, ys, z, (x0, y1, width, height))
        # While the camera moves, a grid of one vertex in LOD_STRIDE each way: on software GL the
        # 130,000 draped triangles are half of a frame, and a moving view forgives the coarser drape.
        keep_x = np.unique(np.r_[np.arange(0, len(xs), LOD_STRIDE), len(xs) - 1])
        keep_y = np.unique(np.r_[np.arange(0, len(ys), LOD_STRIDE), len(ys) - 1])
        self.coarse = self._surface(xs[keep_x], ys[keep_y], z[np.ix_(keep_y, keep_x)], (x0, y1, width, height))
        self.coarse.PickableOff()
        self.props = [self.actor, self.coarse]
        self.apply_style()
        if getattr(self, "_observer", None) is None:
            self._observer = self.scene.renderer.AddObserver("StartEvent", self._before_render)

    def _surface(self, xs, ys, z, frame):
        x0, y1, width, height = frame
        gx, gy = np.meshgrid(xs, ys)
        o = self.scene.project.origin
        pd = polydata.grid_surface(xs - o[0], ys - o[1], z - o[2])
        tc = np.column_stack([(gx.ravel() - x0) / width, (gy.ravel() - (y1 - height)) / height])
        tcoords = numpy_to_vtk(tc.astype(np.float32), deep=True)
        tcoords.SetName("tcoords")
        pd.GetPointData().SetTCoords(tcoords)
        mapper = vtkPolyDataMapper()
        mapper.SetInputData(pd)
        # No pull toward the camera: the terrain under it is pushed back instead. A pull scales with
        # distance and, from 3 km out, buried every 10 m-tall heritage model under the basemap.
        mapper.SetResolveCoincidentTopologyToPolygonOffset()
        mapper.SetRelativeCoincidentTopologyPolygonOffsetParameters(0, 0)
        actor = vtkActor()
        actor.SetMapper(mapper)
        actor.SetTexture(self.texture)
        prop = actor.GetProperty()
        # Imagery keeps its own colours (it carries its own shading); a little diffuse keeps relief.
        prop.SetAmbient(0.85)
        prop.SetDiffuse(0.2)
        return actor

    def apply_visibility(self):
        on = bool(self.layer.visible)
        moving = bool(getattr(self.scene, "interactive", False))
        self.actor.SetVisibility(on and not moving)
        self.coarse.SetVisibility(on and moving)

    def _before_render(self, *_):
        if self.coarse.GetVisibility() != (bool(self.layer.visible) and self.scene.interactive):
            self.apply_visibility()

    def close(self):
        if getattr(self, "_observer", None) is not None:
            self.scene.renderer.RemoveObserver(self._observer)
        super().close()

    def opaque_extent(self):
        """(x0, y0, x1, y1) this layer covers completely, or None (holes, transparency, hidden)."""
        if not self.layer.visible or self.layer.opacity < 0.999 or not self.layer.data.mask.all():
            return None
        b = self.layer.bounds
        return b[0], b[1], b[3], b[4]

    def theme_changed(self):
        self.texture.SetInputData(rgba_image(self.layer.data, self.scene.theme))

    def terrain_changed(self):
        self.rebuild()  # draped geometry samples the terrain when built

    def apply_style(self):
        for actor in (self.actor, self.coarse):
            actor.GetProperty().SetOpacity(self.layer.opacity)
