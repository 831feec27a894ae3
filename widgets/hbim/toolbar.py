"""The HBIM toolbar: colour by condition/damage, isolate/hide/x-ray, section, fly-to.

Every button changes the BIM layers' view state (layers/bim/view.py) as one
undoable step on the application's undo stack; the scene adapters draw what the
state says. ``panel`` supplies the BIM layers, the selection, the undo stack,
the camera position and the flight to a model.
"""
from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar

from layers.bim.view import COLOUR_MODES, VISIBILITY_ACTIONS, section_plane
from layers.i18n import tr
from layers.undo import change_views

VISIBILITY = VISIBILITY_ACTIONS


class HbimToolbar(QToolBar):
    def __init__(self, parent, panel):
        super().__init__(parent)
        self.setObjectName("hbim")
        self.panel = panel
        self.actions_by_key: dict[str, QAction] = {}
        self._add("fly_bridge", lambda: self.panel.fly_to_model("dacang_bridge"))
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

    @property
    def colour_mode(self) -> str:
        views = [lyr.view for lyr in self.panel.bim_layers()]
        return next((v.colour_by for v in views if v.colour_by != "none"), "none")

    def retranslate(self):
        self.setWindowTitle(tr("hbim.toolbar"))
        for key, act in self.actions_by_key.items():
            act.setText(tr(f"hbim.{key}"))
        self.colour_label.setText(tr("hbim.colour_by"))
        self.colour_box.blockSignals(True)
        self.colour_box.clear()
        self.colour_box.addItems([tr(f"hbim.colour.{m}") for m in COLOUR_MODES])
        self.colour_box.blockSignals(False)
        self.sync()

    def sync(self):
        """Show what the models say (after undo, a project opening, another tool)."""
        self.colour_box.blockSignals(True)
        self.colour_box.setCurrentIndex(COLOUR_MODES.index(self.colour_mode))
        self.colour_box.blockSignals(False)
        sectioned = any(lyr.view.section is not None for lyr in self.panel.bim_layers())
        self.actions_by_key["section"].setChecked(sectioned)

    def _change(self, text_key: str, fn):
        views = [lyr.view for lyr in self.panel.bim_layers()]
        change_views(self.panel.undo, views, lambda: fn(views), tr(text_key))
        self.sync()

    # colour ----------------------------------------------------------------------------
    def set_colour_mode(self, mode: str):
        mode = mode if mode in COLOUR_MODES else "none"
        self._change(f"hbim.colour.{mode}", lambda views: [v.set_colour_by(mode) for v in views])

    # element sets ------------------------------------------------------------------------
    def set_visibility(self, how: str):
        """isolate / hide / x-ray the selected element (across all models); show_all resets."""
        layer, index = self.panel.selection or (None, None)
        if layer is None and how != "show_all":
            return
        guid = layer.data.elements[index]["guid"] if layer is not None else None
        self._change(f"hbim.{how}", lambda views: [
            v.apply(how, guid if layer is not None and v is layer.view else None) for v in views])

    def set_section(self, on: bool):
        camera = self.panel.camera_position()
        layers = self.panel.bim_layers()
        planes = {id(lyr.view): section_plane(lyr.bounds, camera) if on and lyr.has_bounds() else None
                  for lyr in layers}
        self._change("hbim.section", lambda views: [v.set_section(planes[id(v)]) for v in views])
