"""City buildings in the window: the City menu (colour by height / use / year), click to select.

The kind's registry entry supplies the adapter and the embedded new-city
buildings; this panel only adds the menu and keeps ``layer.view.selected`` in
step with clicks. Colour changes are steps on the one undo stack.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QActionGroup

from layers.buildings.view import COLOUR_MODES
from layers.i18n import tr
from layers.undo import change_views
from layers.layer_kinds import is_kind

log = logging.getLogger(__name__)


def install(ctx) -> dict:
    return {"city": CityPanel(ctx)}


class CityPanel(QObject):
    def __init__(self, ctx):
        super().__init__(ctx.host)
        self.ctx = ctx
        ctx.actions.add_menu("city", "city.menu", 40)
        ctx.actions.add_menu("city/colour", "city.colour", 10, parent="city")
        self.colour_group = QActionGroup(self)
        self.colour_actions: dict[str, QAction] = {}
        for order, mode in enumerate(COLOUR_MODES):
            act = ctx.actions.add(f"city.colour.{mode}", menu="city/colour", order=order, checkable=True)
            act.setData(mode)
            act.setChecked(mode == "none")
            self.colour_group.addAction(act)
            self.colour_actions[mode] = act
        self.colour_group.triggered.connect(lambda act: self.set_colour_mode(act.data()))
        self.fly_action = ctx.actions.add("city.fly_hub", self.fly_to_hub, menu="city", order=20)
        ctx.view.hit.connect(self.on_hit)
        self.binding = QTimer(self)  # the hub's building systems follow their terminals (layers/hub/bindings.py)
        self.binding.setInterval(1000)
        self.binding.timeout.connect(self.bind_sensors)
        self.binding.start()

    def bind_sensors(self) -> int:
        from layers.hub.bindings import apply
        try:
            return apply(self.ctx.project.layers)
        except Exception:  # noqa: BLE001 — colouring must never stop the window
            log.exception("hub sensor binding failed")
            return 0

    def layers(self):
        return [lyr for lyr in self.ctx.project.layers if is_kind(lyr, "buildings")]

    def set_colour_mode(self, mode: str):
        views = [lyr.view for lyr in self.layers()]
        change_views(self.ctx.undo, views, lambda: [v.set_colour_by(mode) for v in views],
                     tr(f"city.colour.{mode}"))
        self.colour_actions.get(mode, self.colour_actions["none"]).setChecked(True)

    def fly_to_hub(self, animate: bool = True):
        """Close enough to the station and towers that their BIM replaces the massing boxes."""
        from layers.bookmarks import Bookmark
        from layers.districts import HUB
        from layers.hub import plan
        x, y = plan.to_xy(-60.0, 330.0)
        self.ctx.fly_to(Bookmark("hub-bim", *HUB.short, (x, y, 60.0), 1150.0, 200.0, 32.0), animate=animate)

    def on_hit(self, hit):
        for layer in self.layers():
            if hit is not None and hit.layer is layer:
                layer.view.select(hit.feature)
            elif hit is None or not hit.add:
                layer.view.select(None)
