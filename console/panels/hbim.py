"""Heritage BIM in the main window: the record inspector dock, the HBIM toolbar and menu, placement.

The bim kind's registry entries (console/scene/kinds.py, layers/layer_kinds.py) supply the adapter and
the five old-town models; this panel adds the window's parts. Selection and
view tools act on each layer's ``view`` (layers/bim/view.py); record edits and
view changes are steps on the application's undo stack (``project.undo``).
"""
from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QObject, Qt, QTimer

from layers.bookmarks import Bookmark
from layers.hub.source import is_hub
from layers.i18n import tr
from layers.spec import LayerSpec
from offline.hbim_seed import grades
from widgets.hbim.inspector import HbimInspector
from widgets.hbim.placement import PlacementDialog
from widgets.hbim.toolbar import VISIBILITY, HbimToolbar
from layers.layer_kinds import is_kind

log = logging.getLogger(__name__)
GRADED = ("condition", "damage")  # colour modes graded from the record store ("sensors": layers/hub/bindings.py)


def install(ctx) -> dict:
    from console.panels.field import FieldPanel
    from console.panels.field_mode import FieldMode
    field = ctx.panels.field = FieldPanel(ctx)  # its actions go in the HBIM menu, after the panel's own
    return {"field": field, "hbim": HbimPanel(ctx), "field_mode": FieldMode(ctx)}


class HbimPanel(QObject):
    def __init__(self, ctx):
        super().__init__(ctx.host)
        self.ctx = ctx
        self._store = None
        self._refused = None  # the store's refusal, once the user chose to go on without it
        self._grades: dict | None = None
        self.placement_dialog = None
        self.inspector = HbimInspector(lambda: self.store, ctx.report_error)
        self.inspector.message.connect(lambda text: ctx.status.show(text, 6000))
        self.dock = ctx.dock("hbim", self.inspector, tab_with=ctx.inspector_dock)
        self._install_browser()
        self.tools = HbimToolbar(ctx.host, self)
        ctx.add_toolbar(self.tools)
        self._install_menu(ctx.actions)
        ctx.view.hit.connect(self.on_hit)
        ctx.project.layers.events.inserted.connect(self._on_inserted)
        ctx.project.layers.events.removed.connect(self._on_removed)
        ctx.retranslate_hooks.append(self.retranslate)
        ctx.workspace.changed.connect(lambda *_: self.use_store(ctx.workspace.hbim_path))
        if ctx.workspace.demo == "hbim":
            ctx.loader.finished.connect(self.demo)

    def _install_menu(self, actions):
        """The HBIM menu: the docks, the toolbar's flight, visibility and section tools, placement (field: 90+)."""
        actions.add_menu("hbim", "hbim.menu", 50)
        actions.add("hbim.dock", action=self.dock.toggleViewAction(), menu="hbim", order=10)
        actions.add("hbim.browser", action=self.browser_dock.toggleViewAction(), menu="hbim", order=11)
        tools = self.tools.actions_by_key
        actions.add("hbim.fly_bridge", action=tools["fly_bridge"], menu="hbim", order=12)
        actions.add_separator("hbim", 19)
        for order, key in enumerate((*VISIBILITY, "section")):
            actions.add(f"hbim.{key}", action=tools[key], menu="hbim", order=20 + order)
        actions.add_separator("hbim", 39)
        actions.add("hbim.place", self.place_selected, menu="hbim", order=40)

    def _install_browser(self):
        """The BIM browser dock (tree, search, storey and discipline filters), behind the HBIM inspector."""
        from layers.undo import change_views
        from widgets.hbim.browser import BimBrowser

        def show(layer, default, exceptions, text):
            change_views(self.undo, [layer.view], lambda: layer.view.set_visibility(default, exceptions), text)
        self.browser = BimBrowser(self.bim_layers, self.select, show)
        self.browser_dock = self.ctx.dock("bim-browser", self.browser, tab_with=self.dock)
        self.dock.raise_()
        self._browser_timer = QTimer(self)
        self._browser_timer.setSingleShot(True)
        self._browser_timer.setInterval(200)  # many models arrive together at start-up: fill the tree once
        self._browser_timer.timeout.connect(self.browser.refresh)

    @property
    def undo(self):
        return self.ctx.undo

    # the record store (opened when first needed, so a window without HBIM layers never creates it)
    @property
    def store(self):
        if self._store is None:
            self._store = self._open_store()
            self._store.changed.connect(self._on_store_changed)
        return self._store

    def use_store(self, path):
        """From now on the records are those of ``path`` (a field package); the open store is closed."""
        if self._store is not None and self._store.path != path:
            self._store.close()
            self._store = None
        self._refused, self._grades = None, None

    def records_path(self):
        """The file the records are in: the field package in field mode, else the user's record store."""
        return self.ctx.workspace.hbim_path

    def package_records(self):
        """The records when they are a field package's (journalled), else None; never opens a workstation store."""
        from offline.field.package import is_package
        if self._store is None and not is_package(self.records_path()):
            return None
        return self.store if self.store.journal is not None else None

    def _open_store(self):
        """The window's store, through the one opener (a package is journalled; it decides by the file).

        Only the user's own record store is ever offered a fresh start when damaged; a package never is.
        """
        from layers import paths
        from offline.guard import StoreRefused, set_aside
        from widgets.store_recovery import offer_fresh_store
        if self._refused is not None:
            raise self._refused
        path = self.records_path()
        try:
            return self.ctx.workspace.open_records(self.undo)
        except StoreRefused as exc:
            if path != paths.hbim_store() or not offer_fresh_store(self.ctx.host, str(exc), "store.what.hbim",
                                                                   self.ctx.workspace.dialogs):
                self._refused = exc
                self.ctx.report_error(str(exc))
                raise
        kept = set_aside(path)
        self.ctx.status.show(tr("store.kept_as", path=str(kept)), 15000)
        return self.ctx.workspace.open_records(self.undo)

    def _supply_grades(self, layers):
        """Colour-by needs the latest grades; read once per store change, shared by every model."""
        if self._grades is None:
            try:
                self._grades = grades(self.store)
            except Exception as exc:  # noqa: BLE001 — no store: colour as "no record"
                log.warning("HBIM grades unavailable: %s", exc)
                self._grades = {}
        for layer in layers:
            layer.view.set_grades(self._grades)

    def _on_store_changed(self, table, guid):
        self._grades = None
        coloured = [lyr for lyr in self.bim_layers() if lyr.view.colour_by in GRADED]
        if coloured:
            self._supply_grades(coloured)
        if guid == self.inspector.guid:
            self.inspector.refresh()

    def reread(self):
        """The records changed behind this window's store (a sync wrote the centre's into the package)."""
        if self._store is not None:
            self._on_store_changed(None, self.inspector.guid)

    def retranslate(self):
        self.dock.setWindowTitle(tr("hbim.dock"))
        self.browser_dock.setWindowTitle(tr("bim.browser"))
        self.browser.retranslate()
        self.tools.retranslate()
        self.inspector.retranslate()

    # layers, picking, selection -----------------------------------------------------------
    def bim_layers(self):
        return [lyr for lyr in self.ctx.project.layers if is_kind(lyr, "bim")]

    def _on_inserted(self, _index, layer):
        if not is_kind(layer, "bim"):
            return
        self._browser_timer.start()
        layer.view.events.all.connect(lambda info, lyr=layer: self._view_changed(lyr, info.signal.name))
        if layer.view.colour_by in GRADED:
            self._supply_grades([layer])
        self.tools.sync()
        if layer.data.needs_placement:
            QTimer.singleShot(0, lambda: self.ask_placement(layer))

    def _on_removed(self, _index, layer):
        if is_kind(layer, "bim"):
            self._browser_timer.start()
        if is_kind(layer, "bim") and self.selection and self.selection[0] is layer:
            self.inspector.show_element(None, None)

    def _view_changed(self, layer, what):
        if what == "colour_by" and layer.view.colour_by in GRADED and not layer.view.grades.get(layer.view.colour_by):
            self._supply_grades([layer])
        if what in ("colour_by", "grades", "section"):
            self.tools.sync()

    @property
    def selection(self):
        """(layer, element index) of the selected component, or None."""
        for layer in self.bim_layers():
            index = layer.view.selected_index()
            if index is not None:
                return layer, index
        return None

    def on_hit(self, hit):
        if hit is not None and is_kind(hit.layer, "bim"):
            self.select(hit.layer, hit.feature, add=hit.add)
        elif hit is None or not hit.add:  # Ctrl+click on something else keeps the components
            self.select(None, None)

    def select(self, layer, index, add: bool = False):
        """Select one component (None: none); ``add`` toggles it in the selection (Ctrl+click)."""
        guid = layer.data.elements[index]["guid"] if layer is not None else None
        for lyr in self.bim_layers():
            if not add:
                lyr.view.select(guid if lyr is layer else None)
            elif lyr is layer:
                lyr.view.select(guid, add=True)
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
        for layer in self.bim_layers():
            try:
                index = layer.data.index_of(guid)
            except KeyError:
                continue
            self.select(layer, index)
            storey = layer.data.elements[index].get("storey")
            if storey and is_hub(layer):  # a tower's terminal: show its storey, the rest of the tower x-rayed
                self.browser.show_storey(layer, storey)
            return True
        return False

    def model_layer(self, stem: str):
        return next((lyr for lyr in self.bim_layers()
                     if lyr.source.endswith(f"{stem}.ifc") or lyr.source.endswith(f"{stem}.ifczip")), None)

    def camera_position(self):
        """The camera in the project CRS (where a section keeps the far half)."""
        scene = self.ctx.scene
        position = scene.renderer.GetActiveCamera().GetPosition()
        return scene.project.from_scene([position])[0]

    def fly_to_model(self, stem: str, animate: bool = True):
        """A close, low view from the west-south-west: arches and facades face the camera."""
        import numpy as np
        layer = self.model_layer(stem)
        if layer is None or not layer.has_bounds():
            return
        b = layer.bounds
        adapter = self.ctx.scene.adapters.get(layer.id)
        shift = adapter.ground_shift(np.asarray(layer.data.points)) if adapter else 0.0
        span = max(b[3] - b[0], b[4] - b[1], b[5] - b[2])
        focal = ((b[0] + b[3]) / 2, (b[1] + b[4]) / 2, (b[2] + b[5]) / 2 + shift)
        self.ctx.fly_to(Bookmark(stem, layer.name, layer.meta.get("name_en") or layer.name, focal, span * 2.0,
                                    70.0, 22.0), animate=animate)

    # placement assistant ------------------------------------------------------------------
    def place_selected(self):
        layer = self.selection[0] if self.selection else None
        if layer is not None:
            self.ask_placement(layer)

    def ask_placement(self, layer):
        if layer not in self.ctx.project.layers:
            return
        if self.selection and self.selection[0] is layer:
            self.select(None, None)
        ctx = self.ctx

        def view_centre():
            found = ctx.view.ground_at(ctx.view.width() / 2, ctx.view.height() / 2)
            if found is None:
                return None
            x, y, z = found
            return x, y, z / max(ctx.scene.exaggeration(), 1e-9)  # the true ground, not as drawn
        dlg = PlacementDialog(layer.name, ctx.project.crs, view_centre, ctx.host)
        dlg.accepted.connect(lambda: self.place(layer, dlg.placement()))
        dlg.show()
        self.placement_dialog = dlg

    def place(self, layer, placement):
        """Swap the layer for one read with the placement; its spec (and so the project file) keeps it."""
        spec = replace(LayerSpec.of_layer(layer), placement=placement.to_dict(), id=None)
        if layer in self.ctx.project.layers:
            self.ctx.project.layers.remove(layer)
        self.ctx.load_specs([spec])
        self.ctx.status.show(tr("hbim.placed", name=layer.name), 4000)

    # documentation screenshot --------------------------------------------------------------
    def demo(self):
        """The README picture: the bridge close up, coloured by condition, arch ring 3 open.

        Other panels' layers and bottom docks are put away so the picture shows HBIM only.
        """
        if self.model_layer("dacang_bridge") is None:
            return
        self.ctx.loader.finished.disconnect(self.demo)
        tree = self.ctx.tree.tree
        for row in range(tree.topLevelItemCount()):  # through the tree, so its check boxes agree
            item = tree.topLevelItem(row)
            layer = self.ctx.project.layers.by_id(item.data(0, Qt.UserRole + 1))
            if layer is not None and is_kind(layer, "sensors"):
                item.setCheckState(0, Qt.Unchecked)
        for dock in self.ctx.docks_in(Qt.BottomDockWidgetArea):
            dock.hide()
        self.tools.set_colour_mode("condition")
        self.fly_to_model("dacang_bridge", animate=False)
        self.select_by_name("dacang_bridge", "Arch ring 3")
