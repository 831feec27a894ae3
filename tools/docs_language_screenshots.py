"""Rebuild the README's pictures of the inspector and the HBIM record tree in both languages:

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/docs_language_screenshots.py

Writes docs/inspector-zh.png, docs/inspector-en.png (a noise terminal in alarm) and
docs/hbim-zh.png, docs/hbim-en.png (the Dacang Bridge's arch ring 3 with its records).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SONGJIANG_DATA_DIR", tempfile.mkdtemp(prefix="songjiang-docs-"))
os.environ.setdefault("SONGJIANG_NO_DIALOGS", "1")
os.environ.setdefault("SONGJIANG_NO_FEED", "1")


def pump(app, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    import numpy as np
    from PySide6.QtWidgets import QApplication
    from console.app import MainWindow
    from layers.loading import default_specs
    from layers.sensors.kinds import kind_code
    app = QApplication.instance() or QApplication(sys.argv[:1])
    win = MainWindow(start_view="old-town")
    win.resize(1600, 950)
    win.show()
    win.load_specs(default_specs())
    while win.loader.busy() or win.sensor_panel.model is None:
        pump(app, 0.05)
    panel = win.sensor_panel
    reg = panel.model.registry
    i = int(np.flatnonzero((reg.kind == kind_code("noise")) & (reg.district == reg.district_names.index("old-town")))[0])
    now = time.time()
    panel.model.ingest([i, i], [now - 60, now], [95.0, 96.0])
    bridge = next(lyr for lyr in win.project.layers if lyr.kind == "bim" and "dacang" in lyr.source)
    arch = next(k for k, e in enumerate(bridge.data.elements) if e.get("name") == "Arch ring 3")
    for lang in ("zh", "en"):
        win.set_language(lang)
        panel.select_sensor(i)
        win.inspector_dock.raise_()
        pump(app, 0.5)
        win.inspector_dock.grab().save(str(ROOT / "docs" / f"inspector-{lang}.png"))
        win.hbim.inspector.show_element(bridge, arch)
        win.hbim.dock.raise_()
        pump(app, 0.5)
        win.hbim.dock.grab().save(str(ROOT / "docs" / f"hbim-{lang}.png"))
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
