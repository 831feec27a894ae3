"""Starting the console: `songjiang-console open` (console/cli.py) makes the workspace, the window and its first loads.

Also the start-up figures for bench/bench_startup.py and the docs' whole-window screenshots
(``window_image``), which need a running window but are not part of it.
"""
from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from console import settings
from layers import i18n, layer_kinds
from layers.crs import ProjectCRS
from layers.districts import WHOLE
from layers.project import Project
from offline.workspace import Workspace


def run(args) -> int:
    if not os.environ.get("DISPLAY") and sys.platform.startswith("linux") and not os.environ.get("WAYLAND_DISPLAY"):
        sys.stderr.write("songjiang-console: no display; use `songjiang-console snapshot` headless, "
                         "or run under xvfb-run\n")
        return 2
    # field mode on a package (checked before anything, a window or a setting, is made), else the workstation
    workspace = Workspace.open(getattr(args, "offline", None), history=getattr(args, "history", None),
                               demo_feed=not getattr(args, "no_feed", False), start_view=args.view or WHOLE,
                               store=getattr(args, "store", None), demo=getattr(args, "demo", None) or "",
                               dialogs=not getattr(args, "no_dialogs", False),
                               follow=bool(getattr(args, "store", None)) and not getattr(args, "mqtt", None))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("songjiang-console")
    i18n.set_language(args.lang or settings.saved_language())
    from console import qt_translations
    qt_translations.apply(i18n.language())
    if args.lang:
        settings.save_language(args.lang)
    if i18n.language() == "en":
        i18n.prefetch_pinyin()  # the English labels' transliteration, imported beside the first loads
    from console import ui_scale
    if getattr(args, "font_scale", None) is not None:
        ui_scale.save(args.font_scale)
    ui_scale.apply(app)  # before any window: docks and columns are laid out in the scaled font
    project = Project(crs=ProjectCRS(args.project_crs)) if args.project_crs else Project()
    from console.field import workspace_specs
    specs = workspace_specs(workspace, project)  # a package's layers (its area a bookmark), else the base map
    from console.app import MainWindow
    window = MainWindow(workspace, project)
    if getattr(args, "mqtt", None) and window.panels.sensor_panel is not None:
        from console.feeds.mqtt import MqttSettings
        host, port = args.mqtt
        window.panels.sensor_panel.feed_settings = MqttSettings(
            host=host, port=port, username=args.username or "", tls=bool(args.tls_ca), ca_certs=args.tls_ca or "",
            client_id=args.client_id or "", allow_insecure=args.allow_insecure)
    if getattr(args, "exit_after", None):
        QTimer.singleShot(int(args.exit_after * 1000), window.close)  # closing commits the history
    from console.startup import report_frames, start
    # the base map (or the package's) first, then what the kinds add (HBIM models, sensors);
    # the view shows nothing until the map is in (console/startup.py)
    start(window, specs, [] if workspace.is_field else _kind_specs(args))
    window.load_files(args.files, args.assume_crs)
    if args.screenshot:
        _schedule_screenshot(window, args.screenshot, args.pick)
    if args.bench_first_frame:
        report_frames(window)
    return app.exec()


def _kind_specs(args):
    """The kinds' start-up layers; ``--sta URL`` takes the terminals from a SensorThings server."""
    specs = layer_kinds.default_specs()
    if not getattr(args, "sta", None):
        return specs
    from layers.sensors.source import DEFAULT_SOURCE, sta_spec
    return [sta_spec(args.sta) if s.source == DEFAULT_SOURCE else s for s in specs]


def _schedule_screenshot(window, path, pick=None):
    """For docs and tests: grab the whole window once loading is done, then quit."""
    def grab():
        panel = window.panels.sensor_panel
        if window.loader.busy() or window._fly is not None and window._fly.running \
                or panel is not None and not panel.settled() or getattr(panel, "_demo_pending", False):
            QTimer.singleShot(200, grab)
            return
        if pick:
            pick_lonlat(window, *(float(v) for v in pick.split(",")))
        QApplication.processEvents()
        from console.image_export import window_image
        window_image(window).save(path)
        window.close()
    QTimer.singleShot(1500, grab)


def pick_lonlat(window, lon: float, lat: float):
    """Click the view where a WGS84 point is drawn (docs, scripted demos: ``--pick LON,LAT``)."""
    from console.scene.camera import display_of
    dx, dy = display_of(window.scene, lon, lat)
    ratio = window.view.devicePixelRatioF()
    window.view.pick_at(dx / ratio, window.view.height() - dy / ratio)
