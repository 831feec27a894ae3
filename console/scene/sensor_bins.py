"""The sensor layer at city scale: hexagonal bins coloured by their worst state, with alarm counts.

Drawn instead of the 200,000 dots when the camera is far (and while it moves: the
interactive level of detail), ~1,000 flat hexagons in one actor. The aggregation
itself is pure numpy in layers/sensors/bins.py.
"""
from __future__ import annotations

import numpy as np

from console.scene import polydata
from console.vtk_imports import numpy_to_vtk, vtkActor, vtkPolyData, vtkPolyDataMapper
from layers.sensors.bins import DENSITY_EDGES, HexBins, density_class, hex_corners

BIN_SIZE_M = 350.0      # circumradius: ~1,000 bins over the new city's terminals
FILL = 0.9              # hexagons drawn at 90 %: a thin gap shows the tiling
LIFT_M = 6.0            # over the draped ground and district fills
BINS_FROM_M = 12000.0   # camera distance from which bins replace dots
COUNT_LABELS = 40       # bins labelled with their alarm count, most alarms first
# none in alarm, ≤ 1 %, ≤ 3 %, more; nothing reporting
DENSITY_RGB = ((0.18, 0.72, 0.42), (0.98, 0.84, 0.32), (0.97, 0.52, 0.13), (0.88, 0.13, 0.15),
               (0.55, 0.55, 0.60))


def density_lut():
    from console.scene.sensor_legend import categorical_lut
    return categorical_lut(DENSITY_RGB)


def density_labels(tr) -> list[str]:
    e = DENSITY_EDGES
    return [tr("sensors.bins_none"), f"≤ {e[1]:g} %", f"{e[1]:g}–{e[2]:g} %", f"> {e[2]:g} %",
            tr("sensors.bins_silent")]


class SensorBins:
    def __init__(self, adapter, xy: np.ndarray):
        self.adapter = adapter
        scene = adapter.scene
        self.bins = HexBins(xy[:, 0], xy[:, 1], BIN_SIZE_M)
        c = self.bins.centres
        z = scene.height_at(c[:, 0], c[:, 1]) + LIFT_M
        corners = hex_corners(BIN_SIZE_M * FILL)
        xyz = np.empty((self.bins.n, 6, 3))
        xyz[:, :, :2] = c[:, None, :] + corners[None]
        xyz[:, :, 2] = z[:, None]
        self.centres_xyz = np.column_stack([c, z])
        self.pd = vtkPolyData()
        self.pd.SetPoints(polydata.points(scene.project.to_scene(xyz.reshape(-1, 3))))
        self.worst = np.zeros(self.bins.n, np.uint8)
        self.count = np.zeros(self.bins.n, np.int64)
        self.alarms = np.zeros(self.bins.n, np.int64)
        mapper = vtkPolyDataMapper()
        mapper.SetInputData(self.pd)
        mapper.SetScalarModeToUseCellData()
        mapper.SetColorModeToMapScalars()
        mapper.SetLookupTable(density_lut())
        mapper.UseLookupTableScalarRangeOn()
        self.actor = vtkActor()
        self.actor.SetMapper(mapper)
        self.actor.GetProperty().LightingOff()
        self.actor.GetProperty().SetOpacity(0.82)

    def update(self, states: np.ndarray, mask: np.ndarray):
        worst, count, alarms = self.bins.aggregate(states, mask)
        self.worst[:] = worst
        self.count, self.alarms = count, alarms
        kept = np.flatnonzero(count > 0)  # bins with no terminal under the current filter draw nothing
        self.pd.SetPolys(polydata._cells(np.arange(0, 6 * len(kept) + 1, 6), (kept[:, None] * 6 + np.arange(6)).ravel()))
        self.classes = density_class(count, alarms, worst)
        scalars = numpy_to_vtk(self.classes[kept], deep=True)
        scalars.SetName("worst")
        self.pd.GetCellData().SetScalars(scalars)

    def labels(self):
        """(project-CRS xyz, texts) of the bins with the most alarms."""
        hot = np.flatnonzero(self.alarms > 0)
        hot = hot[np.argsort(-self.alarms[hot], kind="stable")][:COUNT_LABELS]
        return self.centres_xyz[hot], [str(int(n)) for n in self.alarms[hot]]

    def pick(self, x: float, y: float, states: np.ndarray, mask: np.ndarray) -> int | None:
        b = self.bins.bin_at(x, y)
        return None if b is None or self.count[b] == 0 else self.bins.worst_member(b, states, mask)
