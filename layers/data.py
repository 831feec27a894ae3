"""Layer payloads, already in the project CRS.

Readers return these; scene adapters turn them into VTK objects. Geometry is
kept as shapely 2 arrays so that conversions stay vectorised.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely


@dataclass
class VectorData:
    """Features of one table: shapely geometries (project CRS, with z) + columns."""

    geometries: np.ndarray  # object array of shapely geometries
    columns: dict[str, list] = field(default_factory=dict)
    fids: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.geometries)

    def tessellation(self):
        """Triangles, polylines and points of every feature, computed once (workers call this early)."""
        if getattr(self, "_tessellation", None) is None:
            from layers.tessellate import tessellate
            self._tessellation = tessellate(self.geometries)
        return self._tessellation

    @property
    def geometry_types(self) -> list[str]:
        kinds = shapely.get_type_id(self.geometries)
        names = {0: "Point", 1: "LineString", 2: "LinearRing", 3: "Polygon", 4: "MultiPoint",
                 5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection", -1: "None"}
        # a set, not np.unique: numpy 2.4's unique imports numpy.ma (~40 ms of every `info`, issue 25)
        return sorted({names.get(k, "Unknown") for k in set(kinds.tolist())})

    def attributes(self, index: int) -> dict:
        return {name: values[index] for name, values in self.columns.items()}

    def bounds(self) -> tuple:
        valid = self.geometries[~shapely.is_missing(self.geometries)]
        if len(valid) == 0:
            return (np.nan,) * 6
        xyz = shapely.get_coordinates(valid, include_z=True)
        if len(xyz) == 0:  # only empty geometries
            return (np.nan,) * 6
        z = xyz[:, 2]
        z = z[np.isfinite(z)]
        zmin, zmax = (float(z.min()), float(z.max())) if len(z) else (0.0, 0.0)
        return (float(xyz[:, 0].min()), float(xyz[:, 1].min()), zmin,
                float(xyz[:, 0].max()), float(xyz[:, 1].max()), zmax)


@dataclass
class RasterData:
    """A raster warped onto a north-up grid in the project CRS.

    ``array`` is (bands, rows, cols); ``transform`` is the affine
    (x0, dx, 0, y0, 0, -dy) of the top-left corner; ``mask`` is True where valid.
    """

    array: np.ndarray
    transform: tuple
    mask: np.ndarray
    band_names: list[str] = field(default_factory=list)

    @property
    def shape(self) -> tuple[int, int]:
        return self.array.shape[1], self.array.shape[2]

    @property
    def pixel_size(self) -> tuple[float, float]:
        return self.transform[1], -self.transform[5]

    def bounds(self) -> tuple:
        rows, cols = self.shape
        x0, dx, _, y0, _, dy = self.transform
        valid = self.array[0][self.mask] if self.mask.any() else np.array([0.0])
        zmin, zmax = (float(valid.min()), float(valid.max())) if self.array.shape[0] == 1 else (0.0, 0.0)
        return (x0, y0 + dy * rows, zmin, x0 + dx * cols, y0, zmax)

    def sample(self, x, y, band: int = 0, fill: float = np.nan) -> np.ndarray:
        """Bilinear sample of one band at project-CRS points (NaN outside or masked)."""
        x0, dx, _, y0, _, dy = self.transform
        col = (np.asarray(x, float) - x0) / dx - 0.5
        row = (np.asarray(y, float) - y0) / dy - 0.5
        rows, cols = self.shape
        inside = (col >= -0.5) & (col <= cols - 0.5) & (row >= -0.5) & (row <= rows - 0.5)
        c0 = np.clip(np.floor(col).astype(int), 0, cols - 1)
        r0 = np.clip(np.floor(row).astype(int), 0, rows - 1)
        c1 = np.clip(c0 + 1, 0, cols - 1)
        r1 = np.clip(r0 + 1, 0, rows - 1)
        fc = np.clip(col - c0, 0, 1)
        fr = np.clip(row - r0, 0, 1)
        a = self.array[band].astype(float)
        v = (a[r0, c0] * (1 - fc) * (1 - fr) + a[r0, c1] * fc * (1 - fr)
             + a[r1, c0] * (1 - fc) * fr + a[r1, c1] * fc * fr)
        ok = inside & self.mask[r0, c0] & self.mask[r1, c1] & self.mask[r0, c1] & self.mask[r1, c0]
        return np.where(ok, v, fill)
