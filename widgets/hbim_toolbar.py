"""The HBIM toolbar: colour by condition/damage (with a legend), isolate/hide/x-ray, section, fly-to.

It drives the bim scene adapters of the window; ``panel`` supplies the current
selection (layer, element index) and the adapters.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar

from console.i18n import tr
from console.scene import bim
from widgets import hbim_strings  # noqa: F401  (registers the strings)

COLOUR_MODES = ("none", "condition", "damage")
VISIBILITY = ("isolate", "hide", "xray", "show_all")


class HbimToolbar(QToolBar):
    def __init__(self, window, panel):
        super().__init__(window)
        self.setObjectName("hbim")
        self.window, self.panel = window, panel
        self.colour_mode = "none"
        self.legend = None
        self.actions_by_key: dict[str, QAction] = {}
        self._add("fly_bridge", lambda: self.fly_to_model("dacang_bridge"))
        self.addSeparator()
        self.colour_label = QLabel()
        self.colour_box = QComboBox()
        self.colour_box.currentIndexChanged.connect(
            lambda i: self.set_colour_mode(COLOUR_MODES[i]) if 0 <= i < len(COLOUR_MODES) else None)
        self.addWidget(self.colour_label)
        self.addWidget(self.colour_box)
        for key in VISIBILITY:
            self._add(key, lambda k=key: self.set_visibility(k))
        self._add("section", self.set_section, checkable=True)

    def _add(self, key, slot, checkable=False):
        act = self.addAction("")
        act.setObjectName(f"hbim-{key}")
        act.setCheckable(checkable)
        act.triggered.connect(lambda checked=False: slot(checked) if checkable else slot())
        self.actions_by_key[key] = act

    def retranslate(self):
        self.setWindowTitle(tr("hbim.toolbar"))
        for key, act in self.actions_by_key.items():
            act.setText(tr(f"hbim.{key}"))
        self.colour_label.setText(tr("hbim.colour_by"))
        self.colour_box.blockSignals(True)
        self.colour_box.clear()
        self.colour_box.addItems([tr(f"hbim.colour.{m}") for m in COLOUR_MODES])
        self.colour_box.setCurrentIndex(COLOUR_MODES.index(self.colour_mode))
        self.colour_box.blockSignals(False)
        self._show_legend()

    # colour ----------------------------------------------------------------------------
    def set_colour_mode(self, mode: str):
        """Stored in each bim layer's style (so a saved project keeps it); the adapters recolour."""
        self.colour_mode = mode if mode in COLOUR_MODES else "none"
        for lyr in self.window.project.layers:
            if lyr.kind == "bim":
                lyr.set_style(colour_by=self.colour_mode)
        if self.colour_box.currentIndex() != COLOUR_MODES.index(self.colour_mode):
            self.colour_box.setCurrentIndex(COLOUR_MODES.index(self.colour_mode))
        self._show_legend()

    def _show_legend(self):
        renderer = self.window.scene.renderer
        if self.legend is not None:
            renderer.RemoveViewProp(self.legend)
            self.legend = None
        if self.colour_mode != "none":
            labels = {g: tr(f"hbim.grade.{g}") for g in range(6)}
            self.legend = bim.condition_legend(tr(f"hbim.colour.{self.colour_mode}"), labels)
            renderer.AddViewProp(self.legend)
        self.window.scene.request_render()

    # element sets ------------------------------------------------------------------------
    def set_visibility(self, how: str):
        """isolate / hide / x-ray the selected element (across all models); show_all resets."""
        layer, index = self.panel.selection or (None, None)
        if layer is None and how != "show_all":
            return
        for adapter in self.panel.adapters():
            state = adapter.state.copy()
            mine = adapter.layer is layer
            if how == "show_all":
                state[:] = bim.SOLID
            elif how == "isolate":
                state[:] = bim.HIDDEN
            elif how == "xray":  # everything else as context, also what isolate had hidden
                state[:] = bim.GHOST
            if mine and how in ("isolate", "xray"):
                state[index] = bim.SOLID
            elif mine and how == "hide":
                state[index] = bim.HIDDEN
            adapter.set_states(state)

    def set_section(self, on: bool):
        self.actions_by_key["section"].setChecked(bool(on))
        camera = self.window.scene.renderer.GetActiveCamera().GetPosition()
        for adapter in self.panel.adapters():
            adapter.set_section(bool(on), camera)

    # camera ----------------------------------------------------------------------------------
    def fly_to_model(self, stem: str, animate: bool = True):
        """A close, low view from the west-south-west: arches and facades face the camera."""
        from layers.bookmarks import Bookmark
        layer = self.panel.model_layer(stem)
        if layer is None or not layer.has_bounds():
            return
        b = layer.bounds
        adapter = self.window.scene.adapters.get(layer.id)
        shift = adapter.ground_shift(np.asarray(layer.data.points)) if adapter else 0.0
        span = max(b[3] - b[0], b[4] - b[1], b[5] - b[2])
        focal = ((b[0] + b[3]) / 2, (b[1] + b[4]) / 2, (b[2] + b[5]) / 2 + shift)
        bm = Bookmark("_hbim", layer.name, layer.meta.get("name_en") or layer.name, focal, span * 2.0, 70.0, 22.0)
        self.window.project.bookmarks["_hbim"] = bm
        try:
            self.window.fly_to("_hbim", animate=animate)
        finally:
            del self.window.project.bookmarks["_hbim"]
