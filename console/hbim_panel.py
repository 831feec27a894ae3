"""Heritage BIM in the main window: the five old-town models, their record inspector and view tools.

``install(window)`` registers the bim scene adapter, adds the models to the
start-up layers, an inspector dock, an HBIM toolbar and menu, Edit › Undo/Redo
for record edits, and the placement assistant for models without georeference.
"""
from __future__ import annotations

import logging
import os

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget

from console.i18n import tr
from console.scene import bim
from console.scene.scene import register_adapter
from widgets.hbim_inspector import HbimInspector
from widgets.hbim_placement import ask_placement
from widgets.hbim_store import hbim_specs, latest_values, open_store
from widgets.hbim_toolbar import VISIBILITY, HbimToolbar

log = logging.getLogger(__name__)
DEMO_ENV = "SONGJIANG_DEMO"  # =hbim: after loading, fly to the bridge, colour by condition, open arch ring 3


def install(window):
    register_adapter("bim", bim.BimAdapter)
    window.hbim = HbimPanel(window)
    window.extra_specs.extend(hbim_specs())


class HbimPanel(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self._store = None
        self._values: dict = {}
        self.selection = None  # (layer, element index)
        self.placement_dialog = None
        window.scene.hbim_values = self.values
        self.inspector = HbimInspector(lambda: self.store, window.report_error)
        self.dock = QDockWidget(window)
        self.dock.setObjectName("hbim")
        self.dock.setWidget(self.inspector)
        window.addDockWidget(Qt.RightDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.inspector_dock, self.dock)
        self._build_actions()
        window.view.hit.connect(self.on_hit)
        window.project.layers.events.inserted.connect(self._on_inserted)
        window.retranslate_hooks.append(self.retranslate)
        if os.environ.get(DEMO_ENV) == "hbim":
            window.loader.finished.connect(self.demo)

    # the record store (opened when first needed, so a window without HBIM layers never creates it)
    @property
    def store(self):
        if self._store is None:
            self._store = open_store()
            self._store.changed.connect(self._on_store_changed)
        return self._store

    def values(self, mode: str) -> dict:
        if mode not in self._values:
            try:
                self._values[mode] = latest_values(self.store, mode)
            except Exception as exc:  # noqa: BLE001 — no store: colour as "no record"
                log.warning("HBIM values unavailable: %s", exc)
                return {}
        return self._values[mode]

    def _on_store_changed(self, table, guid):
        self._values.clear()
        for adapter in self.adapters():
            adapter.apply_style()
        self.window.scene.request_render()
        if guid == self.inspector.guid:
            self.inspector.refresh()
        QTimer.singleShot(0, self._update_undo)  # the store files the step on its stack after signalling

    # actions and menus (menus are rebuilt on every language switch) ---------------------------
    def _build_actions(self):
        self.actions: dict[str, QAction] = {}
        for key, slot, keys in (("hbim.undo", self.undo, (QKeySequence.Undo,)),
                                ("hbim.redo", self.redo, (QKeySequence("Ctrl+Y"), QKeySequence.Redo)),
                                ("hbim.place", self.place_selected, ())):
            act = QAction(self.window)
            act.triggered.connect(lambda *_, s=slot: s())
            if keys:
                act.setShortcuts(list(keys))
                self.window.addAction(act)  # the shortcut works whatever the menubar is doing
            self.actions[key] = act
        self.tools = HbimToolbar(self.window, self)
        self.window.addToolBar(Qt.TopToolBarArea, self.tools)
        self._update_undo()

    def retranslate(self):
        for key, act in self.actions.items():
            act.setText(tr(key))
        self.dock.setWindowTitle(tr("hbim.dock"))
        self.tools.retranslate()
        self.inspector.retranslate()
        mb = self.window.menuBar()
        menus = mb.actions()
        edit = mb.addMenu(tr("hbim.edit_menu"))
        edit.addActions([self.actions["hbim.undo"], self.actions["hbim.redo"]])
        menu = mb.addMenu(tr("hbim.menu"))
        menu.addAction(self.dock.toggleViewAction())
        menu.addAction(self.tools.actions_by_key["fly_bridge"])
        menu.addSeparator()
        menu.addActions([self.tools.actions_by_key[k] for k in (*VISIBILITY, "section")])
        menu.addSeparator()
        menu.addAction(self.actions["hbim.place"])
        if len(menus) >= 2:  # File, Edit, View, …, Heritage BIM, Help
            mb.insertMenu(menus[1], edit)
            mb.insertMenu(menus[-1], menu)

    # undo / redo ----------------------------------------------------------------------
    def undo(self):
        if self._store is not None:
            self._store.undo()
        self._update_undo()

    def redo(self):
        if self._store is not None:
            self._store.redo()
        self._update_undo()

    def _update_undo(self):
        self.actions["hbim.undo"].setEnabled(bool(self._store and self._store.can_undo))
        self.actions["hbim.redo"].setEnabled(bool(self._store and self._store.can_redo))

    # layers, picking, selection -----------------------------------------------------------
    def adapters(self):
        return [a for a in self.window.scene.adapters.values() if isinstance(a, bim.BimAdapter)]

    def _on_inserted(self, _index, layer):
        if layer.kind != "bim":
            return
        if layer.style.get("colour_by", "none") != self.tools.colour_mode:
            layer.set_style(colour_by=self.tools.colour_mode)
        if layer.meta.get("needs_placement"):
            QTimer.singleShot(0, lambda: self.ask_placement(layer))

    def on_hit(self, hit):
        if hit is not None and hit.layer.kind == "bim":
            self.select(hit.layer, hit.feature)
        else:
            self.select(None, None)

    def select(self, layer, index):
        self.selection = (layer, index) if layer is not None else None
        for adapter in self.adapters():
            adapter.set_selected(index if adapter.layer is layer else None)
        self.inspector.show_element(layer, index)
        if layer is not None:
            self.dock.show()
            self.dock.raise_()

    def select_by_name(self, stem: str, name: str) -> bool:
        layer = self.model_layer(stem)
        found = [i for i, e in enumerate(layer.data.elements) if e.get("name") == name] if layer else []
        if found:
            self.select(layer, found[0])
        return bool(found)

    def select_guid(self, guid: str) -> bool:
        """Select a component by IFC GlobalId in whichever loaded model has it (sensor alarms)."""
        for layer in self.window.project.layers:
            if layer.kind == "bim":
                try:
                    index = layer.data.index_of(guid)
                except KeyError:
                    continue
                self.select(layer, index)
                return True
        return False

    def model_layer(self, stem: str):
        return next((lyr for lyr in self.window.project.layers
                     if lyr.kind == "bim" and lyr.source.endswith(f"{stem}.ifc")), None)

    # placement assistant ------------------------------------------------------------------
    def place_selected(self):
        layer = self.selection[0] if self.selection else None
        if layer is not None:
            self.ask_placement(layer)

    def ask_placement(self, layer):
        if layer not in self.window.project.layers:
            return
        if self.selection and self.selection[0] is layer:
            self.select(None, None)
        self.placement_dialog = ask_placement(self.window, layer)

    # documentation screenshot --------------------------------------------------------------
    def demo(self):
        """The README picture: the bridge close up, coloured by condition, arch ring 3 open.

        Other panels' layers and bottom docks are put away so the picture shows HBIM only.
        """
        if self.model_layer("dacang_bridge") is None:
            return
        self.window.loader.finished.disconnect(self.demo)
        tree = self.window.tree.tree
        for row in range(tree.topLevelItemCount()):  # through the tree, so its check boxes agree
            item = tree.topLevelItem(row)
            layer = self.window.project.layers.by_id(item.data(0, Qt.UserRole + 1))
            if layer is not None and layer.kind == "sensors":
                item.setCheckState(0, Qt.Unchecked)
        for dock in self.window.findChildren(QDockWidget):
            if self.window.dockWidgetArea(dock) == Qt.BottomDockWidgetArea:
                dock.hide()
        self.tools.set_colour_mode("condition")
        self.tools.fly_to_model("dacang_bridge", animate=False)
        self.select_by_name("dacang_bridge", "Arch ring 3")
