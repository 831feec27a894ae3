"""The main window: a view of one Workspace (offline/workspace.py) and its Project.

The 3D view in the centre; the docks (console/docks.py), status bar (console/status.py),
bookmarks (console/bookmark_bar.py) and menus (console/actions.py, console/window_actions.py)
are built by their modules and kept here; the dialogs are console/dialogs.py, project files
console/project_files.py, images console/image_export.py, start-up console/start.py. The
feature panels get a PanelContext (console/panels/context.py), never the window.
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow

from console import docks, project_files, settings
from console.actions import Actions
from console.bookmark_bar import BookmarkBar
from console.loader import Loader
from console.load_gate import TerrainFirst
from console.panels.kinds import shows_own_inspector
from console.scene.camera import apply_bookmark, restore_camera
from console.scene.scene import Scene
from console.startup import MapFirst
from console.status import Status
from console.view3d import View3D
from layers import i18n
from layers.i18n import tr
from layers.loading import file_spec, is_project
from layers.project import Project
from offline.workspace import Workspace
from widgets.background import attach_errors

log = logging.getLogger(__name__)
FLY_MS = 700


class MainWindow(QMainWindow):
    def __init__(self, workspace: Workspace | None = None, project: Project | None = None):
        super().__init__()
        i18n.load_all()  # the window is an entry point (tools and benches build one directly); once per process
        self.workspace = workspace or Workspace.open()  # what is open: mode, stores, feed, clock (offline/workspace.py)
        self.project = project or Project()
        self.start_view = self.workspace.start_view
        self.scene = Scene(self.project.crs, self.project.layers)
        self.view = View3D(self.scene, self)
        self.map_first = MapFirst(self)  # the view, or "loading the map" until the map is in (issue 26)
        self.setCentralWidget(self.map_first)
        from console.gc_guard import GuiThreadGC
        self.gc_guard = GuiThreadGC(self)  # before any worker thread starts: see console/gc_guard.py
        self.loader = Loader(self)
        self.status = Status(self.statusBar(), self.loader.cancel_all)  # before anything may report an error
        attach_errors(self.report_error, self)  # failed workers, uncaught exceptions: one line here, logged
        self.view.is_busy = self.loader.busy
        self.errors: list[str] = []
        self._sequence, self._fly = 0, None
        self.docks = docks.build(self, self.project)
        self.tree, self.inspector, self.legend = self.docks.tree, self.docks.inspector, self.docks.legend
        self.layers_dock, self.inspector_dock = self.docks.layers_dock, self.docks.inspector_dock
        from console.export.window import WindowExport
        self.exporter = WindowExport(self)
        self.actions = Actions(self)  # menus and actions by id; panels add theirs through their context
        from console import window_actions
        self.lang_group, self.theme_group = window_actions.register(self, self.actions)
        self.project.undo.changed.connect(self._update_undo)
        self.bookmark_bar = BookmarkBar(self)
        self.addToolBar(self.bookmark_bar)
        self.setAcceptDrops(True)
        self._connect_view()
        self.loader.finished.connect(self._all_loaded)
        self.retranslate_hooks: list = []
        self.close_hooks: list = []
        from console.panels import Panels, install_all
        from console.panels.context import context_of
        self.panels = Panels()
        for message in install_all(context_of(self), self.panels):
            self.report_error(message)
        self.retranslate()
        from console import layout
        layout.initial_size(self)
        layout.compact(self)
        # the saved arrangement, else the default one (restoring over an arranged window left a
        # stray tab bar of the default's tab groups over the menu)
        self._layout_restored = layout.restore(self)
        if not self._layout_restored:
            layout.arrange(self)
        self._legend_timer = QTimer(self)
        self._legend_timer.setInterval(1000)
        self._legend_timer.timeout.connect(self.refresh_legend)
        self._legend_timer.start()
        self.set_theme(settings.saved_theme(), remember=False)

    def _connect_view(self):
        view, scene = self.view, self.scene
        view.picked.connect(self.inspector.show_feature)
        view.picked.connect(lambda layer, _: layer is not None and not shows_own_inspector(layer) and self.inspector_dock.raise_())
        view.hit.connect(lambda hit: scene.highlight.show(hit and hit.layer, hit and hit.feature, add=bool(hit and hit.add)))
        view.hovered.connect(lambda hit: scene.hover.show(hit and hit.layer, hit and hit.feature))
        view.cursor_moved.connect(lambda x, y, z: self.status.show_cursor(x, y, z, self.project.crs.crs))
        self.tree.zoom_requested.connect(self.zoom_to_layer)
        self.tree.remove_requested.connect(self.remove_layer)

    # words -----------------------------------------------------------------------------
    def retranslate(self):
        self.setWindowTitle(tr("app.title"))
        self.docks.retranslate(tr)
        self.status.retranslate()
        self._fill_bookmarks()
        for hook in self.retranslate_hooks:
            hook()
        self.actions.retranslate()  # every registered action and menu, the panels' too
        self._update_undo()
        if hasattr(self, "_legend_timer"):
            self.refresh_legend()  # the panels have re-worded their sections

    def _update_undo(self):
        """Edit › Undo/Redo name the step they would take, and are greyed out when there is none."""
        stack = self.project.undo
        for key, can, text in (("action.undo", stack.can_undo, stack.undo_text()),
                               ("action.redo", stack.can_redo, stack.redo_text())):
            act = self.actions[key]
            act.setEnabled(can)
            act.setText(tr(f"{key}_named", text=text) if can and text else tr(key))

    def set_language(self, lang: str):
        from console import qt_translations
        i18n.set_language(lang)
        qt_translations.apply(i18n.language())
        settings.save_language(lang)
        for act in self.lang_group.actions():
            act.setChecked(act.data() == lang)
        self.retranslate()
        self.scene.relabel()

    def set_theme(self, name: str, remember: bool = True):
        """Light or dark "wall" look: the map (sky, ground, base map, labels) and the window."""
        from console.theme_qt import apply_palette
        self.scene.set_theme(name)
        self.project.theme = self.scene.theme.name  # saved with the project, read by exports
        apply_palette(self.scene.theme)
        for act in self.theme_group.actions():
            act.setChecked(act.data() == self.scene.theme.name)
        if remember:
            settings.save_theme(self.scene.theme.name)

    # layout ----------------------------------------------------------------------------------
    def reset_layout(self):
        from console import layout
        layout.forget()
        layout.arrange(self)
        self._layout_restored = False

    def refresh_legend(self):
        """The legend panel from what the scene draws now (sensor states, BIM condition colours)."""
        self.legend.show_sections(docks.legend_sections(self.scene))

    def resizeEvent(self, ev):
        super().resizeEvent(ev)
        if not getattr(self, "_layout_restored", True):  # proportional columns until a saved layout rules
            from console import layout
            QTimer.singleShot(0, lambda: layout.size(self))

    def _fill_bookmarks(self):
        self.bookmark_bar.fill(self.project.bookmarks, self.fly_to)

    # loading -------------------------------------------------------------------
    def load_specs(self, specs) -> list:
        """Load in parallel, but insert in the order asked for (not the order loads finish)."""
        gate, jobs = TerrainFirst(self._loaded, specs), []  # console/load_gate.py: the terrain first
        for spec in specs:
            self._sequence += 1
            spec = spec.with_order(self._sequence)
            self.status.set_busy(True, tr("status.loading", name=Path(spec.source).name))
            jobs.append(gate.watch(spec, self.loader.submit(spec, self.project.crs, gate.on_loaded(spec),
                                                            self.report_error, self.status.set_progress)))
        return jobs

    def load_files(self, paths, assume_crs=None):
        specs = []
        for p in paths:
            if is_project(p):
                self.open_project(p)
            else:
                specs.append(file_spec(p, assume_crs))
        self.load_specs(specs)

    def _loaded(self, layers):
        if project_files.insert_loaded(self.project, layers, self.report_error):
            self._fill_bookmarks()
        for message, ms in project_files.loaded_messages(self.project, layers):
            self.status.show(message, ms)

    def place_start_view(self) -> bool:
        """The start bookmark, once: when the map first shows (console/startup.py), else when all has loaded."""
        if self.start_view and self.start_view in self.project.bookmarks:
            self.fly_to(self.start_view, animate=False)
            self.start_view = None
            return True
        return False

    def _all_loaded(self):
        self.status.set_busy(False)
        if not self.place_start_view() and self.project.camera:
            restore_camera(self.scene.renderer, self.project.camera, self.project.crs)
            self.project.camera = None
        self.view.request_render()

    def report_error(self, message: str, title_key: str = "error.title"):
        """Every read failure reaches the user as one line naming the file; the window carries on."""
        from layers.messages import localize
        log.warning("%s", message)
        self.errors.append(message)  # as raised (English); the user reads it in the interface language
        self.status.tell(localize(message), tr(title_key), self, ask=self.workspace.dialogs)

    # camera ---------------------------------------------------------------------
    def fly_to(self, bookmark, animate: bool = True):
        """To a project bookmark by id, or to a Bookmark of its own (never put in the project's list)."""
        bm = self.project.bookmarks.get(bookmark) if isinstance(bookmark, str) else bookmark
        if bm is None:
            return
        if not animate:
            apply_bookmark(self.scene.renderer, bm, self.project.crs)
            self.view.request_render()
            return
        from console.scene.fly import CameraFlight
        self._fly = CameraFlight(self.scene.renderer, bm, self.project.crs, FLY_MS, self.view.request_render)
        self._fly.start()

    def zoom_to_layer(self, layer_id: str):
        from layers.bookmarks import bookmark_for_extent
        layer = self.project.layers.by_id(layer_id)
        if layer is None or not layer.has_bounds():
            return
        b = layer.bounds
        self.fly_to(bookmark_for_extent("layer", layer.name, layer.name, b[0], b[1], b[3], b[4], z=b[2]))

    def remove_layer(self, layer_id: str):
        if (layer := self.project.layers.by_id(layer_id)) is not None:
            self.project.layers.remove(layer)

    # files and projects ------------------------------------------------------------
    def dragEnterEvent(self, ev):
        if ev.mimeData().hasUrls():
            ev.acceptProposedAction()

    def dropEvent(self, ev):
        paths = [u.toLocalFile() for u in ev.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.load_files(paths)
            ev.acceptProposedAction()

    def save_project_reporting(self, path) -> Path | None:
        """File › Save project: a failure (read-only folder, full disk) is told, not swallowed."""
        return project_files.save_reporting(self.project, self.scene, path, self.status, self.report_error)

    def save_project(self, path) -> Path:
        return project_files.save_project(self.project, self.scene, path)

    def open_project(self, path):
        opened = project_files.read_project(path, self.workspace, self.report_error)
        if opened is None:
            return
        project_files.adopt(self.project, self.scene, opened.project)
        self.set_theme(opened.project.theme, remember=False)
        self.start_view = None
        self._fill_bookmarks()
        self.load_specs(opened.specs)

    def save_image(self, path) -> Path | None:
        from console.image_export import save_image
        return save_image(self.view, path, self.status, self.report_error)

    def package_dialog(self):
        from console import dialogs
        return dialogs.package(self)

    def closeEvent(self, ev):
        for hook in self.close_hooks:  # the panels first: their feeds and readers stop
            hook()
        from console import layout
        layout.remember(self)
        self._legend_timer.stop()
        self.loader.shutdown()
        self.view.shutdown()
        super().closeEvent(ev)
        self.gc_guard.stop()
