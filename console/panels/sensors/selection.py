"""Picking, selecting and flying to terminals: the sensor panel's answer to clicks, alarms and vital signs.

``Selection`` is a part of ``SensorPanel`` (console/panels/sensors/__init__.py): a terminal shown
in the inspector, highlighted, charted with its history, its HBIM component selected, flown to.
"""
from __future__ import annotations


from layers.bookmarks import bookmark_for_extent
from layers.districts import view_of
from layers.sensors import kinds as K
from layers.sensors.strings import kind_label

FLY_HALF_SPAN = 120.0    # metres around a terminal when flying to it
MAX_SELECTED = 5000      # terminals a vital sign selects at most (the ring is drawn for each)


class Selection:
    def select_indicator(self, district: str, key: str):
        """A vital sign double-clicked: select the terminals behind it and fly to its district."""
        from layers.sensors.vitals import terminals_behind
        if self.model is None:
            return
        rows = terminals_behind(self.model, district, key, self.model.view()[1])
        self.layer.view.select(rows[:MAX_SELECTED].tolist())
        bookmark = view_of(district)
        if bookmark in self.ctx.project.bookmarks:
            self.ctx.fly_to(bookmark)

    def _hit(self, hit):
        self._pending_pick = None
        if self.adapter is None:
            return
        if hit is not None and hit.layer is self.layer:
            self._pending_pick = hit.feature

    def _picked(self, *_):
        i, self._pending_pick = self._pending_pick, None
        if i is not None:
            self.select_sensor(i, fly=False)

    def select_sensor(self, i: int, fly: bool = False):
        """Show terminal i in the inspector, highlight it, chart it; optionally fly to it."""
        if self.model is None:
            return
        i = int(i)
        self.ctx.inspector.show_feature(self.layer, self.model.attributes(i))
        reg, state = self.model.registry, self.model.view()[0]
        self.chart_series(i, [float(state.time[i])], [float(state.value[i])])
        self.chart.set_cursor(self.model.replay.time if self.model.replay else None)
        self.layer.view.select(self.chart.sensors())
        self.chart_dock.show()
        from console.panels.sensors.span import series_span
        self.history.request_series(i, int(reg.datastream[i]), *series_span(self))  # the slider's whole span
        self._select_mounting(str(reg.mounted_on[i] or ""))
        if fly:
            self.fly_to_sensor(i)

    def _select_mounting(self, mounted_on: str):
        """A structural monitor on an HBIM component: select the component and open its records."""
        hbim = self.ctx.panels.hbim
        if hbim is not None and mounted_on and not mounted_on.startswith("heritage:"):
            hbim.select_guid(mounted_on)

    def chart_series(self, i: int, times, values):
        reg = self.model.registry
        k = K.KINDS[int(reg.kind[i])]
        self.chart.add_series(i, f"{reg.ids[i]} {kind_label(k.name)}", k.unit, float(reg.warn[i]),
                              float(reg.crit[i]), times, values)

    def _series_ready(self, i, times, values):
        if self.model is None or not self.chart.has(i) or not len(times):
            return
        t_live, v_live = self.chart.data(i)
        if len(t_live) > len(times) + 1:
            return  # the chart already holds more (e.g. a demo backfill)
        keep = t_live > times[-1]
        self.chart_series(i, list(times) + list(t_live[keep]), list(values) + list(v_live[keep]))
        self.layer.view.select(self.chart.sensors())

    def fly_to_sensor(self, i: int):
        x, y, z = self.adapter.scene_position(i)
        self.ctx.fly_to(bookmark_for_extent("sensor", "", "", x - FLY_HALF_SPAN, y - FLY_HALF_SPAN,
                                               x + FLY_HALF_SPAN, y + FLY_HALF_SPAN, z=z))
