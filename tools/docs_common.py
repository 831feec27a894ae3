"""What the docs picture tools share: a private data folder, no modal dialogs, an event pump."""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


DEMO_FEED = [False]


def quiet_environment(feed: bool = False):
    """Pictures never touch the user's data or wait on a dialog; no feed unless asked."""
    os.environ.setdefault("SONGJIANG_DATA_DIR", tempfile.mkdtemp(prefix="songjiang-docs-"))
    os.environ.setdefault("SONGJIANG_CONFIG_DIR", tempfile.mkdtemp(prefix="songjiang-docs-config-"))
    DEMO_FEED[0] = feed  # the window's Workspace (offline/workspace.py) decides: no environment variable


def pump(app, seconds: float):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def open_window(lang: str, view: str = "old-town"):
    """(app, window) on the default scene, every layer loaded."""
    from PySide6.QtWidgets import QApplication
    from console.app import MainWindow
    from layers import i18n
    from layers.loading import default_specs
    app = QApplication.instance() or QApplication(sys.argv[:1])
    i18n.set_language(lang)
    from offline.workspace import Workspace
    win = MainWindow(Workspace.open(start_view=view, demo_feed=DEMO_FEED[0]))
    win.resize(1600, 950)
    win.show()
    win.load_specs(default_specs())
    end = time.monotonic() + 120
    while time.monotonic() < end and (win.loader.busy() or win.panels.sensor_panel is not None
                                      and win.panels.sensor_panel.model is None):
        pump(app, 0.05)
    return app, win


def save_window_png(win, out):
    """The window as the docs show it: a 256-colour PNG (small in the repository)."""
    from PIL import Image
    from console.image_export import window_image
    tmp = out.with_suffix(".tmp.png")
    window_image(win).save(str(tmp))
    Image.open(tmp).convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)
    tmp.unlink()
    return str(out)
