"""The main window: 3D view in the centre, layer tree and inspector docks, bookmarks, status bar."""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressBar,
    QPushButton, QToolBar,
)

from console import settings
from layers import i18n
from layers.i18n import tr
from console.loader import Loader
from console.scene.camera import apply_bookmark, camera_state, restore_camera
from console.scene.scene import Scene
from console.view3d import View3D
from layers.bookmarks import default_bookmarks
from layers.crs import WGS84, ProjectCRS, transform_xy
from layers.districts import WHOLE
from layers import layer_kinds
from layers import package_strings  # noqa: F401  (field package and store recovery words)
from layers.loading import file_spec, is_project
from layers.project import Project, ProjectFileError, open_project
from widgets.background import attach_errors
from offline.workspace import Workspace
from widgets.inspector import Inspector
from widgets.layer_tree import LayerTree

log = logging.getLogger(__name__)
FLY_MS = 700


class MainWindow(QMainWindow):
    def __init__(self, workspace: Workspace | None = None, project: Project | None = None):
        super().__init__()
        self.workspace = workspace or Workspace.open()  # what is open: mode, stores, feed, clock (offline/workspace.py)
        self.project = project or Project()
        self.start_view = self.workspace.start_view
        self.scene = Scene(self.project.crs, self.project.layers)
        self.view = View3D(self.scene, self)
        self.setCentralWidget(self.view)
        from console.gc_guard import GuiThreadGC
        self.gc_guard = GuiThreadGC(self)  # before any worker thread starts: see console/gc_guard.py
        self.loader = Loader(self)
        attach_errors(self.report_error, self)  # failed workers, uncaught exceptions: one line here, logged
        self.view.is_busy = self.loader.busy
        self.errors: list[str] = []
        self._sequence = 0
        self._fly = None
        self._build_docks()
        from console.export.window import WindowExport
        self.exporter = WindowExport(self)
        self._build_actions()
        self._build_status()
        self.setAcceptDrops(True)
        self.view.picked.connect(self.inspector.show_feature)
        # bring the attribute tab forward for everything but BIM components (their panel has its own)
        self.view.picked.connect(lambda layer, _: layer is not None and layer.kind != "bim"
                                 and self.inspector_dock.raise_())
        self.view.hit.connect(lambda hit: self.scene.highlight.show(hit and hit.layer, hit and hit.feature,
                                                                    add=bool(hit and hit.add)))
        self.view.hovered.connect(lambda hit: self.scene.hover.show(hit and hit.layer, hit and hit.feature))
        self.view.cursor_moved.connect(self._show_cursor)
        self.tree.zoom_requested.connect(self.zoom_to_layer)
        self.tree.remove_requested.connect(self.remove_layer)
        self.loader.finished.connect(self._all_loaded)
        self.retranslate_hooks: list = []
        from console.panels import Panels, install_all
        self.panels = Panels()
        for message in install_all(self, self.panels):
            self.report_error(message)
        self.retranslate()
        self.resize(1600, 950)
        from console import layout
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

    # construction ------------------------------------------------------------
    def _build_docks(self):
        self.tree = LayerTree(self.project.layers, self.project.undo)
        self.inspector = Inspector()
        self.layers_dock = QDockWidget(self)
        self.layers_dock.setObjectName("layers")
        from PySide6.QtWidgets import QSplitter

        from widgets.legend import LegendPanel
        self.legend = LegendPanel()
        column = QSplitter(Qt.Vertical)
        column.addWidget(self.tree)
        column.addWidget(self.legend)
        column.setStretchFactor(0, 3)
        column.setStretchFactor(1, 1)
        column.setChildrenCollapsible(False)
        self.layers_dock.setWidget(column)
        self.inspector_dock = QDockWidget(self)
        self.inspector_dock.setObjectName("inspector")
        self.inspector_dock.setWidget(self.inspector)
        self.addDockWidget(Qt.LeftDockWidgetArea, self.layers_dock)
        self.addDockWidget(Qt.RightDockWidgetArea, self.inspector_dock)
        self.resizeDocks([self.layers_dock, self.inspector_dock], [300, 340], Qt.Horizontal)

    def _build_actions(self):
        self.actions = {}
        for key, slot, shortcut in (
            ("action.add_layer", self.add_layer_dialog, QKeySequence.Open),
            ("action.add_layer_gcj", lambda: self.add_layer_dialog("GCJ-02"), None),
            ("action.open_project", self.open_project_dialog, None),
            ("action.save_project", self.save_project_dialog, QKeySequence.Save),
            ("action.save_image", self.save_image_dialog, None),
            ("action.export_map", lambda: self.exporter.dialog(), QKeySequence("Ctrl+E")),
            ("action.create_package", self.package_dialog, None),
            ("action.datum", self.datum_dialog, None),
            ("action.quit", self.close, QKeySequence.Quit),
            ("action.reset_layout", self.reset_layout, None),
            ("action.about", self._about, None),
            ("action.undo", lambda: self.project.undo.undo(), QKeySequence.Undo),
            ("action.redo", lambda: self.project.undo.redo(), QKeySequence.Redo),
        ):
            act = QAction(self)
            act.triggered.connect(lambda *_, s=slot: s())
            if shortcut:
                act.setShortcut(shortcut)
                self.addAction(act)  # the shortcut works whatever the menubar is doing
            self.actions[key] = act
        self.actions["action.redo"].setShortcuts([QKeySequence.Redo, QKeySequence("Ctrl+Y")])
        self.project.undo.changed.connect(self._update_undo)
        self.bookmark_bar = QToolBar(self)
        self.bookmark_bar.setObjectName("bookmarks")
        self.addToolBar(Qt.TopToolBarArea, self.bookmark_bar)
        self.lang_group = QActionGroup(self)
        for lang, label in (("zh", "中文"), ("en", "English")):
            act = QAction(label, self, checkable=True)
            act.setData(lang)
            act.setChecked(i18n.language() == lang)
            self.lang_group.addAction(act)
        self.lang_group.triggered.connect(lambda act: self.set_language(act.data()))
        self.theme_group = QActionGroup(self)
        for name in ("light", "wall"):
            act = QAction(self, checkable=True)
            act.setData(name)
            self.theme_group.addAction(act)
        self.theme_group.triggered.connect(lambda act: self.set_theme(act.data()))

    def _build_status(self):
        self.cursor_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.loader.cancel_all)
        self.statusBar().addWidget(self.cursor_label, 1)  # a normal widget: messages show over it, not behind
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self._set_busy(False)

    def retranslate(self):
        self.setWindowTitle(tr("app.title"))
        if getattr(self, "_cursor", None) is not None:
            self._show_cursor(*self._cursor)
        for key, act in self.actions.items():
            act.setText(tr(key))
        mb = self.menuBar()
        mb.clear()
        file_menu = mb.addMenu(tr("menu.file"))
        for key in ("action.add_layer", "action.add_layer_gcj", None, "action.open_project",
                    "action.save_project", "action.save_image", "action.export_map", "action.datum", None,
                    "action.create_package", None,
                    "action.quit"):
            file_menu.addSeparator() if key is None else file_menu.addAction(self.actions[key])
        edit_menu = mb.addMenu(tr("menu.edit"))
        edit_menu.addActions([self.actions["action.undo"], self.actions["action.redo"]])
        view_menu = mb.addMenu(tr("menu.view"))
        view_menu.addAction(self.layers_dock.toggleViewAction())
        view_menu.addAction(self.inspector_dock.toggleViewAction())
        lang_menu = view_menu.addMenu(tr("menu.language"))
        lang_menu.addActions(self.lang_group.actions())
        theme_menu = view_menu.addMenu(tr("menu.theme"))
        for act in self.theme_group.actions():
            act.setText(tr(f"theme.{act.data()}"))
        theme_menu.addActions(self.theme_group.actions())
        view_menu.addAction(self.actions["action.reset_layout"])
        mb.addMenu(tr("menu.help")).addAction(self.actions["action.about"])
        self.layers_dock.setWindowTitle(tr("dock.layers"))
        self.inspector_dock.setWindowTitle(tr("dock.inspector"))
        self.bookmark_bar.setWindowTitle(tr("bookmarks"))
        self.cancel_button.setText(tr("status.cancel"))
        self.tree.retranslate()
        self.inspector.retranslate()
        self._fill_bookmarks()
        self._update_undo()
        for hook in getattr(self, "retranslate_hooks", []):
            hook()
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

    def reset_layout(self):
        from console import layout
        layout.forget()
        layout.arrange(self)
        self._layout_restored = False

    def refresh_legend(self):
        """The legend panel from what the scene draws now (sensor states, BIM condition colours)."""
        sections = [getattr(a, "legend_section", None) for a in self.scene.adapters.values() if a.layer.visible]
        bim = self.scene.shared.get("bim-legend")
        sections.append(getattr(bim, "legend_section", None))
        self.legend.show_sections([s for s in sections if s])

    def resizeEvent(self, ev):
        super().resizeEvent(ev)
        if not getattr(self, "_layout_restored", True):  # proportional columns until a saved layout rules
            from console import layout
            QTimer.singleShot(0, lambda: layout.size(self))

    def _fill_bookmarks(self):
        self.bookmark_bar.clear()
        for bid, bm in self.project.bookmarks.items():
            act = self.bookmark_bar.addAction(bm.name(i18n.language()), lambda b=bid: self.fly_to(b))
            act.setObjectName(f"bookmark-{bid}")
            act.setToolTip(bid)

    # loading -------------------------------------------------------------------
    def load_specs(self, specs) -> list:
        """Load in parallel, but insert in the order asked for (not the order loads finish)."""
        jobs = []
        for spec in specs:
            self._sequence += 1
            spec = spec.with_order(self._sequence)
            self._set_busy(True, tr("status.loading", name=Path(spec.source).name))
            jobs.append(self.loader.submit(spec, self.project.crs, self._loaded, self.report_error,
                                           self._progress))
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
        for layer in layers:
            order = layer.meta.get("order", 0)
            at = next((i for i, other in enumerate(self.project.layers)
                       if other.meta.get("order", 0) > order), len(self.project.layers))
            try:
                self.project.layers.insert(at, layer)
            except Exception as exc:  # noqa: BLE001 — e.g. a kind whose adapter cannot load
                cause = getattr(exc, "__cause__", None) or exc
                self.report_error(f"{layer.source}: cannot show layer {layer.name!r} ({cause})")
                if layer in self.project.layers:
                    self.project.layers.remove(layer)
        if any(lyr.source.endswith(("districts.geojson", "new_city_extent.geojson")) for lyr in layers):
            found = default_bookmarks(self.project.layers)
            rest = {k: v for k, v in self.project.bookmarks.items() if k not in found}
            self.project.bookmarks = {**found, **rest}
            self._fill_bookmarks()
        self.statusBar().showMessage(tr("status.loaded", name=", ".join(i18n.layer_name(x) for x in layers)), 4000)
        far = [i18n.layer_name(x) for x in layers if x.meta.get("outside_area")]
        if far:  # loaded and listed, but the camera stays on the project area (console/scene/clipping.py)
            message = tr("status.outside_area", name=", ".join(far), crs=self.project.crs.crs)
            log.warning("%s", message)
            self.statusBar().showMessage(message, 15000)

    def _progress(self, fraction, message):
        self.progress.setValue(int(fraction * 100))
        self.progress.setToolTip(message)

    def _all_loaded(self):
        self._set_busy(False)
        if self.start_view and self.start_view in self.project.bookmarks:
            self.fly_to(self.start_view, animate=False)
            self.start_view = None
        elif self.project.camera:
            restore_camera(self.scene.renderer, self.project.camera, self.project.crs)
            self.project.camera = None
        self.view.request_render()

    def _set_busy(self, busy: bool, message: str = ""):
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if message:
            self.statusBar().showMessage(message)

    def report_error(self, message: str, title_key: str = "error.title"):
        """Every read failure reaches the user as one line naming the file; the window carries on."""
        from layers.messages import localize
        log.warning("%s", message)
        self.errors.append(message)  # as raised (English); the user reads it in the interface language
        message = localize(message)
        self.statusBar().showMessage(message, 10000)
        if os.environ.get("SONGJIANG_NO_DIALOGS"):
            return
        box = QMessageBox(QMessageBox.Warning, tr(title_key), message, QMessageBox.Ok, self)
        box.setModal(False)
        box.show()

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
        layer = self.project.layers.by_id(layer_id)
        if layer is not None:
            self.project.layers.remove(layer)

    def pick_lonlat(self, lon: float, lat: float):
        """Click the view where a WGS84 point is drawn (docs, scripted demos)."""
        from console.scene.camera import display_of
        dx, dy = display_of(self.scene, lon, lat)
        ratio = self.view.devicePixelRatioF()
        self.view.pick_at(dx / ratio, self.view.height() - dy / ratio)

    def _show_cursor(self, x, y, z):
        self._cursor = (x, y, z)  # said again in the new language after a switch
        lon, lat = transform_xy([x], [y], self.project.crs.crs, WGS84)
        self.cursor_label.setText(tr("status.cursor", lon=float(lon[0]), lat=float(lat[0]),
                                     crs=self.project.crs.crs, x=x, y=y, z=z))

    # files and projects ------------------------------------------------------------
    def add_layer_dialog(self, assume_crs=None):
        paths, _ = QFileDialog.getOpenFileNames(self, tr("action.add_layer"), "", tr("filter.data"))
        if paths:
            self.load_files(paths, assume_crs)

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
        try:
            saved = self.save_project(path)
        except OSError as exc:
            self.report_error(tr("error.save", msg=str(exc)), "error.save_title")
            return None
        self.statusBar().showMessage(tr("status.saved", name=str(saved)), 5000)
        return saved

    def save_project(self, path) -> Path:
        self.project.camera = camera_state(self.scene.renderer, self.project.crs)
        saved = self.project.save(path)
        self.project.camera = None
        return saved

    def open_project(self, path):
        try:
            opened, specs = open_project(path)
        except (ProjectFileError, OSError) as exc:
            self.report_error(str(exc))
            return
        from console.field import package_of
        package = package_of(specs)
        if package is not None:  # a project saved in field mode: the workspace re-enters it, checked first
            from offline.guard import StoreRefused
            from offline.package.extract import extract_models
            try:
                self.workspace.enter_package(package)
                extract_models(package, self.workspace.package_meta["package_id"])  # the cache may be emptied
            except StoreRefused as exc:
                self.report_error(str(exc))
                return
        for layer in list(self.project.layers):
            self.project.layers.remove(layer)
        self.project.bookmarks = opened.bookmarks
        self.project.camera = opened.camera
        self.project.crs = self.scene.project = opened.crs  # layers are re-read into it below
        self.project.path = opened.path
        self.set_theme(opened.theme, remember=False)
        self.project.undo.clear()
        self.start_view = None
        self._fill_bookmarks()
        self.load_specs(specs)

    def save_project_dialog(self):
        path, _ = QFileDialog.getSaveFileName(self, tr("action.save_project"), "songjiang.sjproj",
                                              tr("filter.project"))
        if path:
            self.save_project_reporting(path)

    def open_project_dialog(self):
        path, _ = QFileDialog.getOpenFileName(self, tr("action.open_project"), "", tr("filter.project"))
        if path:
            self.open_project(path)

    def datum_dialog(self):
        from widgets.datum_dialog import DatumDialog
        dialog = DatumDialog(self.project.crs.datum_shift, self)
        if dialog.exec():
            self.set_datum_shift(dialog.shift)

    def set_datum_shift(self, shift):
        """The project's Helmert set: saved with the project, used by layers read from now on."""
        self.project.crs.datum_shift = shift
        text = "—" if shift is None else f"{shift.kind} {shift.source}"
        self.statusBar().showMessage(tr("status.datum_set", text=text), 8000)

    def save_image_dialog(self):
        path, _ = QFileDialog.getSaveFileName(self, tr("action.save_image"), "songjiang.png", "PNG (*.png)")
        if path:
            self.save_image(path)

    def save_image(self, path) -> Path | None:
        from console.png import write_png
        from console.snapshot import frame_rgb
        try:
            saved = write_png(frame_rgb(self.view.window), Path(path))
        except OSError as exc:
            self.report_error(tr("error.save", msg=str(exc)), "error.save_title")
            return None
        self.statusBar().showMessage(tr("status.saved", name=str(saved)), 5000)
        return saved

    def package_dialog(self):
        """File › Create field package…: built on a worker thread (widgets/package_dialog.py)."""
        from layers import paths
        from widgets.package_dialog import PackageDialog
        dialog = PackageDialog(paths.data_dir() / "field-packages", self, project_path=self.project.path)
        dialog.show()
        return dialog

    def _about(self):
        QMessageBox.about(self, tr("app.title"), tr("about.text"))

    def closeEvent(self, ev):
        from console import layout
        layout.remember(self)
        self._legend_timer.stop()
        self.loader.shutdown()
        self.view.shutdown()
        super().closeEvent(ev)
        self.gc_guard.stop()


def run(args) -> int:
    if not os.environ.get("DISPLAY") and sys.platform.startswith("linux") and not os.environ.get("WAYLAND_DISPLAY"):
        sys.stderr.write("songjiang-console: no display; use `songjiang-console snapshot` headless, "
                         "or run under xvfb-run\n")
        return 2
    # field mode on a package (checked before anything, a window or a setting, is made), else the workstation
    workspace = Workspace.open(getattr(args, "offline", None), history=getattr(args, "history", None),
                               demo_feed=not getattr(args, "no_feed", False), start_view=args.view or WHOLE,
                               store=getattr(args, "store", None))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("songjiang-console")
    i18n.set_language(args.lang or settings.saved_language())
    from console import qt_translations
    qt_translations.apply(i18n.language())
    if args.lang:
        settings.save_language(args.lang)
    project = Project(crs=ProjectCRS(args.project_crs)) if args.project_crs else Project()
    from console.field import workspace_specs
    specs = workspace_specs(workspace, project)  # a package's layers (its area a bookmark), else the base map
    window = MainWindow(workspace, project)
    if getattr(args, "mqtt", None) and window.panels.sensor_panel is not None:
        from console.feeds.mqtt import MqttSettings
        host, port = args.mqtt
        window.panels.sensor_panel.feed_settings = MqttSettings(
            host=host, port=port, username=args.username or "", tls=bool(args.tls_ca), ca_certs=args.tls_ca or "",
            client_id=args.client_id or "", allow_insecure=args.allow_insecure)
    if getattr(args, "exit_after", None):
        QTimer.singleShot(int(args.exit_after * 1000), window.close)  # closing commits the history
    window.show()
    base_jobs = window.load_specs(specs)  # the base map (or the package's) first: its frame is the start-up figure
    if not workspace.is_field:
        window.load_specs(_kind_specs(args))  # then what the kinds add (HBIM models, sensors)
    window.load_files(args.files, args.assume_crs)
    if args.screenshot:
        _schedule_screenshot(window, args.screenshot, args.pick)
    if args.bench_first_frame:
        _report_frames(window, base_jobs)
    return app.exec()


def _kind_specs(args):
    """The kinds' start-up layers; ``--sta URL`` takes the terminals from a SensorThings server."""
    specs = layer_kinds.default_specs()
    if not getattr(args, "sta", None):
        return specs
    from layers.sensors.source import DEFAULT_SOURCE, sta_spec
    return [sta_spec(args.sta) if s.source == DEFAULT_SOURCE else s for s in specs]


def _report_frames(window, base_jobs):
    """bench/bench_startup.py: say when the base map is drawn, and when everything has loaded."""
    pending = set(map(id, base_jobs))

    def base_done(job):
        pending.discard(id(job))
        if not pending:
            window.view.window.Render()
            sys.stdout.write(f"FIRST_FRAME layers={len(window.project.layers)}\n")
            sys.stdout.flush()

    def all_done():
        window.view.window.Render()
        sys.stdout.write(f"ALL_LOADED layers={len(window.project.layers)}\n")
        sys.stdout.flush()
        window.close()
    for job in base_jobs:
        job.on("loaded", lambda *_, j=job: base_done(j)).on("failed", lambda *_, j=job: base_done(j))
    window.loader.finished.connect(lambda: QTimer.singleShot(0, all_done))


def _schedule_screenshot(window, path, pick=None):
    """For docs and tests: grab the whole window once loading is done, then quit."""
    def grab():
        panel = window.panels.sensor_panel
        if window.loader.busy() or window._fly is not None and window._fly.running \
                or panel is not None and not panel.settled() or getattr(panel, "_demo_pending", False):
            QTimer.singleShot(200, grab)
            return
        if pick:
            window.pick_lonlat(*(float(v) for v in pick.split(",")))
        QApplication.processEvents()
        window_image(window).save(path)
        window.close()
    QTimer.singleShot(1500, grab)


def window_image(window):
    """The whole window as a QImage, with the 3D view's frame painted in.

    QWidget.grab() cannot read an OpenGL surface, so the VTK frame is read back
    from VTK and composited where the view sits.
    """
    from PySide6.QtGui import QPainter
    image = window.grab().toImage()
    frame = window.view.frame_image()
    painter = QPainter(image)
    painter.drawImage(window.view.mapTo(window, window.view.rect().topLeft()), frame)
    painter.end()
    return image
