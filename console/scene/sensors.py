"""The sensor layer: every terminal as ONE vtkPolyData of vertex cells, coloured through a LUT.

One actor per sensor would cost ~50 µs each per frame (10 s for 200k); one
cloud costs ~88 ms. Live updates write into numpy arrays that VTK reads
directly (``numpy_to_vtk(deep=False)``) and call Modified(): no new VTK objects
per update. Filters rebuild only the vertex cell list; the scalars stay per
point, so updates never depend on the filter. Style keys (``layer.style``):
``colour_by`` "state" | "value", ``value_kind`` (kind name), ``kinds`` and
``districts`` (lists of names, or None for all). Terminals in warning/critical
are drawn again, larger, by a second actor that shares the points and scalars.
"""
from __future__ import annotations

import numpy as np

from console.scene import polydata
from console.scene.base import LayerAdapter
from console.scene.sensor_legend import STATE_RGB, state_lut, value_lut
from console.scene.camera import view_ray
from console.scene.sensor_bins import BINS_FROM_M, DENSITY_RGB, SensorBins, density_labels
from console.scene.sensor_pick import PointPicker
from layers.sensors.strings import kind_label, state_label, tr
from console.vtk_imports import numpy_to_vtk, vtk_to_numpy, vtkActor, vtkPolyData, vtkPolyDataMapper
from layers.sensors import kinds as K
from layers.sensors.generate import GROUND_Z
from layers.sensors.state import CRITICAL, OFFLINE, WARNING
from layers.styles import SensorStyle

LABEL_PRIORITY = 0  # below every place name: counts give way where they collide

LIFT = 1.5  # metres above the draped ground, so kerb-side terminals are not z-fighting the roads
LOD_STRIDE = 8  # while the camera moves, one normal terminal in 8 is drawn (alarms all)


def point_size(distance: float) -> float:
    """Pixels per terminal from the camera distance: 2 px over the whole city, ~7 px in a street."""
    return float(np.clip(2.0 * np.sqrt(9000.0 / max(distance, 1.0)), 2.0, 8.0))


class SensorAdapter(LayerAdapter):
    exact_pick = True  # 200k points: answered by its own screen-space index (console/scene/sensor_pick.py)

    def build(self):
        self.model = m = self.layer.data
        reg = m.registry
        n = len(reg)
        self.pd = polydata.vertices(self._draped())
        self.xyz = vtk_to_numpy(self.pd.GetPoints().GetData())  # float32 view, re-draped in place
        self.codes = np.full(n, OFFLINE, np.uint8)
        self.values = np.full(n, np.nan, np.float32)
        self._arrays = []
        for name, arr in (("state", self.codes), ("value", self.values)):
            va = numpy_to_vtk(arr, deep=False)  # VTK reads the numpy memory: updates are in place
            va.SetName(name)
            self.pd.GetPointData().AddArray(va)
            self._arrays.append(va)
        self.actor, self.mapper = self._actor(self.pd)
        self.alarm_pd = self._sharing_polydata()   # warning/critical terminals, drawn larger
        self.alarm_actor, self.alarm_mapper = self._actor(self.alarm_pd)
        self.hl_pd = self._sharing_polydata()      # selected terminals: a white disc with the
        self.hl_actor, _ = self._actor(self.hl_pd, scalars=False)  # coloured dot on top of it
        self.hl_actor.GetProperty().SetColor(1.0, 1.0, 1.0)
        self.hl_core, self.hl_mapper = self._actor(self.hl_pd)
        for actor, offset in ((self.hl_actor, -30), (self.hl_core, -60)):  # drawn in front of the cloud
            actor.GetMapper().SetResolveCoincidentTopologyToPolygonOffset()
            actor.GetMapper().SetRelativeCoincidentTopologyPointOffsetParameter(offset)
        self.legend_section = ("", [])  # (title, [(label, rgb)]): the window's legend panel shows it
        self.mask = np.ones(n, bool)
        self.picker = PointPicker(self.xyz)
        self.hexes = SensorBins(self, np.asarray(reg.xyz, float)[:, :2])
        self.binned = False
        self._counts_shown = None
        self._cells_full = self._cells_lod = None
        self._drawn_cells = None
        self.props = [self.actor, self.alarm_actor, self.hl_actor, self.hl_core, self.hexes.actor]
        self._style_key = None
        if getattr(self, "_observer", None) is not None:  # a rebuild (new data) keeps one observer
            self.scene.renderer.RemoveObserver(self._observer)
        self._observer = self.scene.renderer.AddObserver("StartEvent", self._before_render)
        self.apply_style()
        state, now = self.model.view()
        self.update(state.snapshot(now))  # drawn as last known from the first frame (snapshots have no tick)
        self._draw_selection()
        if not getattr(self, "_following", False):
            self.layer.view.events.selected.connect(self._on_view)
            self._following = True

    def _sharing_polydata(self) -> vtkPolyData:
        pd = vtkPolyData()
        pd.SetPoints(self.pd.GetPoints())
        for va in self._arrays:
            pd.GetPointData().AddArray(va)
        pd.SetVerts(polydata._cells(np.zeros(1), np.zeros(0)))
        return pd

    def _actor(self, pd, scalars=True):
        mapper = vtkPolyDataMapper()
        mapper.SetInputData(pd)
        mapper.SetScalarVisibility(scalars)
        mapper.SetScalarModeToUsePointFieldData()
        mapper.SelectColorArray("state")
        mapper.SetColorModeToMapScalars()
        mapper.UseLookupTableScalarRangeOn()
        actor = vtkActor()
        actor.SetMapper(mapper)
        actor.GetProperty().LightingOff()
        return actor, mapper

    def _draped(self) -> np.ndarray:
        """Terminals on the drawn (exaggerated) terrain, keeping their height above ground."""
        xyz = np.array(self.model.registry.xyz, dtype=np.float64)
        above = np.maximum(xyz[:, 2] - GROUND_Z, 0.0)
        xyz[:, 2] = self.scene.height_at(xyz[:, 0], xyz[:, 1]) + above + LIFT
        return self.scene.project.to_scene(xyz)

    def terrain_changed(self):
        self.xyz[:] = self._draped()
        self.pd.GetPoints().Modified()
        self.picker.invalidate()

    # style: colour mode and filters ---------------------------------------------
    def apply_style(self):
        s = SensorStyle.of(self.layer.style)
        reg = self.model.registry
        mode = s.colour_by
        vkind = K.BY_NAME.get(s.value_kind or "", K.KINDS[0])
        key = (mode, vkind.name if mode == "value" else None, s.kinds or (), s.districts or ())
        if key != self._style_key:
            self._style_key = key
            mask = np.ones(len(reg), bool)
            if s.kinds:
                mask &= np.isin(reg.kind, [K.BY_NAME[k].code for k in s.kinds if k in K.BY_NAME])
            if s.districts:
                codes = [i for i, d in enumerate(reg.district_names) if d in s.districts]
                mask &= np.isin(reg.district, codes)
            if mode == "value":  # a value ramp only means something for one kind at a time
                mask &= reg.kind == vkind.code
            self.mask = mask
            ids = np.flatnonzero(mask)
            self._cells_full = polydata._cells(np.arange(len(ids) + 1), ids)
            lod = ids[::LOD_STRIDE]
            self._cells_lod = polydata._cells(np.arange(len(lod) + 1), lod)
            self._drawn_cells = None
            self._use_cells(self._cells_full)
            self.hexes.update(self.codes, self.mask)
            self.picker.set_candidates(ids)
            lut = state_lut() if mode == "state" else value_lut(vkind)
            for mapper in (self.mapper, self.alarm_mapper, self.hl_mapper):
                mapper.SelectColorArray("state" if mode == "state" else "value")
                mapper.SetLookupTable(lut)
            self._lut = lut
            self._update_alarm_cells()
        for actor in (self.actor, self.alarm_actor):
            actor.GetProperty().SetOpacity(float(self.layer.opacity))
        self.hexes.actor.GetProperty().SetOpacity(0.82 * float(self.layer.opacity))
        self.retranslate()

    def retranslate(self):
        s = SensorStyle.of(self.layer.style)
        if s.colour_by == "state":
            counts = np.bincount(self.codes[self.mask], minlength=5)
            self.legend_section = (tr("sensors.legend"), [
                (f"{state_label(i)}  {int(counts[i]):,}", STATE_RGB[i]) for i in range(5)])
            if self.binned:
                self.legend_section = (tr("sensors.legend_bins"), list(zip(density_labels(tr), DENSITY_RGB)))
        else:
            k = K.BY_NAME.get(s.value_kind or "", K.KINDS[0])
            lo, hi = self._lut.GetTableRange()
            self.legend_section = (f"{kind_label(k.name)} ({k.unit})", [
                (f"{v:.3g}", _lut_rgb(self._lut, v)) for v in np.linspace(hi, lo, 5)])

    def drawn(self) -> int:
        """Terminals drawn now (vertex cells of the main cloud)."""
        return int(self.pd.GetNumberOfVerts())

    # live updates ------------------------------------------------------------------
    def update(self, snapshot) -> bool:
        """Write one coalesced snapshot into the drawn arrays in place; True if colours changed."""
        changed = not np.array_equal(self.codes, snapshot.state)
        if changed:
            self.codes[:] = snapshot.state
            self._arrays[0].Modified()
            self._update_alarm_cells()
            self.hexes.update(self.codes, self.mask)
            if self.binned and self.hexes.labels()[1] != self._counts_shown:
                self.scene.refresh_labels()  # every layer's labels are placed together: only on change
        if SensorStyle.of(self.layer.style).colour_by == "value":
            np.copyto(self.values, snapshot.value, casting="unsafe")
            self._arrays[1].Modified()
            changed = True
        if changed:
            self.retranslate()
        return changed

    def _update_alarm_cells(self):
        hot = np.flatnonzero(((self.codes == WARNING) | (self.codes == CRITICAL)) & self.mask)
        hot = hot[np.argsort(self.codes[hot], kind="stable")]  # critical drawn last, on top
        self.alarm_pd.SetVerts(polydata._cells(np.arange(len(hot) + 1), hot))

    @property
    def highlighted(self) -> np.ndarray:
        return self.layer.view.selected_indices()

    def highlight(self, indices):
        """Select terminals (the selection is the layer's view state; this adapter draws it)."""
        self.layer.view.select(indices)

    def _on_view(self, *_):
        self._draw_selection()
        self.scene.request_render()

    def _draw_selection(self):
        chosen = self.layer.view.selected_indices()
        self.hl_pd.SetVerts(polydata._cells(np.arange(len(chosen) + 1), chosen))

    def _use_cells(self, cells):
        if cells is not None and cells is not self._drawn_cells:
            self._drawn_cells = cells
            self.pd.SetVerts(cells)

    def apply_visibility(self):
        on = bool(self.layer.visible)
        for p in self.props:
            p.SetVisibility(on)
        if on:  # dots or bins, never both
            for p in (self.actor, self.alarm_actor):
                p.SetVisibility(not self.binned)
            self.hexes.actor.SetVisibility(self.binned)

    def label_points(self):
        """Alarm counts on the worst bins, only while the city-scale bins are drawn."""
        if not self.binned or not self.layer.visible:
            return None
        xyz, texts = self.hexes.labels()
        self._counts_shown = texts
        return self.scene.project.to_scene(xyz), texts, LABEL_PRIORITY

    def _before_render(self, *_):
        distance = self.scene.renderer.GetActiveCamera().GetDistance()
        binned = distance >= BINS_FROM_M
        if binned != self.binned:
            self.binned = binned
            self.apply_visibility()
            self.retranslate()
            self.scene.refresh_labels()
        self._use_cells(self._cells_lod if getattr(self.scene, "interactive", False) else self._cells_full)
        size = point_size(distance)
        # healthy terminals are the quiet background: small; alarms stand out above them
        self.actor.GetProperty().SetPointSize(max(1.5, 0.6 * size))
        self.alarm_actor.GetProperty().SetPointSize(size + 3.0)
        self.hl_actor.GetProperty().SetPointSize(size + 10.0)
        self.hl_core.GetProperty().SetPointSize(size + 4.0)

    # picking ---------------------------------------------------------------------
    def pick_display(self, dx: float, dy: float, tol_px: float = 6.0):
        if not self.layer.visible:
            return None
        if self.binned:  # what is drawn is a bin: a click selects its worst terminal
            ground = self._ground_under(dx, dy)
            return None if ground is None else self.hexes.pick(*ground, self.codes, self.mask)
        return self.picker.pick(self.scene.renderer, dx, dy, tol_px)

    def _ground_under(self, dx, dy):
        """Project-CRS (x, y) where the view ray meets the bins' plane (they lie at the ground)."""
        ends = view_ray(self.scene.renderer, dx, dy)
        if ends is None:
            return None
        a, b = (self.scene.project.from_scene(e[None])[0] for e in ends)
        z = float(np.median(self.hexes.centres_xyz[:, 2]))
        if abs(b[2] - a[2]) < 1e-9:
            return None
        t = (z - a[2]) / (b[2] - a[2])
        return None if not 0 <= t <= 1 else tuple((a + t * (b - a))[:2])

    def pick_feature(self, prop, cell_id: int):
        """Vertex-cell ids from the cell picker are unreliable; picking.py asks pick_display first."""
        return None

    def scene_position(self, i: int) -> np.ndarray:
        return self.scene.project.from_scene(self.xyz[int(i)][None].astype(np.float64))[0]

    def close(self):
        self.scene.renderer.RemoveObserver(self._observer)
        self.layer.view.events.selected.disconnect(self._on_view)
        super().close()


def _lut_rgb(lut, value: float) -> tuple[float, float, float]:
    rgb = [0.0, 0.0, 0.0]
    lut.GetColor(float(value), rgb)
    return tuple(rgb)
