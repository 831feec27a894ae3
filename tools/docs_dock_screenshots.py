"""Rebuild the README pictures of the docks at 1366×768 (issue 26): the window as it opens on a
1366×768 screen, default layout, with the alarm list, the city vital signs and the heritage
records of the Dacang Bridge's arch ring 3 each in front in turn, with the demo feed:

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python tools/docs_dock_screenshots.py

Writes docs/docks-1366-{alarms,vitals,records}.png (palette PNGs) in English and Chinese
(``-zh`` suffix).
"""
from __future__ import annotations

import os
import sys
import tempfile

from docs_common import ROOT, pump, quiet_environment, save_window_png  # noqa: E402


def shoot(app, win, name: str, lang: str) -> str:
    from PySide6.QtWidgets import QDockWidget
    dock = win.findChild(QDockWidget, {"alarms": "sensor-alarms", "vitals": "sensor-vitals",
                                       "records": "hbim"}[name])
    dock.show()
    dock.raise_()
    pump(app, 1.0)
    out = ROOT / "docs" / f"docks-1366-{name}{'' if lang == 'en' else '-' + lang}.png"
    return save_window_png(win, out)


def main() -> int:
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="songjiang-docs-config-")  # the default layout
    quiet_environment(feed=True)
    from docs_common import open_window
    app, win = open_window("en", "old-town")
    win.resize(1366, 768)
    end = 120
    while end > 0 and not win.panels.sensor_panel.settled():
        pump(app, 0.5)
        end -= 0.5
    pump(app, 4.0)  # the feed raises its first alarms
    win.fly_to("old-town", animate=False)
    win.panels.hbim.select_by_name("dacang_bridge", "Arch ring 3")
    for lang in ("en", "zh"):
        win.set_language(lang)
        win.panels.sensor_panel.refresh_vitals()
        for name in ("alarms", "vitals", "records"):
            print(shoot(app, win, name, lang))
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
