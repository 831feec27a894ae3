"""Rebuild the README pictures of the live-operations tools (run under Xvfb).

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/docs_screenshots.py

Writes docs/connect.png (Sensors › Connect…), docs/alarms.png (the alarm table filtered to the
old town) and docs/vitals.png (the city vital-signs dock), from the demo feed in English.
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


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from console.app import MainWindow
    from console.image_export import window_image
    from layers import i18n
    from layers.loading import default_specs
    app = QApplication.instance() or QApplication(sys.argv[:1])
    i18n.set_language("en")
    from offline.workspace import Workspace
    win = MainWindow(Workspace.open(start_view="old-town"))
    win.resize(1600, 950)
    win.show()
    win.load_specs(default_specs())
    panel = win.panels.sensor_panel
    end = time.monotonic() + 120
    while time.monotonic() < end and (win.loader.busy() or not panel.settled()):
        app.processEvents()
        time.sleep(0.05)
    win.fly_to("old-town", animate=False)
    for _ in range(40):  # a few seconds of the demo feed, so alarms are confirmed
        app.processEvents()
        time.sleep(0.1)
    panel.alarms.refresh()
    panel.alarms.set_filter(district="old-town")
    panel.refresh_vitals()
    panel.vitals_dock.raise_()
    app.processEvents()
    window_image(win).save(str(ROOT / "docs" / "alarms.png"))
    panel.vitals_dock.widget().grab().save(str(ROOT / "docs" / "vitals.png"))
    dialog = panel.connect_dialog()
    dialog.profile.setCurrentText("Operations centre (TLS)")
    dialog.host.setText("mqtt.ops.example")
    dialog.port.setValue(8883)
    dialog.ca_certs.setText("/etc/songjiang/ca.crt")
    dialog.username.setText("ops-centre")
    dialog.client_id.setText("ops-centre-console-1")
    app.processEvents()
    dialog.grab().save(str(ROOT / "docs" / "connect.png"))
    dialog.reject()
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
