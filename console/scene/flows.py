"""Flows: road segments and station gate lines coloured and widened by the live sensor values.

Three width classes (VTK draws one line width per actor): light, busy, at capacity.
Values come from the sensor layer's state (or its replay) and are recomputed before a
frame at most once a second, only when the state changed.
"""
from __future__ import annotations

import time

import numpy as np

from console.scene import polydata
from console.scene.base import LayerAdapter
from console.vtk_imports import numpy_to_vtk, vtkActor, vtkPolyDataMapper
from layers.hub.flows import current_values
from layers.layer_kinds import is_kind

LIFT = 5.0
WIDTHS = (2.0, 4.5, 7.5)            # px: under half, up to 80 %, beyond 80 % of capacity
NO_DATA = (150, 150, 150)
RAMP = np.array([[26, 152, 80], [254, 224, 139], [215, 48, 39]], float)  # free → busy → full


def flow_rgb(ratio: np.ndarray) -> np.ndarray:
    t = np.clip(np.nan_to_num(ratio, nan=0.0), 0.0, 1.0) * 2
    i = np.minimum(t.astype(int), 1)
    out = RAMP[i] + (RAMP[i + 1] - RAMP[i]) * (t - i)[:, None]
    out[~np.isfinite(ratio)] = NO_DATA
    return np.round(out).astype(np.uint8)


def width_class(ratio: np.ndarray) -> np.ndarray:
    r = np.nan_to_num(ratio, nan=-1.0)
    return np.where(r >= 0.8, 2, np.where(r >= 0.5, 1, 0))


class FlowsAdapter(LayerAdapter):
    def build(self):
        net = self.layer.data
        ends = net.ends.reshape(-1, 2)
        z = self.scene.height_at(ends[:, 0], ends[:, 1]) + LIFT
        self.xyz = self.scene.project.to_scene(np.column_stack([ends, z]))
        self.actors = [vtkActor() for _ in WIDTHS]
        for actor, width in zip(self.actors, WIDTHS):
            actor.SetMapper(vtkPolyDataMapper())
            mapper = actor.GetMapper()
            mapper.SetResolveCoincidentTopologyToPolygonOffset()
            mapper.SetRelativeCoincidentTopologyLineOffsetParameters(0, -8)
            actor.GetProperty().SetLineWidth(width)
            actor.GetProperty().LightingOff()
        self.props = list(self.actors)
        self._seen = None
        self._checked = 0.0
        self._matches: dict = {}
        self.refresh(force=True)
        if getattr(self, "_observer", None) is None:
            self._observer = self.scene.renderer.AddObserver("StartEvent", lambda *_: self.refresh())

    def _sensor_model(self):
        """The sensor layer whose terminals feed these segments (the same ids in the same rows: two
        loader threads may each have built the default registry)."""
        net = self.layer.data
        for lyr in self.scene.layers:
            if not is_kind(lyr, "sensors") or lyr.data is None:
                continue
            reg = lyr.data.registry
            key = id(reg)
            if key not in self._matches:
                self._matches[key] = reg is net.registry or (
                    len(reg) == len(net.registry) and np.array_equal(reg.ids[net.rows], net.registry.ids[net.rows]))
            if self._matches[key]:
                return lyr.data
        return None

    def refresh(self, force: bool = False):
        """New values → new colours and width classes (cheap: ~1,400 segments)."""
        now = time.monotonic()
        if not force and now - self._checked < 1.0:
            return
        self._checked = now
        net, model = self.layer.data, self._sensor_model()
        if model is not None:
            state, t = model.view()
            seen = (id(state), state.version, model.replay.time if model.replay else None)
            if seen == self._seen and not force:
                return
            self._seen = seen
            net.values = current_values(net, state, t)
        values = net.values if net.values is not None else np.full(len(net), np.nan)
        ratio = values / net.capacity()
        colours, classes = flow_rgb(ratio), width_class(ratio)
        for c, actor in enumerate(self.actors):
            chosen = np.flatnonzero(classes == c)
            pd = polydata.polylines(self.xyz[np.column_stack([2 * chosen, 2 * chosen + 1]).ravel()],
                                    np.arange(0, 2 * len(chosen) + 1, 2))
            polydata.add_cell_ids(pd, chosen)
            rgb = numpy_to_vtk(colours[chosen], deep=True)
            rgb.SetName("colours")
            pd.GetCellData().SetScalars(rgb)
            mapper = actor.GetMapper()
            mapper.SetInputData(pd)
            mapper.SetColorModeToDirectScalars()
            mapper.SetScalarModeToUseCellData()

    def pick_tiers(self):
        return [list(reversed(self.actors))]

    def pick_feature(self, prop, cell_id):
        if prop not in self.actors or cell_id < 0:
            return None
        arr = prop.GetMapper().GetInput().GetCellData().GetArray("feature")
        return int(arr.GetValue(cell_id)) if arr is not None else None

    def apply_style(self):
        for actor in self.actors:
            actor.GetProperty().SetOpacity(self.layer.opacity)

    def terrain_changed(self):
        self.rebuild()

    def close(self):
        if getattr(self, "_observer", None) is not None:
            self.scene.renderer.RemoveObserver(self._observer)
        super().close()
